"""The national import, on the real data of the installed packages."""

from __future__ import annotations

import pytest

from tinhgon.conftest import AFTER, BEFORE, db_checksum, unit
from tinhgon.reports.selectors import Area, apparatus_figures
from tinhgon.units import selectors
from tinhgon.units.importer import import_legacy, plan_units
from tinhgon.units.kinds import KINDS_BY_LEVEL, Kind, Level
from tinhgon.units.models import ImportConflict
from tinhgon.units.national import load_sources

pytestmark = pytest.mark.django_db


def count(day, *, kinds=None, level=None, province=None):
    qs = selectors.versions_on(day)
    if level is not None:
        qs = qs.filter(kind__in=KINDS_BY_LEVEL[level])
    if kinds is not None:
        qs = qs.filter(kind__in=kinds)
    if province is not None:
        qs = qs.filter(province_id=province.unit_id)
    return qs.count()


def test_the_day_before_the_reform_has_63_provinces_696_districts_and_10040_communes():
    figures = apparatus_figures(BEFORE)["administrative_units"]
    assert figures["province_level"] == 63
    assert figures["district_level"] == 696
    # 10,035 communes, wards and townships, plus 5 island districts without communes.
    assert figures["commune_level"] == 10040
    assert count(BEFORE, level=Level.COMMUNE) == 10035
    assert figures["districts_without_communes"] == 5


def test_the_reform_day_has_34_provinces_3321_communes_and_no_district_level():
    assert count(AFTER, level=Level.PROVINCE) == 34
    assert count(AFTER, level=Level.DISTRICT) == 0
    assert count(AFTER, level=Level.COMMUNE) == 3321
    assert count(AFTER, kinds=[Kind.WARD]) == 687
    assert count(AFTER, kinds=[Kind.COMMUNE]) == 2621
    assert count(AFTER, kinds=[Kind.SPECIAL_ZONE]) == 13
    assert apparatus_figures(AFTER)["levels"] == 2
    assert apparatus_figures(BEFORE)["levels"] == 3


def test_son_la_has_12_districts_and_200_communes_then_75_units():
    son_la_before = unit("Sơn La", day=BEFORE, level=Level.PROVINCE, province=None)
    son_la_after = unit("Sơn La", day=AFTER, level=Level.PROVINCE, province=None)
    assert count(BEFORE, level=Level.DISTRICT, province=son_la_before) == 12
    assert count(BEFORE, level=Level.COMMUNE, province=son_la_before) == 200
    assert count(AFTER, level=Level.COMMUNE, province=son_la_after) == 75
    assert count(AFTER, kinds=[Kind.COMMUNE], province=son_la_after) == 67
    assert count(AFTER, kinds=[Kind.WARD], province=son_la_after) == 8


def test_a_province_the_reform_left_alone_keeps_its_identity():
    before = unit("Sơn La", day=BEFORE, level=Level.PROVINCE, province=None)
    after = unit("Sơn La", day=AFTER, level=Level.PROVINCE, province=None)
    assert before.unit_id == after.unit_id
    merged_before = unit("Hà Giang", day=BEFORE, level=Level.PROVINCE, province=None)
    assert selectors.versions_on(AFTER).filter(unit_id=merged_before.unit_id).count() == 0


def test_official_codes_and_names_win_after_the_reform():
    chieng_an = unit("Phường Chiềng An")
    # vietnamadminunits says 03664; the official list 03667.
    assert chieng_an.code == "03667"
    assert chieng_an.kind == Kind.WARD
    assert chieng_an.valid_from == AFTER


def test_the_import_report_lists_more_than_a_hundred_code_and_name_conflicts():
    code_or_name = ImportConflict.objects.filter(
        category__in=["commune_code_differs", "commune_name_differs", "commune_spelling_differs"]
    )
    assert code_or_name.count() > 100
    chieng_an = ImportConflict.objects.get(
        category="commune_code_differs", official_name="Phường Chiềng An"
    )
    assert (chieng_an.official_code, chieng_an.other_code) == ("03667", "03664")
    assert chieng_an.status == "resolved"


def test_the_import_report_leaves_open_what_it_cannot_match():
    open_conflicts = ImportConflict.objects.filter(status="open")
    # Every open conflict names what is unmatched; none is silently dropped.
    assert all(c.official_name or c.other_name for c in open_conflicts)


def test_name_keys_with_vietnamese_letters_are_reported_and_normalized():
    conflict = ImportConflict.objects.filter(category="name_key_not_ascii").first()
    assert conflict is not None
    assert conflict.other_name.isascii() is False
    assert "Normalized to '" in conflict.resolution


def test_island_districts_without_communes_are_reported():
    names = set(
        ImportConflict.objects.filter(category="district_without_communes").values_list(
            "other_name", flat=True
        )
    )
    assert "Huyện Côn Đảo" in names and len(names) == 5


def test_running_the_legacy_import_again_changes_nothing():
    before = db_checksum()
    result = import_legacy()
    assert result.units_created == 0
    assert db_checksum() == before


def test_legacy_only_leaves_every_legacy_unit_open_for_the_reform_to_close():
    waves = plan_units(load_sources())
    planned = [p for wave in waves for p in wave]
    assert len(planned) == 63 + 696 + 10035
    assert all(p.valid_to is None for p in planned)
    assert all(p.key.startswith("legacy:") for p in planned)


def test_figures_of_a_province_count_its_template_apparatus():
    son_la = unit("Sơn La", level=Level.PROVINCE, province=None)
    figures = apparatus_figures(AFTER, area=Area(province_id=son_la.unit_id))
    assert figures["departments"] == 14
    assert figures["focal_points_under_province"] == 14
    assert figures["by_kind"][Kind.PEOPLES_COMMITTEE] == 76
    assert figures["offices"] == 75 * 4
