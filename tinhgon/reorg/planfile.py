"""Plan files: YAML and Excel (docs/plan-files.md). Bad files get errors with line or row and
field, before anything touches the database."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import yaml
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from tinhgon.core.errors import DomainError, Problem
from tinhgon.core.xlsx import append_row, open_workbook
from tinhgon.reorg.spec import ACTIONS, NEW_PREFIX, LegalBasis, NewUnit, PlanSpec, SplitTarget, Step
from tinhgon.units.services import check_day

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
LINE = "__line__"


class _LineLoader(_Loader):  # type: ignore[misc,valid-type]
    """Remembers the line of every mapping, so errors can point into the file."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, message: str, **where: Any) -> None:
        self.problems.append(Problem(message, **where))

    def raise_if_any(self, filename: str) -> None:
        if self.problems:
            raise DomainError(
                _("%(file)s: %(count)s problem(s) in the plan; nothing was written.")
                % {"file": filename, "count": len(self.problems)},
                code="invalid_plan",
                problems=self.problems,
            )


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _refs(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value).strip()]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _new_unit(raw: Any, errors: _Collector, where: dict[str, Any], field: str) -> NewUnit | None:
    if not isinstance(raw, dict):
        errors.add(_("must give code, name and kind of the new unit"), field=field, **where)
        return None
    missing = [k for k in ("code", "name", "kind") if not _text(raw.get(k))]
    if missing:
        errors.add(
            _("the new unit needs %(fields)s") % {"fields": ", ".join(missing)},
            field=field,
            **where,
        )
        return None
    return NewUnit(
        code=str(_text(raw["code"])),
        name=str(_text(raw["name"])),
        kind=str(_text(raw["kind"])),
        parent=_text(raw.get("parent")),
    )


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
    action = _text(raw.get("action"))
    if action not in ACTIONS:
        errors.add(
            _("unknown action '%(action)s'; actions: %(known)s")
            % {"action": action, "known": ", ".join(ACTIONS)},
            field="action",
            **where,
        )
        return None
    for name in REQUIRED[action]:
        if raw.get(name) in (None, "", []):
            errors.add(_("required for %(action)s") % {"action": action}, field=name, **where)
    step = Step(
        number=number,
        action=action,
        line=line,
        sources=_refs(raw.get("sources")),
        parts=_refs(raw.get("parts")),
        into=_text(raw.get("into")),
        unit=_text(raw.get("unit")),
        default=_text(raw.get("default")),
        receiver=_text(raw.get("receiver")),
        parent=_text(raw.get("parent")),
        name=_text(raw.get("name")),
        code=_text(raw.get("code")),
        kind=_text(raw.get("kind")),
        kinds=_refs(raw.get("kinds")),
        note=_text(raw.get("note")) or "",
    )
    if action == "consolidate" and raw.get("target") is not None:
        step.target = _new_unit(raw["target"], errors, where, "target")
    if action == "rename" and not (step.name or step.code):
        errors.add(_("a rename needs a new name or code"), field="name", **where)
    if action == "split" and isinstance(raw.get("targets"), list):
        for index, item in enumerate(raw["targets"], start=1):
            if isinstance(item, str):
                step.targets.append(SplitTarget(ref=item.strip()))
                continue
            if not isinstance(item, dict):
                errors.add(
                    _("a target is a unit reference or a new unit"),
                    field=f"targets[{index}]",
                    **where,
                )
                continue
            share = item.get("share")
            if share is not None and not isinstance(share, int | float):
                errors.add(
                    _("a share is a number (percent)"), field=f"targets[{index}].share", **where
                )
                share = None
            if item.get("ref"):
                step.targets.append(SplitTarget(ref=str(item["ref"]).strip(), share=share))
            else:
                new = _new_unit(item, errors, where, f"targets[{index}]")
                if new:
                    step.targets.append(SplitTarget(ref=new.ref, new=new, share=share))
    return step


def plan_from_dict(data: Any, filename: str = "plan") -> PlanSpec:
    errors = _Collector()
    if not isinstance(data, dict):
        raise DomainError(
            _("%(file)s: a plan is a mapping with title, effective_date and steps.")
            % {"file": filename},
            code="invalid_plan",
        )
    title = _text(data.get("title"))
    if not title:
        errors.add(_("required"), field="title", line=data.get(LINE))
    effective = _date(data.get("effective_date"))
    if effective is None:
        errors.add(
            _("required, as a date (YYYY-MM-DD)"), field="effective_date", line=data.get(LINE)
        )
    else:
        for problem in check_day(effective, field="effective_date"):
            errors.add(problem.message, field="effective_date", line=data.get(LINE))
    basis = data.get("legal_basis") or {}
    legal = LegalBasis()
    if isinstance(basis, dict):
        legal = LegalBasis(
            number=_text(basis.get("number")) or "",
            date=_date(basis.get("date")) if basis.get("date") else None,
            issuer=_text(basis.get("issuer")) or "",
        )
        if basis.get("date") and legal.date is None:
            errors.add(_("not a date (YYYY-MM-DD)"), field="legal_basis.date", line=basis.get(LINE))
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        errors.add(_("a plan needs a list of steps"), field="steps", line=data.get(LINE))
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
    try:
        # _LineLoader is a SafeLoader: no arbitrary objects are built from the file.
        data = yaml.load(content, Loader=_LineLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise DomainError(
            _("%(file)s is not valid YAML: %(error)s")
            % {"file": filename, "error": getattr(error, "problem", error)},
            code="invalid_plan",
            problems=[
                Problem(str(getattr(error, "problem", error)), line=mark.line + 1 if mark else None)
            ],
        ) from None
    except (ValueError, TypeError, OverflowError) as error:
        # A value YAML's own types cannot hold (a date 2027-02-30, `!!int abc`).
        raise DomainError(
            _("%(file)s is not valid YAML: %(error)s") % {"file": filename, "error": error},
            code="invalid_plan",
            problems=[Problem(str(error))],
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


def load_excel(content: bytes, filename: str = "plan.xlsx") -> PlanSpec:
    workbook = open_workbook(content, filename)
    names = workbook.sheetnames
    if "plan" not in names or "steps" not in names:
        raise DomainError(
            _("%(file)s needs the sheets 'plan' and 'steps'.") % {"file": filename},
            code="invalid_plan",
        )
    header: dict[str, Any] = {}
    legal: dict[str, Any] = {}
    for row in workbook["plan"].iter_rows(values_only=True):
        if not row or row[0] is None:
            continue
        key, value = str(row[0]).strip(), row[1] if len(row) > 1 else None
        if key.startswith("legal_basis_"):
            legal[key.removeprefix("legal_basis_")] = value
        else:
            header[key] = value
    header["legal_basis"] = legal
    rows = workbook["steps"].iter_rows(values_only=True)
    columns = [str(c).strip().lower() if c is not None else "" for c in next(rows, ())]
    if "action" not in columns or "step" not in columns:
        raise DomainError(
            _("%(file)s: the first row of 'steps' must name the columns %(columns)s.")
            % {"file": filename, "columns": ", ".join(STEP_COLUMNS)},
            code="invalid_plan",
            problems=[Problem(_("missing column"), row=1, field="action")],
        )
    steps: dict[Any, dict[str, Any]] = {}
    order: list[Any] = []
    for number, values in enumerate(rows, start=2):
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
            ref = _text(cells.get("into"))
            if ref:
                step["targets"].append({"ref": ref, "share": cells.get("share")})
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
