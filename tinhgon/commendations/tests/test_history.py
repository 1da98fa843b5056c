"""Issue 12, Done when: a commendation of a collective decided in 2023 appears on its 2025
successor's page and in `commendations list --with-predecessors`.

The session's registry holds the real 2025 national plan, applied by the engine: Xã Chiềng Xôm
(Sơn La) closed on 30/06/2025 into its successor ward.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from tinhgon.commendations import decisions, selectors
from tinhgon.commendations.models import Authority
from tinhgon.conftest import AFTER, NATIONAL
from tinhgon.staffing.tests import factories as staff
from tinhgon.units import selectors as units

pytestmark = pytest.mark.django_db

DAY_2023 = dt.date(2023, 11, 15)


def chieng_xom() -> int:
    return NATIONAL["legacy_unit"]


def successor() -> int:
    (link, _distance), *_rest = units.lineage(chieng_xom(), direction="successors")
    return link.successor_id


def record_2023(province_id: int, unit_id: int) -> None:
    decisions.decision_record(
        actor=None,
        province_id=province_id,
        number="1234/QĐ-UBND",
        date=DAY_2023,
        authority=Authority.PROVINCE,
        signed_by="Chủ tịch UBND tỉnh",
        rows=[
            decisions.RecordedRow(
                form="bang-khen-chu-tich-tinh", reason="Năm 2023", unit_id=unit_id
            )
        ],
    )


def list_json(*args: str) -> list[dict]:
    out = io.StringIO()
    call_command("commendations", "list", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_a_2023_commendation_of_a_merged_commune_is_listed_with_its_successors_predecessors(son_la):
    record_2023(son_la.unit_id, unit_id=chieng_xom())
    code = units.version_on(successor(), AFTER).code
    old_code = units.latest_version(chieng_xom()).code

    inherited = list_json("--unit", code, "--with-predecessors")
    own = list_json("--unit", code)

    assert [(r["decision"], r["date"], r["recipient_kind"], r["via"]) for r in inherited] == [
        ("1234/QĐ-UBND", "2023-11-15", "collective", old_code)
    ]
    assert inherited[0]["form"] == "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
    assert inherited[0]["recipient"] == "Xã Chiềng Xôm"
    assert inherited[0]["unit"] == old_code
    assert own == []


def test_the_successors_page_shows_the_predecessors_commendation(son_la, province_admin):
    record_2023(son_la.unit_id, unit_id=chieng_xom())

    page = province_admin.browser().get(f"/units/{successor()}/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Commendations (including predecessors)" in text
    assert "1234/QĐ-UBND" in text and "Xã Chiềng Xôm" in text


def test_a_unit_page_without_commendations_has_no_section(son_la, province_admin):
    page = province_admin.browser().get(f"/units/{successor()}/")

    assert "Commendations (including predecessors)" not in page.content.decode()


def test_the_legacy_communes_own_list_still_holds_its_commendation(son_la):
    record_2023(son_la.unit_id, unit_id=chieng_xom())

    rows = list_json("--unit", str(units.latest_version(chieng_xom()).code))

    assert [r["via"] for r in rows] == [None]


def test_an_individuals_record_follows_the_official_to_another_unit(son_la, chieng_an, to_hieu):
    official = staff.official(chieng_an.unit_id, day=AFTER)
    decisions.decision_record(
        actor=None,
        province_id=son_la.unit_id,
        number="77/QĐ-UBND",
        date=AFTER,
        authority=Authority.PROVINCE,
        signed_by="Chủ tịch UBND tỉnh",
        rows=[
            decisions.RecordedRow(form="bang-khen-chu-tich-tinh", official_id=official, reason="x")
        ],
    )
    from tinhgon.staffing.models import Official

    Official.objects.filter(pk=official).update(unit_id=to_hieu.unit_id)

    record = selectors.official_history(official)

    assert [(r["decision"], r["unit_name"]) for r in record] == [("77/QĐ-UBND", "Phường Chiềng An")]


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--unit", "no-such-unit-xyz", "--format", "json"),
        ("list", "--format", "json"),
        ("official", "--id", "abc"),
        ("official", "--id", "999999999"),
        ("demo", "--province", "Nowhere"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_one(db, capsys, monkeypatch, args):  # type: ignore[no-untyped-def]
    from tinhgon.commendations.management.commands.commendations import Command
    from tinhgon.core import commands

    monkeypatch.setattr(commands.connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["tinhgon", "commendations", *args])
    captured = capsys.readouterr()
    assert exited.value.code == 1
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1


def test_commendations_follow_two_reorganizations_back_through_the_lineage(son_la):
    """A 2023 commune → a 2025 ward (the national plan) → a 2026 ward formed by merging three
    (a plan applied through the engine): the 2026 ward lists both its direct predecessor's 2025
    commendation and the 2023 one of the commune before it."""
    from tinhgon.reorg import engine
    from tinhgon.staffing.tests.test_carriers import DAY, merge_three, new_ward, plan, wards

    ward_2025 = wards()[1]  # Phường Chiềng An
    (link, _distance), *_rest = units.lineage(ward_2025, direction="predecessors")
    record_2023(son_la.unit_id, link.predecessor_id)
    decisions.decision_record(
        actor=None,
        province_id=son_la.unit_id,
        number="55/QĐ-UBND",
        date=dt.date(2025, 9, 1),
        authority=Authority.PROVINCE,
        signed_by="Chủ tịch UBND tỉnh",
        rows=[decisions.RecordedRow(form="co-thi-dua-tinh", unit_id=ward_2025, reason="2025")],
    )

    engine.apply_plan(plan(merge_three()))

    code = units.version_on(new_ward(), DAY).code
    found = list_json("--unit", code, "--with-predecessors")
    assert [(r["decision"], r["via"] is not None) for r in found] == [
        ("55/QĐ-UBND", True),
        ("1234/QĐ-UBND", True),
    ]
