"""Helpers shared by management commands: dates, output formats, errors."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import formats, timezone
from django.utils.functional import Promise

from tinhgon.core.errors import DomainError


def parse_day(value: str | None, *, name: str = "--as-of") -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{name}: '{value}' is not a date (YYYY-MM-DD).") from None


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    """A plain text table that lines up Vietnamese text (one column per code point)."""
    cells = [[str(h) for h in headers]] + [
        ["" if c is None else str(c) for c in row] for row in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for index, row in enumerate(cells):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def one_line(error: DomainError) -> str:
    """A refusal in one line: the message and where the first problem is (scripts read it)."""
    if not error.problems:
        return error.message
    more = len(error.problems) - 1
    first = str(error.problems[0]).replace("\n", " ")
    return f"{error.message} {first}" + (f" (+{more})" if more else "")


def domain_errors_as_command_errors(func):  # type: ignore[no-untyped-def]
    """Render a refused request as a clear message and a non-zero exit status."""

    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return func(*args, **kwargs)
        except DomainError as error:
            raise CommandError(str(error)) from None

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


def day_text(day: dt.date | str | None) -> str:
    """A date (or a report's ISO date text) as the reader's language writes it: 01/07/2025 in
    Vietnamese; empty for None, and any other text as it is."""
    if not day:
        return ""
    if isinstance(day, str):
        try:
            return formats.date_format(dt.date.fromisoformat(day), "SHORT_DATE_FORMAT")
        except ValueError:
            return day
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def moment_text(moment: dt.datetime | None) -> str:
    """A moment in the project's time zone as the language writes it (01/07/2025 08:30)."""
    if moment is None:
        return ""
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def number_text(value: int) -> str:
    """A count as the language writes it (10.040 in Vietnamese)."""
    return formats.number_format(value, force_grouping=True)


class TranslatedCommand(BaseCommand):
    """A command whose `help` is a lazy translation: argparse needs real text, so it is
    translated when the parser is made, in the language of that run (arguments' help texts are
    translated in add_arguments with gettext, for the same reason)."""

    help: str | Promise  # type: ignore[assignment]  # gettext_lazy text until the parser is made

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)
