"""The real 2025 rearrangement, built from the mapping package, previewed then applied to the
legacy registry (in the session fixture), checked against the official list."""

from __future__ import annotations

import pytest
from django.db.models import Count, Q

from tinhgon.conftest import AFTER, BEFORE, NATIONAL, unit
from tinhgon.core.errors import DomainError
from tinhgon.core.text import normalize
from tinhgon.reorg import engine
from tinhgon.units import selectors
from tinhgon.units.kinds import KINDS_BY_LEVEL, Kind, Level
from tinhgon.units.models import LinkEvent, UnitLink, UnitVersion
from tinhgon.units.national import load_sources

pytestmark = pytest.mark.django_db


def test_the_preview_announces_what_the_apply_then_did():
    preview, applied = NATIONAL["preview"], NATIONAL["apply"]
    assert preview["units_opened"] == applied["units_opened"] == 3321
    assert preview["units_closed"] == applied["units_closed"]
    assert (
        preview["figures_after"]["administrative_units"]
        == applied["figures_after"]["administrative_units"]
    )
    assert preview["figures_before"]["administrative_units"]["commune_level"] == 10040
    assert preview["figures_after"]["administrative_units"]["commune_level"] == 3321


def test_the_preview_changed_nothing_in_the_database():
    assert NATIONAL["preview_changed_nothing"] is True


def test_after_the_plan_the_registry_is_exactly_the_official_list():
    sources = load_sources()
    official = {(r.code, normalize(r.name), str(r.kind)) for r in sources.official_communes}
    registry = set(
        selectors.versions_on(AFTER)
        .filter(kind__in=KINDS_BY_LEVEL[Level.COMMUNE])
        .values_list("code", "name", "kind")
    )
    assert registry == official
    provinces = {(r.code, r.name) for r in sources.official_provinces}
    assert (
        set(
            selectors.versions_on(AFTER)
            .filter(level=Level.PROVINCE, kind__in=KINDS_BY_LEVEL[Level.PROVINCE])
            .values_list("code", "name")
        )
        == provinces
    )
    assert selectors.versions_on(AFTER).filter(kind__in=KINDS_BY_LEVEL[Level.DISTRICT]).count() == 0


def test_every_legacy_commune_has_a_successor_and_divided_ones_exactly_one_default():
    legacy = UnitVersion.objects.filter(source="vietnamadminunits", valid_to=BEFORE)
    communes = legacy.filter(kind__in=KINDS_BY_LEVEL[Level.COMMUNE]).values("unit_id")
    links = UnitLink.objects.filter(predecessor_id__in=communes)
    per_commune = links.values("predecessor_id").annotate(
        defaults=Count("id", filter=Q(is_default=True)),
        parts=Count("id", filter=Q(is_default=False)),
    )
    rows = list(per_commune)
    assert len(rows) == 10035
    assert all(row["defaults"] == 1 for row in rows)
    divided = [row for row in rows if row["parts"]]
    assert len(divided) == 471
    # The five island districts with no commune went whole into special zones.
    islands = UnitLink.objects.filter(
        predecessor__versions__kind=Kind.RURAL_DISTRICT, event=LinkEvent.CONSOLIDATE
    ).values_list("predecessor__versions__name", flat=True)
    assert "Huyện Côn Đảo" in set(islands)


def test_son_la_goes_from_200_communes_to_75():
    before = unit("Sơn La", day=BEFORE, level=Level.PROVINCE, province=None)
    assert (
        selectors.versions_on(BEFORE)
        .filter(province_id=before.unit_id, kind__in=KINDS_BY_LEVEL[Level.COMMUNE])
        .count()
        == 200
    )
    assert (
        selectors.versions_on(AFTER)
        .filter(province_id=before.unit_id, kind__in=KINDS_BY_LEVEL[Level.COMMUNE])
        .count()
        == 75
    )


def test_the_lineage_of_phuong_chieng_an_lists_the_legacy_units_it_came_from():
    chieng_an = unit("Phường Chiềng An")
    summary = selectors.lineage_summary(chieng_an.unit_id)
    names = {p["name"] for p in summary["predecessors"]}
    assert names == {"Xã Chiềng Đen", "Xã Chiềng Xôm", "Phường Chiềng An"}
    assert all(p["valid_to"] == "2025-06-30" for p in summary["predecessors"])


def test_a_legacy_code_still_finds_todays_commune():
    legacy = selectors.resolve_any_time("03664", province="Sơn La")  # Xã Chiềng Xôm, closed
    assert legacy.name == "Xã Chiềng Xôm"
    current = selectors.lineage_summary(legacy.unit_id)["current"]
    assert [c["name"] for c in current] == ["Phường Chiềng An"]


def test_a_merged_province_absorbs_the_others_and_keeps_its_code():
    tuyen_quang = unit("Tuyên Quang", level=Level.PROVINCE, province=None)
    summary = selectors.lineage_summary(tuyen_quang.unit_id)
    assert {p["name"] for p in summary["predecessors"] if p["event"] == "absorb"} == {
        "Tỉnh Hà Giang"
    }
    assert (
        selectors.resolve("Tuyên Quang", day=BEFORE, level=Level.PROVINCE).unit_id
        == tuyen_quang.unit_id
    )


def test_applying_the_applied_plan_is_refused():
    with pytest.raises(DomainError) as caught:
        engine.run(NATIONAL["plan"], apply=True)
    assert caught.value.code == "already_applied"


def test_an_official_of_a_merged_commune_works_in_the_new_commune_and_in_no_closed_one():
    persona = NATIONAL["legacy_official"]
    chieng_an = unit("Phường Chiềng An")
    api = persona.api()
    assert api.get(f"/api/units/{chieng_an.unit_id}").status_code == 200
    created = api.post(
        "/api/units",
        {
            "code": "03667-TCT",
            "name": "Tổ công tác chuyển đổi số",
            "kind": "division",
            "parent_id": selectors.versions_on(AFTER)
            .get(admin_unit_id=chieng_an.unit_id, kind="peoples_committee")
            .unit_id,
            "valid_from": "2026-02-01",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    legacy = NATIONAL["legacy_unit"]
    assert api.get(f"/api/units/{legacy}", {"as_of": "2025-06-30"}).status_code == 404
    renamed = api.post(
        f"/api/units/{legacy}/versions",
        {"effective": "2025-06-01", "name": "Xã Đổi Tên"},
        content_type="application/json",
    )
    assert renamed.status_code == 404
    me = api.get("/api/accounts/me").json()
    assert [m["unit_id"] for m in me["memberships"]] == [chieng_an.unit_id]
