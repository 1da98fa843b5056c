"""A command's --output that the system refuses (a folder that does not exist, a folder given
for a file) is one line naming the file and exit 1, whatever the command."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from tinhgon.core import commands
from tinhgon.core.tests.cli import refused


@pytest.mark.parametrize(
    "argv",
    [
        ("units", "excel-template", "--output", "{missing}"),
        ("units", "excel-template", "--output", "{folder}"),
        ("plan", "excel-template", "--output", "{missing}"),
        ("staff", "import-template", "--output", "{missing}"),
        ("equipment", "template", "--output", "{folder}"),
        (
            "report",
            "apparatus",
            "--as-of",
            "2025-07-01",
            "--format",
            "xlsx",
            "--output",
            "{missing}",
        ),
        ("report", "apparatus", "--as-of", "2025-07-01", "--output", "{folder}"),
    ],
)
def test_an_output_the_system_refuses_is_one_line_naming_the_file(
    db: Any, monkeypatch: Any, capsys: Any, tmp_path: Any, argv: tuple[str, ...]
) -> None:
    missing, folder = str(tmp_path / "no-such-folder" / "f.xlsx"), str(tmp_path)
    argv = tuple(a.format(missing=missing, folder=folder) for a in argv)
    line = refused(*argv, monkeypatch=monkeypatch, capsys=capsys)
    assert line.startswith(argv[-1] + " cannot be written (")
    assert not (tmp_path / "no-such-folder").exists()


class _ReadsAFile(commands.OneLineCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        open("/no-such-folder/input.csv", encoding="utf-8")  # noqa: SIM115


def test_a_file_error_a_command_does_not_handle_is_still_one_line(
    monkeypatch: Any, capsys: Any
) -> None:
    monkeypatch.setattr(commands.connections, "close_all", lambda: None)
    with translation.override("en"), pytest.raises(SystemExit) as exited:
        _ReadsAFile().run_from_argv(["tinhgon", "reads"])
    assert exited.value.code == 1
    assert capsys.readouterr().err.strip() == (
        "/no-such-folder/input.csv: No such file or directory"
    )


@pytest.mark.parametrize(
    "command", ["staff", "equipment", "integrity", "commendations", "coord", "services"]
)
def test_every_demo_takes_the_same_largest_seed(
    db: Any, monkeypatch: Any, capsys: Any, command: str
) -> None:
    argv = (command, "demo", "--seed", str(commands.MAX_SEED + 1), "--province", "Sơn La")
    line = refused(*argv, monkeypatch=monkeypatch, capsys=capsys)
    assert line == f"--seed: '{commands.MAX_SEED + 1}' is not a whole number from 0 to 2147483647"
