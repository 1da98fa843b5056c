"""The integrity figures: cases by kind, status and unit, on-time handling, inspections and
recommendations, over a period and as of a date; counted only where the reader may read; never
an author."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tinhgon.conftest import unit
from tinhgon.core.errors import DomainError, NotFound
from tinhgon.integrity import cases, figures
from tinhgon.integrity.models import (
    Case,
    CaseEvent,
    CaseKind,
    Inspection,
    InspectionKind,
    InspectionStatus,
    Recommendation,
    RecommendationStatus,
)
from tinhgon.integrity.tests.cases_factories import (
    AUTHOR,
    BEFORE_MERGE,
    CONTACT,
    committee_of,
    leader,
    receive,
)
from tinhgon.units import selectors
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db

FROM, TO = dt.date(2026, 1, 1), dt.date(2026, 6, 30)


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=VIETNAM)


def decided(case: Case, day: str) -> Case:
    """Accept and decide through the services, then date the decision (the services date it
    now)."""
    cases.case_accept(actor=None, case_id=case.pk)
    cases.case_decide(actor=None, case_id=case.pk, decision="Kết luận")
    Case.objects.filter(pk=case.pk).update(decided_at=at(day, 15))
    CaseEvent.objects.filter(case=case, move__in=["accept", "decide"]).update(at=at(day, 15))
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def ward_cases(chieng_an, to_hieu) -> dict[str, Case]:
    """At Phường Chiềng An, handled by its committee: feedback decided on time, a complaint
    decided late, an anonymous denunciation left open past its deadline, feedback received
    at the end of the period (open, within its deadline), a complaint received before the
    period still open; and a case of Phường Tô Hiệu, outside the scope."""
    ward = chieng_an.unit_id
    made = {
        "on_time": receive(ward, kind=CaseKind.FEEDBACK, received_at=at("2026-03-02")),
        "late": receive(ward, kind=CaseKind.COMPLAINT, received_at=at("2026-03-02")),
        "overdue": receive(
            ward, anonymous=True, author_name="", author_contact="", received_at=at("2026-03-02")
        ),
        "within": receive(ward, kind=CaseKind.FEEDBACK, received_at=at("2026-06-29")),
        "earlier": receive(ward, kind=CaseKind.COMPLAINT, received_at=BEFORE_MERGE),
        "elsewhere": receive(to_hieu.unit_id, received_at=at("2026-03-02")),
    }
    made["on_time"] = decided(made["on_time"], "2026-03-05")
    made["late"] = decided(made["late"], "2026-05-20")
    assert at("2026-03-05", 15) <= made["on_time"].due
    assert at("2026-05-20", 15) > made["late"].due
    assert made["overdue"].due < at("2026-06-30") < made["within"].due
    return made


def ward_figures(code: str = "03667", user: Any = None, **period: Any) -> dict[str, Any]:
    p = figures.period(
        period.get("date_from", FROM), period.get("date_to", TO), period.get("as_of", TO)
    )
    return figures.figures(user, figures.resolve_scope(user, code), p)


def test_cases_are_counted_by_kind_with_on_time_handling_and_open_within_or_past_the_deadline(
    ward_cases,
):
    c = ward_figures()["cases"]
    assert (c["received"], c["decided"], c["on_time"], c["late"]) == (4, 2, 1, 1)
    assert (c["open"], c["within"], c["overdue"]) == (3, 1, 2)
    assert c["on_time_rate"] == 0.5
    assert c["anonymous"] == 1 and c["anonymous_share"] == 0.25
    kinds = {row["kind"]: row for row in c["by_kind"]}
    assert (kinds["feedback"]["received"], kinds["feedback"]["on_time"]) == (2, 1)
    assert (kinds["complaint"]["received"], kinds["complaint"]["late"]) == (1, 1)
    assert kinds["complaint"]["open"] == 1, "the complaint received before the period is open"
    assert (kinds["denunciation"]["overdue"], kinds["denunciation"]["anonymous"]) == (1, 1)


def test_statuses_are_those_of_the_as_of_day_not_of_today(ward_cases):
    statuses = {row["status"]: row for row in ward_figures()["cases"]["by_status"]}
    assert statuses["decided"]["total"] == 2 and statuses["received"]["total"] == 2
    # As of 1 April the complaint accepted and decided in May (its events say so) was still
    # only received, and open.
    april = ward_figures(date_to=dt.date(2026, 4, 1), as_of=dt.date(2026, 4, 1))["cases"]
    by_status = {row["status"]: row for row in april["by_status"]}
    assert (by_status["decided"]["total"], by_status["received"]["total"]) == (1, 2)
    assert (april["decided"], april["open"]) == (1, 3)
    # Today the two decided cases are decided; the open ones still open.
    live = figures.figures(None, figures.resolve_scope(None, "03667"), figures.period(FROM))
    assert {row["status"]: row["total"] for row in live["cases"]["by_status"]}["decided"] == 2


def test_a_case_received_before_the_period_counts_open_not_received(ward_cases):
    c = ward_figures(date_from=dt.date(2026, 6, 1))["cases"]
    assert c["received"] == 1  # the feedback of 29 June
    assert c["open"] == 3 and c["decided"] == 0


def test_a_wards_figures_leave_out_another_ward_and_a_province_counts_both(ward_cases, son_la):
    assert ward_figures()["cases"]["received"] == 4
    assert ward_figures("03646")["cases"]["received"] == 1  # Phường Tô Hiệu
    province = ward_figures(son_la.code)
    assert province["scope"]["province"] is True
    assert province["cases"]["received"] == 5
    units = {row["unit"] for row in province["cases"]["by_unit"]}
    assert units == {"03667", "03646"}
    handlers = {row["unit"] for row in province["cases"]["by_handler"]}
    assert handlers == {"03667-UBND", "03646-UBND"}


def test_a_denunciation_of_the_chairman_is_not_counted_for_the_ward_it_concerns(
    chieng_an, commune_official, province_admin
):
    chairman = leader(committee_of(chieng_an.unit_id))
    receive(chieng_an.unit_id, official_id=chairman, received_at=at("2026-03-02"))
    receive(chieng_an.unit_id, kind=CaseKind.FEEDBACK, received_at=at("2026-03-02"))
    assert ward_figures(user=commune_official.user)["cases"]["received"] == 1
    assert ward_figures(user=province_admin.user)["cases"]["received"] == 2
    assert ward_figures()["cases"]["received"] == 2  # the operator


def test_a_reader_cannot_ask_for_a_unit_outside_their_scope(chieng_an, commune_official):
    with pytest.raises(NotFound):
        figures.resolve_scope(commune_official.user, "03646")
    with pytest.raises(NotFound):
        figures.resolve_scope(commune_official.user, "Sơn La")
    own = figures.resolve_scope(commune_official.user, None)
    assert own.unit_id == chieng_an.unit_id


def test_the_period_is_checked():
    today = dt.date.today()
    with pytest.raises(DomainError, match="ends before it starts"):
        figures.period(dt.date(2026, 5, 1), dt.date(2026, 4, 1), dt.date(2026, 6, 1))
    with pytest.raises(DomainError, match="after the day of the figures"):
        figures.period(dt.date(2026, 5, 1), dt.date(2026, 6, 2), dt.date(2026, 6, 1))
    with pytest.raises(DomainError, match="still to come"):
        figures.period(as_of=today + dt.timedelta(days=2))
    with pytest.raises(DomainError, match="ten years"):
        figures.period(dt.date(2010, 1, 1), dt.date(2026, 1, 1), dt.date(2026, 1, 1))
    default = figures.period(now=dt.datetime(2026, 8, 15, 10, tzinfo=VIETNAM))
    assert (default.date_from, default.date_to, default.as_of) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 8, 15),
        dt.date(2026, 8, 15),
    )


# -- inspections and recommendations -------------------------------------------------------------


@pytest.fixture
def inspected(son_la, chieng_an) -> Inspection:
    day = dt.date(2026, 3, 10)
    inspectorate = selectors.versions_on(day).get(code=f"{son_la.code}-TTR").unit_id
    committee = committee_of(chieng_an.unit_id)
    inspection = Inspection.objects.create(
        kind=InspectionKind.PUBLIC_SERVICE,
        title="Thanh tra công vụ",
        inspecting_unit_id=inspectorate,
        subject_unit_id=committee,
        subject_province_id=son_la.unit_id,
        period_from=dt.date(2025, 7, 1),
        period_to=dt.date(2025, 12, 31),
        scope="Giải quyết hồ sơ",
        decided_on=day,
        starts_on=dt.date(2026, 3, 16),
        status=InspectionStatus.CONCLUDED,
        concluded_on=dt.date(2026, 4, 15),
    )
    Inspection.objects.create(
        kind=InspectionKind.THEMATIC,
        title="Kế hoạch",
        inspecting_unit_id=inspectorate,
        subject_unit_id=committee,
        subject_province_id=son_la.unit_id,
        period_from=dt.date(2026, 1, 1),
        period_to=dt.date(2026, 6, 30),
        scope="Chuyên đề",
    )
    due = dt.date(2026, 5, 31)

    def rec(status: str, **more: Any) -> None:
        Recommendation.objects.create(
            inspection=inspection,
            text="Khắc phục",
            unit_id=chieng_an.unit_id,
            province_id=son_la.unit_id,
            due=due,
            status=status,
            **more,
        )

    rec(RecommendationStatus.IMPLEMENTED, implemented_on=dt.date(2026, 5, 20))
    rec(RecommendationStatus.IMPLEMENTED, implemented_on=dt.date(2026, 6, 10))
    rec(RecommendationStatus.OPEN)
    rec(RecommendationStatus.WITHDRAWN)
    rec(
        RecommendationStatus.ESCALATED,
        escalated_at=at("2026-06-05"),
        escalated_to_id=inspectorate,
    )
    return inspection


def test_recommendations_implemented_on_time_open_overdue_and_escalated(inspected):
    r = ward_figures()["recommendations"]
    assert (r["total"], r["withdrawn"], r["implemented"], r["implemented_on_time"]) == (5, 1, 2, 1)
    assert (r["open"], r["overdue"], r["escalated"], r["open_escalated"]) == (2, 2, 1, 1)
    assert r["implementation_rate"] == 0.5  # 2 of the 4 not withdrawn
    assert [row["unit"] for row in r["by_unit"]] == ["03667"]
    june = ward_figures(date_to=dt.date(2026, 6, 1), as_of=dt.date(2026, 6, 1))["recommendations"]
    # The one implemented on 10 June was open then; the escalation of 5 June had not happened.
    assert (june["implemented"], june["open"], june["overdue"], june["escalated"]) == (1, 3, 3, 0)


def test_inspections_are_counted_by_kind_and_status_of_the_day(inspected):
    i = ward_figures()["inspections"]
    kinds = {row["kind"]: row for row in i["by_kind"]}
    assert kinds["public_service"]["total"] == 1 and kinds["public_service"]["concluded"] == 1
    # The planned one was recorded today: not there on 30 June, there today.
    assert kinds["thematic"]["total"] == 0
    live = figures.figures(None, figures.resolve_scope(None, "03667"), figures.period(FROM))
    live_kinds = {row["kind"]: row for row in live["inspections"]["by_kind"]}
    assert (live_kinds["thematic"]["planned"], live_kinds["thematic"]["open"]) == (1, 1)
    underway = ward_figures(date_to=dt.date(2026, 4, 1), as_of=dt.date(2026, 4, 1))
    assert {r["kind"]: r for r in underway["inspections"]["by_kind"]}["public_service"][
        "underway"
    ] == 1


def test_another_wards_official_counts_no_inspection_of_this_ward(
    inspected, other_commune_official, province_admin
):
    # Tô Hiệu's official cannot even name Chiềng An; within their own ward nothing is counted.
    own = ward_figures("03646", user=other_commune_official.user)
    assert own["inspections"]["total"] == 0 and own["recommendations"]["total"] == 0
    assert ward_figures(user=province_admin.user)["recommendations"]["total"] == 5


# -- the set-based reading ------------------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_the_number_of_cases(chieng_an, inspected):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            ward_figures()
        return len(captured)

    receive(chieng_an.unit_id, received_at=at("2026-03-02"))
    few = queries()
    for day in ("2026-03-03", "2026-03-04", "2026-04-01", "2026-05-04"):
        receive(chieng_an.unit_id, kind=CaseKind.FEEDBACK, received_at=at(day))
    assert queries() == few


# -- a merged ward ------------------------------------------------------------------------------


def test_a_merged_wards_decided_cases_count_at_its_successor():
    from tinhgon.carriers.tests.test_contract import MERGE_TWO_WARDS, plan
    from tinhgon.reorg import engine

    to_hieu = unit("Phường Tô Hiệu").unit_id
    done = receive(to_hieu, received_at=BEFORE_MERGE)
    cases.case_accept(actor=None, case_id=done.pk)
    cases.case_decide(actor=None, case_id=done.pk, decision="Không đúng")
    receive(to_hieu, received_at=BEFORE_MERGE)
    assert engine.apply_plan(plan(MERGE_TWO_WARDS)).plan is not None
    successor = selectors.resolve("Phường Tô Chiềng", day=dt.date(2026, 1, 1))
    assert Case.objects.get(pk=done.pk).unit_id == to_hieu  # the decided one stayed
    data = figures.figures(
        None,
        figures.resolve_scope(None, successor.code),
        figures.period(dt.date(2025, 11, 1)),
    )
    assert (data["cases"]["received"], data["cases"]["decided"], data["cases"]["open"]) == (2, 1, 1)


# -- never an author ----------------------------------------------------------------------------


def test_no_output_of_the_figures_carries_an_author(
    ward_cases, inspected, province_admin, commune_official, tmp_path
):
    import io

    from django.core.management import call_command
    from openpyxl import load_workbook

    data = ward_figures(user=province_admin.user)
    assert AUTHOR not in str(data) and CONTACT not in str(data)
    book = load_workbook(io.BytesIO(figures.workbook(data)))
    cells = " ".join(
        str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
    )
    assert "03667" in cells and AUTHOR not in cells and CONTACT not in cells
    for persona in (province_admin, commune_official):
        answer = persona.api().get(
            "/api/integrity/figures",
            {
                "unit": "03667",
                "date_from": "2026-01-01",
                "date_to": "2026-06-30",
                "as_of": "2026-06-30",
            },
        )
        assert answer.status_code == 200
        assert answer.json()["cases"]["received"] == 4
        page = persona.browser().get(
            "/integrity/figures/", {"unit": "03667", "from": "01/01/2026", "to": "30/06/2026"}
        )
        assert page.status_code == 200
        body = page.content.decode()
        assert AUTHOR not in body and CONTACT not in body
    out = io.StringIO()
    call_command(
        "integrity",
        "figures",
        "--unit",
        "03667",
        "--from",
        "2026-01-01",
        "--format",
        "json",
        stdout=out,
    )
    assert AUTHOR not in out.getvalue() and CONTACT not in out.getvalue()


def test_a_case_closed_after_the_as_of_day_counts_as_decided_on_that_day(chieng_an):
    case = decided(receive(chieng_an.unit_id, received_at=at("2026-03-02")), "2026-03-20")
    cases.case_close(actor=None, case_id=case.pk)
    CaseEvent.objects.filter(case=case, move="close").update(at=at("2026-04-10"))

    def statuses(day: dt.date) -> dict[str, int]:
        data = ward_figures(date_to=day, as_of=day)
        return {row["status"]: row["total"] for row in data["cases"]["by_status"] if row["total"]}

    assert statuses(dt.date(2026, 3, 10)) == {"received": 1}
    assert statuses(dt.date(2026, 3, 31)) == {"decided": 1}
    assert statuses(dt.date(2026, 4, 30)) == {"closed": 1}


def test_the_inspected_side_does_not_count_an_inspection_still_planned(
    inspected, commune_official, province_admin
):
    # The planned (unannounced) inspection of the ward's committee is hidden from the ward, as
    # its pages hide it; the province, which reads the inspectorate, counts it.
    def planned(user: Any) -> int:
        live = figures.figures(user, figures.resolve_scope(user, "03667"), figures.period(FROM))
        return sum(row["planned"] for row in live["inspections"]["by_kind"])

    assert planned(commune_official.user) == 0
    assert planned(province_admin.user) == 1
    assert ward_figures(user=commune_official.user)["inspections"]["total"] == 1
