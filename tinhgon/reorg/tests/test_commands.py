"""The plan and lineage commands the acceptance checks use."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import load_workbook

from tinhgon.conftest import db_checksum, plan_audit, unit
from tinhgon.reorg import planfile
from tinhgon.reorg.models import Plan

pytestmark = pytest.mark.django_db

PLAN = """title: Hợp nhất hai phường
effective_date: 2026-01-01
legal_basis: {number: 15/NQ-HĐND, date: 2025-12-10, issuer: HĐND tỉnh Sơn La}
steps:
- action: consolidate
  sources: ['03646', '03667']
  target: {code: '03999', name: Phường Tô Chiềng, kind: ward, parent: '14'}
"""


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def plan_file(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    return path


@pytest.fixture
def split_file(tmp_path):
    """A split of Sơn La: each of its communes needs a decision before the plan applies."""
    path = tmp_path / "split.yaml"
    path.write_text(
        "title: Tách tỉnh\neffective_date: 2026-01-01\nsteps:\n- action: split\n  unit: '14'\n"
        "  default: new:T1\n  targets:\n  - {code: T1, name: Tỉnh Bắc, kind: province}\n"
        "  - {code: T2, name: Tỉnh Nam, kind: province}\n",
        encoding="utf-8",
    )
    return path


def test_build_2025_writes_a_plan_file_that_loads_back(tmp_path):
    target = tmp_path / "plan-2025.yaml"
    assert "bước đã được ghi vào" in run("plan", "build-2025", "--output", str(target))
    spec = planfile.load_yaml(target.read_bytes())
    assert spec.effective_date.isoformat() == "2025-07-01"
    assert sum(1 for s in spec.steps if s.action == "consolidate") == 3321
    assert spec.steps[-1].action == "abolish_level"


def test_build_2025_writes_an_excel_plan_too(tmp_path):
    target = tmp_path / "plan-2025.xlsx"
    run("plan", "build-2025", "--output", str(target))
    assert len(planfile.load_excel(target.read_bytes()).steps) > 3321


def test_preview_json_has_units_opened_closed_and_carriers_and_writes_nothing(plan_file):
    before = db_checksum()
    report = json.loads(run("plan", "preview", str(plan_file), "--format", "json"))
    assert report["units_opened"] == 1 + 7  # the ward and its seven organs and offices
    assert report["units_closed"] == 2 + 14
    assert set(report["carriers"]) >= {"memberships", "child_units"}
    assert db_checksum() == before


def test_preview_writes_an_xlsx_for_the_signatories(plan_file, tmp_path):
    target = tmp_path / "preview.xlsx"
    run("plan", "preview", str(plan_file), "--format", "xlsx", "--output", str(target))
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["Tóm tắt", "Số liệu", "Các bước"]  # summary, figures, steps
    assert workbook["Tóm tắt"]["B1"].value == "Hợp nhất hai phường"


def test_apply_succeeds_once_then_refuses(plan_file):
    assert "Đã thực hiện phương án" in run("plan", "apply", str(plan_file))
    with pytest.raises(CommandError, match="đã được thực hiện"):  # "already applied"
        run("plan", "apply", str(plan_file))


def test_apply_stores_approves_and_applies_on_the_operators_own_authority(plan_file):
    out = run("plan", "apply", str(plan_file))  # no CommandError: exit status 0
    plan = Plan.objects.latest("id")
    assert out.startswith(f"Đã thực hiện phương án {plan.pk}: Hợp nhất hai phường\n")
    assert plan.status == Plan.Status.APPLIED
    assert plan.approved_at is not None
    assert (plan.created_by_id, plan.approved_by_id, plan.applied_by_id) == (None, None, None)
    assert plan_audit(plan.pk) == [
        ("plan_create", None),
        ("plan_approve", None),
        ("plan_apply", None),
    ]


def test_a_refused_apply_exits_1_with_a_one_line_message_and_writes_nothing(plan_file):
    run("plan", "apply", str(plan_file))
    before = db_checksum()
    with pytest.raises(CommandError) as refused:
        run("plan", "apply", str(plan_file))
    # What the command line prints ("CommandError: ..." on stderr) and its exit status.
    assert (str(refused.value), refused.value.returncode) == (
        "Phương án này đã được thực hiện.",
        1,
    )
    assert db_checksum() == before


def test_an_apply_that_needs_decisions_leaves_no_plan_behind(split_file):
    before = db_checksum()
    with pytest.raises(CommandError) as refused:
        run("plan", "apply", str(split_file))
    assert refused.value.returncode == 1
    assert str(refused.value).startswith("Một số bản ghi cần quyết định")
    assert db_checksum() == before


def test_preview_of_the_2025_plan_on_todays_registry_is_refused_clearly(tmp_path):
    target = tmp_path / "plan-2025.yaml"
    run("plan", "build-2025", "--output", str(target))
    with pytest.raises(CommandError, match="đã được thực hiện"):  # "already applied"
        run("plan", "preview", str(target), "--format", "json")


def test_a_bad_plan_file_is_a_command_error_naming_step_and_field(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "title: x\neffective_date: 2026-01-01\nsteps:\n- {action: dissolve, unit: 14-SNV}\n"
    )
    with pytest.raises(CommandError, match=r"bước 1, dòng 4, trường 'receiver'"):
        run("plan", "preview", str(path))


@pytest.mark.parametrize(
    "text",
    [
        "title: x\neffective_date: 2026-01-01\nsteps:\n- {action: dissolve, unit: 14-SNV}\n"
        "- {action: dissolve, unit: 99-NOPE, receiver: '14'}\n",
        "title: x\neffective_date: 2027-02-30\nsteps: []\n",
        "title: [unclosed\n",
    ],
)
def test_apply_of_a_bad_plan_file_exits_1_with_one_line_naming_the_first_problem(tmp_path, text):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    before = db_checksum()
    with pytest.raises(CommandError) as refused:
        run("plan", "apply", str(path))
    message = str(refused.value)
    assert refused.value.returncode == 1 and "\n" not in message and message
    assert db_checksum() == before


def test_create_approve_and_apply_due(plan_file):
    assert "dự thảo" in run("plan", "create", str(plan_file))  # "draft"
    plan = Plan.objects.latest("id")
    # A draft is not applied, however due.
    assert "Không có phương án đã phê duyệt nào đến hạn" in run(
        "plan", "apply-due", "--today", "2026-01-01"
    )
    assert "Đã phê duyệt" in run("plan", "approve", str(plan.pk))  # "approved"
    assert "Không có phương án đã phê duyệt nào đến hạn" in run(
        "plan", "apply-due", "--today", "2025-12-31"
    )
    assert "Đã thực hiện phương án" in run("plan", "apply-due", "--today", "2026-01-01")
    assert "Không có phương án đã phê duyệt nào đến hạn" in run(
        "plan", "apply-due", "--today", "2026-01-02"
    )
    assert plan_audit(plan.pk) == [
        ("plan_create", None),
        ("plan_approve", None),
        ("plan_apply", None),
    ]


def test_lineage_json_lists_the_predecessors():
    body = json.loads(
        run("lineage", "Phường Chiềng An", "--province", "Sơn La", "--format", "json")
    )
    assert body["unit"]["code"] == "03667"
    assert {p["name"] for p in body["predecessors"]} == {
        "Xã Chiềng Đen",
        "Xã Chiềng Xôm",
        "Phường Chiềng An",
    }
    assert {"code", "name"} <= body["predecessors"][0].keys()


def test_lineage_of_a_legacy_code_shows_its_successor():
    body = json.loads(run("lineage", "03661", "--format", "json"))  # Xã Chiềng Đen
    assert [s["code"] for s in body["successors"]] == ["03667"]


def test_decide_records_a_choice_for_a_split(split_file):
    run("plan", "create", str(split_file))
    from tinhgon.reorg.models import Decision

    plan = Plan.objects.latest("id")
    commune = unit("Phường Chiềng An").unit_id
    assert "1 quyết định" in run("plan", "decide", str(plan.pk), "--choice", f"{commune}=new:T2")
    assert Decision.objects.get(plan=plan).to_ref == "new:T2"
    with pytest.raises(CommandError):
        run("plan", "decide", str(plan.pk), "--choice", "not-a-choice")
    hanoi_ward = unit("Phường Ba Đình", province="Hà Nội").unit_id
    with pytest.raises(CommandError, match="Ba Đình"):  # not in the unit the plan splits
        run("plan", "decide", str(plan.pk), "--choice", f"{hanoi_ward}=new:T2")
    with pytest.raises(CommandError, match="99999999"):  # no such record
        run("plan", "decide", str(plan.pk), "--choice", "99999999=new:T2")
    with pytest.raises(CommandError, match="T3"):  # not a successor of the split
        run("plan", "decide", str(plan.pk), "--choice", f"{commune}=new:T3")


def test_a_plan_whose_date_has_not_come_is_applied_only_with_early(tmp_path):
    coming = timezone.localdate() + dt.timedelta(days=30)
    path = tmp_path / "coming.yaml"
    path.write_text(PLAN.replace("2026-01-01", coming.isoformat()), encoding="utf-8")
    before, plans = db_checksum(), Plan.objects.count()
    with pytest.raises(CommandError, match=coming.strftime("%d/%m/%Y")):
        run("plan", "apply", str(path))
    assert db_checksum() == before and Plan.objects.count() == plans
    assert "Đã thực hiện phương án" in run("plan", "apply", str(path), "--early")


def test_the_scheduled_job_applies_an_approved_plan_on_its_date_and_not_before(monkeypatch):
    from tinhgon.publicservices import jobs
    from tinhgon.reorg import services

    today = timezone.localdate()
    coming = today + dt.timedelta(days=1)
    draft = services.plan_create(
        actor=None, spec=planfile.load_yaml(PLAN.replace("2026-01-01", coming.isoformat()))
    )
    services.plan_approve(actor=None, plan=draft)
    assert jobs.run_round()["plans_applied"] == []
    assert Plan.objects.get(pk=draft.pk).status == Plan.Status.APPROVED
    monkeypatch.setattr(timezone, "localdate", lambda *args: coming)
    assert jobs.run_round()["plans_applied"] == [draft.pk]
    assert Plan.objects.get(pk=draft.pk).status == Plan.Status.APPLIED
