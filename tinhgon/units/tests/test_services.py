"""Writes to the registry: dated versions, and refusals that name the field and change nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from tinhgon.conftest import AFTER, BEFORE, unit
from tinhgon.core.errors import DomainError
from tinhgon.core.models import AuditEvent
from tinhgon.core.text import sort_key
from tinhgon.units import selectors, services
from tinhgon.units.kinds import Kind, Level
from tinhgon.units.models import Unit, UnitVersion

pytestmark = pytest.mark.django_db

LATER = dt.date(2026, 1, 1)


def committee(admin):
    return selectors.versions_on(AFTER).get(
        admin_unit_id=admin.unit_id, kind=Kind.PEOPLES_COMMITTEE
    )


def refused(call, field):
    units, versions = Unit.objects.count(), UnitVersion.objects.count()
    with pytest.raises(DomainError) as caught:
        call()
    assert [p.field for p in caught.value.problems] == [field]
    assert (Unit.objects.count(), UnitVersion.objects.count()) == (units, versions)
    return caught.value


def test_a_new_agency_takes_its_level_and_province_from_its_parent():
    son_la = unit("Sơn La", level=Level.PROVINCE, province=None)
    home_affairs = selectors.versions_on(AFTER).get(code=f"{son_la.code}-SNV")
    version = services.unit_create(
        actor=None,
        code="14-SNV-TCBC",
        name="Phòng Tổ chức - Biên chế",
        kind=Kind.DIVISION,
        parent_id=home_affairs.unit_id,
        valid_from=LATER,
    )
    assert (version.level, version.province_id, version.admin_unit_id) == (
        Level.PROVINCE,
        son_la.unit_id,
        son_la.unit_id,
    )
    assert AuditEvent.objects.filter(action="unit_create", unit_id=version.unit_id).exists()


def test_an_unknown_kind_is_refused_naming_the_kind():
    son_la = unit("Sơn La", level=Level.PROVINCE, province=None)
    refused(
        lambda: services.unit_create(
            actor=None,
            code="Q",
            name="Q",
            kind="ministry",
            parent_id=son_la.unit_id,
            valid_from=LATER,
        ),
        "kind",
    )


def test_a_parent_that_did_not_exist_on_the_date_is_refused():
    chieng_an = unit("Phường Chiềng An")
    refused(
        lambda: services.unit_create(
            actor=None,
            code="Q",
            name="Q",
            kind=Kind.OFFICE,
            parent_id=chieng_an.unit_id,
            valid_from=BEFORE,
        ),
        "parent",
    )


def test_a_code_in_use_on_the_date_is_refused():
    chieng_an = unit("Phường Chiềng An")
    refused(
        lambda: services.unit_create(
            actor=None,
            code=chieng_an.code,
            name="Q",
            kind=Kind.OFFICE,
            parent_id=committee(chieng_an).unit_id,
            valid_from=LATER,
        ),
        "code",
    )


def test_moving_a_unit_under_its_own_descendant_is_refused_as_a_cycle():
    son_la = unit("Sơn La", level=Level.PROVINCE, province=None)
    ubnd = committee(son_la)
    home_affairs = selectors.versions_on(AFTER).get(code=f"{son_la.code}-SNV")
    division = services.unit_create(
        actor=None,
        code="14-SNV-X",
        name="Phòng X",
        kind=Kind.DIVISION,
        parent_id=home_affairs.unit_id,
        valid_from=LATER,
    )
    error = refused(
        lambda: services.unit_change(
            actor=None,
            unit_id=ubnd.unit_id,
            effective=dt.date(2026, 2, 1),
            parent_id=division.unit_id,
            move=True,
        ),
        "parent",
    )
    assert "vòng lặp" in error.message  # "cycle", in the default language


def test_an_administrative_unit_cannot_become_an_agency():
    chieng_an = unit("Phường Chiềng An")
    refused(
        lambda: services.unit_change(
            actor=None, unit_id=chieng_an.unit_id, effective=LATER, kind=Kind.OFFICE
        ),
        "kind",
    )


def test_a_rename_keeps_the_identity_and_answers_by_date():
    chieng_an = unit("Phường Chiềng An")
    services.unit_change(
        actor=None, unit_id=chieng_an.unit_id, effective=LATER, name="Phường Chiềng An Mới"
    )
    assert (
        selectors.version_on(chieng_an.unit_id, LATER - dt.timedelta(days=1)).name
        == "Phường Chiềng An"
    )
    assert selectors.version_on(chieng_an.unit_id, LATER).name == "Phường Chiềng An Mới"
    assert UnitVersion.objects.filter(unit_id=chieng_an.unit_id).count() == 2
    # The old name still finds the unit.
    assert selectors.resolve("Chiềng An Mới", day=LATER).unit_id == chieng_an.unit_id


def test_reclassifying_a_commune_as_a_ward_keeps_it_at_commune_level():
    commune = (
        selectors.versions_on(AFTER)
        .filter(
            province_id=unit("Sơn La", level=Level.PROVINCE, province=None).unit_id,
            kind=Kind.COMMUNE,
        )
        .first()
    )
    assert commune is not None
    version = services.unit_change(
        actor=None, unit_id=commune.unit_id, effective=LATER, kind=Kind.WARD
    )
    assert (version.kind, version.level) == (Kind.WARD, Level.COMMUNE)


def test_a_unit_with_units_under_it_cannot_close():
    chieng_an = unit("Phường Chiềng An")
    refused(
        lambda: services.unit_close(actor=None, unit_id=chieng_an.unit_id, last_day=LATER), "unit"
    )


def test_closing_an_office_ends_its_version_and_records_who():
    office = selectors.versions_on(AFTER).get(
        admin_unit_id=unit("Phường Chiềng An").unit_id, code__endswith="-TTHCC"
    )
    services.unit_close(actor=None, unit_id=office.unit_id, last_day=LATER)
    assert (
        not selectors.versions_on(LATER + dt.timedelta(days=1))
        .filter(unit_id=office.unit_id)
        .exists()
    )
    assert selectors.versions_on(LATER).filter(unit_id=office.unit_id).exists()
    assert AuditEvent.objects.filter(action="unit_close", unit_id=office.unit_id).exists()


def test_the_tree_as_of_a_date_shows_the_parents_of_that_date():
    son_la_before = unit("Sơn La", day=BEFORE, level=Level.PROVINCE, province=None)
    tree = selectors.tree(son_la_before.unit_id, BEFORE, max_depth=2)
    districts = [c for c in tree.children if c.version.level == Level.DISTRICT]
    assert len(districts) == 12
    assert sum(len(d.children) for d in districts) == 200
    city = next(d for d in districts if d.version.name == "Thành phố Sơn La")
    assert "Phường Chiềng An" in {c.version.name for c in city.children}


def test_children_are_sorted_in_vietnamese_alphabetical_order():
    son_la = unit("Sơn La", level=Level.PROVINCE, province=None)
    names = list(
        selectors.versions_on(AFTER)
        .filter(parent_id=son_la.unit_id, kind=Kind.COMMUNE)
        .vietnamese_order()
        .values_list("name", flat=True)
    )
    firsts = [n.removeprefix("Xã ")[0] for n in names]
    # 'Đ' comes right after 'D', never after 'Y' as in code-point order.
    if "Đ" in firsts:
        assert firsts.index("Đ") < firsts.index("M")
    assert names == sorted(names, key=sort_key)


@pytest.mark.parametrize(
    ("code", "name", "field"),
    [
        ("ª\u0089", "Tổ", "code"),
        ("A B", "Tổ", "code"),
        ("T-1", "Tổ\x00", "name"),
        ("T-1", "   ", "name"),
    ],
)
def test_codes_and_names_must_be_what_an_official_list_holds(code, name, field):
    parent = committee(unit("Phường Chiềng An"))
    refused(
        lambda: services.unit_create(
            actor=None,
            code=code,
            name=name,
            kind=Kind.DIVISION,
            parent_id=parent.unit_id,
            valid_from=LATER,
        ),
        field,
    )


def test_a_date_before_1945_is_refused_as_implausible():
    parent = unit("Sơn La", day=BEFORE, level=Level.PROVINCE, province=None)
    refused(
        lambda: services.unit_create(
            actor=None,
            code="X-135",
            name="Cơ quan cổ",
            kind=Kind.PARTY_COMMITTEE,
            parent_id=parent.unit_id,
            valid_from=dt.date(135, 8, 3),
        ),
        "valid_from",
    )


def test_a_date_after_2100_is_refused_as_implausible():
    parent = unit("Sơn La", day=BEFORE, level=Level.PROVINCE, province=None)
    refused(
        lambda: services.unit_create(
            actor=None,
            code="X-9999",
            name="Cơ quan xa",
            kind=Kind.PARTY_COMMITTEE,
            parent_id=parent.unit_id,
            valid_from=dt.date(9999, 12, 31),
        ),
        "valid_from",
    )
