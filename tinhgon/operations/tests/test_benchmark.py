"""The benchmark command: its subcommands, and its refusal of a registry that is not empty."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tinhgon.operations import benchmarks
from tinhgon.operations.management.commands.benchmark import Command
from tinhgon.units.models import Unit


def parse(*argv: str) -> dict:
    options = vars(Command().create_parser("tinhgon", "benchmark").parse_args(argv))
    return {"subcommand": options["subcommand"], "skip_naive": options["skip_naive"]}


def test_plain_benchmark_runs_the_registry_benchmark_and_lines_up_its_figures(monkeypatch):
    calls = []

    def registry(*, skip_naive):
        calls.append(skip_naive)
        return [("short", "1 s"), ("a longer label", "2 s")]

    monkeypatch.setattr(benchmarks, "registry", registry)
    monkeypatch.setattr(Unit.objects, "exists", lambda: False)  # as on a fresh database
    out = io.StringIO()
    call_command("benchmark", stdout=out)  # what `make bench` runs
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("database: ")
    assert lines[1:] == ["short           1 s", "a longer label  2 s"]
    assert calls == [False]


@pytest.mark.parametrize(
    "argv",
    [["registry", "--skip-naive"], ["--skip-naive", "registry"]],
)
def test_skip_naive_is_kept_before_or_after_the_subcommand(argv):
    assert parse(*argv) == {"subcommand": "registry", "skip_naive": True}


def test_an_unknown_subcommand_is_refused():
    # One line in the reader's language that names what was typed.
    with pytest.raises(CommandError, match=r"'nothing' (không thuộc|is not one of)"):
        call_command("benchmark", "nothing")


@pytest.mark.django_db
@pytest.mark.parametrize("argv", [[], ["registry"]])
def test_the_benchmark_refuses_a_registry_that_is_not_empty(argv):
    with pytest.raises(CommandError, match=r"needs an empty registry|sổ đăng ký trống"):
        call_command("benchmark", *argv)


@pytest.mark.parametrize("rows", ["0", "many", "60000000"])
def test_the_carriers_benchmark_refuses_a_number_of_rows_out_of_bounds(rows):
    with pytest.raises(CommandError, match="rows"):
        call_command("benchmark", "carriers", "--rows", rows)
