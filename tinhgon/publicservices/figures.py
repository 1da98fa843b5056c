"""The Decision 766 figures of dossiers (Quyết định 766/QĐ-TTg, 23/06/2022), per unit and month.

Kept current, not scanned: `count` (an effect, run in the transaction of every transition) adds
one to the counters of the dossier's unit and month in `Tally` with one upsert; what changes with
the clock (open now, overdue now, at risk) is read from the partial indexes of open dossiers
(`dossier_unit_status`, `dossier_unit_clock_due`); ratings from `dossier_unit_rated`. So a
unit's dashboard is a handful of index ranges whatever the size of the dossier table.

A dossier's counts belong to the unit that has it: a transfer moves an open dossier's counts
(`count`), and so does a plan that carries it to a successor (`follow_moves`, called by the
carrier, set-based). `rebuild` recomputes the tallies from the dossiers with GROUP BY and gives
the same numbers as the counters (tests/test_figures_rebuild.py).

Definitions (docs/public-services.md, "Figures"):
- progress = (processed early + on time in the period + received and within the deadline now)
  / (processed in the period + received and not processed now);
- online share = dossiers of fully online procedures filed online / dossiers of fully online
  procedures, received in the period;
- online payment share = dossiers that paid fees and were filed online / dossiers that paid
  fees, received in the period (we store no payment method: a payment for a dossier filed on
  the portal is taken to be made online);
- satisfaction = ratings "satisfied" and "very satisfied" / ratings, rated in the period.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook

from tinhgon.accounts import access
from tinhgon.accounts.models import WRITE_ROLES, Membership
from tinhgon.core import text
from tinhgon.core.errors import DomainError, NotFound, Problem
from tinhgon.core.xlsx import append_row
from tinhgon.publicservices.models import (
    ON_CLOCK,
    OPEN,
    Channel,
    Dossier,
    DossierEvent,
    Online,
    Rating,
    Status,
    Tally,
    Timeliness,
)
from tinhgon.units import selectors as units
from tinhgon.units.kinds import Level as UnitLevel
from tinhgon.units.models import UnitVersion
from tinhgon.workdays.calendar import VIETNAM, local_time
from tinhgon.workdays.selectors import calendar_around

COUNTS = (
    "received",
    "paid",
    "refused",
    "processed",
    "early",
    "on_time",
    "late",
    "stopped",
    "withdrawn",
    "returned",
)
MAX_MONTHS = 120  # a period of at most ten years
AT_RISK_LIST = 50  # dossiers listed on the page (all are counted)
MAX_SUGGESTIONS = 20
TABLE = Tally._meta.db_table


def month_of(moment: dt.datetime | dt.date) -> dt.date:
    """The first day of the month a moment falls in, in Vietnam's time."""
    if isinstance(moment, dt.datetime):
        moment = local_time(moment).date()
    return moment.replace(day=1)


# -- kept current ---------------------------------------------------------------------------
Key = tuple[int, dt.date, str, bool]


def _key(dossier: Dossier, unit_id: int, moment: dt.datetime) -> Key:
    return (unit_id, month_of(moment), dossier.procedure.online, dossier.channel == Channel.ONLINE)


def add(rows: dict[Key, dict[str, int]]) -> None:
    """Add the counts to the tallies of their keys: one upsert per key (`n = n + excluded.n`),
    safe when two transactions count on the same key at once."""
    columns = ", ".join(COUNTS)
    updates = ", ".join(f"{c} = {TABLE}.{c} + excluded.{c}" for c in COUNTS)
    placeholders = ", ".join(["%s"] * (4 + len(COUNTS)))
    sql = (
        f"INSERT INTO {TABLE} (unit_id, month, online, filed_online, {columns}) "
        f"VALUES ({placeholders}) ON CONFLICT (unit_id, month, online, filed_online) "
        f"DO UPDATE SET {updates}"
    )
    # In the order of the keys: two transfers in opposite directions lock their rows in the
    # same order, so they wait for each other instead of deadlocking.
    params: list[list[Any]] = [
        [*key, *(deltas.get(c, 0) for c in COUNTS)]
        for key, deltas in sorted(rows.items())
        if any(deltas.values())
    ]
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)  # type: ignore[arg-type]


def classify(dossier: Dossier) -> str:
    """Early, on time or late, for a processed dossier (no due date: on time)."""
    found = dossier.timeliness(dossier.finished_at or timezone.now())
    if found in (Timeliness.EARLY, Timeliness.LATE):
        return str(found)
    return "on_time"


def count(dossier: Dossier, event: DossierEvent) -> None:
    """The effect: what the transition `event` changes in the tallies (nothing for most)."""
    move = event.move
    unit = dossier.unit_id
    change: dict[str, int] = {}
    moment = event.at
    if move == "receive":
        change, moment = {"received": 1}, dossier.received_at or event.at
    elif move == "refuse":
        change = {"refused": 1}
    elif move in ("approve", "reject"):
        change = {"processed": 1, classify(dossier): 1}
    elif move == "stop":
        change = {"stopped": 1}
    elif move == "withdraw":
        change = {"withdrawn": 1}
    elif move == "return_result":
        change = {"returned": 1}
    elif move == "pay":
        first = not (
            DossierEvent.objects.filter(dossier_id=dossier.pk, move="pay")
            .exclude(pk=event.pk)
            .exists()
        )
        change, moment = ({"paid": 1} if first else {}), dossier.received_at or event.at
    elif move == "transfer" and event.unit_id != unit and dossier.received_at is not None:
        # The open dossier's counts go with it (transfers start from 2 or 4: received, maybe
        # paid, not processed).
        carried = {"received": 1, "paid": 1 if dossier.fees_paid else 0}
        add(
            {
                _key(dossier, event.unit_id, dossier.received_at): {
                    k: -v for k, v in carried.items()
                },
                _key(dossier, unit, dossier.received_at): carried,
            }
        )
        return
    if change:
        add({_key(dossier, unit, moment): change})


def _local(column: str, *, month: bool = False) -> str:
    """SQL for the Vietnamese date (or first day of the month) of a timestamp column. Vietnam
    keeps UTC+7 all year: SQLite, which stores UTC text, adds seven hours."""
    if connection.vendor == "postgresql":
        local = f"({column} AT TIME ZONE 'Asia/Ho_Chi_Minh')"
        return f"date_trunc('month', {local})::date" if month else f"{local}::date"
    return (
        f"date({column}, '+7 hours', 'start of month')" if month else f"date({column}, '+7 hours')"
    )


def follow_moves(*, plan_id: int, after_id: int) -> None:
    """After the carrier moved open dossiers (the history rows of `plan_id` with id > `after_id`),
    their counts leave the old units for the new ones: received and paid by the month of
    receipt, processed (status 9, waiting to be returned) by the month of the decision. One
    statement, grouped, in the transaction of the move."""
    early = f"d.due_at IS NOT NULL AND {_local('d.finished_at')} < {_local('d.due_at')}"
    late = f"d.due_at IS NOT NULL AND d.finished_at > d.due_at AND NOT ({early})"
    this_move = (
        "FROM carriers_recordmove b WHERE b.plan_ref = %(plan)s AND b.carrier = 'dossiers' "
        "AND b.id > %(after)s"
    )
    moved = (
        "FROM carriers_recordmove m JOIN publicservices_dossier d ON d.id = m.record_id "
        "JOIN publicservices_procedureversion p ON p.id = d.procedure_id "
        "WHERE m.plan_ref = %(plan)s AND m.carrier = 'dossiers' AND m.id > %(after)s "
        # A batch's dossiers lie in one range of ids: read that range, not the whole table
        # (`+ 0`: its bounds come from this move's history rows, found by their ids, not by
        # walking the index of every record the carrier ever moved).
        f"AND d.id >= (SELECT MIN(b.record_id + 0) {this_move}) "
        f"AND d.id <= (SELECT MAX(b.record_id + 0) {this_move})"
    )
    filed = "d.channel = 'online'"
    columns = ("received", "paid", "processed", "early", "on_time", "late")
    facts = (
        f"SELECT m.from_unit_id AS old, m.to_unit_id AS new, {_local('d.received_at', month=True)} "
        f"AS month, p.online AS online, {filed} AS filed, 1 AS received, "
        f"CASE WHEN d.fees_paid > 0 THEN 1 ELSE 0 END AS paid, 0 AS processed, 0 AS early, "
        f"0 AS on_time, 0 AS late {moved} AND d.received_at IS NOT NULL "
        f"UNION ALL SELECT m.from_unit_id, m.to_unit_id, {_local('d.finished_at', month=True)}, "
        f"p.online, {filed}, 0, 0, 1, CASE WHEN {early} THEN 1 ELSE 0 END, "
        f"CASE WHEN ({early}) OR ({late}) THEN 0 ELSE 1 END, CASE WHEN {late} THEN 1 ELSE 0 END "
        f"{moved} AND d.outcome <> '' AND d.finished_at IS NOT NULL"
    )
    negative = ", ".join(f"-{c} AS {c}" for c in columns)
    sides = (
        f"SELECT old AS unit, month, online, filed, {negative} FROM facts "
        f"UNION ALL SELECT new, month, online, filed, {', '.join(columns)} FROM facts"
    )
    sums = ", ".join(f"SUM({c})" if c in columns else "0" for c in COUNTS)
    updates = ", ".join(f"{c} = {TABLE}.{c} + excluded.{c}" for c in columns)
    sql = (
        f"WITH facts AS ({facts}), sides AS ({sides}) "
        f"INSERT INTO {TABLE} (unit_id, month, online, filed_online, {', '.join(COUNTS)}) "
        f"SELECT unit, month, online, filed, {sums} FROM sides WHERE 1 = 1 "
        f"GROUP BY unit, month, online, filed "
        f"ON CONFLICT (unit_id, month, online, filed_online) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"plan": plan_id, "after": after_id})


# -- recomputed -----------------------------------------------------------------------------
def _shares(dossiers) -> Iterable[dict[Key, dict[str, int]]]:  # type: ignore[no-untyped-def]
    """The counts of `dossiers`, grouped by (unit, month, online level, filed online): one
    GROUP BY per kind of fact."""
    owner = "unit_id"
    base = dossiers.annotate(
        online_level=F("procedure__online"),
        filed_online=ExpressionWrapper(Q(channel=Channel.ONLINE), output_field=BooleanField()),
    )

    def grouped(moment: str, where: Q, **counts: Any) -> dict[Any, dict[str, int]]:
        rows = (
            base.filter(where)
            .annotate(month=TruncMonth(moment, tzinfo=VIETNAM))
            .values(owner, "month", "online_level", "filed_online")
            .annotate(**counts)
            .order_by()
        )
        out: dict[Any, dict[str, int]] = {}
        for row in rows:
            key = (row[owner], _day(row["month"]), row["online_level"], bool(row["filed_online"]))
            out[key] = {name: row[name] for name in counts if row[name]}
        return out

    received = Q(received_at__isnull=False)
    yield grouped(
        "received_at",
        received,
        received=Count("pk"),
        paid=Count("pk", filter=Q(fees_paid__gt=0)),
    )
    yield grouped("finished_at", Q(status=Status.NOT_RECEIVED), refused=Count("pk"))
    yield grouped("finished_at", Q(status=Status.STOPPED), stopped=Count("pk"))
    yield grouped("finished_at", Q(status=Status.WITHDRAWN), withdrawn=Count("pk"))
    yield grouped("returned_at", Q(returned_at__isnull=False), returned=Count("pk"))
    processed = (
        Q(status__in=[Status.DONE, Status.RETURNED]) & Q(finished_at__isnull=False) & ~Q(outcome="")
    )
    finished_day = TruncDate("finished_at", tzinfo=VIETNAM)
    due_day = TruncDate("due_at", tzinfo=VIETNAM)
    base = base.annotate(finished_day=finished_day, due_day=due_day)
    early = Q(due_at__isnull=False, finished_day__lt=F("due_day"))
    late = Q(due_at__isnull=False, finished_at__gt=F("due_at")) & ~early
    yield grouped(
        "finished_at",
        processed,
        processed=Count("pk"),
        early=Count("pk", filter=early),
        late=Count("pk", filter=late),
        on_time=Count("pk", filter=~early & ~late),
    )


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


@transaction.atomic
def rebuild(*, unit_ids: Iterable[int] | None = None) -> int:
    """Recompute the tallies (of `unit_ids`, or all) from the dossiers, set-based; returns the
    number of tally rows written."""
    tallies = Tally.objects.all()
    dossiers = Dossier.objects.all()
    if unit_ids is not None:
        wanted = sorted(set(unit_ids))
        tallies = tallies.filter(unit_id__in=wanted)
        dossiers = dossiers.filter(unit_id__in=wanted)
    tallies.delete()
    rows: dict[Key, dict[str, int]] = defaultdict(dict)
    for shares in _shares(dossiers):
        for key, counts in shares.items():
            rows[key].update(counts)
    Tally.objects.bulk_create(
        [
            Tally(unit_id=u, month=m, online=o, filed_online=f, **counts)
            for (u, m, o, f), counts in rows.items()
            if any(counts.values())
        ],
        batch_size=2000,
    )
    return len(rows)


# -- read -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Area:
    """What the figures are about: one unit (and its predecessors), or a province's units."""

    unit_ids: list[int]
    label: str
    unit_id: int | None = None
    province_id: int | None = None


def months_between(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    first, last = month_of(date_from), month_of(date_to)
    out = []
    while first <= last:
        out.append(first)
        first = (first + dt.timedelta(days=32)).replace(day=1)
    return out


def period(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    """The period asked for, checked; default: the last twelve months up to today."""
    today = timezone.localdate()
    date_to = date_to or today
    if date_from is None:
        date_from = (month_of(date_to) - dt.timedelta(days=330)).replace(day=1)
    if date_from > date_to:
        raise DomainError(
            _("The period ends before it starts."),
            problems=[Problem(_("on or after the start"), field="date_to")],
        )
    if len(months_between(date_from, date_to)) > MAX_MONTHS:
        raise DomainError(
            _("A period spans at most %(max)s months.") % {"max": MAX_MONTHS},
            problems=[Problem(_("a shorter period"), field="date_from")],
        )
    return date_from, date_to


def resolve_area(
    user,
    *,
    day: dt.date,
    unit_id: int | None = None,
    province: str | None = None,
    whole_province: bool = True,
) -> Area:  # type: ignore[no-untyped-def]
    """The unit or province asked for, within the user's scope (None: the operator). Neither:
    the user's own unit when it has exactly one. A province named by its unit id is the whole
    province, unless `whole_province` is False (the province's own dossiers, as a unit)."""
    if unit_id is None and not province:
        roots = [] if user is None else access.scope_for(user).roots
        if user is None or len(roots) != 1:
            raise DomainError(
                _("Choose a unit or a province."),
                problems=[Problem(_("This field is required."), field="unit_id")],
            )
        unit_id = roots[0].admin_unit_id
    if unit_id is not None:
        version = (
            units.version_on(unit_id, day)
            if user is None
            else access.access_unit(user, unit_id, day=day)
        )
        if version.level == UnitLevel.PROVINCE and whole_province:
            return _province_area(version)
        predecessors = [
            link.predecessor_id for link, _d in units.lineage(unit_id, direction="predecessors")
        ]
        return Area([version.unit_id, *predecessors], version.name, unit_id=version.unit_id)
    found = units.resolve_province((province or "")[:100], day=day)
    if user is not None:
        access.access_unit(user, found.unit_id, day=day)
    return _province_area(found)


def area_for(
    user,
    *,
    date_to: dt.date,
    unit_id: int | None = None,
    province: str | None = None,
    whole_province: bool = True,
) -> Area:  # type: ignore[no-untyped-def]
    """The area as it stands today (a unit's figures include its predecessors'); a unit closed
    since, as it stood at the end of the period."""
    today = timezone.localdate()
    try:
        return resolve_area(
            user, day=today, unit_id=unit_id, province=province, whole_province=whole_province
        )
    except NotFound:
        if date_to >= today:
            raise
        return resolve_area(
            user, day=date_to, unit_id=unit_id, province=province, whole_province=whole_province
        )


def _province_area(version: UnitVersion) -> Area:
    """Every unit that ever lay in the province or in a province it was formed from: a period
    before a reorganization counts the communes of then (their tallies stay with them)."""
    provinces = {version.unit_id} | {
        link.predecessor_id for link, _d in units.lineage(version.unit_id, direction="predecessors")
    }
    ids = set(
        UnitVersion.objects.filter(Q(province_id__in=provinces) | Q(unit_id__in=provinces))
        .values_list("unit_id", flat=True)
        .distinct()
    )
    return Area(sorted(ids), version.name, province_id=version.unit_id)


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _sums(rows: Iterable[Tally]) -> dict[str, int]:
    totals = dict.fromkeys(COUNTS, 0)
    for row in rows:
        for name in COUNTS:
            totals[name] += getattr(row, name)
    return totals


def _ratings(condition: Q, date_from: dt.date, date_to: dt.date) -> dict[int, int]:
    start = dt.datetime.combine(date_from, dt.time(), tzinfo=VIETNAM)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), tzinfo=VIETNAM)
    found = dict(
        Dossier.objects.filter(
            condition, rating__isnull=False, rated_at__gte=start, rated_at__lt=end
        )
        .values_list("rating")
        .annotate(n=Count("*"))
        .order_by()
    )
    return {int(r): found.get(r, 0) for r in Rating.values}


@dataclass(frozen=True)
class Clock:
    """A unit's dossiers on the clock at `now`, per assignee (None: no one): at risk (due by
    `limit`, the close of the next working day), overdue, all."""

    limit: dt.datetime
    per_assignee: dict[int | None, tuple[int, int, int]]

    @property
    def on_clock(self) -> int:
        return sum(total for _n, _late, total in self.per_assignee.values())

    @property
    def overdue(self) -> int:
        return sum(late for _n, late, _t in self.per_assignee.values())


def clock(unit_id: int, *, now: dt.datetime) -> Clock:
    """One range of the clock index (unit, due date, assignee), read from the index alone: the
    dashboard's on-clock, overdue and at-risk counts all come from it."""
    limit = calendar_around(local_time(now), 1).due(now, 1)
    rows = (
        Dossier.objects.filter(unit_id=unit_id, status__in=ON_CLOCK)
        .values("assignee_id")
        .annotate(
            n=Count("due_at", filter=Q(due_at__lte=limit)),
            late=Count("due_at", filter=Q(due_at__lt=now)),
            total=Count("*"),
        )
        .order_by()
    )
    return Clock(limit, {r["assignee_id"]: (r["n"], r["late"], r["total"]) for r in rows})


def figures(
    area: Area,
    date_from: dt.date,
    date_to: dt.date,
    *,
    now: dt.datetime | None = None,
    on_clock: Clock | None = None,
) -> dict[str, Any]:
    """The indicators and counts of an area over the months of [date_from, date_to], with what
    is open and overdue at `now` (for a unit, `on_clock` if already read: `clock`)."""
    now = now or timezone.now()
    months = months_between(date_from, date_to)
    tallies = list(
        Tally.objects.filter(unit_id__in=area.unit_ids, month__gte=months[0], month__lte=months[-1])
    )
    totals = _sums(tallies)
    if area.province_id is not None:
        where = Q(province_id=area.province_id)
        # The province's units, one range each of the clock index (read from the index alone),
        # rather than the province's rows with their due dates read from the table.
        counted = Dossier.objects.filter(unit_id__in=area.unit_ids, status__in=ON_CLOCK).aggregate(
            total=Count("*"), late=Count("due_at", filter=Q(due_at__lt=now))
        )
        on_clock_now, overdue = counted["total"], counted["late"]
        open_now = Dossier.objects.filter(where, status__in=OPEN).count()
    else:
        where = Q(unit_id=area.unit_id or 0)
        on_clock = on_clock or clock(area.unit_id or 0, now=now)
        on_clock_now, overdue = on_clock.on_clock, on_clock.overdue
        # Open = on the clock + the rest of the open statuses (a short range of the unit's
        # status index) rather than every open dossier counted again.
        off_clock = [s for s in OPEN if s not in ON_CLOCK]
        open_now = on_clock_now + Dossier.objects.filter(where, status__in=off_clock).count()
    ratings = _ratings(where, date_from, date_to)
    full = [t for t in tallies if t.online == Online.FULL]
    full_received = sum(t.received for t in full)
    full_online = sum(t.received for t in full if t.filed_online)
    paid_online = sum(t.paid for t in tallies if t.filed_online)
    on_time = totals["early"] + totals["on_time"]
    within = on_clock_now - overdue
    by_month = {m: dict.fromkeys(COUNTS, 0) for m in months}
    for t in tallies:
        for name in COUNTS:
            by_month[t.month][name] += getattr(t, name)
    return {
        "area": area.label,
        "unit_id": area.unit_id,
        "province_id": area.province_id,
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
        "progress": _ratio(on_time + within, totals["processed"] + on_clock_now),
        "online_share": _ratio(full_online, full_received),
        "online_payment_share": _ratio(paid_online, totals["paid"]),
        "satisfaction": _ratio(ratings[2] + ratings[3], sum(ratings.values())),
        "open": open_now,
        "on_clock": on_clock_now,
        "overdue": overdue,
        "within": within,
        "arrived": totals["received"],
        "finished": totals["processed"],
        **{name: totals[name] for name in COUNTS if name not in ("received", "processed")},
        "full_online_received": full_received,
        "full_online_filed_online": full_online,
        "paid_online": paid_online,
        "ratings": {str(k): v for k, v in ratings.items()},
        "months": [
            {
                "month": m.isoformat()[:7],
                "arrived": c["received"],
                "finished": c["processed"],
                "early": c["early"],
                "on_time": c["on_time"],
                "late": c["late"],
            }
            for m, c in by_month.items()
        ],
    }


def _officials(unit_id: int, day: dt.date) -> dict[int, str]:
    rows = (
        Membership.objects.filter(unit_id=unit_id, role__in=list(WRITE_ROLES))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .values_list("user_id", "user__first_name", "user__last_name", "user__username")
    )
    return {pk: (f"{first} {last}".strip() or name) for pk, first, last, name in rows}


def at_risk(
    unit_id: int, *, now: dt.datetime | None = None, on_clock: Clock | None = None
) -> dict[str, Any]:
    """Dossiers of the unit on the clock that are overdue or due by the close of the next
    working day: counted per official (`clock`, one index range), the first ones listed, and
    suggested reassignments (`suggest`)."""
    now = now or timezone.now()
    on_clock = on_clock or clock(unit_id, now=now)
    limit = on_clock.limit
    risky = Dossier.objects.filter(unit_id=unit_id, status__in=ON_CLOCK, due_at__lte=limit)
    per_official = {pk: (n, late) for pk, (n, late, _total) in on_clock.per_assignee.items() if n}
    listed = list(
        risky.order_by("due_at", "pk").values(
            "pk", "code", "due_at", "assignee_id", "procedure__name"
        )[: AT_RISK_LIST * 2]
    )
    names = _officials(unit_id, local_time(now).date())
    missing = {row["assignee_id"] for row in listed if row["assignee_id"]} - set(names)
    missing |= {pk for pk in per_official if pk} - set(names)
    if missing:
        for user in get_user_model().objects.filter(pk__in=missing):
            names[user.pk] = user.get_full_name() or user.get_username()
    officials: list[dict[str, Any]] = [
        {
            "id": pk,
            "name": names.get(pk, "") if pk else "",
            "at_risk": per_official.get(pk, (0, 0))[0],
            "overdue": per_official.get(pk, (0, 0))[1],
        }
        for pk in sorted(set(per_official) | set(names), key=lambda p: (p is None, p or 0))
    ]
    officials.sort(key=lambda o: (-o["at_risk"], o["name"]))
    dossiers: list[dict[str, Any]] = [
        {
            "code": row["code"],
            "procedure": row["procedure__name"],
            "due": row["due_at"].isoformat(),  # type: ignore[union-attr]
            "overdue": row["due_at"] < now,  # type: ignore[operator]
            "assignee_id": row["assignee_id"],
            "assignee": names.get(row["assignee_id"], "") if row["assignee_id"] else "",
        }
        for row in listed
    ]
    return {
        "at_risk": sum(n for n, _l in per_official.values()),
        "at_risk_overdue": sum(late for _n, late in per_official.values()),
        "due_by": limit.isoformat(),
        "officials": officials,
        "dossiers": dossiers[:AT_RISK_LIST],
        "suggestions": suggest(officials, dossiers, candidates=set(names)),
    }


def suggest(
    officials: list[dict[str, Any]], dossiers: list[dict[str, Any]], *, candidates: set[int]
) -> list[dict[str, Any]]:
    """Greedy: while the official with the most dossiers at risk has at least two more than the
    colleague (of the same unit) with the fewest, suggest handing that colleague the donor's
    dossier due soonest; dossiers at risk with no one assigned go to the least loaded first.
    Only dossiers listed (the ones due soonest) are suggested, at most MAX_SUGGESTIONS."""
    if not candidates:
        return []
    load = {o["id"]: o["at_risk"] for o in officials if o["id"] in candidates}
    names = {o["id"]: o["name"] for o in officials}
    queue: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for d in dossiers:
        queue[d["assignee_id"]].append(d)
    out: list[dict[str, Any]] = []

    def least(excluding: int | None) -> int:
        return min(
            (pk for pk in load if pk != excluding), key=lambda pk: (load[pk], pk), default=-1
        )

    for d in queue.pop(None, []):
        if len(out) >= MAX_SUGGESTIONS:
            return out
        to = least(None)
        out.append(_suggestion(d, None, to, names, None, load[to]))
        load[to] += 1
    while len(out) < MAX_SUGGESTIONS:
        donors = [pk for pk in load if queue.get(pk)]
        if not donors:
            break
        donor = max(donors, key=lambda pk: (load[pk], -pk))
        to = least(donor)
        if to < 0 or load[donor] - load[to] < 2:
            break
        d = queue[donor].pop(0)
        out.append(_suggestion(d, donor, to, names, load[donor], load[to]))
        load[donor] -= 1
        load[to] += 1
    return out


def _suggestion(d, source, to, names, source_load, to_load) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {
        "code": d["code"],
        "due": d["due"],
        "from_id": source,
        "from": names.get(source, "") if source else "",
        "from_at_risk": source_load,
        "to_id": to,
        "to": names.get(to, ""),
        "to_at_risk": to_load,
    }


def dashboard(
    area: Area, date_from: dt.date, date_to: dt.date, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """What the page, the API and the command show for an area: its figures, and for a unit the
    dossiers at risk with suggested reassignments, for a province the ranking of its communes."""
    now = now or timezone.now()
    if area.unit_id is None:
        data = figures(area, date_from, date_to, now=now)
        return {**data, "ranking": ranking(area, date_from, date_to, now=now)}
    # The unit's dossiers on the clock are read once, for the figures and the risks.
    on_clock = clock(area.unit_id, now=now)
    data = figures(area, date_from, date_to, now=now, on_clock=on_clock)
    risks = at_risk(area.unit_id, now=now, on_clock=on_clock)
    return {**data, **risks, "predecessors": area.unit_ids[1:]}


def unit_dashboard(
    unit_id: int, date_from: dt.date, date_to: dt.date, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Everything the figures page shows for one unit (a province's own dossiers for a province;
    no scope check: callers check it): the
    indicators over the months of the period (its tallies and its predecessors'), open and
    overdue now, the dossiers at risk and suggested reassignments. A few index ranges; the
    benchmark times this."""
    area = area_for(None, date_to=date_to, unit_id=unit_id, whole_province=False)
    return dashboard(area, date_from, date_to, now=now)


def ranking(
    area: Area, date_from: dt.date, date_to: dt.date, *, now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """The communes of a province by progress over the period, best first, with their dossiers
    overdue and at risk now (grouped reads: the tallies of the months, and the clock index per
    unit)."""
    now = now or timezone.now()
    limit = calendar_around(local_time(now), 1).due(now, 1)
    months = months_between(date_from, date_to)
    day = min(date_to, timezone.localdate())
    communes = {
        unit: (name, code)
        for unit, name, code in UnitVersion.objects.as_of(day)
        .filter(unit_id__in=area.unit_ids, level=UnitLevel.COMMUNE)
        .filter(admin_unit_id=F("unit_id"))
        .values_list("unit_id", "name", "code")
    }
    if not communes:
        return []
    done: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for unit, processed, early, on_time in Tally.objects.filter(
        unit_id__in=list(communes), month__gte=months[0], month__lte=months[-1]
    ).values_list("unit_id", "processed", "early", "on_time"):
        done[unit][0] += processed
        done[unit][1] += early + on_time
    clock = {
        row["unit_id"]: (row["n"], row["late"], row["risky"])
        for row in Dossier.objects.filter(unit_id__in=list(communes), status__in=ON_CLOCK)
        .values("unit_id")
        .annotate(
            n=Count("*"),
            late=Count("due_at", filter=Q(due_at__lt=now)),
            risky=Count("due_at", filter=Q(due_at__lte=limit)),
        )
        .order_by()
    }
    rows = []
    for unit, (name, code) in communes.items():
        n, late, risky = clock.get(unit, (0, 0, 0))
        handled = done[unit][0] + n
        good = done[unit][1] + n - late
        rows.append(
            {
                "unit_id": unit,
                "code": code,
                "name": name,
                "handled": handled,
                "progress": _ratio(good, handled),
                "overdue": late,
                "at_risk": risky,
            }
        )
    rows.sort(key=lambda r: (r["progress"] is None, -(r["progress"] or 0), r["name"]))
    return rows


def percent(value: float | None) -> str:
    """A share as the language writes it: 87,5 % in Vietnamese; a dash for no data."""
    if value is None:
        return "–"
    return f"{number_format(round(value * 100, 1), decimal_pos=1)} %"


def indicator_rows(data: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(key, label, value) of the figures a table, a page or a spreadsheet lists, in order."""
    return [
        ("progress", _("Progress (on time + within the deadline)"), data["progress"]),
        ("online_share", _("Fully online share"), data["online_share"]),
        ("online_payment_share", _("Online payment share"), data["online_payment_share"]),
        ("satisfaction", _("Satisfaction"), data["satisfaction"]),
        ("open", _("Open now"), data["open"]),
        ("overdue", _("Overdue now"), data["overdue"]),
        ("arrived", _("Received in the period"), data["arrived"]),
        ("finished", _("Processed in the period"), data["finished"]),
        ("early", _("Processed early"), data["early"]),
        ("on_time", _("Processed on time"), data["on_time"]),
        ("late", _("Processed late"), data["late"]),
        ("returned", _("Results returned"), data["returned"]),
        ("refused", _("Not received"), data["refused"]),
        ("stopped", _("Processing stopped"), data["stopped"]),
        ("withdrawn", _("Withdrawn"), data["withdrawn"]),
    ]


SHARES = ("progress", "online_share", "online_payment_share", "satisfaction")


def _iso_day_text(iso: str) -> str:
    return text.day(dt.date.fromisoformat(iso))


def workbook(data: dict[str, Any]) -> bytes:
    """The figures as a spreadsheet: the indicators (shares as fractions formatted as percent),
    the months, and the dossiers at risk or the communes' ranking."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Indicators")[:31]
    append_row(sheet, [_("Area"), data["area"]])
    append_row(
        sheet,
        [_("Period"), f"{_iso_day_text(data['date_from'])} – {_iso_day_text(data['date_to'])}"],
    )
    append_row(sheet, [_("Indicator"), _("Value"), _("Key")])
    for key, label, value in indicator_rows(data):
        append_row(sheet, [label, value, key])
        if key in SHARES and value is not None:
            sheet.cell(row=sheet.max_row, column=2).number_format = "0.0%"
    months = book.create_sheet(_("By month")[:31])
    append_row(
        months,
        [_("Month"), _("Received"), _("Processed"), _("Early"), _("On time"), _("Late")],
    )
    for row in data["months"]:
        append_row(
            months,
            [
                # "2026-11" as officials write it: 11/2026.
                "/".join(reversed(str(row["month"]).split("-"))),
                row["arrived"],
                row["finished"],
                row["early"],
                row["on_time"],
                row["late"],
            ],
        )
    if "dossiers" in data:
        risky = book.create_sheet(_("At risk")[:31])
        append_row(risky, [_("Code"), _("Procedure"), _("Due"), _("Overdue"), _("Assigned to")])
        for row in data["dossiers"]:
            append_row(
                risky,
                [row["code"], row["procedure"], row["due"], row["overdue"], row["assignee"]],
            )
    if "ranking" in data:
        ranked = book.create_sheet(_("Communes")[:31])
        append_row(ranked, [_("Commune"), _("Handled"), _("Progress"), _("Overdue"), _("At risk")])
        for row in data["ranking"]:
            append_row(
                ranked,
                [row["name"], row["handled"], row["progress"], row["overdue"], row["at_risk"]],
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
