"""The Decision 766 figures of a unit on a small set of dossiers built by hand under a frozen
clock: each expected number is computed here from the definitions, over the dossiers."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from tinhgon.accounts import services as accounts
from tinhgon.accounts.models import Membership, Role
from tinhgon.conftest import make_persona, unit
from tinhgon.core.errors import DomainError
from tinhgon.publicservices import figures, services
from tinhgon.publicservices.models import (
    ON_CLOCK,
    OPEN,
    Channel,
    Dossier,
    Online,
    Tally,
    Timeliness,
)
from tinhgon.publicservices.tests.factories import load_catalogue
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db

FULL = "1.004194"  # fully online, 3 working days
PARTIAL = "1.000894"  # partly online, 5 working days
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def at(day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=VIETNAM)


_numbers = iter(range(1, 10_000))


def filed(commune: int, procedure: str, channel: str, *, receive: bool = True) -> Dossier:
    dossier = services.dossier_submit(
        actor=None,
        procedure_code=procedure,
        applicant_kind="citizen",
        applicant_name="Quàng Thị Mẫu",
        applicant_id=f"0142{next(_numbers):08d}",
        applicant_commune_id=commune,
        channel=channel,
        receiving_unit_id=commune,
    )
    if receive:
        dossier = services.dossier_receive(actor=None, code=dossier.code)
    return dossier


def official(name: str, commune: int):  # type: ignore[no-untyped-def]
    user = get_user_model().objects.create_user(name, first_name=name.title())
    accounts.membership_add(actor=None, user=user, unit_id=commune, role=Role.UNIT_OFFICIAL)
    return user


@pytest.fixture
def ward(db):
    load_catalogue()
    return unit("Phường Chiềng An").unit_id


@pytest.fixture
def march(clock, ward):
    """Seven dossiers of the ward: three processed (early, on time, late), two paid (one filed
    online), one open within its deadline, one overdue, one not yet received, three rated."""
    clerk = official("clerk", ward)
    d = {
        "early": filed(ward, FULL, Channel.ONLINE),
        "on_time": filed(ward, FULL, Channel.IN_PERSON),
        "late": filed(ward, FULL, Channel.ONLINE),
        "paid_online": filed(ward, PARTIAL, Channel.ONLINE),
        "overdue": filed(ward, FULL, Channel.IN_PERSON),
        "paid_desk": filed(ward, FULL, Channel.POSTAL),
        "registered": filed(ward, FULL, Channel.ONLINE, receive=False),
    }
    for key in ("early", "on_time", "late"):
        services.dossier_assign(actor=None, code=d[key].code, assignee=clerk)
    for key in ("paid_online", "paid_desk"):
        services.dossier_request_payment(actor=None, code=d[key].code, amount=30000)
    clock.set(at(2, 9, 30))
    for key in ("paid_online", "paid_desk"):
        services.dossier_pay(actor=None, code=d[key].code)
    for key, moment in (("early", at(4, 10)), ("on_time", at(5, 16)), ("late", at(6, 9))):
        clock.set(moment)
        services.dossier_approve(actor=None, code=d[key].code)
    for key, rating in (("early", 3), ("on_time", 1), ("late", 2)):
        Dossier.objects.filter(code=d[key].code).update(rating=rating, rated_at=at(6, 9, 30))
    clock.set(at(6, 10))
    return {k: Dossier.objects.get(code=v.code) for k, v in d.items()}


def test_each_indicator_follows_its_definition(march, ward):
    now = at(6, 10)
    dossiers = list(Dossier.objects.filter(unit_id=ward).select_related("procedure"))
    processed = [x for x in dossiers if x.outcome]
    good = [x for x in processed if x.timeliness(now) in (Timeliness.EARLY, Timeliness.ON_TIME)]
    on_clock = [x for x in dossiers if x.status in ON_CLOCK]
    within = [x for x in on_clock if x.timeliness(now) == Timeliness.WITHIN]
    received = [x for x in dossiers if x.received_at]
    full = [x for x in received if x.procedure.online == Online.FULL]
    paid = [x for x in received if x.fees_paid]
    rated = [x for x in dossiers if x.rating]

    found = figures.unit_dashboard(ward, *MARCH, now=now)

    assert found["progress"] == round(
        (len(good) + len(within)) / (len(processed) + len(on_clock)), 4
    )
    assert found["online_share"] == round(
        len([x for x in full if x.channel == Channel.ONLINE]) / len(full), 4
    )
    assert found["online_payment_share"] == round(
        len([x for x in paid if x.channel == Channel.ONLINE]) / len(paid), 4
    )
    assert found["satisfaction"] == round(
        len([x for x in rated if (x.rating or 0) >= 2]) / len(rated), 4
    )
    assert found["open"] == len([x for x in dossiers if x.status in OPEN])
    assert found["overdue"] == len([x for x in on_clock if x.timeliness(now) == Timeliness.OVERDUE])
    assert found["arrived"] == len(received)
    assert found["finished"] == len(processed)
    assert (found["early"], found["on_time"], found["late"]) == (1, 1, 1)
    # The hand-built set is what it claims to be: the definitions are not all trivially 0 or 1.
    assert 0 < found["progress"] < 1 and found["online_payment_share"] == 0.5
    assert found["months"][0] == {
        "month": "2026-03",
        "arrived": 6,
        "finished": 3,
        "early": 1,
        "on_time": 1,
        "late": 1,
    }


def test_a_period_without_dossiers_has_no_shares_rather_than_zero(march, ward):
    found = figures.unit_dashboard(ward, dt.date(2025, 1, 1), dt.date(2025, 2, 28), now=at(6, 10))
    assert found["online_share"] is None and found["satisfaction"] is None
    assert found["arrived"] == 0 and [m["month"] for m in found["months"]] == ["2025-01", "2025-02"]


def test_a_period_that_ends_before_it_starts_is_refused_naming_the_field():
    with pytest.raises(DomainError) as refused:
        figures.period(dt.date(2026, 3, 2), dt.date(2026, 3, 1))
    assert refused.value.problems[0].field == "date_to"


def test_a_transfer_takes_the_open_dossiers_counts_to_its_new_unit(clock, ward):
    other = unit("Phường Tô Hiệu").unit_id
    dossier = filed(ward, FULL, Channel.ONLINE)
    services.dossier_transfer(actor=None, code=dossier.code, to_unit_id=other)
    assert Tally.objects.get(unit_id=ward).received == 0
    assert Tally.objects.get(unit_id=other).received == 1


def test_dossiers_at_risk_are_counted_per_official_with_greedy_suggestions(clock, ward):
    Membership.objects.filter(unit_id=ward).delete()  # the ward's officials are these three
    busy, idle, some = official("busy", ward), official("idle", ward), official("some", ward)
    for assignee, n in ((busy, 4), (some, 1)):
        for _n in range(n):
            dossier = filed(ward, FULL, Channel.IN_PERSON)  # due Thursday 5 March, 17:00
            services.dossier_assign(actor=None, code=dossier.code, assignee=assignee)
    unassigned = filed(ward, FULL, Channel.ONLINE)
    later = filed(ward, PARTIAL, Channel.ONLINE)  # due the week after: not at risk
    clock.set(at(4, 9))  # Wednesday: due by the close of Thursday

    found = figures.unit_dashboard(ward, *MARCH, now=at(4, 9))

    assert found["at_risk"] == 6 and found["at_risk_overdue"] == 0
    assert later.code not in {d["code"] for d in found["dossiers"]}
    counts = {o["name"]: o["at_risk"] for o in found["officials"]}
    assert counts == {"Busy": 4, "Some": 1, "Idle": 0, "": 1}
    moves = [(s["code"], s["from_id"], s["to_id"]) for s in found["suggestions"]]
    # The unassigned one to the idle official (0 -> 1); then busy gives to the least loaded
    # while they differ by two or more: to idle (4:1 -> 3:2), to some (3:1 -> 2:2), then stop.
    assert moves[0] == (unassigned.code, None, idle.pk)
    assert [m[1:] for m in moves[1:]] == [(busy.pk, idle.pk), (busy.pk, some.pk)]


def test_the_unit_dashboard_reads_its_dossiers_in_four_queries_whatever_their_number(march, ward):
    def reads() -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as done:
            figures.unit_dashboard(ward, *MARCH, now=at(20))
        table = f'FROM "{Dossier._meta.db_table}"'
        return len(done), [q["sql"] for q in done.captured_queries if table in q["sql"]]

    queries, of_dossiers = reads()
    for _n in range(5):
        filed(ward, FULL, Channel.IN_PERSON)
    # On the clock, overdue and at risk per official (one read), the list at risk, the open
    # ones off the clock, the ratings.
    assert len(of_dossiers) == 4
    assert reads()[0] == queries


def test_the_command_prints_the_json_keys_scripts_read(march, ward):
    out = io.StringIO()
    call_command(
        "services",
        "figures",
        "--unit",
        "03667",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--format",
        "json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    for key in ("progress", "online_share", "online_payment_share", "satisfaction", "open"):
        assert key in data
    assert (data["arrived"], data["finished"]) == (6, 3)


def test_the_spreadsheet_opens_and_holds_the_figures_of_the_json(march, ward, tmp_path):
    target = tmp_path / "figures.xlsx"
    call_command(
        "services",
        "figures",
        "--unit",
        "03667",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--format",
        "xlsx",
        "--output",
        str(target),
    )
    data = figures.unit_dashboard(ward, *MARCH)
    book = load_workbook(target)
    values = {row[2]: row[1] for row in book.worksheets[0].iter_rows(min_row=4, values_only=True)}
    for key, _label, value in figures.indicator_rows(data):
        assert values[key] == value, key
    months = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert months == [
        # The month as officials write it: 2026-03 is 03/2026.
        (
            f"{m['month'][5:]}/{m['month'][:4]}",
            m["arrived"],
            m["finished"],
            m["early"],
            m["on_time"],
            m["late"],
        )
        for m in data["months"]
    ]
    assert book.worksheets[0]["B2"].value == "01/03/2026 – 31/03/2026"


def test_the_rebuild_command_recomputes_the_tallies(march, ward):
    Tally.objects.update(received=0)
    call_command("services", "figures", "--rebuild", stdout=io.StringIO())
    assert Tally.objects.get(unit_id=ward, online=Online.FULL, filed_online=True).received == 2


def test_the_api_answers_the_wards_figures_to_its_official_and_not_to_a_neighbour(march, ward):
    own = make_persona("ward-official", ward, Role.UNIT_OFFICIAL)
    neighbour = make_persona("neighbour", unit("Phường Tô Hiệu").unit_id, Role.UNIT_OFFICIAL)
    period = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    answer = own.api().get("/api/services/figures", period)  # no unit: one's own
    assert answer.status_code == 200
    assert (answer.json()["arrived"], answer.json()["finished"]) == (6, 3)
    assert answer.json() == figures.unit_dashboard(ward, *MARCH) | {
        "due_by": answer.json()["due_by"]
    }
    hidden = neighbour.api().get("/api/services/figures", {**period, "unit_id": ward})
    assert hidden.status_code == 404


def test_the_api_refuses_a_period_that_ends_before_it_starts_naming_the_field(march, ward):
    own = make_persona("ward-official", ward, Role.UNIT_OFFICIAL)
    answer = own.api().get(
        "/api/services/figures", {"date_from": "2026-03-31", "date_to": "2026-03-01"}
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["problems"][0]["field"] == "date_to"


def test_the_page_writes_shares_the_vietnamese_way(march, ward):
    own = make_persona("ward-official", ward, Role.UNIT_OFFICIAL)
    page = own.browser().get(
        "/services/figures/", {"from": "01/03/2026", "to": "31/03/2026"}, HTTP_ACCEPT_LANGUAGE="vi"
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "66,7 %" in text  # satisfaction: two ratings of three are 2 or 3
    assert "Chỉ số phục vụ" in text


def test_a_province_ranks_its_communes_by_progress_with_their_overdue_dossiers(march, ward):
    now = at(6, 10)
    dossiers = list(Dossier.objects.filter(unit_id=ward))
    on_clock = [x for x in dossiers if x.status in ON_CLOCK]
    overdue = [x for x in on_clock if x.timeliness(now) == Timeliness.OVERDUE]
    good = [x for x in dossiers if x.outcome and x.timeliness(now) != Timeliness.LATE]
    processed = [x for x in dossiers if x.outcome]
    area = figures.area_for(None, date_to=MARCH[1], province="Sơn La")
    found = figures.dashboard(area, *MARCH, now=now)
    row = next(r for r in found["ranking"] if r["unit_id"] == ward)
    assert row["handled"] == len(processed) + len(on_clock)
    assert row["progress"] == round(
        (len(good) + len(on_clock) - len(overdue)) / (len(processed) + len(on_clock)), 4
    )
    assert row["overdue"] == len(overdue) and row["at_risk"] >= len(overdue)
    assert found["ranking"][0]["progress"] is not None  # those with figures come first


def test_the_table_writes_shares_and_counts_the_vietnamese_way(march, ward):
    out = io.StringIO()
    with translation.override("vi"):
        call_command(
            "services",
            "figures",
            "--unit",
            "03667",
            "--from",
            "01/03/2026",
            "--to",
            "31/03/2026",
            stdout=out,
        )
    text = out.getvalue()
    assert "Mức độ hài lòng" in text and "66,7 %" in text
    assert "01/03/2026 – 31/03/2026" in text


def test_the_command_refuses_both_a_unit_and_a_province_in_one_line(ward):
    with pytest.raises(CommandError) as refused:
        call_command("services", "figures", "--unit", "03667", "--province", "Sơn La")
    assert "\n" not in str(refused.value)


def test_a_unit_outside_the_scope_is_answered_like_an_unknown_one_on_the_page(march, ward):
    own = make_persona("ward-official", ward, Role.UNIT_OFFICIAL)
    browser = own.browser()

    def refusal(name: str) -> tuple[int, str]:
        page = browser.get("/services/figures/", {"unit": name}, HTTP_ACCEPT_LANGUAGE="vi")
        return page.status_code, str(page.context["error_summary"]) if page.context else ""

    outside_status, outside = refusal("Phường Tô Hiệu")
    unknown_status, unknown = refusal("Phường Không Có")
    assert outside_status == unknown_status != 200
    assert str(unit("Phường Tô Hiệu").unit_id) not in outside  # no internal id either
    assert outside.replace("Tô Hiệu", "Không Có") == unknown


def test_a_superuser_following_the_menu_gets_the_chooser_rather_than_an_error(superuser, ward):
    menu = superuser.browser().get("/")
    assert 'href="/services/figures/"' in menu.content.decode()
    with translation.override("en"):
        page = superuser.browser().get("/services/figures/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert page.context["form"].is_valid()
    assert "data" not in page.context
