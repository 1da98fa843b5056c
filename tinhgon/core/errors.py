"""The one error type that services raise, and that pages, the API and commands all render."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _


@dataclass
class Problem:
    """One thing wrong with an input: where it is (row, column, field, step) and what it is."""

    message: str
    field: str | None = None
    row: int | None = None
    column: str | None = None
    step: int | None = None
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    def __str__(self) -> str:
        where = []
        if self.step is not None:
            where.append(f"step {self.step}")
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class DomainError(Exception):
    """A refused request. `code` is stable for machines; `problems` say where and why."""

    message: str
    code: str = "invalid"
    problems: list[Problem] = field(default_factory=list)
    status: int = 400

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {p}" for p in self.problems)

    def as_dict(self) -> dict[str, Any]:
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "problems": [p.as_dict() for p in self.problems],
            }
        }


class NotFound(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message=message, code="not_found", status=404)


class Forbidden(DomainError):
    def __init__(self, message: str = "") -> None:
        message = message or str(_("You may not do this."))
        super().__init__(message=message, code="forbidden", status=403)


def invalid(message: str, **where: Any) -> DomainError:
    """A DomainError with a single problem located by `where` (field=, row=, column=, step=)."""
    return DomainError(message=message, problems=[Problem(message=message, **where)])
