"""The commands speak the interface's language (Vietnamese by default): no English of their old
output, dates as 01/07/2025 and numbers as 10.040 (issue 7, finding 12: "command output is not
translated"). `tinhgon accounts` is checked in tinhgon/accounts/tests/test_commands.py."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command, get_commands, load_command_class

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]+", text))


def test_report_apparatus_prints_vietnamese_labels_dates_and_numbers():
    text = run("report", "apparatus", "--as-of", "2025-07-01")
    assert text.startswith("Toàn quốc ngày 01/07/2025\n")
    assert "3.321" in text  # communes and wards of the official list
    assert "chỉ tiêu" in text and "số lượng" in text
    assert not {"figure", "count", "on", "by_kind", "administrative_units"} & words(text)


def test_report_apparatus_compared_writes_both_dates_and_signed_changes_in_vietnamese():
    text = run("report", "apparatus", "--as-of", "2025-06-30", "--compare-to", "2025-07-01")
    assert "30/06/2025" in text and "01/07/2025" in text
    assert "10.040" in text  # legacy commune-level units
    assert re.search(r"-6\.719\b", text)  # 10,040 -> 3,321
    assert not {"figure", "change", "levels"} & words(text)


def test_report_apparatus_as_xlsx_says_where_it_wrote_in_vietnamese(tmp_path):
    target = tmp_path / "so-lieu.xlsx"
    text = run(
        "report", "apparatus", "--as-of", "2025-07-01", "--format", "xlsx", "--output", str(target)
    )
    assert text == f"Đã ghi vào {target}\n"


def test_lineage_writes_dates_as_vietnamese_do():
    text = run("lineage", "Phường Chiềng An", "--province", "Sơn La")
    assert "01/07/2025" in text
    assert not re.search(r"\d{4}-\d\d-\d\d", text)
    assert {"Came", "from", "Became"}.isdisjoint(words(text))


def test_generate_apparatus_reports_in_vietnamese():
    text = run("generate-apparatus", "--province", "Sơn La")
    assert text == "Tỉnh Sơn La: đã sinh 0 đơn vị từ mẫu chuẩn.\n"


def test_import_units_reports_in_vietnamese():
    text = run("import-units")
    assert "Danh mục đã đầy đủ" in text and "Báo cáo nhập" in text
    # ("conflicts" is the name of the command that lists them: tinhgon units conflicts.)
    english = {"Registry", "already", "Created", "Import", "report", "resolved", "open"}
    assert english.isdisjoint(words(text))


def test_the_command_help_is_in_vietnamese():
    from django.core.management import load_command_class

    command = load_command_class("tinhgon.reports", "report")
    parser = command.create_parser("tinhgon", "report")
    assert "Báo cáo" in parser.format_help()


@pytest.mark.parametrize("command", ["plan", "units", "report", "lineage", "accounts", "calendar"])
def test_the_help_of_each_command_is_in_vietnamese(command):
    app = get_commands()[command]
    parser = load_command_class(app, command).create_parser("tinhgon", command)
    text = parser.format_help()
    assert text.startswith("cách dùng: ")
    english = {"usage", "positional", "arguments", "options", "show", "message", "exit", "Skip"}
    assert not english & words(text), english & words(text)


def test_report_apparatus_compared_warns_where_a_date_has_no_baseline():
    text = run(
        "report",
        "apparatus",
        "--as-of",
        "30/06/2025",
        "--compare-to",
        "01/07/2025",
        "--province",
        "Sơn La",
    )
    assert text.startswith("Cảnh báo: ")
    assert "30/06/2025" in text.splitlines()[0]


def test_units_list_counts_its_rows_as_vietnamese_write_numbers():
    text = run("units", "list", "--as-of", "01/07/2025", "--level", "commune")
    assert text.rstrip().splitlines()[-1].startswith("3.321 ")
