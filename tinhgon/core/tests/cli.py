"""The command line's own path in a test: what a script sees of a refusal."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import get_commands, load_command_class
from django.utils import translation

from tinhgon.core import commands


def refused(*argv: str, monkeypatch: Any, capsys: Any) -> str:
    """Run `tinhgon ARGV...` through run_from_argv (in English) and return its one line on
    stderr, having checked the exit status 1 and nothing on stdout."""
    # run_from_argv closes the connections when done, which the test's transaction must survive.
    monkeypatch.setattr(commands.connections, "close_all", lambda: None)
    command = load_command_class(get_commands()[argv[0]], argv[0])
    with translation.override("en"), pytest.raises(SystemExit) as exited:
        command.run_from_argv(["tinhgon", *argv])
    captured = capsys.readouterr()
    assert exited.value.code == 1 and captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]
