"""The national import with the 2025 plan, on the session's registry (already imported once)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tinhgon.conftest import db_checksum
from tinhgon.operations.national import import_national_with_plan
from tinhgon.reorg.models import Plan

pytestmark = pytest.mark.django_db


def test_running_the_national_import_again_changes_nothing():
    before = db_checksum()
    result = import_national_with_plan()
    assert result.legacy.units_created == 0
    assert result.plan_applied is None
    assert Plan.objects.filter(status=Plan.Status.APPLIED).count() == 1
    assert db_checksum() == before


def test_import_units_says_nothing_was_created_and_writes_the_import_report_as_csv(tmp_path):
    target = tmp_path / "report.csv"
    out = io.StringIO()
    call_command("import-units", "--report", str(target), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Danh mục đã đầy đủ: không tạo thêm đơn vị nào."  # nothing created
    assert lines[1].startswith("Báo cáo nhập: ") and "điểm không khớp" in lines[1]  # conflicts
    assert lines[-1] == f"Đã ghi báo cáo nhập vào {target}"
    text = target.read_text(encoding="utf-8")
    assert text.startswith("category,status,")
    assert "Phường Chiềng An" in text and "03664" in text
