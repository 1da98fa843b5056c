"""Helpers shared by management commands: dates, ids, output formats, and refusals in one line.

Scripts depend on it: every refusal of a command built on OneLineCommand is one line on stderr,
in the reader's language, and exit status 1; never a traceback or argparse's usage text."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pathlib
import re
import sys
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connections
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tinhgon.core import text
from tinhgon.core.errors import DomainError
from tinhgon.core.forms import MAX_ID
from tinhgon.core.views import problem_text


def parse_day(value: str | None, *, name: str = "--as-of") -> dt.date | None:
    """A date on the command line: ISO (2025-07-01, what scripts write) or as Vietnamese write
    it (01/07/2025, day first)."""
    if value is None:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise CommandError(
        _("%(option)s: '%(value)s' is not a date (dd/mm/yyyy or YYYY-MM-DD).")
        % {"option": name, "value": value[:40]}
    )


# A demo's --seed: what every database's integer and every generator takes, the same for all.
MAX_SEED = 2**31 - 1


def bounded_int(low: int, high: int):  # type: ignore[no-untyped-def]
    """An argparse type: a whole number from `low` to `high`."""

    def whole_number(value: str) -> int:
        if not value.strip().isdigit() or not low <= int(value) <= high:
            raise argparse.ArgumentTypeError(
                _("'%(value)s' is not a whole number from %(low)s to %(high)s")
                % {"value": value[:40], "low": low, "high": high}
            )
        return int(value)

    return whole_number


def record_id(value: str) -> int:
    """An argparse type: an id the databases can hold (a larger one names nothing)."""
    if not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        raise argparse.ArgumentTypeError(_("'%(value)s' is not an id") % {"value": value[:40]})
    return int(value)


def write_output(path: str | os.PathLike[str], content: bytes | str) -> None:
    """Write a command's --output file (text as UTF-8); a folder that does not exist, a folder
    given for a file or a file one may not write is a refusal in one line naming the file."""
    try:
        if isinstance(content, bytes):
            pathlib.Path(path).write_bytes(content)
        else:
            pathlib.Path(path).write_text(content, encoding="utf-8")
    except OSError as error:
        raise CommandError(
            _("%(path)s cannot be written (%(error)s).")
            % {"path": str(path)[:200], "error": error.strerror or error}
        ) from None


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
    message = " ".join(error.message.split())
    if not error.problems:
        return message
    more = len(error.problems) - 1
    first = " ".join(problem_text(error.problems[0]).split())
    return f"{message} {first}" + (f" (+{more})" if more else "")


def domain_errors_as_command_errors(func):  # type: ignore[no-untyped-def]
    """Render a refused request as a clear message in one line and a non-zero exit status."""

    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return func(*args, **kwargs)
        except DomainError as error:
            raise CommandError(one_line(error)) from None

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


# argparse's messages (English, from the standard library) in the reader's language.
_ARGPARSE = [
    (
        re.compile(
            r"argument (?P<argument>\S+): invalid choice: '?(?P<value>[^']*)'? \(choose from (?P<choices>.*)\)"
        ),
        lambda m: (
            _("%(argument)s: '%(value)s' is not one of %(choices)s")
            % {
                "argument": m["argument"],
                "value": m["value"],
                "choices": m["choices"].replace("'", ""),
            }
        ),
    ),
    (
        re.compile(r"argument (?P<argument>\S+): invalid \S+ value: '(?P<value>.*)'"),
        lambda m: (
            _("%(argument)s: '%(value)s' is not valid")
            % {"argument": m["argument"], "value": m["value"]}
        ),
    ),
    (
        re.compile(r"argument (?P<argument>\S+): expected one argument"),
        lambda m: _("%(argument)s needs a value") % {"argument": m["argument"]},
    ),
    (
        re.compile(r"the following arguments are required: (?P<arguments>.*)"),
        lambda m: _("missing: %(arguments)s") % {"arguments": m["arguments"]},
    ),
    (
        re.compile(r"unrecognized arguments: (?P<arguments>.*)"),
        lambda m: _("unknown arguments: %(arguments)s") % {"arguments": m["arguments"]},
    ),
    (
        # Our own types' messages (record_id), already translated.
        re.compile(r"argument (?P<argument>\S+): (?P<message>.*)"),
        lambda m: f"{m['argument']}: {m['message']}",
    ),
]


def argparse_message(message: str) -> str:
    message = message.removeprefix("Error: ")
    for pattern, say in _ARGPARSE:
        if match := pattern.fullmatch(message):
            return str(say(match))
    return message


# argparse's own headings (English, from the standard library) in the reader's language.
_HEADINGS = [
    ("usage: ", gettext_noop("usage: ")),
    ("positional arguments:", gettext_noop("positional arguments:")),
    ("options:", gettext_noop("options:")),
    ("show this help message and exit", gettext_noop("show this help message and exit")),
    ("Skip system checks.", gettext_noop("Skip system checks.")),
]


class OneLineParser(CommandParser):
    """Errors in the arguments are refusals like any other: CommandError, then one line; the
    help in the reader's language."""

    def error(self, message: str):  # type: ignore[no-untyped-def,override]
        raise CommandError(argparse_message(message))

    def format_help(self) -> str:
        return _translated_headings(super().format_help())

    def format_usage(self) -> str:
        return _translated_headings(super().format_usage())


def _translated_headings(text: str) -> str:
    for english, message in _HEADINGS:
        text = text.replace(english, _(message))
    return text


def _errors_in_one_line(parser: argparse.ArgumentParser) -> None:
    # The same parser but for error(), its subcommands' parsers too (add_arguments made them as
    # plain CommandParsers, inside Django's create_parser).
    parser.__class__ = OneLineParser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _errors_in_one_line(sub)


class OneLineCommand(BaseCommand):
    """A command whose refusals are one line on stderr and exit status 1 (``--traceback`` shows
    the traceback as Django's commands do). Errors in its arguments included."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs):  # type: ignore[no-untyped-def]
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        _errors_in_one_line(parser)
        return parser

    def run_from_argv(self, argv: list[str]) -> None:
        self._called_from_command_line = True
        traceback = "--traceback" in argv
        try:
            parser = self.create_parser(argv[0], argv[1])
            options = vars(parser.parse_args(argv[2:]))
            args = options.pop("args", ())
            self.execute(*args, **options)
        except CommandError as error:
            if traceback:
                raise
            self.stderr.write(" ".join(str(error).split()))
            sys.exit(error.returncode or 1)
        except DomainError as error:
            if traceback:
                raise
            self.stderr.write(one_line(error))
            sys.exit(1)
        except DatabaseError as error:
            if traceback:
                raise
            self.stderr.write(
                " ".join(
                    (
                        _("The database refused: %(error)s (has tinhgon migrate run?)")
                        % {"error": str(error)[:200]}
                    ).split()
                )
            )
            sys.exit(1)
        except BrokenPipeError:
            # The reader left (`tinhgon units list | head`): stop quietly, as Unix tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except OSError as error:
            # A file the command was told to write (or read) that the system refuses: a folder
            # that does not exist, a folder for a file. Commands use write_output; this catches
            # those that do not, so a new command cannot show a traceback for a wrong path.
            if traceback or error.filename is None:
                raise
            # Reading or writing, unknown here: the file and the system's reason, as Unix tools say.
            self.stderr.write(" ".join(f"{str(error.filename)[:200]}: {error.strerror}".split()))
            sys.exit(1)
        finally:
            connections.close_all()


def day_text(day: dt.date | str | None) -> str:
    """A date (or a report's ISO date text) as the reader's language writes it: 01/07/2025 in
    Vietnamese; empty for None, and any other text as it is."""
    if isinstance(day, str):
        try:
            return text.day(dt.date.fromisoformat(day))
        except ValueError:
            return day
    return text.day(day)


def moment_text(moment: dt.datetime | None) -> str:
    """A moment in the project's time zone as the language writes it (01/07/2025 08:30)."""
    if moment is None:
        return ""
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def number_text(value: int) -> str:
    """A count as the language writes it (10.040 in Vietnamese)."""
    return text.number(value)


class TranslatedCommand(OneLineCommand):
    """A OneLineCommand whose `help` is a lazy translation: argparse needs real text, so it is
    translated when the parser is made, in the language of that run (arguments' help texts are
    translated in add_arguments with gettext, for the same reason)."""

    help: str | Promise  # type: ignore[assignment]  # gettext_lazy text until the parser is made
    # Django's own options (English, for developers) still work but stay out of the help.
    suppressed_base_arguments = {
        "--version",
        "--settings",
        "--pythonpath",
        "--no-color",
        "--force-color",
        "--skip-checks",
        "--verbosity",
        "--traceback",
    }

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)
