"""The commands the acceptance checks use, with their stable output."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_report_apparatus_json_counts_administrative_units_on_a_date():
    report = json.loads(run("report", "apparatus", "--as-of", "2025-06-30", "--format", "json"))
    assert report["as_of"] == "2025-06-30"
    assert report["administrative_units"]["province_level"] == 63
    assert report["administrative_units"]["district_level"] == 696
    assert report["administrative_units"]["commune_level"] == 10040
    assert report["by_kind"]["township"] > 0


def test_report_apparatus_of_a_province_by_name_without_diacritics():
    report = json.loads(
        run(
            "report",
            "apparatus",
            "--as-of",
            "2025-07-01",
            "--province",
            "son la",
            "--format",
            "json",
        )
    )
    assert report["administrative_units"] == {
        "province_level": 1,
        "district_level": 0,
        "commune_level": 75,
        "districts_without_communes": 0,
    }
    assert report["area"] == "Tỉnh Sơn La"


def test_report_apparatus_compares_two_dates():
    report = json.loads(
        run(
            "report",
            "apparatus",
            "--as-of",
            "2025-06-30",
            "--compare-to",
            "2025-07-01",
            "--province",
            "Sơn La",
            "--format",
            "json",
        )
    )
    assert report["change"]["administrative_units.commune_level"] == 75 - 200
    assert report["change"]["administrative_units.district_level"] == -12
    assert report["change"]["levels"] == -1


def test_report_apparatus_writes_an_xlsx(tmp_path):
    target = tmp_path / "figures.xlsx"
    run("report", "apparatus", "--as-of", "2025-07-01", "--format", "xlsx", "--output", str(target))
    rows = list(load_workbook(target).active.iter_rows(min_row=3, values_only=True))
    by_key = {key: value for _label, value, key in rows}
    assert by_key["administrative_units.province_level"] == 34
    labels = {key: label for label, _value, key in rows}
    assert labels["administrative_units.province_level"] == "Đơn vị hành chính cấp tỉnh"
    assert labels["by_kind.ward"] == "Số đơn vị: Phường"


def test_report_refuses_an_unknown_province():
    with pytest.raises(CommandError, match="Atlantis"):
        run("report", "apparatus", "--as-of", "2025-07-01", "--province", "Atlantis")


def test_units_list_json_gives_code_name_and_kind():
    rows = json.loads(
        run(
            "units",
            "list",
            "--as-of",
            "2025-07-01",
            "--province",
            "Sơn La",
            "--level",
            "commune",
            "--format",
            "json",
        )
    )
    assert len(rows) == 75
    assert {"code", "name", "kind"} <= rows[0].keys()
    assert {r["kind"] for r in rows} == {"commune", "ward"}


def test_units_list_of_legacy_districts():
    rows = json.loads(
        run(
            "units",
            "list",
            "--as-of",
            "2025-06-30",
            "--province",
            "14",
            "--level",
            "district",
            "--format",
            "json",
        )
    )
    assert len(rows) == 12
    assert "Thành phố Sơn La" in {r["name"] for r in rows}


def test_units_conflicts_lists_the_import_report():
    rows = json.loads(
        run("units", "conflicts", "--category", "commune_code_differs", "--format", "json")
    )
    assert len(rows) > 100
    assert any(r["official_name"] == "Phường Chiềng An" for r in rows)


def test_a_bad_date_is_a_clear_command_error_naming_the_option():
    with pytest.raises(CommandError, match=r"^--as-of: '30/02/2025'"):
        run("report", "apparatus", "--as-of", "30/02/2025")


def test_a_date_written_day_first_is_the_same_day_as_its_iso_form():
    day_first = json.loads(run("report", "apparatus", "--as-of", "30/06/2025", "--format", "json"))
    iso = json.loads(run("report", "apparatus", "--as-of", "2025-06-30", "--format", "json"))
    assert day_first == iso


def test_generate_apparatus_is_idempotent():
    assert "đã sinh 0 đơn vị" in run(  # "0 units generated"
        "generate-apparatus",
        "--province",
        "Sơn La",
        "--extra",
        "dan-toc-ton-giao",
        "--extra",
        "ngoai-vu",
    )


def test_accounts_add_user_and_token(tmp_path):
    out = run(
        "accounts",
        "add-user",
        "ops",
        "--unit",
        "Phường Chiềng An",
        "--role",
        "observer",
        "--no-password",
    )
    assert "Phường Chiềng An" in out
    assert run("accounts", "token", "ops").strip().startswith("tg_")
