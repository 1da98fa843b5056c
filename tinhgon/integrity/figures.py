"""The integrity figures of a scope (a unit and everything under it, or a province) over a period
and as of a date: cases by kind, unit and status, their on-time handling, inspections by kind and
status, recommendations implemented (docs/integrity-figures.md).

Definitions (kept here, in one place; `cutoff` is the end of the as-of day, or now for today):
- received in the period: `received_at` in [from 00:00, to + 1 day 00:00) in Vietnam's time,
  and before the cutoff;
- decided by the cutoff: `decided_at` before it (decided and closed cases); open at the cutoff:
  received before it and not yet decided; overdue: open with `due` (the deadline with its
  extensions) before the cutoff; within the deadline: the other open ones;
- on time (the tiến độ giải quyết indicator of Decision 766/QĐ-TTg, applied to cases: to confirm):
  decided in the period on or before its due date, over the cases decided in the period;
- status at the cutoff: today the status itself; on a past day, from `decided_at` and the accept
  and close events of the case (CaseEvent);
- an inspection belongs to the period by its decision date (not yet decided: the day it was
  recorded); open while planned, decided or underway;
- a recommendation belongs to the period by its inspection's conclusion date; implemented (on
  time: `implemented_on` on or before `due`) by the as-of day; open (open or escalated, or
  implemented after the as-of day) whatever its conclusion's date; overdue: open past its due day;
  implementation rate = implemented / (made in the period - withdrawn).

Counts only: no author, no name of a person. Each table is read with one grouped query
(`values().annotate()` with conditional counts); Python sums the groups (kinds x statuses x
units), never the rows. The reader counts only the cases they may read (`cases.visible_cases`:
a denunciation is not counted for the unit it concerns) and the inspections and recommendations
of their read scope.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case as When_
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook

from tinhgon.accounts import access
from tinhgon.core import text
from tinhgon.core.errors import DomainError, Problem
from tinhgon.core.xlsx import append_row
from tinhgon.integrity import cases as case_rules
from tinhgon.integrity.models import (
    OPEN_INSPECTION,
    OPEN_RECOMMENDATION,
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    Inspection,
    InspectionKind,
    InspectionStatus,
    Recommendation,
    RecommendationStatus,
)
from tinhgon.units import selectors as units
from tinhgon.units.kinds import Level
from tinhgon.units.models import UnitVersion
from tinhgon.workdays.calendar import VIETNAM

MAX_DAYS = 3660  # a period of at most ten years
CASE_COUNTS = ("received", "anonymous", "decided", "on_time", "open", "overdue")
REC_COUNTS = (
    "total",
    "withdrawn",
    "implemented",
    "implemented_on_time",
    "escalated",
    "open",
    "overdue",
    "open_escalated",
)


# -- what the figures are about -----------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """A unit with everything under it (and the units it was formed from), or a province."""

    unit_id: int
    code: str
    name: str
    province: bool
    # The seeds of the unit's tree: the unit today and its predecessors on their last day.
    roots: tuple[tuple[int, dt.date], ...] = ()
    # A unit's tree (read once: a list of ids lets the database use the unit indexes of each
    # table, where a subquery in an OR made PostgreSQL scan the whole table).
    members: tuple[int, ...] = ()

    def units_q(self, field: str, province_field: str | None = None) -> Q:
        """Rows whose `field` (a unit) lies in the scope: for a province its `province_field`
        (every unit that ever served it carries it), else the unit's tree."""
        if self.province and province_field is not None:
            return Q(**{f"{province_field}__in": self.province_ids()})
        if self.province:
            return Q(**{f"{field}__in": self.province_units()})
        return Q(**{f"{field}__in": list(self.members)})

    def province_ids(self) -> list[int]:
        return [self.unit_id, *(unit_id for unit_id, _day in self.roots if unit_id != self.unit_id)]

    def province_units(self):  # type: ignore[no-untyped-def]
        provinces = self.province_ids()
        return (
            UnitVersion.objects.filter(Q(province_id__in=provinces) | Q(unit_id__in=provinces))
            .values("unit_id")
            .distinct()
        )


def resolve_scope(user, code: str | None, *, day: dt.date | None = None) -> Scope:  # type: ignore[no-untyped-def]
    """The unit named by `code` (or name) if `user` may read it (None: the operator at the
    command line, who reads every unit). Without one, the user's own administrative unit when
    they have exactly one. A unit outside the scope is "not found"."""
    day = day or timezone.localdate()
    code = (code or "").strip()[:200]
    if not code:
        held = [] if user is None else access.scope_for(user).roots
        if len(held) != 1:
            raise DomainError(
                _("Choose a unit or a province."),
                problems=[Problem(_("This field is required."), field="unit")],
            )
        version = units.version_on(held[0].admin_unit_id, day)
    elif user is None:
        found = units.resolve_any_time(code, day=day)
        version = units.latest_version(found.unit_id)
    else:
        found = units.resolve_any_time(
            code, day=day, keep=lambda ids: access.visible_unit_ids(user, ids)
        )
        version = (
            access.access_unit(user, found.unit_id, day=day)
            if found.valid_to is None or found.valid_to >= day
            else access.access_any_version(user, found.unit_id)
        )
    predecessors = [
        link.predecessor_id for link, _d in units.lineage(version.unit_id, direction="predecessors")
    ]
    last_days = _last_days([version.unit_id, *predecessors])
    roots = tuple(
        (unit_id, last_days.get(unit_id) or day) for unit_id in [version.unit_id, *predecessors]
    )
    province = version.level == Level.PROVINCE and version.admin_unit_id == version.unit_id
    members: set[int] = set()
    if not province:
        by_day: dict[dt.date, list[int]] = defaultdict(list)
        for unit_id, last in roots:
            by_day[last].append(unit_id)
        for last, seeds in by_day.items():
            members |= set(units.subtree_depths(seeds, last))
    return Scope(
        unit_id=version.unit_id,
        code=version.code,
        name=version.name,
        province=province,
        roots=roots,
        members=tuple(sorted(members)),
    )


def _last_days(unit_ids: Iterable[int]) -> dict[int, dt.date | None]:
    """Each unit's last day open (None: open today)."""
    versions: dict[int, list[dt.date | None]] = defaultdict(list)
    for unit_id, valid_to in UnitVersion.objects.filter(unit_id__in=list(unit_ids)).values_list(
        "unit_id", "valid_to"
    ):
        versions[unit_id].append(valid_to)
    return {
        unit_id: None if None in ends else max(d for d in ends if d is not None)
        for unit_id, ends in versions.items()
    }


@dataclass(frozen=True)
class Period:
    date_from: dt.date
    date_to: dt.date
    as_of: dt.date
    start: dt.datetime  # date_from 00:00 in Vietnam
    end: dt.datetime  # the day after date_to 00:00, or the cutoff if earlier
    cutoff: dt.datetime  # the end of the as-of day, or now for today
    live: bool  # as of today: the statuses are read as they stand


def period(
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    as_of: dt.date | None = None,
    *,
    now: dt.datetime | None = None,
) -> Period:
    """The period asked for, checked. Default: as of today, from 1 January of the end's year to
    the as-of day."""
    now = now or timezone.now()
    today = timezone.localtime(now, VIETNAM).date()
    as_of = as_of or today
    date_to = date_to or as_of
    date_from = date_from or date_to.replace(month=1, day=1)
    if as_of > today:
        raise DomainError(
            _("The figures cannot be as of a day still to come."),
            problems=[Problem(_("today or earlier"), field="as_of")],
        )
    if date_from > date_to:
        raise DomainError(
            _("The period ends before it starts."),
            problems=[Problem(_("on or after the start"), field="date_to")],
        )
    if date_to > as_of:
        raise DomainError(
            _("The period ends after the day of the figures."),
            problems=[Problem(_("on or before the day of the figures"), field="date_to")],
        )
    if (date_to - date_from).days > MAX_DAYS:
        raise DomainError(
            _("A period spans at most ten years."),
            problems=[Problem(_("a shorter period"), field="date_from")],
        )
    live = as_of == today
    cutoff = now if live else _midnight(as_of + dt.timedelta(days=1))
    return Period(
        date_from=date_from,
        date_to=date_to,
        as_of=as_of,
        start=_midnight(date_from),
        end=min(_midnight(date_to + dt.timedelta(days=1)), cutoff),
        cutoff=cutoff,
        live=live,
    )


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=VIETNAM)


# -- cases ----------------------------------------------------------------------------------------


def _case_status_at(p: Period) -> Any:
    if p.live:
        return F("status")
    decided = Q(decided_at__isnull=False, decided_at__lt=p.cutoff)

    def moved(move: str) -> Exists:
        return Exists(CaseEvent.objects.filter(case=OuterRef("pk"), move=move, at__lt=p.cutoff))

    return When_(
        When(decided & Q(moved("close")), then=Value(CaseStatus.CLOSED.value)),
        When(decided, then=Value(CaseStatus.DECIDED.value)),
        When(moved("accept"), then=Value(CaseStatus.ACCEPTED.value)),
        default=Value(CaseStatus.RECEIVED.value),
        output_field=CharField(),
    )


def case_groups(found: QuerySet[Case], p: Period) -> list[dict[str, Any]]:
    """One grouped query: per kind, unit concerned, handler unit, anonymity and status at the
    cutoff, the counts of CASE_COUNTS."""
    received = Q(received_at__gte=p.start, received_at__lt=p.end)
    decided = Q(decided_at__isnull=False, decided_at__gte=p.start, decided_at__lt=p.end)
    open_ = Q(received_at__lt=p.cutoff) & (Q(decided_at__isnull=True) | Q(decided_at__gte=p.cutoff))
    rows: Any = (
        found.filter(received | decided | open_)
        .annotate(status_at=_case_status_at(p))
        .values("kind", "unit_id", "handler_unit_id", "anonymous", "status_at")
        .annotate(
            received=Count("pk", filter=received),
            anonymous_n=Count("pk", filter=received & Q(anonymous=True)),
            decided=Count("pk", filter=decided),
            on_time=Count("pk", filter=decided & Q(decided_at__lte=F("due"))),
            open=Count("pk", filter=open_),
            overdue=Count("pk", filter=open_ & Q(due__lt=p.cutoff)),
        )
        .order_by()
    )
    return list(rows)


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _case_row(counts: dict[str, int]) -> dict[str, Any]:
    return {
        **counts,
        "late": counts["decided"] - counts["on_time"],
        "within": counts["open"] - counts["overdue"],
        "on_time_rate": _ratio(counts["on_time"], counts["decided"]),
        "anonymous_share": _ratio(counts["anonymous"], counts["received"]),
    }


def case_figures(found: QuerySet[Case], p: Period) -> dict[str, Any]:
    groups = case_groups(found, p)
    empty = dict.fromkeys(CASE_COUNTS, 0)
    totals = dict(empty)
    by_kind = {k: dict(empty) for k in CaseKind.values}
    by_status = {s: dict.fromkeys(CaseKind.values, 0) for s in CaseStatus.values}
    by_unit: dict[int, dict[str, int]] = defaultdict(lambda: dict(empty))
    by_handler: dict[int, dict[str, int]] = defaultdict(lambda: dict(empty))
    for g in groups:
        counts = {k: g["anonymous_n" if k == "anonymous" else k] for k in CASE_COUNTS}
        for target in (
            totals,
            by_kind[g["kind"]],
            by_unit[g["unit_id"]],
            by_handler[g["handler_unit_id"]],
        ):
            for key, value in counts.items():
                target[key] += value
        by_status[g["status_at"]][g["kind"]] += counts["received"]
    names = unit_names(set(by_unit) | set(by_handler))
    kinds, statuses = dict(CaseKind.choices), dict(CaseStatus.choices)

    def unit_rows(rows: dict[int, dict[str, int]]) -> list[dict[str, Any]]:
        out = [
            {"unit": names[u][0], "name": names[u][1], **_case_row(c)}
            for u, c in rows.items()
            if any(c.values())
        ]
        out.sort(key=lambda r: (-r["received"], -r["open"], r["name"]))
        return out

    return {
        **_case_row(totals),
        "by_kind": [
            {"kind": k, "label": str(kinds[k]), **_case_row(by_kind[k])} for k in CaseKind.values
        ],
        "by_status": [
            {
                "status": s,
                "label": str(statuses[s]),
                **by_status[s],
                "total": sum(by_status[s].values()),
            }
            for s in CaseStatus.values
        ],
        "by_unit": unit_rows(by_unit),
        "by_handler": unit_rows(by_handler),
    }


# -- inspections and recommendations ---------------------------------------------------------------


def _inspection_status_at(p: Period) -> Any:
    if p.live:
        return F("status")
    day = p.as_of
    return When_(
        When(
            Q(concluded_on__lte=day, status=InspectionStatus.CLOSED),
            then=Value(InspectionStatus.CLOSED.value),
        ),
        When(concluded_on__lte=day, then=Value(InspectionStatus.CONCLUDED.value)),
        When(
            Q(decided_on__lte=day, starts_on__lte=day), then=Value(InspectionStatus.UNDERWAY.value)
        ),
        When(decided_on__lte=day, then=Value(InspectionStatus.DECIDED.value)),
        default=Value(InspectionStatus.PLANNED.value),
        output_field=CharField(),
    )


def inspection_figures(found: QuerySet[Inspection], p: Period) -> dict[str, Any]:
    """One grouped query: per kind and status at the cutoff, the inspections of the period and
    those open at the cutoff."""
    in_period = Q(day__gte=p.date_from, day__lte=p.date_to)
    existed = Q(decided_on__lte=p.as_of) | Q(created_at__lt=p.cutoff)
    if p.live:
        open_ = Q(status__in=OPEN_INSPECTION)
    else:
        open_ = existed & (Q(concluded_on__isnull=True) | Q(concluded_on__gt=p.as_of))
    groups = (
        found.annotate(
            day=Coalesce("decided_on", TruncDate("created_at", tzinfo=VIETNAM)),
            status_at=_inspection_status_at(p),
        )
        .filter((in_period & existed) | open_)
        .values("kind", "status_at")
        .annotate(total=Count("pk", filter=in_period & existed), open=Count("pk", filter=open_))
        .order_by()
    )
    kinds, statuses = dict(InspectionKind.choices), dict(InspectionStatus.choices)
    table = {k: {"total": 0, "open": 0, **dict.fromkeys(InspectionStatus.values, 0)} for k in kinds}
    for g in groups:
        row = table[g["kind"]]
        row["total"] += g["total"]
        row["open"] += g["open"]
        row[g["status_at"]] += g["total"]
    return {
        "total": sum(r["total"] for r in table.values()),
        "open": sum(r["open"] for r in table.values()),
        "by_kind": [{"kind": k, "label": str(kinds[k]), **table[k]} for k in kinds],
        "statuses": [{"status": s, "label": str(statuses[s])} for s in InspectionStatus.values],
    }


def recommendation_figures(found: QuerySet[Recommendation], p: Period) -> dict[str, Any]:
    """One grouped query: per unit to implement, the counts of REC_COUNTS."""
    made = Q(
        inspection__concluded_on__gte=p.date_from,
        inspection__concluded_on__lte=p.date_to,
    )
    implemented = Q(status=RecommendationStatus.IMPLEMENTED, implemented_on__lte=p.as_of)
    escalated = Q(escalated_at__isnull=False, escalated_at__lt=p.cutoff)
    if p.live:
        open_ = Q(status__in=OPEN_RECOMMENDATION)
    else:
        open_ = Q(inspection__concluded_on__lte=p.as_of) & (
            Q(status__in=OPEN_RECOMMENDATION)
            | Q(status=RecommendationStatus.IMPLEMENTED, implemented_on__gt=p.as_of)
        )
    groups: Any = (
        found.filter(made | open_)
        .values("unit_id")
        .annotate(
            total=Count("pk", filter=made),
            withdrawn=Count("pk", filter=made & Q(status=RecommendationStatus.WITHDRAWN)),
            implemented=Count("pk", filter=made & implemented),
            implemented_on_time=Count(
                "pk", filter=made & implemented & Q(implemented_on__lte=F("due"))
            ),
            escalated=Count("pk", filter=made & escalated),
            open=Count("pk", filter=open_),
            overdue=Count("pk", filter=open_ & Q(due__lt=p.as_of)),
            open_escalated=Count("pk", filter=open_ & escalated),
        )
        .order_by()
    )
    totals = dict.fromkeys(REC_COUNTS, 0)
    rows: dict[int, dict[str, int]] = {}
    for g in groups:
        rows[g["unit_id"]] = {k: g[k] for k in REC_COUNTS}
        for key in REC_COUNTS:
            totals[key] += g[key]
    names = unit_names(set(rows))

    def with_rate(counts: dict[str, int]) -> dict[str, Any]:
        return {
            **counts,
            "implementation_rate": _ratio(
                counts["implemented"], counts["total"] - counts["withdrawn"]
            ),
        }

    by_unit = [{"unit": names[u][0], "name": names[u][1], **with_rate(c)} for u, c in rows.items()]
    by_unit.sort(key=lambda r: (-r["overdue"], -r["open"], r["name"]))
    return {**with_rate(totals), "by_unit": by_unit}


# -- the whole ------------------------------------------------------------------------------------


def unit_names(unit_ids: set[int]) -> dict[int, tuple[str, str]]:
    """(code, name) of each unit, from its latest version (a closed unit keeps its name)."""
    found = (
        UnitVersion.objects.filter(unit_id__in=list(unit_ids))
        .order_by("unit_id", F("valid_to").desc(nulls_first=True), "-valid_from")
        .values_list("unit_id", "code", "name")
    )
    names: dict[int, tuple[str, str]] = {}
    for unit_id, code, name in found:
        names.setdefault(unit_id, (code, name))
    for unit_id in unit_ids - set(names):
        names[unit_id] = (str(unit_id), "")
    return names


def figures(user, scope: Scope, p: Period) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Everything the page, the API, the spreadsheet and the command show, as plain data (JSON
    holds it). `user` None: the operator, who counts every case of the scope."""
    found = Case.objects.all() if user is None else case_rules.visible_cases(user)
    found = found.filter(
        scope.units_q("unit_id", "province_id")
        | scope.units_q("handler_unit_id", "handler_province_id")
    )
    inspections = Inspection.objects.filter(
        scope.units_q("subject_unit_id", "subject_province_id")
        | scope.units_q("inspecting_unit_id")
    )
    recommendations = Recommendation.objects.filter(
        scope.units_q("unit_id", "province_id") | scope.units_q("inspection__inspecting_unit_id")
    )
    if user is not None:
        reader = access.scope_for(user)
        day = timezone.localdate()
        # The inspected side reads an inspection once decided, never while planned (an
        # unannounced inspection): the rule of inspections_selectors.visible_inspections.
        inspections = inspections.filter(
            (
                access.records_filter(
                    reader, day, unit_field="subject_unit", province_field="subject_province"
                )
                & ~Q(status=InspectionStatus.PLANNED)
            )
            | access.records_filter(reader, day, unit_field="inspecting_unit")
        )
        recommendations = recommendations.filter(
            access.records_filter(reader, day, unit_field="unit", province_field="province")
            | access.records_filter(reader, day, unit_field="inspection__inspecting_unit")
        )
    return {
        "scope": {"unit": scope.code, "name": scope.name, "province": scope.province},
        "date_from": p.date_from.isoformat(),
        "date_to": p.date_to.isoformat(),
        "as_of": p.as_of.isoformat(),
        "cases": case_figures(found, p),
        "inspections": inspection_figures(inspections, p),
        "recommendations": recommendation_figures(recommendations, p),
    }


# -- words and spreadsheets -----------------------------------------------------------------------


def percent(value: float | None) -> str:
    """A share as the language writes it: 87,5 % in Vietnamese; a dash for no data."""
    if value is None:
        return "–"
    return f"{number_format(round(value * 100, 1), decimal_pos=1)} %"


def summary_rows(data: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(key, label, value) of the headline figures, in order (shares as fractions)."""
    c, r, i = data["cases"], data["recommendations"], data["inspections"]
    return [
        ("cases.received", _("Cases received in the period"), c["received"]),
        ("cases.decided", _("Cases decided in the period"), c["decided"]),
        ("cases.on_time_rate", _("Cases decided on time"), c["on_time_rate"]),
        ("cases.on_time", _("Decided on time"), c["on_time"]),
        ("cases.late", _("Decided late"), c["late"]),
        ("cases.open", _("Cases open"), c["open"]),
        ("cases.within", _("Open within the deadline"), c["within"]),
        ("cases.overdue", _("Open past the deadline"), c["overdue"]),
        ("cases.anonymous_share", _("Anonymous share"), c["anonymous_share"]),
        ("inspections.total", _("Inspections of the period"), i["total"]),
        ("inspections.open", _("Inspections open"), i["open"]),
        ("recommendations.total", _("Recommendations made in the period"), r["total"]),
        ("recommendations.implemented", _("Recommendations implemented"), r["implemented"]),
        (
            "recommendations.implemented_on_time",
            _("Implemented on time"),
            r["implemented_on_time"],
        ),
        (
            "recommendations.implementation_rate",
            _("Implementation rate"),
            r["implementation_rate"],
        ),
        ("recommendations.open", _("Recommendations open"), r["open"]),
        ("recommendations.overdue", _("Recommendations overdue"), r["overdue"]),
        ("recommendations.escalated", _("Recommendations escalated"), r["escalated"]),
    ]


SHARES = frozenset(
    {"cases.on_time_rate", "cases.anonymous_share", "recommendations.implementation_rate"}
)


def case_columns() -> list[tuple[str, str]]:
    return [
        ("received", _("Received")),
        ("anonymous", _("Anonymous")),
        ("decided", _("Decided")),
        ("on_time", _("On time")),
        ("late", _("Late")),
        ("open", _("Open")),
        ("within", _("Within the deadline")),
        ("overdue", _("Overdue")),
    ]


def rec_columns() -> list[tuple[str, str]]:
    return [
        ("total", _("Made")),
        ("implemented", _("Implemented")),
        ("implemented_on_time", _("On time")),
        ("withdrawn", _("Withdrawn")),
        ("escalated", _("Escalated")),
        ("open", _("Open")),
        ("overdue", _("Overdue")),
    ]


def _day_text(iso: str) -> str:
    return text.day(dt.date.fromisoformat(iso))


def workbook(data: dict[str, Any]) -> bytes:
    """The figures as a spreadsheet: the summary (shares formatted as percent), cases by kind,
    by status, by unit concerned and by handler, inspections by kind and status, recommendations
    by unit. Counts only."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Summary")[:31]
    scope = data["scope"]
    append_row(sheet, [_("Scope"), f"{scope['name']} ({scope['unit']})"])
    append_row(
        sheet,
        [_("Period"), f"{_day_text(data['date_from'])} – {_day_text(data['date_to'])}"],
    )
    append_row(sheet, [_("As of"), _day_text(data["as_of"])])
    append_row(sheet, [_("Figure"), _("Value"), _("Key")])
    for key, label, value in summary_rows(data):
        append_row(sheet, [label, value, key])
        if key in SHARES and value is not None:
            sheet.cell(row=sheet.max_row, column=2).number_format = "0.0%"
    columns = case_columns()
    kinds = book.create_sheet(_("Cases by kind")[:31])
    append_row(kinds, [_("Kind"), *(label for _k, label in columns), _("On-time rate")])
    for row in data["cases"]["by_kind"]:
        append_row(kinds, [row["label"], *(row[k] for k, _l in columns), row["on_time_rate"]])
        kinds.cell(row=kinds.max_row, column=len(columns) + 2).number_format = "0.0%"
    statuses = book.create_sheet(_("Cases by status")[:31])
    kind_labels = dict(CaseKind.choices)
    append_row(statuses, [_("Status"), *(str(kind_labels[k]) for k in CaseKind.values), _("Total")])
    for row in data["cases"]["by_status"]:
        append_row(statuses, [row["label"], *(row[k] for k in CaseKind.values), row["total"]])
    for title, key in ((_("By unit concerned"), "by_unit"), (_("By handler"), "by_handler")):
        units_sheet = book.create_sheet(title[:31])
        append_row(units_sheet, [_("Code"), _("Unit"), *(label for _k, label in columns)])
        for row in data["cases"][key]:
            append_row(units_sheet, [row["unit"], row["name"], *(row[k] for k, _l in columns)])
    inspections = book.create_sheet(_("Inspections")[:31])
    statuses_of = data["inspections"]["statuses"]
    append_row(
        inspections,
        [_("Kind"), _("Of the period"), _("Open"), *(s["label"] for s in statuses_of)],
    )
    for row in data["inspections"]["by_kind"]:
        append_row(
            inspections,
            [row["label"], row["total"], row["open"], *(row[s["status"]] for s in statuses_of)],
        )
    recs = book.create_sheet(_("Recommendations")[:31])
    rcols = rec_columns()
    append_row(
        recs, [_("Code"), _("Unit"), *(label for _k, label in rcols), _("Implementation rate")]
    )
    for row in data["recommendations"]["by_unit"]:
        append_row(
            recs,
            [row["unit"], row["name"], *(row[k] for k, _l in rcols), row["implementation_rate"]],
        )
        recs.cell(row=recs.max_row, column=len(rcols) + 3).number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
