"""Periodic reports: templates with typed fields, rounds with their duties, submissions, the
consolidated figures (services write, selectors read; pages, the API and commands share them).

A template's `fields` is a list of typed fields, validated when the template is saved:

    {"key": "staff", "label": "Số cán bộ", "type": "number", "required": true,
     "min": 0, "max": 500, "integer": true}
    {"key": "note", "label": "Ghi chú", "type": "text", "max_length": 500}
    {"key": "progress", "label": "Tiến độ", "type": "choice", "choices": ["Xong", "Chưa xong"]}
    {"key": "minutes", "label": "Biên bản", "type": "file", "file_types": ["pdf"],
     "max_size": 5000000}

A round opens one duty per unit that must submit (a list, or every unit of a kind in the
province). A unit submits (and submits again, the latest submission counts) until its duty is
accepted; every refused value names its field and the database stays unchanged.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from tinhgon.accounts.access import access_unit, records_filter, scope_for
from tinhgon.coordination.models import (
    DutyStatus,
    Period,
    ReportDuty,
    ReportRound,
    ReportTemplate,
    Submission,
    SubmissionFile,
)
from tinhgon.core.errors import DomainError, Forbidden, NotFound, Problem, invalid
from tinhgon.core.models import audit
from tinhgon.core.numbers import parse_decimal
from tinhgon.core.xlsx import append_row
from tinhgon.units import selectors as units
from tinhgon.units.kinds import KINDS_BY_LEVEL, Kind, Level
from tinhgon.units.models import UnitVersion

FIELD_TYPES = ("number", "text", "choice", "file")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
MAX_FIELDS = 60
LABEL_LIMIT = 200
TEXT_LIMIT = 5000  # the longest text field a template may allow
MAX_CHOICES = 50
FILE_LIMIT = 20 * 1024 * 1024  # bytes: the largest file a template may allow
DEFAULT_FILE_SIZE = 5 * 1024 * 1024
NAME_LIMIT = 200
LABEL_ROUND_LIMIT = 60
MAX_NUMBER = Decimal(10) ** 15
# Who must submit, by kind: every commune-level unit (communes, wards, special zones), every
# provincial department.
EVERY = {
    "communes": KINDS_BY_LEVEL[Level.COMMUNE],
    "departments": frozenset({Kind.DEPARTMENT}),
}
# Duties still waiting for the unit: they follow it through a reorganization and count as
# missing once the round's deadline has passed.
WAITING = (DutyStatus.PENDING, DutyStatus.RETURNED)
# Duties a unit may still (re)submit.
OPEN_DUTY = (DutyStatus.PENDING, DutyStatus.SUBMITTED, DutyStatus.RETURNED)


# -- the typed fields ------------------------------------------------------------------------
def _number(value: Any) -> Decimal | None:
    """A finite number within the bounds of a report's figures, or None (core.numbers)."""
    return parse_decimal(value)


def _plain(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


def validate_fields(raw: Any) -> list[dict[str, Any]]:
    """The template's fields in their stored shape, or a DomainError listing every problem, each
    naming its field (`fields[2].max`)."""
    if not isinstance(raw, list) or not raw:
        raise invalid(_("A report needs at least one field."), field="fields")
    if len(raw) > MAX_FIELDS:
        raise invalid(_("A report has at most %(n)s fields.") % {"n": MAX_FIELDS}, field="fields")
    problems: list[Problem] = []
    fields: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        where = f"fields[{index}]"

        def problem(message: str, name: str = "", where: str = where) -> None:
            problems.append(Problem(message, field=f"{where}.{name}" if name else where))

        if not isinstance(item, Mapping):
            problem(_("A field is an object with a key, a label and a type."))
            continue
        key = str(item.get("key", "")).strip()
        if not KEY.match(key):
            problem(
                _("The key must be lower-case letters, digits and _, starting with a letter."),
                "key",
            )
        elif key in seen:
            problem(_("The key %(key)s is used twice.") % {"key": key}, "key")
        seen.add(key)
        label = " ".join(str(item.get("label", "")).split())
        if not label or len(label) > LABEL_LIMIT:
            problem(_("A label of 1 to %(n)s characters is needed.") % {"n": LABEL_LIMIT}, "label")
        kind = item.get("type")
        if kind not in FIELD_TYPES:
            problem(
                _("The type must be one of %(types)s.") % {"types": ", ".join(FIELD_TYPES)},
                "type",
            )
            continue
        field: dict[str, Any] = {
            "key": key,
            "label": label,
            "type": kind,
            "required": bool(item.get("required", False)),
        }
        if kind == "number":
            field["integer"] = bool(item.get("integer", False))
            for bound in ("min", "max"):
                if item.get(bound) is None or item.get(bound) == "":
                    field[bound] = None
                    continue
                number = _number(item.get(bound))
                if number is None or abs(number) > MAX_NUMBER:
                    problem(_("The bound must be a number."), bound)
                else:
                    field[bound] = _plain(number)
            low, high = field.get("min"), field.get("max")
            if low is not None and high is not None and low > high:
                problem(_("The minimum is above the maximum."), "min")
        elif kind == "text":
            limit = item.get("max_length", 500)
            if (
                not isinstance(limit, int)
                or isinstance(limit, bool)
                or not 1 <= limit <= TEXT_LIMIT
            ):
                problem(
                    _("The longest text is a whole number from 1 to %(n)s.") % {"n": TEXT_LIMIT},
                    "max_length",
                )
            field["max_length"] = limit
        elif kind == "choice":
            choices = item.get("choices")
            if (
                not isinstance(choices, list)
                or not 1 < len(choices) <= MAX_CHOICES
                or not all(isinstance(c, str) and c.strip() for c in choices)
            ):
                problem(
                    _("A choice needs 2 to %(n)s options, each a text.") % {"n": MAX_CHOICES},
                    "choices",
                )
            else:
                cleaned = [" ".join(c.split())[:LABEL_LIMIT] for c in choices]
                if len(set(cleaned)) != len(cleaned):
                    problem(_("An option is listed twice."), "choices")
                field["choices"] = cleaned
        else:
            types = item.get("file_types", ["pdf"])
            if (
                not isinstance(types, list)
                or not types
                or not all(isinstance(t, str) and re.fullmatch(r"[a-z0-9]{1,8}", t) for t in types)
            ):
                problem(_("File types are extensions such as pdf, xlsx, docx."), "file_types")
            size = item.get("max_size", DEFAULT_FILE_SIZE)
            if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= FILE_LIMIT:
                problem(
                    _("The largest file is a number of bytes from 1 to %(n)s.") % {"n": FILE_LIMIT},
                    "max_size",
                )
            field["file_types"] = types
            field["max_size"] = size
        fields.append(field)
    if problems:
        raise DomainError(_("The report's fields are not valid."), problems=problems)
    return fields


def _value(field: dict[str, Any], raw: Any) -> tuple[Any, str | None]:
    """(the stored value, None) or (None, what is wrong) for one non-file field."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, (_("This field is required.") if field["required"] else None)
    if field["type"] == "number":
        number = _number(raw)
        if number is None or abs(number) > MAX_NUMBER:
            return None, _("Enter a number.")
        if field.get("integer") and number != number.to_integral_value():
            return None, _("Enter a whole number.")
        if field.get("min") is not None and number < Decimal(str(field["min"])):
            return None, _("At least %(n)s.") % {"n": field["min"]}
        if field.get("max") is not None and number > Decimal(str(field["max"])):
            return None, _("At most %(n)s.") % {"n": field["max"]}
        return _plain(number), None
    if not isinstance(raw, str):
        return None, _("Enter a text.")
    cleaned = raw.strip()
    if field["type"] == "choice":
        if cleaned not in field["choices"]:
            return None, _("Choose one of the options.")
        return cleaned, None
    if len(cleaned) > field["max_length"]:
        return None, _("At most %(n)s characters.") % {"n": field["max_length"]}
    return cleaned, None


def validate_values(
    fields: list[dict[str, Any]],
    values: Mapping[str, Any],
    files: Mapping[str, UploadedFile] | None = None,
    *,
    kept_files: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The submitted values in their stored shape, or a DomainError naming each wrong field.
    `kept_files`: the file names of the previous submission (a resubmission keeps them)."""
    files = files or {}
    kept_files = kept_files or {}
    known = {f["key"] for f in fields}
    problems = [
        Problem(_("This report has no such field."), field=str(key)[:60])
        for key in [*values, *files]
        if key not in known
    ]
    cleaned: dict[str, Any] = {}
    for field in fields:
        key = field["key"]
        if field["type"] == "file":
            upload = files.get(key)
            if upload is None:
                if key in kept_files:
                    cleaned[key] = kept_files[key]
                elif field["required"]:
                    problems.append(Problem(_("This file is required."), field=key))
                else:
                    cleaned[key] = None
                continue
            name = (upload.name or "").rsplit("/", 1)[-1][:200]
            extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            if extension not in field["file_types"]:
                problems.append(
                    Problem(
                        _("The file must be of type %(types)s.")
                        % {"types": ", ".join(field["file_types"])},
                        field=key,
                    )
                )
            elif (upload.size or 0) > field["max_size"]:
                problems.append(
                    Problem(
                        _("The file is larger than %(n)s bytes.") % {"n": field["max_size"]},
                        field=key,
                    )
                )
            else:
                cleaned[key] = name
            continue
        value, problem = _value(field, values.get(key))
        if problem:
            problems.append(Problem(problem, field=key))
        cleaned[key] = value
    if problems:
        raise DomainError(_("The report is not valid."), problems=problems)
    return cleaned


# -- who may act -----------------------------------------------------------------------------
def duty_filter(actor, day: dt.date, *, write: bool = False) -> Q:  # type: ignore[no-untyped-def]
    """The duties the actor may read (write: submit) on `day`: those of their own units; the
    province's for its administrators."""
    return records_filter(
        scope_for(actor), day, unit_field="unit", province_field="province", write=write
    )


def access_template(actor, template_id: int, *, write: bool = False) -> ReportTemplate:  # type: ignore[no-untyped-def]
    """A template its owner's readers see (the province, the owning body); write: its owner's
    writers. A commune official does not see a template's consolidated figures."""
    template = ReportTemplate.objects.filter(pk=template_id).first()
    if template is None:
        raise NotFound(_("No report template %(id)s.") % {"id": template_id})
    if actor is not None:
        try:
            access_unit(actor, template.owner_id, write=write)
        except NotFound:
            raise NotFound(_("No report template %(id)s.") % {"id": template_id}) from None
    return template


def access_round(actor, round_id: int, *, write: bool = False) -> ReportRound:  # type: ignore[no-untyped-def]
    found = ReportRound.objects.filter(pk=round_id).select_related("template").first()
    if found is None:
        raise NotFound(_("No report round %(id)s.") % {"id": round_id})
    try:
        access_template(actor, found.template_id, write=write)
    except NotFound:
        # Answered as a round that does not exist: nor its template's number told.
        raise NotFound(_("No report round %(id)s.") % {"id": round_id}) from None
    return found


def access_duty(actor, duty_id: int, *, write: bool = False) -> ReportDuty:  # type: ignore[no-untyped-def]
    """A duty of the actor's own units (or, read only, of a round they may see)."""
    found = ReportDuty.objects.filter(pk=duty_id).select_related("round__template")
    duty = found.first()
    if duty is None:
        raise NotFound(_("No report duty %(id)s.") % {"id": duty_id})
    if actor is None:
        return duty
    today = timezone.localdate()
    if found.filter(duty_filter(actor, today, write=write)).exists():
        return duty
    if found.filter(duty_filter(actor, today)).exists():
        raise Forbidden(_("You may not submit the reports of this unit."))
    try:
        access_template(actor, duty.round.template_id)
    except NotFound:
        raise NotFound(_("No report duty %(id)s.") % {"id": duty_id}) from None
    if write:
        raise Forbidden(_("You may not submit the reports of this unit."))
    return duty


# -- templates and rounds --------------------------------------------------------------------
def _province_of(version: UnitVersion) -> int:
    return int(version.province_id or version.unit_id)


@transaction.atomic
def template_create(  # type: ignore[no-untyped-def]
    *, actor, owner_id: int, name: str, period: str, fields: Any, synthetic: bool = False
) -> ReportTemplate:
    """A report template owned by a provincial body (or the province); its fields are
    validated whole before anything is written."""
    name = " ".join((name or "").split())
    if not name or len(name) > NAME_LIMIT:
        raise invalid(
            _("A name of 1 to %(n)s characters is needed.") % {"n": NAME_LIMIT}, field="name"
        )
    if period not in Period.values:
        raise invalid(
            _("The period must be one of %(periods)s.") % {"periods": ", ".join(Period.values)},
            field="period",
        )
    cleaned = validate_fields(fields)
    if actor is None:
        owner = units.version_on(owner_id, timezone.localdate())
    else:
        owner = access_unit(actor, owner_id, write=True)
    if owner.level != Level.PROVINCE:
        raise invalid(_("A report template belongs to a provincial body."), field="owner")
    template = ReportTemplate.objects.create(
        province_id=_province_of(owner),
        owner_id=owner.unit_id,
        name=name,
        period=period,
        fields=cleaned,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        synthetic=synthetic,
    )
    audit(actor=actor, action="report_template_create", unit=owner.unit_id, template=template.pk)
    return template


def units_of_kind(province_id: int, every: str, day: dt.date) -> list[int]:
    if every not in EVERY:
        raise invalid(
            _("Every unit of a kind: one of %(kinds)s.") % {"kinds": ", ".join(EVERY)},
            field="every",
        )
    return list(
        units.versions_on(day)
        .filter(province_id=province_id, kind__in=EVERY[every])
        .order_by("unit_id")
        .values_list("unit_id", flat=True)
    )


@transaction.atomic
def round_open(  # type: ignore[no-untyped-def]
    *,
    actor,
    template_id: int,
    label: str,
    starts: dt.date,
    ends: dt.date,
    due: dt.date,
    unit_ids: Iterable[int] | None = None,
    every: str | None = None,
) -> ReportRound:
    """A round of the template over [starts, ends], due on `due`, with one duty per unit that
    must submit: the listed units (each open today, in the template's province) or every unit
    of a kind (`every`: communes, departments) in the province. Duties are inserted at once."""
    template = access_template(actor, template_id, write=True)
    label = " ".join((label or "").split())
    if not label or len(label) > LABEL_ROUND_LIMIT:
        raise invalid(
            _("A period label of 1 to %(n)s characters is needed.") % {"n": LABEL_ROUND_LIMIT},
            field="label",
        )
    if ends < starts:
        raise invalid(_("The period ends before it starts."), field="ends")
    if due < starts:
        raise invalid(_("The deadline comes before the period starts."), field="due")
    if ReportRound.objects.filter(template=template, label=label).exists():
        raise invalid(
            _("This report already has a round %(label)s.") % {"label": label}, field="label"
        )
    today = timezone.localdate()
    if every:
        wanted = units_of_kind(template.province_id, every, today)
    else:
        wanted = sorted(set(unit_ids or ()))
        found = dict(
            units.versions_on(today)
            .filter(unit_id__in=wanted)
            .values_list("unit_id", "province_id")
        )
        problems = [
            Problem(
                _("Unit %(id)s is not open today or not in the province.") % {"id": unit_id},
                field="units",
            )
            for unit_id in wanted
            if found.get(unit_id, -1) != template.province_id
        ]
        if problems:
            raise DomainError(_("Some units cannot report."), problems=problems)
    if not wanted:
        raise invalid(_("No unit must submit this round."), field="units")
    made = ReportRound.objects.create(
        template=template, label=label, starts=starts, ends=ends, due=due
    )
    ReportDuty.objects.bulk_create(
        [ReportDuty(round=made, unit_id=u, province_id=template.province_id) for u in wanted],
        batch_size=2000,
    )
    audit(
        actor=actor,
        action="report_round_open",
        unit=template.owner_id,
        round=made.pk,
        duties=len(wanted),
    )
    return made


# -- submissions -----------------------------------------------------------------------------
def _kept_files(duty: ReportDuty) -> dict[str, str]:
    latest = duty.submissions.order_by("-submitted_at", "-pk").first()
    if latest is None:
        return {}
    return {f.field: f.name for f in latest.files.all()}


@transaction.atomic
def submission_save(  # type: ignore[no-untyped-def]
    *,
    actor,
    duty_id: int,
    values: Mapping[str, Any],
    files: Mapping[str, UploadedFile] | None = None,
) -> Submission:
    """Submit (or submit again) a unit's report: every value is checked against its typed field
    (errors name the field); allowed until the duty is accepted. The latest submission counts,
    earlier ones stay; a file not sent again is kept from the previous submission."""
    duty = access_duty(actor, duty_id, write=True)
    # Locked: two submissions at once are taken one after the other.
    duty = ReportDuty.objects.select_for_update().select_related("round__template").get(pk=duty.pk)
    if duty.status not in OPEN_DUTY:
        raise DomainError(
            _("This report is %(status)s: it can no longer be submitted.")
            % {"status": DutyStatus(duty.status).label},
            code="illegal_move",
            status=409,
        )
    previous = duty.submissions.order_by("-submitted_at", "-pk").first()
    kept = _kept_files(duty)
    cleaned = validate_values(duty.round.template.fields, values, files, kept_files=kept)
    now = timezone.now()
    submission = Submission.objects.create(
        duty=duty,
        values=cleaned,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        submitted_at=now,
    )
    new_files = []
    for key, upload in (files or {}).items():
        stored = SubmissionFile(
            submission=submission, field=key, name=cleaned[key], size=upload.size or 0
        )
        stored.file.save(cleaned[key], upload, save=False)
        new_files.append(stored)
    if previous is not None:
        for old in previous.files.exclude(field__in=list(files or {})):
            new_files.append(
                SubmissionFile(
                    submission=submission,
                    field=old.field,
                    file=old.file.name,
                    name=old.name,
                    size=old.size,
                )
            )
    SubmissionFile.objects.bulk_create(new_files)
    ReportDuty.objects.filter(pk=duty.pk).update(status=DutyStatus.SUBMITTED, submitted_at=now)
    audit(
        actor=actor,
        action="report_submit",
        unit=duty.unit_id,
        duty=duty.pk,
        submission=submission.pk,
        again=previous is not None,
    )
    return submission


@transaction.atomic
def duty_decide(*, actor, duty_id: int, accept: bool, note: str = "") -> ReportDuty:  # type: ignore[no-untyped-def]
    """The template's owner accepts a submitted report (no more resubmission) or returns it for
    another submission. Repeating the same decision changes nothing."""
    duty = ReportDuty.objects.select_related("round").filter(pk=duty_id).first()
    if duty is None:
        raise NotFound(_("No report duty %(id)s.") % {"id": duty_id})
    access_round(actor, duty.round_id, write=True)
    target = DutyStatus.ACCEPTED if accept else DutyStatus.RETURNED
    if duty.status == target:
        return duty
    if duty.status != DutyStatus.SUBMITTED:
        raise DomainError(
            _("Only a submitted report can be accepted or returned; this one is %(status)s.")
            % {"status": DutyStatus(duty.status).label},
            code="illegal_move",
            status=409,
        )
    changed = ReportDuty.objects.filter(pk=duty.pk, status=DutyStatus.SUBMITTED).update(
        status=target
    )
    if not changed:
        raise DomainError(
            _("The report changed meanwhile; try again."), code="conflict", status=409
        )
    audit(
        actor=actor,
        action="report_accept" if accept else "report_return",
        unit=duty.unit_id,
        duty=duty.pk,
        note=note[:1000],
    )
    duty.refresh_from_db()
    return duty


# -- reads -----------------------------------------------------------------------------------
def duties_of(actor, *, open_only: bool = False) -> QuerySet[ReportDuty]:  # type: ignore[no-untyped-def]
    """The duties of the actor's units (the province's for its administrators), soonest first."""
    found = ReportDuty.objects.filter(duty_filter(actor, timezone.localdate()))
    if open_only:
        found = found.filter(status__in=OPEN_DUTY)
    return (
        found.exclude(status=DutyStatus.MERGED)
        .select_related("round__template")
        .order_by("round__due", "pk")
    )


def rounds_visible(actor) -> QuerySet[ReportRound]:  # type: ignore[no-untyped-def]
    """The rounds whose template the actor's scope covers (owner read)."""
    today = timezone.localdate()
    owners = units.versions_on(today).filter(
        records_filter(
            scope_for(actor), today, province_field="province_id", admin_unit_field="admin_unit_id"
        )
    )
    return (
        ReportRound.objects.filter(template__owner_id__in=owners.values("unit_id"))
        .select_related("template")
        .order_by("-due", "pk")
    )


def unit_names(unit_ids: Iterable[int], day: dt.date) -> dict[int, tuple[str, str]]:
    """unit id -> (code, name) on `day`, else as last recorded (a closed unit)."""
    wanted = set(unit_ids)
    found = {
        v.unit_id: (v.code, v.name)
        for v in units.versions_on(day).filter(unit_id__in=wanted).only("unit_id", "code", "name")
    }
    for unit_id in wanted - set(found):
        version = units.latest_version(unit_id)
        found[unit_id] = (version.code, version.name)
    return found


def missing(round_: ReportRound) -> list[dict[str, Any]]:
    """The units that have not submitted (or were asked to submit again), by code."""
    duties = list(round_.duties.filter(status__in=WAITING).values("pk", "unit_id", "status"))
    names = unit_names({d["unit_id"] for d in duties}, timezone.localdate())
    rows = [
        {
            "duty": d["pk"],
            "unit": names[d["unit_id"]][0],
            "unit_name": names[d["unit_id"]][1],
            "status": d["status"],
        }
        for d in duties
    ]
    return sorted(rows, key=lambda r: r["unit"])


def consolidated(round_: ReportRound) -> dict[str, Any]:
    """Every duty of the round with the values of its latest submission, and the totals of the
    number fields over the submitted reports: the table, the chart and the spreadsheet."""
    fields = round_.template.fields
    duties = list(
        round_.duties.exclude(status=DutyStatus.MERGED).values(
            "pk", "unit_id", "status", "submitted_at"
        )
    )
    latest: dict[int, dict[str, Any]] = {}
    for duty_id, values in (
        Submission.objects.filter(duty__round=round_)
        .order_by("duty_id", "submitted_at", "pk")
        .values_list("duty_id", "values")
    ):
        latest[duty_id] = values  # ordered: the last one per duty wins
    names = unit_names({d["unit_id"] for d in duties}, timezone.localdate())
    rows: list[dict[str, Any]] = []
    for duty in duties:
        values = latest.get(duty["pk"], {})
        rows.append(
            {
                "duty": duty["pk"],
                "unit": names[duty["unit_id"]][0],
                "unit_name": names[duty["unit_id"]][1],
                "status": duty["status"],
                "submitted_at": duty["submitted_at"],
                "values": [values.get(f["key"]) for f in fields],
            }
        )
    rows.sort(key=lambda r: r["unit"])
    totals: list[int | float | None] = []
    for index, field in enumerate(fields):
        if field["type"] != "number":
            totals.append(None)
            continue
        numbers = [r["values"][index] for r in rows if r["values"][index] is not None]
        total = sum((Decimal(str(n)) for n in numbers), Decimal(0))
        totals.append(_plain(total))
    submitted = sum(1 for r in rows if r["status"] in (DutyStatus.SUBMITTED, DutyStatus.ACCEPTED))
    return {
        "round": round_.pk,
        "template": round_.template.name,
        "label": round_.label,
        "due": round_.due,
        "fields": fields,
        "rows": rows,
        "totals": totals,
        "duties": len(rows),
        "submitted": submitted,
        "missing": len(rows) - submitted,
    }


def consolidated_xlsx(round_: ReportRound) -> bytes:
    """The consolidated table as a spreadsheet: one row per unit, the values of its latest
    submission, then the totals (every row through core.xlsx.append_row)."""
    data = consolidated(round_)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Consolidated")[:31]
    append_row(sheet, [data["template"], data["label"]])
    append_row(
        sheet,
        [_("Code"), _("Unit"), _("Status"), _("Submitted at")]
        + [f["label"] for f in data["fields"]],
    )
    for row in data["rows"]:
        moment = row["submitted_at"]
        append_row(
            sheet,
            [
                row["unit"],
                row["unit_name"],
                str(DutyStatus(row["status"]).label),
                timezone.localtime(moment).replace(tzinfo=None) if moment else None,
                *row["values"],
            ],
        )
    append_row(sheet, [_("Total"), "", "", "", *data["totals"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
