"""A reorganization plan as data: what a plan file says, before anything is resolved.

Unit references are strings: an official code of a unit open on the effective date ("14",
"03646"), optionally with its kind ("ward:03667") when codes collide, or "new:CODE" for a unit
the plan itself opens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

ACTIONS = (
    "consolidate",  # several units close; a new unit opens and receives them
    "absorb",  # several units close; an existing unit receives them
    "split",  # one unit closes; several units (new or existing) receive it, one by default
    "partial",  # part of a unit moves into another; the unit stays open
    "dissolve",  # one unit closes; a named receiver takes its records
    "move",  # a unit hangs under another parent (same identity, new version)
    "rename",  # same identity, new name (and code) in a new version
    "reclassify",  # same identity, new kind in a new version
    "abolish_level",  # every open unit of some kinds closes
)

NEW_PREFIX = "new:"


@dataclass
class NewUnit:
    code: str
    name: str
    kind: str
    parent: str | None = None  # a reference; None for a province

    @property
    def ref(self) -> str:
        return NEW_PREFIX + self.code


@dataclass
class SplitTarget:
    ref: str  # an existing unit, or "new:CODE" with `new` set
    new: NewUnit | None = None
    share: float | None = None  # percent of the unit (area, population) the target receives


@dataclass
class Step:
    number: int
    action: str
    line: int | None = None  # line in the YAML file or row in the sheet
    sources: list[str] = field(default_factory=list)  # consolidate, absorb: units that close
    parts: list[str] = field(
        default_factory=list
    )  # units that give part and stay (or close elsewhere)
    target: NewUnit | None = None  # consolidate
    into: str | None = None  # absorb, partial
    unit: str | None = None  # split, dissolve, move, rename, reclassify
    targets: list[SplitTarget] = field(default_factory=list)  # split
    default: str | None = None  # split
    receiver: str | None = None  # dissolve
    parent: str | None = None  # move
    name: str | None = None  # rename
    code: str | None = None  # rename
    kind: str | None = None  # reclassify
    kinds: list[str] = field(default_factory=list)  # abolish_level
    note: str = ""


@dataclass
class LegalBasis:
    number: str = ""
    date: dt.date | None = None
    issuer: str = ""


@dataclass
class PlanSpec:
    title: str
    effective_date: dt.date
    legal_basis: LegalBasis = field(default_factory=LegalBasis)
    steps: list[Step] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The plan as the YAML file writes it (empty fields left out)."""

        def clean(value: Any) -> Any:
            if isinstance(value, list):
                return [clean(v) for v in value]
            if isinstance(value, SplitTarget):
                # As the file writes it: the new unit's own fields, or a reference.
                fields = clean(value.new) if value.new else {"ref": value.ref}
                return fields | ({"share": value.share} if value.share is not None else {})
            if hasattr(value, "__dataclass_fields__"):
                out = {}
                for key in value.__dataclass_fields__:
                    item = getattr(value, key)
                    if key in {"number", "line"} and isinstance(value, Step):
                        continue
                    if item in (None, "", []):
                        continue
                    out[key] = clean(item)
                return out
            if isinstance(value, dt.date):
                return value.isoformat()
            if isinstance(value, str):
                return str.__str__(value)  # plain str, also for Kind members
            return value

        return {
            "title": self.title,
            "effective_date": self.effective_date.isoformat(),
            "legal_basis": clean(self.legal_basis),
            "steps": [clean(step) for step in self.steps],
        }
