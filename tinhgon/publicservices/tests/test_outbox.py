"""The national portal's outbox: a row per change in the transaction that made it, pushed in
order per dossier to a real local HTTP server standing in for the portal, with retries and
backoff on failures, no retry on a refused payload, and the lag recorded."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from tinhgon.conftest import unit
from tinhgon.publicservices import outbox, services, sync
from tinhgon.publicservices.models import PortalOutbox
from tinhgon.publicservices.tests.factories import file_dossier

pytestmark = pytest.mark.django_db

TOKEN = "portal-test-token"


def unwrap(envelope: dict[str, Any]) -> dict[str, Any]:
    """The dossier in the portal's envelope (one per request)."""
    assert envelope["service"] == "DongBoHoSoMC"
    (record,) = envelope["data"]
    return record


class Portal:
    """A stand-in for the portal's dossier-sync service: records every request and answers
    with the next scripted status (then 200)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answers: list[int | str] = []
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                portal.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                answer = portal.answers.pop(0) if portal.answers else 200
                portal.requests[-1]["answer"] = answer
                if answer == "slow":
                    time.sleep(1.5)  # longer than the client's timeout
                    answer = 200
                reply = (
                    b'{"error_code": 0}'
                    if answer == 200
                    else json.dumps({"message": f"answer {answer}: MaTTHC sai"}).encode()
                )
                try:
                    self.send_response(int(answer))
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                except OSError:
                    pass  # the client gave up (timeout)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/dvcqg/dossier-sync"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def statuses(self) -> list[tuple[str, str]]:
        return [
            (unwrap(r["body"])["MaHoSo"], unwrap(r["body"])["TrangThaiHoSo"]) for r in self.requests
        ]


@pytest.fixture
def portal(settings) -> Iterator[Portal]:
    stand_in = Portal()
    stand_in.thread.start()
    settings.TINHGON_PORTAL_URL = stand_in.url
    settings.TINHGON_PORTAL_TOKEN = TOKEN
    settings.TINHGON_PORTAL_TIMEOUT = 1
    yield stand_in
    stand_in.server.shutdown()
    stand_in.server.server_close()


@pytest.fixture
def ward(db):
    return unit("Phường Chiềng An").unit_id


def rows(dossier) -> list[PortalOutbox]:  # type: ignore[no-untyped-def]
    return list(PortalOutbox.objects.filter(dossier=dossier).order_by("id"))


def test_every_change_queues_a_row_in_order_in_the_portals_shape(clock, ward):
    dossier = file_dossier(ward)  # submitted and received Monday 2 March 2026 09:00
    clerk = get_user_model().objects.create(username="clerk")
    clock.set(clock.at + dt.timedelta(hours=2))
    services.dossier_assign(actor=None, code=dossier.code, assignee=clerk)
    queued = rows(dossier)
    assert [unwrap(r.payload)["TrangThaiHoSo"] for r in queued] == ["1", "2", "4"]
    assert [r.event.move for r in queued] == ["submit", "receive", "assign"]
    assert [r.payload["isUpdating"] for r in queued] == [False, True, True]
    last = unwrap(queued[-1].payload)
    assert last["MaHoSo"] == dossier.code
    assert last["MaTTHC"] == "1.004194"
    assert last["TenTTHC"].startswith("Đăng ký tạm trú")
    assert last["NgayNopHoSo"] == "20260302090000"  # Asia/Ho_Chi_Minh, yyyyMMddHHmmss
    assert last["NgayTiepNhan"] == "20260302090000"
    assert last["NgayHenTra"] == "20260305170000"  # 3 working days
    assert last["ThoiDiemXuLy"] == "20260302110000"
    assert last["NgayKetThucXuLy"] == "" and last["NgayTra"] == ""
    assert last["DonViXuLy"] == "Phường Chiềng An"
    assert set(last) == {  # the documented shape; no identity number among it
        "MaHoSo", "MaTTHC", "TenTTHC", "TenLinhVuc", "ChuHoSo", "LoaiDoiTuong", "Email",
        "TrangThaiHoSo", "TenTrangThaiHoSo", "NgayNopHoSo", "NgayTiepNhan", "NgayHenTra",
        "NgayHenTraMoi", "NgayKetThucXuLy", "NgayTra", "HinhThuc", "MaDonViXuLy", "DonViXuLy",
        "ThoiDiemXuLy", "NoiDungXuLy", "GhiChu",
    }  # fmt: skip
    assert all(r.sent_at is None and r.attempts == 0 for r in queued)


def test_a_change_rolled_back_queues_nothing(clock, ward):
    filed = file_dossier(ward, receive=False)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.dossier_receive(actor=None, code=filed.code)
        raise RuntimeError("after the move")
    assert [unwrap(r.payload)["TrangThaiHoSo"] for r in rows(filed)] == ["1"]


def test_without_a_portal_address_the_outbox_fills_and_nothing_is_sent(clock, ward, settings):
    settings.TINHGON_PORTAL_URL = ""
    dossier = file_dossier(ward)
    assert sync.push().as_dict() == {"sent": 0, "retried": 0, "failed": 0}
    assert sync.status()["pending"] == 2 and sync.status()["portal"] is False
    assert all(r.attempts == 0 for r in rows(dossier))


def test_the_push_retries_with_backoff_until_the_portal_accepts_and_records_the_lag(
    clock, ward, portal
):
    dossier = file_dossier(ward)  # two rows: submitted (1), received (2)
    first, second = rows(dossier)
    portal.answers = [503, 503]
    assert sync.push().as_dict() == {"sent": 0, "retried": 1, "failed": 0}
    first.refresh_from_db()
    assert first.attempts == 1 and "503" in first.last_error
    assert first.next_attempt_at == clock.now() + dt.timedelta(seconds=30)
    # The second change waits behind the first: the portal never sees status 2 before 1.
    assert portal.statuses() == [(dossier.code, "1")]
    assert sync.push().as_dict()["retried"] == 0  # not before its time
    clock.set(clock.at + dt.timedelta(seconds=30))
    assert sync.push().as_dict() == {"sent": 0, "retried": 1, "failed": 0}
    first.refresh_from_db()
    assert first.next_attempt_at == clock.now() + dt.timedelta(seconds=60)  # doubled
    clock.set(clock.at + dt.timedelta(seconds=60))
    assert sync.push().as_dict() == {"sent": 2, "retried": 0, "failed": 0}
    assert portal.statuses() == [(dossier.code, s) for s in ("1", "1", "1", "2")]
    request = portal.requests[-1]
    assert request["path"] == "/dvcqg/dossier-sync"
    assert request["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert unwrap(request["body"])["NgayHenTra"] == "20260305170000"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.sent_at == second.sent_at == clock.now()
    assert first.lag_ms == second.lag_ms == 90_000  # sent 90 s after the changes
    assert first.attempts == 3 and second.attempts == 1
    assert sync.push().as_dict()["sent"] == 0  # sent once
    assert sync.status() | {"lag": None, "emails": None} == {
        "pending": 0,
        "failed": 0,
        "sent": 2,
        "portal": True,
        "oldest_pending_at": None,
        "lag": None,
        "emails": None,
    }
    assert sync.lag() == {"window_days": 7, "count": 2, "median_s": 90, "p95_s": 90, "max_s": 90}


def test_a_refused_payload_fails_without_retry_and_the_dossiers_next_change_goes_on(
    clock, ward, portal
):
    dossier = file_dossier(ward)
    first, second = rows(dossier)
    portal.answers = [400]
    assert sync.push().as_dict() == {"sent": 1, "retried": 0, "failed": 1}
    first.refresh_from_db()
    assert first.failed_at == clock.now() and first.sent_at is None and first.attempts == 1
    assert "HTTP 400" in first.last_error and "MaTTHC sai" in first.last_error
    second.refresh_from_db()
    assert second.sent_at == clock.now()
    clock.set(clock.at + dt.timedelta(hours=2))
    assert sync.push().as_dict() == {"sent": 0, "retried": 0, "failed": 0}
    assert len(portal.requests) == 2
    assert sync.status()["failed"] == 1
    assert sync.requeue_failed() == 1
    assert sync.push().as_dict()["sent"] == 1


def test_a_failing_dossier_does_not_hold_back_the_others(clock, ward, portal):
    stuck = file_dossier(ward, receive=False)
    other = file_dossier(ward, receive=False)
    portal.answers = [503]
    assert sync.push().as_dict() == {"sent": 1, "retried": 1, "failed": 0}
    assert portal.statuses() == [(stuck.code, "1"), (other.code, "1")]


def test_a_portal_that_does_not_answer_in_time_or_at_all_is_tried_again(
    clock, ward, portal, settings
):
    file_dossier(ward, receive=False)
    portal.answers = ["slow"]
    assert sync.push().as_dict()["retried"] == 1
    assert "timed out" in PortalOutbox.objects.get().last_error
    closed = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    address = f"http://127.0.0.1:{closed.server_address[1]}/"
    closed.server_close()  # nobody listens there any more
    clock.set(clock.at + dt.timedelta(minutes=1))
    assert sync.push(url=address).as_dict()["retried"] == 1
    row = PortalOutbox.objects.get()
    assert "ConnectionRefusedError" in row.last_error and row.attempts == 2


def test_a_row_is_claimed_by_one_runner_only(clock, ward):
    file_dossier(ward, receive=False)
    row = PortalOutbox.objects.get()
    assert outbox.claim(PortalOutbox, row.pk, clock.now())
    assert not outbox.claim(PortalOutbox, row.pk, clock.now())  # the second runner
    # A runner that died holding it: the row is free again when its lease ends.
    assert outbox.claim(PortalOutbox, row.pk, clock.now() + outbox.LEASE + dt.timedelta(seconds=1))


def test_the_backoff_doubles_up_to_an_hour():
    waits = [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 8, 9, 20)]
    assert waits == [30, 60, 120, 3600, 3600, 3600]


def test_the_lag_is_summarized_by_median_95th_percentile_and_maximum(clock, ward):
    for _ in range(20):
        file_dossier(ward, receive=False)
    for index, row in enumerate(PortalOutbox.objects.order_by("id")):
        PortalOutbox.objects.filter(pk=row.pk).update(
            sent_at=clock.now(), lag_ms=(index + 1) * 1000
        )
    assert sync.lag() == {
        "window_days": 7,
        "count": 20,
        "median_s": 10,
        "p95_s": 19,
        "max_s": 20,
    }


@pytest.fixture
def database(tmp_path):
    from tinhgon.operations.tests.test_concurrency import Database

    database = Database(tmp_path)
    try:
        done = database.run("migrate", "-v", "0")
        assert done.returncode == 0, done.stderr
        yield database
    finally:
        database.drop()


FILE_MORE = """
from tinhgon.publicservices.models import Dossier
from tinhgon.publicservices.tests.factories import file_dossier
ward = Dossier.objects.get().unit_id
for _ in range(15):
    file_dossier(ward)
"""


def test_two_runners_at_once_post_every_row_once_and_each_dossier_in_order(database, monkeypatch):
    """Two `tinhgon jobs run --once` processes on one database of their own (the suite's engine)
    push the same outbox to the stand-in portal at the same time."""
    from tinhgon.publicservices.tests.test_concurrency import race

    setup = race(database, "setup")  # a province, a ward, a dossier received and assigned
    assert setup.returncode == 0, setup.stderr
    more = database.run("shell", "-c", FILE_MORE)  # 15 more, filed and received
    assert more.returncode == 0, more.stderr
    stand_in = Portal()
    stand_in.thread.start()
    try:
        stand_in.answers = [503] * 3 + [200] * 10 + ["slow"]  # some retries among them
        monkeypatch.setenv("TINHGON_PORTAL_URL", stand_in.url)
        monkeypatch.setenv("TINHGON_PORTAL_TIMEOUT", "1")
        runner = ["jobs", "-v", "2", "run", "--once"]
        first, second = database.at_once(runner, runner)
    finally:
        stand_in.server.shutdown()
        stand_in.server.server_close()
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    reports = [json.loads(done.stdout)["portal"] for done in (first, second)]
    assert sum(sum(report.values()) for report in reports) == len(stand_in.requests)
    rows = database.query("SELECT attempts, sent_at IS NOT NULL FROM publicservices_portaloutbox")
    assert len(rows) == 3 + 15 * 2
    # Each attempt is one claim and one request: had both runners posted a row, there would be
    # more requests than attempts.
    assert sum(attempts for attempts, _sent in rows) == len(stand_in.requests)
    accepted = [r for r in stand_in.requests if r["answer"] == 200]
    assert len(accepted) == sum(1 for _attempts, sent in rows if sent) > 0
    # Each dossier here passes a status once: (code, status) names one change.
    changes = [(unwrap(r["body"])["MaHoSo"], unwrap(r["body"])["TrangThaiHoSo"]) for r in accepted]
    assert len(set(changes)) == len(changes)  # no change accepted twice
    by_dossier: dict[str, list[int]] = {}
    for request in stand_in.requests:
        record = unwrap(request["body"])
        by_dossier.setdefault(record["MaHoSo"], []).append(int(record["TrangThaiHoSo"]))
    # Retries repeat a status; none comes after a later status of its dossier.
    assert all(statuses == sorted(statuses) for statuses in by_dossier.values()), by_dossier
