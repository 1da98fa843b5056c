import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import translation

from tinhgon.conftest import unit
from tinhgon.core import text
from tinhgon.core.errors import DomainError
from tinhgon.core.models import AuditEvent
from tinhgon.core.tests.cli import refused
from tinhgon.staffing import figures, protect, services, synthetic
from tinhgon.staffing.models import Assignment, Official, Position, Quota
from tinhgon.units import selectors
from tinhgon.units.kinds import Level


@pytest.fixture(autouse=True)
def in_english():  # type: ignore[no-untyped-def]
    """The messages are matched as written (English source strings)."""
    with translation.override("en"):
        yield


DAY = dt.date(2026, 1, 15)


def _three_wards():  # type: ignore[no-untyped-def]
    return [
        unit(name, level=Level.COMMUNE).unit_id
        for name in ("Phường Tô Hiệu", "Phường Chiềng An", "Phường Chiềng Cơi")
    ]


def _snapshot() -> list[tuple]:
    return list(
        Official.objects.order_by("pk").values_list(
            "unit_id", "full_name", "birth_date", "ethnicity", "home_commune_id", "level"
        )
    )


def test_generated_staff_are_labelled_synthetic_and_fill_seats_without_exceeding_them(db):
    result = synthetic.generate(units=_three_wards(), officials_per_unit=20, seed=7, day=DAY)
    assert result.officials == 60 and result.units == 3
    assert not Official.objects.filter(synthetic=False).exists()
    assert not Position.objects.filter(synthetic=False).exists()
    assert all(n.startswith("000") for n in map(protect.unseal, _sealed()))
    # 13 seats in a commune's template: 13 held in each, the other 7 officials without one.
    assert result.seats == 3 * 13 and result.assignments == 3 * 13
    for position in Position.objects.all():
        assert position.assignments.count() <= position.seats
    for assignment in Assignment.objects.select_related("official", "position"):
        assert assignment.official.category == assignment.position.category
    assert AuditEvent.objects.get(action="staffing.synthetic_generate").data["officials"] == 60


def _sealed() -> list[str]:
    return list(Official.objects.values_list("national_id_sealed", flat=True))


def test_the_same_seed_gives_the_same_staff(db):
    wards = _three_wards()
    synthetic.generate(units=wards, officials_per_unit=5, seed=3, day=DAY)
    first = _snapshot()
    Assignment.objects.all().delete()
    Official.objects.all().delete()
    Position.objects.all().delete()
    Quota.objects.all().delete()
    synthetic.generate(units=wards, officials_per_unit=5, seed=3, day=DAY)
    assert _snapshot() == first


def test_a_second_run_on_the_same_units_is_refused_and_writes_nothing(db):
    wards = _three_wards()
    synthetic.generate(units=wards, officials_per_unit=2, seed=1, day=DAY)
    count = Official.objects.count()
    with pytest.raises(DomainError, match="exist already"):
        synthetic.generate(units=wards[:1], officials_per_unit=2, seed=2, day=DAY)
    assert Official.objects.count() == count


def _quota_total(unit_ids: list[int], category: str = "civil_servant") -> int:
    rows = Quota.objects.filter(unit_id__in=unit_ids, year=2026, category=category)
    return rows.aggregate(total=Sum("count"))["total"] or 0


def test_synthetic_quotas_are_the_staff_within_about_ten_per_cent_at_the_top_units(son_la):
    wards = _three_wards()
    synthetic.generate(units=wards, seed=1, day=DAY)
    for ward in wards:
        filled = Assignment.objects.filter(unit_id=ward, position__category="civil_servant")
        quota = _quota_total([ward])
        assert abs(quota - filled.count()) <= round(0.1 * filled.count()) + 1
    # The province has no quota of its own: its figures are its units' rows, counted once.
    assert not Quota.objects.filter(unit_id=son_la.unit_id).exists()


def test_synthetic_quotas_show_a_surplus_in_some_units_and_a_shortage_in_others(son_la):
    call_command("staff", "demo", "--province", "Sơn La", "--as-of", DAY.isoformat(),
                 stdout=io.StringIO())  # fmt: skip
    tops = Quota.objects.order_by("unit_id").values_list("unit_id", flat=True).distinct()
    surplus = [figures.unit_figures(DAY, top, gaps=False)["surplus"] for top in tops[:40]]
    assert any(s > 0 for s in surplus) and any(s < 0 for s in surplus)
    # Across the province the quota is the staff within about 10 %, not several times over.
    held = Assignment.objects.filter(position__category="civil_servant").count()
    quota = Quota.objects.filter(category="civil_servant").aggregate(total=Sum("count"))["total"]
    assert 0.9 * held <= quota <= 1.1 * held


def test_a_synthetic_ancestor_quota_is_raised_to_cover_its_children(son_la):
    services.quota_set(
        actor=None,
        unit_id=son_la.unit_id,
        year=2026,
        category="civil_servant",
        count=5,
        decision="Dữ liệu mẫu",
        synthetic=True,
    )
    wards = _three_wards()
    synthetic.generate(units=wards, seed=1, day=DAY)
    province = _quota_total([son_la.unit_id])
    assert province == _quota_total(wards) > 5
    # So the parent's cap holds: a fourth ward cannot get a quota beyond the province's.
    fourth = unit("Phường Chiềng Sinh", level=Level.COMMUNE)
    with pytest.raises(DomainError, match="Sơn La"):
        services.quota_set(
            actor=None,
            unit_id=fourth.unit_id,
            year=2026,
            category="civil_servant",
            count=1,
            decision="QĐ thử",
        )


def test_a_province_quota_set_after_the_demo_must_cover_the_synthetic_quotas(son_la):
    wards = _three_wards()
    synthetic.generate(units=wards, seed=1, day=DAY)
    with pytest.raises(DomainError, match="already hold"):
        services.quota_set(
            actor=None,
            unit_id=son_la.unit_id,
            year=2026,
            category="civil_servant",
            count=_quota_total(wards) - 1,
            decision="QĐ thử",
        )


def test_a_quota_decided_by_a_person_that_is_too_small_refuses_the_run(son_la):
    services.quota_set(
        actor=None,
        unit_id=son_la.unit_id,
        year=2026,
        category="civil_servant",
        count=5,
        decision="QĐ 1/QĐ-UBND",
    )
    with pytest.raises(DomainError, match="decided by a person"):
        synthetic.generate(units=_three_wards(), officials_per_unit=2, seed=1, day=DAY)
    assert not Official.objects.exists() and not Position.objects.exists()


def test_the_demo_command_fills_every_unit_of_the_province_and_says_it_is_synthetic(
    son_la, capsys, monkeypatch
):
    out = io.StringIO()
    call_command(
        "staff", "demo", "--province", "Sơn La", "--seed", "5", "--as-of", "2026-01-15", stdout=out
    )
    assert "SYNTHETIC" in out.getvalue()
    communes = selectors.versions_on(DAY).filter(province_id=son_la.unit_id, level=Level.COMMUNE)
    assert Position.objects.filter(unit_id__in=communes.values("unit_id")).exists()
    # The department of home affairs has its director.
    snv = selectors.versions_on(DAY).get(code__endswith="-SNV", province_id=son_la.unit_id)
    head = Position.objects.get(unit_id=snv.unit_id, leader_role="head")
    assert head.assignments.count() == 1
    officials = Official.objects.count()
    line = refused(
        "staff", "demo", "--province", "Sơn La", "--as-of", "2026-01-15",
        monkeypatch=monkeypatch, capsys=capsys,
    )  # fmt: skip
    filled = Position.objects.values("unit_id").distinct().count()
    with translation.override("en"):
        count = text.number(filled)
    assert (
        line == f"{son_la.name} already holds synthetic staff ({count} units): nothing was written."
    )
    assert Official.objects.count() == officials


def test_the_demo_command_speaks_json(son_la):
    out = io.StringIO()
    call_command(
        "staff", "demo", "--province", "Sơn La", "--as-of", "2026-01-15", "--format", "json",
        stdout=out,
    )  # fmt: skip
    data = json.loads(out.getvalue())
    assert data["synthetic"] is True and data["officials"] == Official.objects.count() > 1000
