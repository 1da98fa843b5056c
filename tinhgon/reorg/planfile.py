"""Plan files: YAML and Excel (docs/plan-files.md). Bad files get errors with line or row and
field, before anything touches the database."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from dataclasses import dataclass
from typing import Any

import yaml
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from tinhgon.core import text
from tinhgon.core.errors import DomainError, Problem
from tinhgon.core.upload import max_upload_bytes, too_large
from tinhgon.core.xlsx import append_row
from tinhgon.core.xlsx_read import open_workbook, sheet_rows
from tinhgon.reorg.spec import ACTIONS, NEW_PREFIX, LegalBasis, NewUnit, PlanSpec, SplitTarget, Step
from tinhgon.units.services import check_day

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
LINE = "__line__"

# Bounds on a plan, whatever it is written in. The national 2025 plan has about 3,400 steps.
MAX_STEPS = 20_000
MAX_ITEMS = 1_000  # sources, parts, targets or kinds of one step
TEXT_LIMIT = 255  # any single value not listed below
LIMITS = {
    "title": 255,
    "legal_basis.number": 120,
    "legal_basis.issuer": 255,
    "note": 1_000,
    "name": 255,
    "kind": 32,
    # Codes and references to units (ward:03667, new:T1)
    **dict.fromkeys(("unit", "sources", "parts", "into", "default", "receiver", "parent"), 60),
    "code": 40,
}
# Fields that hold unit codes or references: always text.
CODE_FIELDS = frozenset(
    ("unit", "sources", "parts", "into", "default", "receiver", "parent", "code", "ref")
)
NULL_TAG = "tag:yaml.org,2002:null"
MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class Typed:
    """A value written with a type tag (`!!int abc`, `!!float`, `!!timestamp`): plan files hold
    text, so the field it is in reports it, with its step."""

    tag: str
    text: str


def _aliases_refused() -> str:
    return _("aliases (*name) and anchors (&name) are not allowed in a plan file")


def _merges_refused() -> str:
    return _("merge keys (<<) are not allowed in a plan file")


class _LineLoader(_Loader):  # type: ignore[misc,valid-type]
    """The safe loader (no objects built from the file), reading a plan as text:

    - every plain scalar is text or empty: YAML 1.1 would read an unquoted code 04246 as the
      octal number 2214, 1e3 as a float, 2027-02-30 as a crash; the fields convert themselves;
    - an alias (*name) is refused: a 454-byte file of nested aliases once stored a 92 MB title;
    - every mapping remembers its line, so that errors can point into the file.
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag == NULL_TAG]
        for first, resolvers in _Loader.yaml_implicit_resolvers.items()
    }

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            # The node was met before: this is an alias of it.
            raise yaml.constructor.ConstructorError(
                None,
                None,
                _aliases_refused(),
                node.start_mark,
            )
        return super().construct_object(node, deep=deep)

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        for key, _value in node.value:
            if key.tag == MERGE_TAG:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    _merges_refused(),
                    key.start_mark,
                )


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE] = node.start_mark.line + 1
    return mapping


def _construct_typed(loader: yaml.SafeLoader, node: yaml.Node) -> Typed:
    text = node.value if isinstance(node, yaml.ScalarNode) else ""
    return Typed(tag="!!" + str(node.tag).rsplit(":", 1)[-1], text=str(text)[:40])


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
for _tag in ("bool", "int", "float", "binary", "timestamp", "omap", "pairs", "set", "value"):
    _LineLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _construct_typed)


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, message: str, **where: Any) -> None:
        self.problems.append(Problem(message, **where))

    def raise_if_any(self, filename: str) -> None:
        if self.problems:
            raise DomainError(
                _("%(file)s: %(count)s problem(s) in the plan; nothing was written.")
                % {"file": filename, "count": text.number(len(self.problems))},
                code="invalid_plan",
                problems=self.problems,
            )


_DAY_FIRST = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(value: Any) -> dt.date | None:
    """A date cell, or text written dd/mm/yyyy (as on the pages) or YYYY-MM-DD; None if it is
    not a real date (2027-02-30)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if match := _DAY_FIRST.fullmatch(text):
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        if _ISO_DAY.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        return None
    return None


class _Fields:
    """The values of one mapping of a plan (the header, a step, a new unit), read as text or as
    the type a field needs; every problem names the step and the field."""

    def __init__(self, raw: dict[str, Any], errors: _Collector, where: dict[str, Any], prefix=""):
        self.raw, self.errors, self.where, self.prefix = raw, errors, where, prefix

    def _add(self, name: str, message: str) -> None:
        self.errors.add(message, field=self.prefix + name, **self.where)

    def _scalar(self, name: str, value: Any, limit: int) -> str | None:
        if value is None:
            return None
        if isinstance(value, Typed):
            self._add(
                name,
                _("'%(tag)s %(text)s': plan files are text, write the value without a type tag")
                % {"tag": value.tag, "text": value.text},
            )
            return None
        if isinstance(value, dict | list):
            self._add(name, _("one value is expected here, not a list or mapping"))
            return None
        if isinstance(value, int | float) and name in CODE_FIELDS:
            # Only a spreadsheet cell can be a number here (YAML reads codes as text); 04246
            # typed into a cell formatted as a number arrives as 4246.
            self._add(
                name,
                _("%(value)s is a number: write codes as text (format the column as text)")
                % {"value": value},
            )
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        if len(text) > limit:
            self._add(name, _("at most %(max)s characters") % {"max": limit})
            return None
        return text or None

    def _limit(self, name: str) -> int:
        return LIMITS.get(self.prefix + name, LIMITS.get(name, TEXT_LIMIT))

    def text(self, name: str) -> str | None:
        return self._scalar(name, self.raw.get(name), self._limit(name))

    def blank(self, name: str) -> bool:
        """Nothing written in the field (as opposed to something that did not read)."""
        value = self.raw.get(name)
        return value is None or (isinstance(value, str) and not value.strip()) or value == []

    def refs(self, name: str) -> list[str]:
        value = self.raw.get(name)
        if value is None or value == "":
            return []
        limit = self._limit(name)
        if isinstance(value, list):
            if len(value) > MAX_ITEMS:
                self._add(name, _("at most %(max)s items") % {"max": MAX_ITEMS})
                return []
            items = [self._scalar(name, item, limit) for item in value]
            return [item for item in items if item]
        if isinstance(value, str) and "," in value:
            items = [self._scalar(name, item, limit) for item in value.split(",")]
            return [item for item in items if item]
        item = self._scalar(name, value, limit)
        return [item] if item else []

    def date(self, name: str) -> dt.date | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        day = parse_date(value)
        if day is None:
            shown = value.text if isinstance(value, Typed) else str(value)[:40]
            self._add(
                name,
                _("'%(value)s' is not a date (dd/mm/yyyy or YYYY-MM-DD)") % {"value": shown},
            )
            return None
        for problem in check_day(day, field=name):
            self._add(name, problem.message)
        return day

    def share(self, name: str) -> float | None:
        """A percent, more than 0 and at most 100."""
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        number: float | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str):
            try:
                number = float(value.strip().replace(",", "."))
            except ValueError:
                number = None
        if number is None or not math.isfinite(number) or not 0 < number <= 100:
            shown = value.text if isinstance(value, Typed) else str(value)[:40]
            self._add(
                name,
                _("'%(value)s': a share is a percent, more than 0 and at most 100")
                % {"value": shown},
            )
            return None
        return int(number) if number.is_integer() else number


def _new_unit(raw: Any, errors: _Collector, where: dict[str, Any], field: str) -> NewUnit | None:
    if not isinstance(raw, dict):
        errors.add(_("must give code, name and kind of the new unit"), field=field, **where)
        return None
    fields = _Fields(raw, errors, where, prefix=f"{field}.")
    code, name, kind, parent = (fields.text(k) for k in ("code", "name", "kind", "parent"))
    missing = [k for k in ("code", "name", "kind") if fields.blank(k)]
    if missing:
        errors.add(
            _("the new unit needs %(fields)s") % {"fields": ", ".join(missing)},
            field=field,
            **where,
        )
    if not (code and name and kind):
        return None
    return NewUnit(code=str(code), name=str(name), kind=str(kind), parent=parent)


REQUIRED = {
    "consolidate": ("target",),
    "absorb": ("into",),
    "split": ("unit", "targets", "default"),
    "partial": ("unit", "into"),
    "dissolve": ("unit",),  # the receiver is checked by the validation, with its own message
    "move": ("unit", "parent"),
    "rename": ("unit",),
    "reclassify": ("unit", "kind"),
    "abolish_level": ("kinds",),
}


def step_from_dict(raw: dict[str, Any], number: int, errors: _Collector) -> Step | None:
    line = raw.get(LINE)
    where = {"step": number, "line": line}
    fields = _Fields(raw, errors, where)
    action = fields.text("action")
    if action is None and not fields.blank("action"):
        return None  # reported by fields.text
    if action not in ACTIONS:
        errors.add(
            _("unknown action '%(action)s'; actions: %(known)s")
            % {"action": action, "known": ", ".join(ACTIONS)},
            field="action",
            **where,
        )
        return None
    for name in REQUIRED[action]:
        if fields.blank(name):
            errors.add(_("required for %(action)s") % {"action": action}, field=name, **where)
    step = Step(
        number=number,
        action=action,
        line=line,
        sources=fields.refs("sources"),
        parts=fields.refs("parts"),
        into=fields.text("into"),
        unit=fields.text("unit"),
        default=fields.text("default"),
        receiver=fields.text("receiver"),
        parent=fields.text("parent"),
        name=fields.text("name"),
        code=fields.text("code"),
        kind=fields.text("kind"),
        kinds=fields.refs("kinds"),
        note=fields.text("note") or "",
    )
    if action == "consolidate" and raw.get("target") is not None:
        step.target = _new_unit(raw["target"], errors, where, "target")
    if action == "rename" and fields.blank("name") and fields.blank("code"):
        errors.add(_("a rename needs a new name or code"), field="name", **where)
    targets = raw.get("targets")
    if action == "split" and isinstance(targets, list):
        if len(targets) > MAX_ITEMS:
            errors.add(_("at most %(max)s items") % {"max": MAX_ITEMS}, field="targets", **where)
            targets = []
        for index, item in enumerate(targets, start=1):
            field = f"targets[{index}]"
            if isinstance(item, str):
                ref = _Fields({"ref": item}, errors, where, prefix=f"{field}.").text("ref")
                if ref:
                    step.targets.append(SplitTarget(ref=ref))
                continue
            if not isinstance(item, dict):
                errors.add(_("a target is a unit reference or a new unit"), field=field, **where)
                continue
            item_fields = _Fields(item, errors, where, prefix=f"{field}.")
            share = item_fields.share("share")
            if item.get("ref"):
                ref = item_fields.text("ref")
                if ref:
                    step.targets.append(SplitTarget(ref=ref, share=share))
            else:
                new = _new_unit(item, errors, where, field)
                if new:
                    step.targets.append(SplitTarget(ref=new.ref, new=new, share=share))
    return step


def plan_from_dict(data: Any, filename: str = "plan", errors: _Collector | None = None) -> PlanSpec:
    errors = errors or _Collector()
    if not isinstance(data, dict):
        raise DomainError(
            _("%(file)s: a plan is a mapping with title, effective_date and steps.")
            % {"file": filename},
            code="invalid_plan",
        )
    header = _Fields(data, errors, {"line": data.get(LINE)})
    title = header.text("title")
    if header.blank("title"):
        errors.add(_("required"), field="title", line=data.get(LINE))
    effective = header.date("effective_date")
    if header.blank("effective_date"):
        errors.add(
            _("required, as a date (dd/mm/yyyy or YYYY-MM-DD)"),
            field="effective_date",
            line=data.get(LINE),
        )
    basis = data.get("legal_basis") or {}
    legal = LegalBasis()
    if isinstance(basis, dict):
        fields = _Fields(basis, errors, {"line": basis.get(LINE)}, prefix="legal_basis.")
        legal = LegalBasis(
            number=fields.text("number") or "",
            date=fields.date("date"),
            issuer=fields.text("issuer") or "",
        )
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        errors.add(_("a plan needs a list of steps"), field="steps", line=data.get(LINE))
        raw_steps = []
    if len(raw_steps) > MAX_STEPS:
        errors.add(
            _("at most %(max)s steps in one plan") % {"max": MAX_STEPS},
            field="steps",
            line=data.get(LINE),
        )
        raw_steps = []
    steps = []
    for number, raw in enumerate(raw_steps, start=1):
        if not isinstance(raw, dict):
            errors.add(_("a step is a mapping with an action"), step=number)
            continue
        step = step_from_dict(raw, number, errors)
        if step:
            steps.append(step)
    errors.raise_if_any(filename)
    assert title is not None and effective is not None
    return PlanSpec(title=title, effective_date=effective, legal_basis=legal, steps=steps)


def load_yaml(content: bytes | str, filename: str = "plan.yaml") -> PlanSpec:
    if len(content) > max_upload_bytes():
        raise too_large(filename)
    try:
        # _LineLoader is a SafeLoader: no arbitrary objects are built from the file.
        data = yaml.load(content, Loader=_LineLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = str(getattr(error, "problem", "") or "")
        if problem not in (_aliases_refused(), _merges_refused()):
            # PyYAML's own wording is English: say where, in the reader's language.
            problem = _("the text is not written as YAML expects (column %(column)s)") % {
                "column": mark.column + 1 if mark else "?"
            }
        raise DomainError(
            _("%(file)s is not valid YAML: %(error)s") % {"file": filename, "error": problem},
            code="invalid_plan",
            problems=[Problem(problem, line=mark.line + 1 if mark else None)],
        ) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        # What the parser itself cannot hold (text that is not UTF-8, nesting too deep).
        raise DomainError(
            _("%(file)s is not valid YAML: %(error)s")
            % {"file": filename, "error": type(error).__name__},
            code="invalid_plan",
            problems=[Problem(_("the file cannot be read as YAML text"))],
        ) from None
    return plan_from_dict(data, filename)


def dump_yaml(plan: PlanSpec) -> str:
    return yaml.dump(
        plan.as_dict(),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=None,
    )


# Excel: sheet "plan" holds key/value rows; sheet "steps" one row per step (a split: one row per
# target, the step number repeated).
STEP_COLUMNS = [
    "step",
    "action",
    "unit",
    "sources",
    "parts",
    "into",
    "code",
    "name",
    "kind",
    "parent",
    "default",
    "receiver",
    "share",
    "kinds",
    "note",
]


def _text(value: Any) -> str | None:
    """A cell as text, to tell which action a row belongs to (fields are read by _Fields)."""
    if value is None:
        return None
    return str(value).strip() or None


MAX_ROWS = MAX_STEPS * 2  # a split takes a row per target
MAX_COLUMNS = 40


def load_excel(content: bytes, filename: str = "plan.xlsx") -> PlanSpec:
    if len(content) > max_upload_bytes():
        raise too_large(filename)
    workbook = open_workbook(content, filename)
    names = workbook.sheetnames
    if "plan" not in names or "steps" not in names:
        raise DomainError(
            _("%(file)s needs the sheets 'plan' and 'steps'.") % {"file": filename},
            code="invalid_plan",
        )
    header: dict[str, Any] = {}
    legal: dict[str, Any] = {}
    for _number, row in sheet_rows(workbook["plan"], filename, max_rows=100, max_columns=2):
        if row[0] is None:
            continue
        key, value = str(row[0]).strip()[:40], row[1] if len(row) > 1 else None
        if key.startswith("legal_basis_"):
            legal[key.removeprefix("legal_basis_")] = value
        else:
            header[key] = value
    header["legal_basis"] = legal
    rows = sheet_rows(workbook["steps"], filename, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS)
    first = next(rows, (1, ()))[1]
    columns = [str(c).strip().lower()[:40] if c is not None else "" for c in first]
    if "action" not in columns or "step" not in columns:
        raise DomainError(
            _("%(file)s: the first row of 'steps' must name the columns %(columns)s.")
            % {"file": filename, "columns": ", ".join(STEP_COLUMNS)},
            code="invalid_plan",
            problems=[Problem(_("missing column"), row=1, field="action")],
        )
    steps: dict[Any, dict[str, Any]] = {}
    order: list[Any] = []
    for number, values in rows:
        cells = {c: values[i] for i, c in enumerate(columns) if c and i < len(values)}
        if all(v in (None, "") for v in cells.values()):
            continue
        key = cells.get("step") or f"row{number}"
        if key not in steps:
            order.append(key)
            steps[key] = {LINE: number, "action": cells.get("action"), "targets": []}
        step = steps[key]
        action = _text(cells.get("action")) or _text(step.get("action"))
        for name in ("unit", "sources", "parts", "into", "default", "receiver", "kinds", "note"):
            if cells.get(name) not in (None, ""):
                step[name] = cells[name]
        target = {k: cells.get(k) for k in ("code", "name", "kind", "parent", "share")}
        if action == "consolidate":
            step["target"] = {**target, LINE: number}
        elif action == "split":
            if _text(cells.get("into")):
                step["targets"].append({"ref": cells.get("into"), "share": cells.get("share")})
            elif _text(cells.get("code")):
                step["targets"].append({**target, LINE: number})
        elif action in {"move"}:
            step["parent"] = cells.get("parent")
        elif action in {"rename", "reclassify"}:
            step.update(
                {
                    k: cells.get(k)
                    for k in ("code", "name", "kind")
                    if cells.get(k) not in (None, "")
                }
            )
    header["steps"] = [steps[k] for k in order]
    return plan_from_dict(header, filename)


def load(content: bytes, filename: str) -> PlanSpec:
    if filename.lower().endswith((".xlsx", ".xlsm")):
        return load_excel(content, filename)
    return load_yaml(content, filename)


def write_excel(plan: PlanSpec) -> bytes:
    workbook = Workbook()
    head = workbook.active
    head.title = "plan"
    append_row(head, ["title", plan.title])
    append_row(head, ["effective_date", plan.effective_date])
    append_row(head, ["legal_basis_number", plan.legal_basis.number])
    append_row(head, ["legal_basis_date", plan.legal_basis.date])
    append_row(head, ["legal_basis_issuer", plan.legal_basis.issuer])
    sheet = workbook.create_sheet("steps")
    append_row(sheet, STEP_COLUMNS)
    for step in plan.steps:
        base = {
            "step": step.number,
            "action": step.action,
            "unit": step.unit,
            "sources": ", ".join(step.sources),
            "parts": ", ".join(step.parts),
            "into": step.into,
            "default": step.default,
            "receiver": step.receiver,
            "kinds": ", ".join(step.kinds),
            "note": step.note,
            "parent": step.parent,
            "name": step.name,
            "code": step.code,
            "kind": step.kind,
        }
        if step.target:
            base.update(
                code=step.target.code,
                name=step.target.name,
                kind=step.target.kind,
                parent=step.target.parent,
            )
        if step.action == "split":
            for target in step.targets:
                row = dict(base)
                if target.new:
                    row.update(
                        code=target.new.code,
                        name=target.new.name,
                        kind=target.new.kind,
                        parent=target.new.parent,
                        into=None,
                    )
                else:
                    row.update(into=target.ref)
                row["share"] = target.share
                append_row(sheet, [row.get(c) or None for c in STEP_COLUMNS])
        else:
            append_row(sheet, [base.get(c) or None for c in STEP_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Columns that hold unit codes or references: formatted as text in the template, so that a
# spreadsheet program keeps "04246" as typed instead of turning it into the number 4246.
CODE_COLUMNS = ("unit", "sources", "parts", "into", "code", "parent", "default", "receiver")


def excel_template() -> bytes:
    """An example plan to fill in: one step of each common kind, code columns kept as text."""
    import datetime as dt

    example = PlanSpec(
        title="Hợp nhất phường Tô Hiệu và phường Chiềng An (ví dụ)",
        effective_date=dt.date(2027, 1, 1),
        legal_basis=LegalBasis(number="01/NQ-HĐND", issuer="HĐND tỉnh Sơn La"),
        steps=[
            Step(
                1,
                "consolidate",
                sources=["03646", "03667"],
                target=NewUnit("03999", "Phường Tô Chiềng", "ward", parent="14"),
                note="hai phường hợp nhất thành phường mới",
            ),
            Step(2, "absorb", sources=["03670"], into="03679", note="xã, phường sáp nhập"),
            Step(3, "rename", unit="03688", name="Xã Mường Chiên Mới", note="đổi tên"),
            Step(4, "move", unit="14-SNV-P1", parent="14-SNV", note="chuyển đơn vị trực thuộc"),
        ],
    )
    workbook = load_workbook(io.BytesIO(write_excel(example)))
    sheet = workbook["steps"]
    for index, column in enumerate(STEP_COLUMNS, start=1):
        if column in CODE_COLUMNS:
            for row in range(2, 1001):
                sheet.cell(row=row, column=index).number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def is_new(ref: str) -> bool:
    return ref.startswith(NEW_PREFIX)
