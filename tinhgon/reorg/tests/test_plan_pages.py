"""The plan page: a stored preview counted again on demand, a rehearsal that leaves nothing, a
large plan applied outside the request with its progress shown, and a stopped one resumed."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhgon.accounts.models import Role
from tinhgon.carriers.tests.testapp.models import Parcel
from tinhgon.conftest import db_checksum, make_persona, unit
from tinhgon.reorg import engine, services
from tinhgon.reorg.models import Plan
from tinhgon.units import selectors

pytestmark = pytest.mark.django_db

MERGE = """title: Hợp nhất phường Tô Hiệu và Chiềng An
effective_date: 2026-01-01
steps:
- action: consolidate
  sources: ['03646', '03667']
  target: {code: '03999', name: Phường Tô Chiềng, kind: ward, parent: '14'}
"""


@pytest.fixture
def second_admin(son_la):
    return make_persona("second-province-admin", son_la.unit_id, Role.PROVINCE_ADMIN)


def _parcels(count: int) -> list[int]:
    wards = [unit("Phường Tô Hiệu").unit_id, unit("Phường Chiềng An").unit_id]
    return [
        Parcel.objects.create(unit_id=wards[i % 2], label=f"hồ sơ {i}").pk for i in range(count)
    ]


def _uploaded(persona) -> Plan:
    persona.browser().post("/plans/", {"file": SimpleUploadedFile("p.yaml", MERGE.encode())})
    return Plan.objects.latest("id")


def _records_row(page: str) -> str:
    start = page.index("parcels")
    return page[start : start + 80]


def test_the_page_shows_the_preview_stored_with_the_plan_until_it_is_counted_again(
    province_admin,
):
    _parcels(3)
    plan = _uploaded(province_admin)
    assert plan.preview is not None and plan.preview["carriers"]["parcels"] == 3
    _parcels(2)  # the registry moves on after the plan was stored
    browser = province_admin.browser()
    page = browser.get(f"/plans/{plan.pk}/").content.decode()
    assert "<dd>3</dd>" in _records_row(page)
    assert "mà không ghi gì" in page  # "counted ... without writing anything"
    browser.post(f"/plans/{plan.pk}/preview/")
    page = browser.get(f"/plans/{plan.pk}/").content.decode()
    assert "<dd>5</dd>" in _records_row(page)


def test_a_rehearsal_applies_the_plan_in_full_and_leaves_the_database_as_it_was(province_admin):
    _parcels(4)
    plan = _uploaded(province_admin)
    browser = province_admin.browser()  # logging in writes; the rehearsal must not
    before = db_checksum()
    page = browser.post(f"/plans/{plan.pk}/rehearse/").content.decode()
    assert "Diễn tập" in page and "Phường Tô Chiềng" in page
    assert "<dd>4</dd>" in _records_row(page)
    assert db_checksum() == before


class InlineThread:
    """Runs a thread's target when started, in the test's own transaction."""

    def __init__(self, target, args=(), **_kwargs):  # type: ignore[no-untyped-def]
        self.target, self.args = target, args

    def start(self) -> None:
        self.target(*self.args)


def test_a_plan_moving_more_records_than_a_batch_applies_outside_the_request(
    province_admin, second_admin, settings, monkeypatch
):
    settings.TINHGON_APPLY_BATCH_ROWS = 2
    records = _parcels(6)
    plan = _uploaded(province_admin)
    second_admin.api().post(f"/api/plans/{plan.pk}/approve")
    started: list[str] = []

    def thread(target, args=(), name="", daemon=False):  # type: ignore[no-untyped-def]
        started.append(name)
        return InlineThread(target, args)

    monkeypatch.setattr(threading, "Thread", thread)
    response = province_admin.api().post(f"/api/plans/{plan.pk}/apply")
    assert started == [f"plan-{plan.pk}"]
    assert response.status_code == 202  # answered as started; here the thread ran inline
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPLIED
    new = selectors.resolve("Phường Tô Chiềng", day=plan.effective_date).unit_id
    assert set(Parcel.objects.filter(pk__in=records).values_list("unit_id", flat=True)) == {new}


def test_a_stopped_apply_shows_its_progress_and_resumes_from_its_page(
    province_admin, second_admin, settings, monkeypatch
):
    settings.TINHGON_APPLY_BATCH_ROWS = 2
    records = _parcels(6)
    plan = _uploaded(province_admin)
    services.plan_approve(actor=second_admin.user, plan=plan)
    with pytest.raises(RuntimeError):  # the process died after its first batch
        engine.apply_plan(services.spec_of(plan), plan=plan, inject_failure="after_batch")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPLYING
    browser = province_admin.browser()
    page = browser.get(f"/plans/{plan.pk}/").content.decode()
    assert '<meta http-equiv="refresh"' in page
    assert "Bản ghi đang được chuyển" in page  # "records moving"
    assert '<progress max="6" value="0">' in page and "0 / 6" in page  # parcels: not yet
    assert f"/plans/{plan.pk}/apply/" in page  # resume
    monkeypatch.setattr(threading, "Thread", InlineThread)
    browser.post(f"/plans/{plan.pk}/apply/")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPLIED
    new = selectors.resolve("Phường Tô Chiềng", day=plan.effective_date).unit_id
    assert set(Parcel.objects.filter(pk__in=records).values_list("unit_id", flat=True)) == {new}


def test_applying_from_the_page_goes_through_a_confirmation_that_says_what_moves(
    province_admin, second_admin
):
    records = _parcels(3)
    plan = _uploaded(province_admin)
    browser = province_admin.browser()
    page = browser.get(f"/plans/{plan.pk}/").content.decode()
    assert f'href="/plans/{plan.pk}/apply/"' not in page  # a draft: nothing to apply
    services.plan_approve(actor=second_admin.user, plan=plan)
    page = browser.get(f"/plans/{plan.pk}/").content.decode()
    assert f'href="/plans/{plan.pk}/apply/"' in page
    assert "01/01/2026" in page  # the scheduled job applies it on its date
    confirm = browser.get(f"/plans/{plan.pk}/apply/").content.decode()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED, "looking at the confirmation applies nothing"
    assert "không thể hoàn tác" in confirm  # "cannot be undone"
    assert "<dd>3</dd>" in _records_row(confirm)
    browser.post(f"/plans/{plan.pk}/apply/")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPLIED
    assert not Parcel.objects.filter(pk__in=records, unit_id=unit("Phường Chiềng An").unit_id)
    again = browser.get(f"/plans/{plan.pk}/apply/")
    assert again.status_code == 409  # applied: nothing left to confirm, no button offered
    assert "Phương án này đã được thực hiện" in again.content.decode()
    assert "không thể hoàn tác" not in again.content.decode()


def test_the_plans_page_links_a_spreadsheet_template_whose_code_columns_are_text(
    province_admin, tmp_path
):
    from openpyxl import load_workbook

    from tinhgon.reorg import planfile

    browser = province_admin.browser()
    page = browser.get("/plans/").content.decode()
    assert 'href="/plans/template.xlsx"' in page
    response = browser.get("/plans/template.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    steps = load_workbook(io.BytesIO(content))["steps"]
    header = [cell.value for cell in steps[1]]
    sources = steps.cell(row=2, column=header.index("sources") + 1)
    assert (sources.value, sources.number_format) == ("03646, 03667", "@")
    assert steps.cell(row=500, column=header.index("code") + 1).number_format == "@"
    spec = planfile.load(content, "phuong-an-mau.xlsx")
    assert [s.action for s in spec.steps] == ["consolidate", "absorb", "rename", "move"]


def _first_step(**fields: str) -> dict[str, str]:
    return {
        "title": "Hợp nhất hai phường",
        "effective_date": "01/01/2027",
        "legal_basis_number": "05/NQ-HĐND",
        "action": "consolidate",
        "sources": "03646, 03667",
        "new_code": "03999",
        "new_name": "Phường Tô Chiềng",
        "new_kind": "ward",
        "parent": "14",
        **fields,
    }


def test_a_plan_is_written_on_the_page_with_a_vietnamese_date_and_codes_kept_as_text(
    province_admin,
):
    browser = province_admin.browser()
    assert browser.get("/plans/new/").status_code == 200
    response = browser.post("/plans/new/", _first_step())
    plan = Plan.objects.latest("id")
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/"
    step = plan.spec["steps"][0]
    assert (plan.effective_date.isoformat(), step["sources"]) == ("2027-01-01", ["03646", "03667"])
    assert step["target"] == {
        "code": "03999",
        "name": "Phường Tô Chiềng",
        "kind": "ward",
        "parent": "14",
    }
    assert plan.status == Plan.Status.DRAFT and plan.preview is not None
    more = {"action": "rename", "unit": "03670", "new_name": "Phường Chiềng Cơi Mới"}
    assert browser.post(f"/plans/{plan.pk}/steps/new/", more).status_code == 302
    plan.refresh_from_db()
    assert [s["action"] for s in plan.spec["steps"]] == ["consolidate", "rename"]
    assert plan.checksum == engine.checksum(services.spec_of(plan))


def test_a_plan_form_with_problems_says_where_and_keeps_what_was_typed(province_admin):
    browser = province_admin.browser()
    before = Plan.objects.count()
    response = browser.post("/plans/new/", _first_step(sources="03646, 09999", new_code="03670"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "09999" in page and 'value="Phường Tô Chiềng"' in page  # what was typed
    assert 'href="#id_sources"' in page and 'href="#id_new_code"' in page  # where
    assert Plan.objects.count() == before
    bad_date = browser.post("/plans/new/", _first_step(effective_date="31/02/2027"))
    assert bad_date.status_code == 400 and 'href="#id_effective_date"' in bad_date.content.decode()


def test_a_commune_official_cannot_write_a_plan_on_the_page(commune_official):
    browser = commune_official.browser()
    assert browser.get("/plans/new/").status_code == 403
    assert browser.post("/plans/new/", _first_step()).status_code == 403


def test_re_uploading_the_applied_2025_plan_is_told_so_on_a_short_page(province_admin):
    from tinhgon.conftest import NATIONAL
    from tinhgon.reorg import planfile

    content = planfile.dump_yaml(NATIONAL["plan"]).encode()
    response = province_admin.browser().post(
        "/plans/", {"file": SimpleUploadedFile("plan-2025.yaml", content)}
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Phương án này đã được thực hiện" in page  # "already applied"
    assert len(page) < 20_000, "one message, not thirteen thousand"


def test_a_plan_file_that_does_not_read_shows_the_plans_page_again_with_its_upload_form(
    province_admin,
):
    response = province_admin.browser().post(
        "/plans/", {"file": SimpleUploadedFile("plan.yaml", b"title: [unclosed\n")}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary' in page
    assert 'type="file"' in page and 'name="file"' in page  # the form is still there
