"""Red flags read from the dossiers' history, kept current (docs/integrity-flags.md).

`follow(dossier, event)` is a public services effect: in the transaction of every transition it
adds the event to the counters of (the acting official, the event's unit, the procedure) with
one upsert, then recomputes the flags of that official at that unit and the rate flags of that
procedure (the peers' median moved). Nothing rescans the whole history on a view; `rebuild`
replays the history and gives the same counters and flags (tests/test_flags_rebuild.py).

Each flag is a lead for an inspector, not a verdict: it names the dossiers behind it, gives the
peers' figures, and can be dismissed with a reason (`flag_dismiss`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.accounts.access import access_unit, member_of, records_filter, scope_for
from tinhgon.core.errors import DomainError, NotFound, Problem
from tinhgon.core.models import audit
from tinhgon.integrity.models.flags import (
    COUNTS,
    ComplaintCounter,
    FlagCounter,
    FlagKind,
    RedFlag,
)
from tinhgon.publicservices.models import Dossier, DossierEvent, Rating, Status
from tinhgon.staffing.models import Official
from tinhgon.units.models import UnitLink
from tinhgon.workdays.calendar import local_time
from tinhgon.workdays.selectors import calendar_around

# -- the rules (docs/integrity-flags.md) ------------------------------------------------------
REPEATED_AT = 2  # a dossier sent back for documents this many times by one official
REPEATED_MIN = 2  # ... on this many dossiers: a flag
BOUNCED_MIN = 2  # transfers back to a unit the dossier had left
IDLE_DAYS = 5  # working days without a move while being processed by the official
IDLE_MIN = 2  # dossiers idle at once
RATE_MIN_HANDLED = 5  # an official counts in a rate (as subject or peer) from this many dossiers
RATE_MIN_PEERS = 3  # a rate is compared only with at least this many peers
RATE_FACTOR = 2.0  # flagged at twice the peers' median or more ...
RATE_MARGIN = 0.25  # ... and at least this much above it
LOW_RATING = Rating.UNSATISFIED  # a rating this low or lower counts as low
DOSSIERS_LISTED = 50
REASON_LIMIT = 1000

DECISIONS = ("approve", "reject")


# -- units through plans ---------------------------------------------------------------------
# The events stay where they happened; the counters and flags of a unit a plan closes follow its
# default successor (flags_setup.py: the carriers). So the events behind a unit's flags are those
# of the unit and of every unit whose default successor it became, at any depth.
def behind(unit_id: int) -> list[int]:
    """The unit and the closed units whose flags it holds (default successors, transitively)."""
    found, frontier = [unit_id], [unit_id]
    while frontier:
        frontier = [
            u
            for u in UnitLink.objects.filter(
                successor_id__in=frontier, is_default=True
            ).values_list("predecessor_id", flat=True)
            if u not in found
        ]
        found += frontier
    return found


def heirs(unit_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Where the flags of each closed unit are held now ({closed unit: heir}; units not closed
    are absent): its default successor, followed to the end. None: every closed unit."""
    links: dict[int, int] = {}
    frontier = None if unit_ids is None else set(unit_ids)
    while frontier is None or frontier:
        found = UnitLink.objects.filter(is_default=True)
        if frontier is not None:
            found = found.filter(predecessor_id__in=frontier)
        step = dict(found.values_list("predecessor_id", "successor_id"))
        links.update(step)
        frontier = set(step.values()) - set(links) if frontier is not None else set()
    resolved = {}
    for unit in links:
        heir, hops = unit, 0
        while heir in links and hops <= len(links):
            heir, hops = links[heir], hops + 1
        resolved[unit] = heir
    return resolved


# -- kept current ----------------------------------------------------------------------------
Key = tuple[int, int, int]  # official, unit, procedure


def _deltas(event: DossierEvent, dossier: Dossier, prior: list[DossierEvent]) -> dict[str, int]:
    """What one event adds to its official's counters, given the dossier's earlier events."""
    deltas: dict[str, int] = defaultdict(int)
    if event.actor_id is None or event.move == "submit":
        return deltas
    mine = [e for e in prior if e.actor_id == event.actor_id and e.move != "submit"]
    if not mine:
        deltas["handled"] += 1
        if dossier.rating is not None:  # rated already: counted for everyone who handled it
            deltas["rated"] += 1
            deltas["low_rated"] += int(dossier.rating <= LOW_RATING)
    if event.move == "request_supplement":
        deltas["supplements"] += 1
        if sum(1 for e in mine if e.move == "request_supplement") + 1 == REPEATED_AT:
            deltas["repeated"] += 1
    elif event.move == "transfer":
        if _bounced(event, prior):
            deltas["bounced"] += 1
    elif event.move in DECISIONS:
        deltas["decided"] += 1
        if dossier.due_at is not None and event.at > dossier.due_at:
            deltas["late"] += 1
    return deltas


def _bounced(event: DossierEvent, prior: Iterable[DossierEvent]) -> bool:
    """A transfer to a unit the dossier was worked at before (A → B → A)."""
    target = (event.data or {}).get("to_unit")
    return target is not None and any(
        e.unit_id == target for e in prior if e.move != "submit" and e.id != event.id
    )


def _add(rows: dict[Key, dict[str, int]]) -> None:
    """One upsert per key (`n = n + excluded.n`), in key order (no deadlock between two)."""
    table = FlagCounter._meta.db_table
    columns = ", ".join(COUNTS)
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COUNTS)
    placeholders = ", ".join(["%s"] * (3 + len(COUNTS)))
    sql = (
        f"INSERT INTO {table} (official_id, unit_id, procedure_id, {columns}) "
        f"VALUES ({placeholders}) ON CONFLICT (official_id, unit_id, procedure_id) "
        f"DO UPDATE SET {updates}"
    )
    params = [
        [*key, *(deltas.get(c, 0) for c in COUNTS)]
        for key, deltas in sorted(rows.items())
        if any(deltas.values())
    ]
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)  # type: ignore[arg-type]


def follow(dossier: Dossier, event: DossierEvent) -> None:
    """The effect: count the event, then recompute what it can have changed."""
    if event.actor_id is None or event.move == "submit":
        return
    prior = list(
        DossierEvent.objects.filter(dossier_id=dossier.pk, id__lt=event.pk).only(
            "id", "actor_id", "move", "unit_id", "data"
        )
    )
    procedure_id = dossier.procedure.procedure_id
    deltas = _deltas(event, dossier, prior)
    _add({(event.actor_id, event.unit_id, procedure_id): deltas})
    now = timezone.now()
    recompute_official(official_id=event.actor_id, unit_id=event.unit_id, now=now)
    if dossier.assignee_id is not None and dossier.assignee_id != event.actor_id:
        # The dossier left or reached someone's desk: their idle dossiers changed.
        recompute_official(official_id=dossier.assignee_id, unit_id=dossier.unit_id, now=now)
    if deltas.get("handled") or deltas.get("supplements") or deltas.get("decided"):
        recompute_procedure(
            procedure_id=procedure_id, now=now, acting={(event.actor_id, event.unit_id)}
        )


def rated(dossier: Dossier) -> None:
    """The rating hook (publicservices.effects.register_rated): the rating counts for every
    official who handled the dossier, at the unit where each first acted on it (the key their
    `handled` was counted under), then the procedure's rate flags are recomputed."""
    if dossier.rating is None:
        return
    firsts: dict[int, int] = {}
    for actor_id, unit_id in (
        DossierEvent.objects.filter(dossier_id=dossier.pk, actor__isnull=False)
        .exclude(move="submit")
        .order_by("id")
        .values_list("actor_id", "unit_id")
    ):
        firsts.setdefault(actor_id, unit_id)
    procedure_id = dossier.procedure.procedure_id
    low = int(dossier.rating <= LOW_RATING)
    heir = heirs(set(firsts.values()))  # handled at a unit a plan closed since
    firsts = {actor_id: heir.get(unit_id, unit_id) for actor_id, unit_id in firsts.items()}
    _add(
        {
            (actor_id, unit_id, procedure_id): {"rated": 1, "low_rated": low}
            for actor_id, unit_id in firsts.items()
        }
    )
    if firsts:
        recompute_procedure(
            procedure_id=procedure_id, now=timezone.now(), acting=set(firsts.items())
        )


# -- the flags -------------------------------------------------------------------------------
@dataclass
class Found:
    score: float
    dossiers: list[str]
    explanation: str
    peers: dict[str, Any] = field(default_factory=dict)


def _store(
    *,
    official_id: int | None,
    unit_id: int,
    kind: str,
    procedure_id: int | None,
    found: Found | None,
    now: dt.datetime,
    staff_id: int | None = None,
) -> None:
    """Write the flag (or delete it when the figures no longer raise it). A dismissed flag keeps
    its dismissal; it disappears only when the figures fall below the rule."""
    existing = _flag(official_id, unit_id, kind, procedure_id, staff_id)
    if found is None:
        existing.delete()
        return
    values = {
        "score": round(found.score, 4),
        "dossiers": found.dossiers[:DOSSIERS_LISTED],
        "explanation": found.explanation[:1000],
        "peers": found.peers,
        "computed_at": now,
    }
    if existing.update(**values):
        return
    try:
        # Two transitions at once may both find no flag: the second insert waits for the first,
        # fails on the key, and updates instead (its savepoint keeps the transition alive).
        with transaction.atomic():
            RedFlag.objects.create(
                official_id=official_id,
                staff_id=staff_id,
                unit_id=unit_id,
                kind=kind,
                procedure_id=procedure_id,
                **values,
            )
    except IntegrityError:
        existing.update(**values)


def _flag(
    official_id: int | None,
    unit_id: int,
    kind: str,
    procedure_id: int | None,
    staff_id: int | None = None,
) -> QuerySet[RedFlag]:
    """The one flag of that key (the procedure: None for the kinds without one; the official
    of the personnel records, `staff_id`, for complaints)."""
    if staff_id is not None:
        return RedFlag.objects.filter(staff_id=staff_id, unit_id=unit_id, kind=kind)
    found = RedFlag.objects.filter(official_id=official_id, unit_id=unit_id, kind=kind)
    if procedure_id is None:
        return found.filter(procedure__isnull=True)
    return found.filter(procedure_id=procedure_id)


def _codes(dossier_ids: Iterable[int]) -> list[str]:
    return sorted(Dossier.objects.filter(pk__in=set(dossier_ids)).values_list("code", flat=True))


def recompute_official(*, official_id: int, unit_id: int, now: dt.datetime) -> None:
    """The flags of one official at one unit that do not compare with peers."""
    totals = FlagCounter.objects.filter(official_id=official_id, unit_id=unit_id).aggregate(
        repeated=Sum("repeated"), bounced=Sum("bounced")
    )
    mine = DossierEvent.objects.filter(actor_id=official_id, unit_id__in=behind(unit_id))
    # Repeated supplements: the dossiers sent back REPEATED_AT times or more.
    found = None
    if (totals["repeated"] or 0) >= REPEATED_MIN:
        sent_back = (
            mine.filter(move="request_supplement")
            .values("dossier_id")
            .annotate(n=Count("id"))
            .filter(n__gte=REPEATED_AT)
        )
        times = {row["dossier_id"]: row["n"] for row in sent_back}
        found = Found(
            score=float(totals["repeated"]),
            dossiers=_codes(times),
            explanation=_(
                "%(n)s dossiers were sent back for more documents %(at)s times or more by this "
                "official (at most %(most)s times on one)."
            )
            % {"n": totals["repeated"], "at": REPEATED_AT, "most": max(times.values(), default=0)},
        )
    _store(
        official_id=official_id,
        unit_id=unit_id,
        kind=FlagKind.REPEATED_SUPPLEMENTS,
        procedure_id=None,
        found=found,
        now=now,
    )
    # Bouncing transfers.
    found = None
    if (totals["bounced"] or 0) >= BOUNCED_MIN:
        transfers = list(mine.filter(move="transfer").only("id", "dossier_id", "data"))
        history: dict[int, list[DossierEvent]] = defaultdict(list)
        for e in DossierEvent.objects.filter(dossier_id__in={t.dossier_id for t in transfers}).only(
            "id", "dossier_id", "move", "unit_id"
        ):
            history[e.dossier_id].append(e)
        bounced = [
            t.dossier_id
            for t in transfers
            if _bounced(t, [e for e in history[t.dossier_id] if e.id < t.id])
        ]
        found = Found(
            score=float(totals["bounced"]),
            dossiers=_codes(bounced),
            explanation=_(
                "%(n)s transfers by this official sent a dossier back to a unit it had left."
            )
            % {"n": totals["bounced"]},
        )
    _store(
        official_id=official_id,
        unit_id=unit_id,
        kind=FlagKind.BOUNCING_TRANSFERS,
        procedure_id=None,
        found=found,
        now=now,
    )
    _store(
        official_id=official_id,
        unit_id=unit_id,
        kind=FlagKind.IDLE,
        procedure_id=None,
        found=_idle(official_id=official_id, unit_id=unit_id, now=now),
        now=now,
    )


def refresh_idle(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The scheduled job's part: idle flags change with the clock, not with a transition, so
    once a round they are recomputed for every official with dossiers in processing and every
    official flagged idle (one recompute per official and unit, not per dossier)."""
    now = now or timezone.now()
    desks = set(
        Dossier.objects.filter(status=Status.PROCESSING, assignee__isnull=False)
        .values_list("assignee_id", "unit_id")
        .distinct()
    ) | set(RedFlag.objects.filter(kind=FlagKind.IDLE).values_list("official_id", "unit_id"))
    for official_id, unit_id in sorted(d for d in desks if d[0] is not None):
        with transaction.atomic():
            _store(
                official_id=official_id,
                unit_id=unit_id,
                kind=FlagKind.IDLE,
                procedure_id=None,
                found=_idle(official_id=official_id, unit_id=unit_id, now=now),
                now=now,
            )
    return {
        "desks": len(desks),
        "idle_flags": RedFlag.objects.filter(kind=FlagKind.IDLE).count(),
    }


def _idle(*, official_id: int, unit_id: int, now: dt.datetime) -> Found | None:
    """Dossiers being processed by the official with no move for more than IDLE_DAYS working
    days (the last event's time: the dossier's events are indexed by dossier)."""
    # A working week is at least seven calendar days: nothing younger can be idle.
    before = now - dt.timedelta(days=IDLE_DAYS)
    rows = (
        Dossier.objects.filter(assignee_id=official_id, unit_id=unit_id, status=Status.PROCESSING)
        .annotate(last=Max("events__at"))
        .filter(last__lt=before)
        .values_list("code", "last")
    )
    today = local_time(now).date()
    calendar = calendar_around(local_time(now) - dt.timedelta(days=400), 2)
    idle = {
        code: calendar.working_days_between(local_time(last).date(), today)
        for code, last in rows
        if calendar.working_days_between(local_time(last).date(), today) > IDLE_DAYS
    }
    if len(idle) < IDLE_MIN:
        return None
    return Found(
        score=float(len(idle)),
        dossiers=sorted(idle),
        explanation=_(
            "%(n)s dossiers being processed by this official have not moved for more than "
            "%(days)s working days (the longest: %(most)s)."
        )
        % {"n": len(idle), "days": IDLE_DAYS, "most": max(idle.values())},
    )


RATE_TEXT = {
    FlagKind.LOW_RATINGS: lambda: _(
        "%(n)s of %(total)s rated dossiers (%(rate)s%%) were rated “not satisfied”, against a "
        "median of %(median)s%% among %(peers)s peers on the same procedure."
    ),
    None: lambda: _(
        "%(n)s of %(total)s dossiers (%(rate)s%%) against a median of %(median)s%% "
        "among %(peers)s peers on the same procedure."
    ),
}

RATES = (
    (FlagKind.SUPPLEMENT_RATE, "supplements", "handled", "request_supplement"),
    (FlagKind.LATE_RATE, "late", "decided", "late"),
    (FlagKind.LOW_RATINGS, "low_rated", "rated", "low"),
)


def _median_without(rates: list[float], index: int) -> float:
    """The median of sorted `rates` without the one at `index` (O(1): no copy per official)."""
    size = len(rates) - 1

    def at(j: int) -> float:
        return rates[j if j < index else j + 1]

    if size % 2:
        return at(size // 2)
    return (at(size // 2 - 1) + at(size // 2)) / 2


def _quartiles(rates: list[float]) -> list[float]:
    if len(rates) < 2:
        return [round(r, 4) for r in rates]
    return [round(q, 4) for q in statistics.quantiles(rates, n=4)]


def recompute_procedure(
    *, procedure_id: int, now: dt.datetime, acting: set[tuple[int, int]] | None = None
) -> None:
    """The rate flags of every official on one procedure: each official's rate against the
    median of the others' (officials with RATE_MIN_HANDLED dossiers or more). The dossiers
    behind a flag are read again only for the officials whose counts moved (`acting`: a set of
    (official, unit); None: everyone) and for a flag newly raised: the others' dossiers have not changed, only
    their peers' figures."""
    counters = list(
        FlagCounter.objects.filter(procedure_id=procedure_id).values(
            "official_id", "unit_id", *COUNTS
        )
    )
    for kind, numerator, denominator, move in RATES:
        eligible = [c for c in counters if c[denominator] >= RATE_MIN_HANDLED]
        rates = sorted(c[numerator] / c[denominator] for c in eligible)
        existing = {
            (f.official_id, f.unit_id): f
            for f in RedFlag.objects.filter(kind=kind, procedure_id=procedure_id)
        }
        flagged: dict[tuple[int, int], Found] = {}
        peers = len(eligible) - 1
        for c in eligible if peers >= RATE_MIN_PEERS else []:
            rate = c[numerator] / c[denominator]
            median = _median_without(rates, bisect.bisect_left(rates, rate))
            if rate < max(RATE_FACTOR * median, median + RATE_MARGIN):
                continue
            key = (c["official_id"], c["unit_id"])
            if key in existing and acting is not None and key not in acting:
                dossiers = list(existing[key].dossiers)
            elif move == "late":
                dossiers = _late_codes(c["official_id"], c["unit_id"], procedure_id)
            elif move == "low":
                dossiers = _low_codes(c["official_id"], c["unit_id"], procedure_id)
            else:
                dossiers = _codes(
                    DossierEvent.objects.filter(
                        actor_id=c["official_id"],
                        unit_id__in=behind(c["unit_id"]),
                        move=move,
                        dossier__procedure__procedure_id=procedure_id,
                    ).values_list("dossier_id", flat=True)
                )
            flagged[key] = Found(
                score=rate / max(median, 0.05),
                dossiers=dossiers,
                explanation=(RATE_TEXT[kind] if kind in RATE_TEXT else RATE_TEXT[None])()
                % {
                    "n": c[numerator],
                    "total": c[denominator],
                    "rate": round(100 * rate),
                    "median": round(100 * median),
                    "peers": peers,
                },
                peers={
                    "peers": peers,
                    "median": round(median, 4),
                    "rate": round(rate, 4),
                    # Of everyone counted on the procedure (the official included).
                    "quartiles": _quartiles(rates),
                },
            )
        for key, flag in existing.items():
            if key not in flagged:
                flag.delete()
        for (official_id, unit_id), found in flagged.items():
            old = existing.get((official_id, unit_id))
            if old is not None and (
                old.score,
                old.dossiers,
                old.explanation,
                old.peers,
            ) == (round(found.score, 4), found.dossiers, found.explanation, found.peers):
                continue  # unchanged: no write
            _store(
                official_id=official_id,
                unit_id=unit_id,
                kind=kind,
                procedure_id=procedure_id,
                found=found,
                now=now,
            )


def _late_codes(official_id: int, unit_id: int, procedure_id: int) -> list[str]:
    decided = DossierEvent.objects.filter(
        actor_id=official_id,
        unit_id__in=behind(unit_id),
        move__in=DECISIONS,
        dossier__procedure__procedure_id=procedure_id,
    ).values_list("dossier_id", "at", "dossier__due_at")
    return _codes(d for d, at, due in decided if due is not None and at > due)


def _low_codes(official_id: int, unit_id: int, procedure_id: int) -> list[str]:
    """The dossiers rated low that the official handled at the unit (first acted on there)."""
    firsts: dict[int, int] = {}
    for dossier_id, at_unit in (
        DossierEvent.objects.filter(
            actor_id=official_id,
            dossier__procedure__procedure_id=procedure_id,
            dossier__rating__lte=LOW_RATING,
        )
        .exclude(move="submit")
        .order_by("id")
        .values_list("dossier_id", "unit_id")
    ):
        firsts.setdefault(dossier_id, at_unit)
    units = set(behind(unit_id))
    return _codes(d for d, at_unit in firsts.items() if at_unit in units)


# -- rebuild ---------------------------------------------------------------------------------
@transaction.atomic
def rebuild(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Recompute every counter from the dossiers' history and every flag from the counters:
    the same answer as the effects gave, one event at a time (dismissals are kept). An event at
    a unit a plan closed counts at the unit's heir, where the carriers took its counters."""
    from tinhgon.integrity import flags_complaints

    now = now or timezone.now()
    dismissed = {
        (f.official_id, f.unit_id, f.kind, f.procedure_id, f.staff_id): f
        for f in RedFlag.objects.filter(dismissed_at__isnull=False)
    }
    heir = heirs()
    rows: dict[Key, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    history: list[DossierEvent] = []
    current: int | None = None
    dossiers = dict(
        Dossier.objects.values_list("pk", "procedure__procedure_id")
    )  # the procedure of every dossier
    due = {
        pk: (at, rating) for pk, at, rating in Dossier.objects.values_list("pk", "due_at", "rating")
    }
    for event in (
        DossierEvent.objects.order_by("dossier_id", "id")
        .only("id", "dossier_id", "actor_id", "move", "unit_id", "data", "at")
        .iterator(chunk_size=5000)
    ):
        if event.dossier_id != current:
            current, history = event.dossier_id, []
        due_at, rating = due[event.dossier_id]
        holder = Dossier(pk=event.dossier_id, due_at=due_at, rating=rating)
        for name, n in _deltas(event, holder, history).items():
            if n and event.actor_id is not None:
                at = heir.get(event.unit_id, event.unit_id)
                rows[(event.actor_id, at, dossiers[event.dossier_id])][name] += n
        history.append(event)
    FlagCounter.objects.all().delete()
    RedFlag.objects.all().delete()
    _add({key: dict(v) for key, v in rows.items()})
    desks: set[tuple[int, int]] = {(k[0], k[1]) for k in rows}
    for assignee_id, unit_id in (
        Dossier.objects.filter(status=Status.PROCESSING, assignee__isnull=False)
        .values_list("assignee_id", "unit_id")
        .distinct()
    ):
        if assignee_id is not None:
            desks.add((assignee_id, unit_id))
    for official_id, unit_id in sorted(desks):
        recompute_official(official_id=official_id, unit_id=unit_id, now=now)
    for procedure_id in {k[2] for k in rows}:
        recompute_procedure(procedure_id=procedure_id, now=now)
    flags_complaints.rebuild(now=now, heir=heir)
    for key, old in dismissed.items():
        _flag(*key).update(
            dismissed_at=old.dismissed_at,
            dismissed_by_id=old.dismissed_by_id,
            dismissed_reason=old.dismissed_reason,
        )
    return {
        "counters": FlagCounter.objects.count() + ComplaintCounter.objects.count(),
        "flags": RedFlag.objects.count(),
    }


# -- reading and dismissing ------------------------------------------------------------------
def flags_of_unit(user, *, unit_id: int, dismissed: bool = False):  # type: ignore[no-untyped-def]
    """The flags at a unit the user may read (NotFound outside the scope): they name officials,
    so never to the public, and never to the official they are about (`_about`); the complaints
    flag only to the members of the unit, which handles the cases behind it
    (integrity/flags_complaints.py). User None: the operator (commands)."""
    found = RedFlag.objects.filter(unit_id=unit_id).select_related("official", "staff", "procedure")
    if user is not None:
        access_unit(user, unit_id)
        if not _reads_complaints(user, unit_id):
            found = found.exclude(kind=FlagKind.COMPLAINTS)
        found = found.exclude(_about(user))
    if not dismissed:
        found = found.filter(dismissed_at__isnull=True)
    return found


def _reads_complaints(user, unit_id: int) -> bool:  # type: ignore[no-untyped-def]
    """The complaints flag at a unit: its members (as `cases.is_handler` decides before a case is
    accepted), and superusers; not everyone whose scope covers the unit."""
    return scope_for(user).everything or member_of(user, unit_id)


def _about(user) -> Q:  # type: ignore[no-untyped-def]
    """The flags about `user` themselves, never shown to them whatever they hold (a member or an
    inspector of the unit, a superuser): every kind naming them as the official who acted on the
    dossiers (`RedFlag.official`), and the complaints flag about the person whose own account
    they are (`RedFlag.staff`, through the link of the staff records, `staffing.Official.user`)."""
    return Q(official_id=user.pk) | Q(
        staff_id__in=Official.objects.filter(user_id=user.pk).values("pk")
    )


def access_flag(user, flag_id: int, *, write: bool = False) -> RedFlag:  # type: ignore[no-untyped-def]
    """The flag if the user may read its unit (write: change it), and it is not about the user
    themselves (`_about`); otherwise not found. User None: the operator."""
    today = timezone.localdate()
    found = RedFlag.objects.filter(pk=flag_id)
    if user is not None:
        found = found.filter(records_filter(scope_for(user), today, unit_field="unit"))
        found = found.exclude(_about(user))
    flag = found.first()
    if flag is None or (
        user is not None
        and flag.kind == FlagKind.COMPLAINTS
        and not _reads_complaints(user, flag.unit_id)
    ):
        raise NotFound(_("No red flag %(id)s in your scope.") % {"id": flag_id})
    if write and user is not None:
        access_unit(user, flag.unit_id, day=today, write=True)
    return flag


@transaction.atomic
def flag_dismiss(*, actor, flag_id: int, reason: str) -> RedFlag:  # type: ignore[no-untyped-def]
    """Dismiss a flag with the reason (an inspector: write scope on its unit). The same reason
    again changes nothing; another reason replaces it. One audit row."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(
            _("Give the reason."),
            problems=[Problem(_("This field is required."), field="reason")],
        )
    if len(reason) > REASON_LIMIT:
        raise DomainError(
            _("The reason is too long."),
            problems=[
                Problem(_("at most %(max)s characters") % {"max": REASON_LIMIT}, field="reason")
            ],
        )
    flag = access_flag(actor, flag_id, write=True)
    if flag.dismissed_at is not None and flag.dismissed_reason == reason:
        return flag
    # Conditional on the state as read: of two inspectors at once, one wins and audits; the
    # other finds the flag changed (the same reason: nothing to do; another: reload).
    changes = {
        "dismissed_at": timezone.now(),
        "dismissed_by": actor if getattr(actor, "is_authenticated", False) else None,
        "dismissed_reason": reason,
    }
    updated = RedFlag.objects.filter(
        pk=flag.pk, dismissed_at=flag.dismissed_at, dismissed_reason=flag.dismissed_reason
    ).update(**changes)
    if not updated:
        current = RedFlag.objects.filter(pk=flag.pk).first()
        if current is not None and current.dismissed_reason == reason and current.dismissed_at:
            return current
        raise DomainError(
            _("Red flag %(id)s changed since you read it; reload it.") % {"id": flag.pk},
            code="stale",
            status=409,
        )
    for name, value in changes.items():
        setattr(flag, name, value)
    audit(actor=actor, action="red_flag_dismiss", unit=flag.unit_id, flag=flag.pk, reason=reason)
    return flag


def official_key(flag: RedFlag) -> str:
    """The user name of the official who acted; for a person of the personnel records (the
    complaints flag) `staff:<id>`."""
    if flag.official is not None:
        return str(flag.official.get_username())
    return f"staff:{flag.staff_id}"


def official_name(flag: RedFlag) -> str:
    if flag.official is not None:
        return str(flag.official.get_full_name())
    return flag.staff.full_name if flag.staff is not None else ""


def as_json(flag: RedFlag) -> dict[str, Any]:
    return {
        "id": flag.pk,
        "official": official_key(flag),
        "official_name": official_name(flag),
        "staff": flag.staff_id,
        "unit": flag.unit_id,
        "kind": flag.kind,
        "procedure": flag.procedure.code if flag.procedure is not None else None,
        "score": flag.score,
        "dossiers": list(flag.dossiers),
        "explanation": flag.explanation,
        "peers": flag.peers,
        "computed_at": flag.computed_at.isoformat(),
        "dismissed": flag.dismissed_at is not None,
        "dismissed_reason": flag.dismissed_reason,
    }
