"""The writes: standards versioned by date (national and a province's own), inventory lines
(add, change under a version, write off in part), premises and their status moves, the figures;
each audited, each refusal naming its field, the same move again harmless."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tinhgon.core.errors import DomainError, Forbidden, NotFound
from tinhgon.core.models import AuditEvent
from tinhgon.equipment import selectors, services
from tinhgon.equipment.models import InventoryItem, PremisesStatus, Standard
from tinhgon.equipment.services import LineSpec
from tinhgon.equipment.tests.factories import item, premises
from tinhgon.units import selectors as units

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre(chieng_an) -> int:
    today = timezone.localdate()
    return units.versions_on(today).get(code=f"{chieng_an.code}-TTHCC").unit_id


def _scanners(unit_id: int, day: dt.date) -> int:
    return next(
        g.required for g in selectors.gaps(day=day, unit_ids=[unit_id]) if g.item == "scanner"
    )


def test_the_seeded_standards_cite_their_sources_and_say_which_figures_are_to_confirm():
    centre_standard = Standard.objects.get(province__isnull=True, kind="office", role="TTHCC")
    lines = {i.item_type.code: i for i in centre_standard.items.select_related("item_type")}
    assert {
        "counter",
        "queue-system",
        "scanner",
        "document-camera",
        "computer",
        "bandwidth",
    } <= set(lines)
    assert lines["computer"].per == "officer" and lines["scanner"].per == "counter"
    assert "61/2018/NĐ-CP" in centre_standard.source
    assert all(line.source for line in lines.values())
    assert "to confirm" in lines["bandwidth"].source
    office = Standard.objects.get(province__isnull=True, kind="office", role="VP")
    assert "car" in set(office.items.values_list("item_type__code", flat=True))


def test_a_new_version_applies_from_its_date_and_the_gaps_before_it_use_the_old_one(
    centre, superuser
):
    services.profile_set(actor=None, unit_id=centre, officers=5, counters=2)
    services.standard_version_create(
        actor=superuser.user,
        kind="office",
        role="TTHCC",
        valid_from=dt.date(2026, 3, 1),
        title="Trung tâm Phục vụ hành chính công cấp xã (sửa đổi)",
        lines=[LineSpec("scanner", 2, "counter")],
    )
    assert _scanners(centre, dt.date(2026, 2, 28)) == 2  # 1 per counter × 2
    assert _scanners(centre, dt.date(2026, 3, 1)) == 4  # 2 per counter × 2
    assert AuditEvent.objects.filter(action="equipment_standard_create").count() == 1


def test_a_provinces_own_version_wins_over_the_national_one_of_the_same_date_only_there(
    centre, son_la, province_admin, to_hieu
):
    services.profile_set(actor=None, unit_id=centre, officers=5, counters=2)
    services.standard_version_create(
        actor=province_admin.user,
        province_id=son_la.unit_id,
        kind="office",
        role="TTHCC",
        valid_from=dt.date(2025, 7, 1),
        title="Tiêu chuẩn của tỉnh Sơn La",
        source="Quyết định của UBND tỉnh (thử)",
        lines=[LineSpec("scanner", 3, "counter")],
    )
    day = dt.date(2026, 1, 1)
    assert _scanners(centre, day) == 6
    # Only its lines: the national lines of that role no longer apply in Sơn La.
    assert {g.item for g in selectors.gaps(day=day, unit_ids=[centre]) if g.required} == {"scanner"}


def test_the_same_version_again_is_harmless_and_a_different_one_on_that_date_is_refused(superuser):
    spec = dict(
        actor=superuser.user,
        kind="office",
        role="TTHCC",
        valid_from=dt.date(2026, 5, 1),
        title="Bản mới",
        lines=[LineSpec("scanner", 2, "counter")],
    )
    first = services.standard_version_create(**spec)  # type: ignore[arg-type]
    assert services.standard_version_create(**spec).pk == first.pk  # type: ignore[arg-type]
    with pytest.raises(DomainError) as refused:
        services.standard_version_create(**{**spec, "lines": [LineSpec("scanner", 3, "counter")]})  # type: ignore[arg-type]
    assert refused.value.status == 409 and refused.value.problems[0].field == "valid_from"


def test_national_standards_are_a_superusers_and_bad_lines_are_named_one_by_one(
    province_admin, commune_official, son_la
):
    with pytest.raises(Forbidden):
        services.standard_version_create(
            actor=province_admin.user,
            kind="office",
            role="TTHCC",
            valid_from=dt.date(2026, 5, 1),
            title="X",
            lines=[LineSpec("scanner", 1)],
        )
    with pytest.raises(NotFound):
        services.standard_version_create(
            actor=commune_official.user,
            province_id=son_la.unit_id,
            kind="office",
            valid_from=dt.date(2026, 5, 1),
            title="X",
            lines=[LineSpec("scanner", 1)],
        )
    with pytest.raises(DomainError) as refused:
        services.standard_version_create(
            actor=None,
            kind="office",
            valid_from=dt.date(2026, 5, 1),
            title="X",
            lines=[LineSpec("nothing", 1), LineSpec("scanner", 1, "week"), LineSpec("scanner", 1)],
        )
    fields = [p.field for p in refused.value.problems]
    assert fields == ["lines[1]", "lines[2]", "lines[3]"]


def test_a_line_is_added_by_the_wards_official_and_refused_to_its_neighbour_and_observer(
    centre, commune_official, other_commune_official, observer
):
    made = services.inventory_add(
        actor=commune_official.user, unit_id=centre, item="scanner", quantity=2, value=36_000_000
    )
    assert made.province_id is not None and made.unit_id == centre
    assert AuditEvent.objects.filter(action="equipment_item_add", unit_id=centre).exists()
    with pytest.raises(NotFound):
        services.inventory_add(
            actor=other_commune_official.user, unit_id=centre, item="scanner", quantity=1
        )
    with pytest.raises(Forbidden):
        services.inventory_add(actor=observer.user, unit_id=centre, item="scanner", quantity=1)
    with pytest.raises(NotFound):
        services.access_item(other_commune_official.user, made.pk)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"item": "flying-car"}, "item"),
        ({"condition": "new"}, "condition"),
        ({"acquired_year": 1850}, "acquired_year"),
        ({"value": -1}, "value"),
        ({"location": "x" * 201}, "location"),
    ],
)
def test_a_bad_line_is_refused_naming_its_field(centre, change, field):
    values = {"item": "scanner", "quantity": 1, **change}
    with pytest.raises(DomainError) as refused:
        services.inventory_add(actor=None, unit_id=centre, **values)
    assert refused.value.problems[0].field == field
    assert not InventoryItem.objects.filter(unit_id=centre).exists()


def test_a_line_changed_since_it_was_read_is_refused_and_the_same_change_again_is_harmless(centre):
    line = item(centre, "computer", 3)
    fields: dict[str, Any] = dict(
        quantity=4, condition="usable", acquired_year=2020, value=0, location="", note=""
    )
    services.inventory_update(actor=None, item_id=line.pk, version=0, **fields)
    again = services.inventory_update(actor=None, item_id=line.pk, version=0, **fields)
    assert again.version == 1 and again.quantity == 4
    with pytest.raises(DomainError) as stale:
        services.inventory_update(
            actor=None, item_id=line.pk, version=0, **{**fields, "quantity": 5}
        )
    assert stale.value.status == 409 and stale.value.code == "stale"


def test_writing_off_part_of_a_line_splits_it_with_its_value_and_the_same_write_off_is_harmless(
    centre,
):
    line = item(centre, "computer", 4, value=60_000_000, acquired_year=2018)
    written = services.inventory_write_off(
        actor=None, item_id=line.pk, quantity=1, reason="Hỏng main"
    )
    line.refresh_from_db()
    assert (line.quantity, line.value, line.written_off_on) == (3, 45_000_000, None)
    assert (written.quantity, written.value, written.acquired_year) == (1, 15_000_000, 2018)
    assert written.written_off_on == timezone.localdate()
    assert (
        services.inventory_write_off(actor=None, item_id=written.pk, reason="lại").pk == written.pk
    )
    held = next(g for g in selectors.gaps(unit_ids=[centre]) if g.item == "computer")
    assert held.available == 3
    with pytest.raises(DomainError) as closed:
        services.inventory_update(actor=None, item_id=written.pk, quantity=2, condition="good")
    assert closed.value.status == 409
    with pytest.raises(DomainError) as too_many:
        services.inventory_write_off(actor=None, item_id=line.pk, quantity=4, reason="x")
    assert too_many.value.problems[0].field == "quantity"


def test_premises_move_through_their_statuses_and_handed_over_is_final(centre):
    building = premises(centre, "Trụ sở cũ")
    with pytest.raises(DomainError) as skipped:
        services.premises_update(
            actor=None, premises_id=building.pk, status=PremisesStatus.HANDED_OVER
        )
    assert skipped.value.code == "illegal_move"
    services.premises_update(
        actor=None,
        premises_id=building.pk,
        status=PremisesStatus.SURPLUS,
        planned_use="Bán đấu giá",
    )
    done = services.premises_update(
        actor=None, premises_id=building.pk, status=PremisesStatus.HANDED_OVER
    )
    assert done.status == PremisesStatus.HANDED_OVER and done.planned_use == "Bán đấu giá"
    assert (
        services.premises_update(
            actor=None, premises_id=building.pk, status=PremisesStatus.HANDED_OVER
        ).version
        == done.version
    )
    with pytest.raises(DomainError):
        services.premises_update(actor=None, premises_id=building.pk, status=PremisesStatus.IN_USE)
    events = AuditEvent.objects.filter(action="equipment_premises_update", unit_id=centre)
    assert [e.data["status"] for e in events.order_by("id")] == ["surplus", "handed_over"]


def test_the_headquarters_is_not_declared_surplus_and_must_be_the_units_own(centre, to_hieu):
    hq = premises(centre, "Trụ sở chính")
    services.profile_set(actor=None, unit_id=centre, officers=6, counters=3, headquarters_id=hq.pk)
    with pytest.raises(DomainError) as refused:
        services.premises_update(actor=None, premises_id=hq.pk, status=PremisesStatus.SURPLUS)
    assert "headquarters" in refused.value.message
    elsewhere = premises(to_hieu.unit_id, "Trụ sở khác")
    with pytest.raises(DomainError) as foreign:
        services.profile_set(
            actor=None, unit_id=centre, officers=6, counters=3, headquarters_id=elsewhere.pk
        )
    assert foreign.value.problems[0].field == "headquarters"


def test_per_counter_lines_use_the_standards_counters_until_the_unit_records_its_own(centre):
    assert _scanners(centre, timezone.localdate()) == 3
    services.profile_set(actor=None, unit_id=centre, officers=None, counters=5)
    assert _scanners(centre, timezone.localdate()) == 5
