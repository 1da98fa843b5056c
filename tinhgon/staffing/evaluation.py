"""The annual evaluation of officials and the disciplinary measures that bear on it.

From 2026 on (Decree 335/2025/NĐ-CP, in force 01/01/2026) an official is scored out of 100: 30 for
the general criteria and 70 for the results of their tasks; the rating is the band of the total
(at least 90: excellently completed; 70: well completed; 50: completed; below 50: did not
complete). "Excellently completed" may go to at most 20 % of those rated "well completed" in the
same unit and year. A disciplinary measure (reprimand or heavier) decided in the year forces
"did not complete duties", whatever the points. Before 2026 the four classes are given without
points (Decree 90/2020).

Invariants kept by the services below: one evaluation per official and year; a rating of 2026 or
later is the band of its points unless `forced_by` names the measure that forced it; after any
write through `evaluation_record`/`evaluations_record_bulk` the unit's outstanding count is within
its 20 % (a measure recorded later may push a unit over it: the page shows the unit over quota).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from tinhgon.core.errors import DomainError, NotFound, Problem
from tinhgon.core.models import audit
from tinhgon.staffing.models import (
    DisciplinaryMeasure,
    Evaluation,
    Measure,
    Official,
    Rating,
)
from tinhgon.units import selectors
from tinhgon.units.models import Unit

POINTS_FROM_YEAR = 2026  # Decree 335/2025 applies to the evaluations of 2026 on
GENERAL_MAX = 30
TASK_MAX = 70
# (lowest total, rating), highest band first (Decree 335/2025, the classification of civil servants).
BANDS: tuple[tuple[int, str], ...] = (
    (90, Rating.OUTSTANDING),
    (70, Rating.GOOD),
    (50, Rating.COMPLETED),
    (0, Rating.NOT_COMPLETED),
)
# "Excellently completed" at most this share of those "well completed" in the unit and year.
OUTSTANDING_PERCENT = 20
MIN_YEAR, MAX_YEAR = 2000, 2100


def band(points: int) -> str:
    """The rating of a total out of 100."""
    for lowest, rating in BANDS:
        if points >= lowest:
            return rating
    return Rating.NOT_COMPLETED


def outstanding_allowed(good: int) -> int:
    """How many "excellently completed" `good` ratings of "well completed" allow (rounded down)."""
    return good * OUTSTANDING_PERCENT // 100


@dataclass(frozen=True)
class Distribution:
    unit_id: int
    year: int
    counts: dict[str, int]

    @property
    def good(self) -> int:
        return self.counts.get(Rating.GOOD, 0)

    @property
    def outstanding(self) -> int:
        return self.counts.get(Rating.OUTSTANDING, 0)

    @property
    def allowed(self) -> int:
        return outstanding_allowed(self.good)

    @property
    def headroom(self) -> int:
        """How many more may be rated outstanding (negative: over the quota)."""
        return self.allowed - self.outstanding

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit_id": self.unit_id,
            "year": self.year,
            "counts": {rating: self.counts.get(rating, 0) for rating in Rating.values},
            "total": self.total,
            "outstanding_allowed": self.allowed,
            "headroom": self.headroom,
        }


def distribution(*, unit_id: int, year: int) -> Distribution:
    """The ratings of a unit in a year, counted in one grouped query."""
    rows = (
        Evaluation.objects.filter(unit_id=unit_id, year=year)
        .values("rating")
        .annotate(n=Count("id"))
        .values_list("rating", "n")
    )
    return Distribution(unit_id, year, dict(rows))


def _unit_name(unit_id: int) -> str:
    try:
        return selectors.latest_version(unit_id).name
    except NotFound:
        return str(unit_id)


def _check_quota(unit_id: int, year: int, *, single: bool, adding: int = 0) -> None:
    """Refuse when the unit's outstanding ratings exceed 20 % of its good ones. `single`: one
    rating was just written, `adding` of them outstanding (the message counts those before)."""
    if year < POINTS_FROM_YEAR:
        return  # the 20 % rule is Decree 335's
    dist = distribution(unit_id=unit_id, year=year)
    if dist.headroom >= 0:
        return
    figures = {
        "unit": _unit_name(unit_id),
        "year": year,
        "good": dist.good,
        "allowed": dist.allowed,
        "percent": OUTSTANDING_PERCENT,
        "already": dist.outstanding - adding,
    }
    if single:
        message = _(
            "%(unit)s, %(year)s: %(good)s rated well completed allow %(allowed)s rated "
            "excellently completed (%(percent)s %%); %(already)s already."
        )
    else:
        message = _(
            "%(unit)s, %(year)s: %(good)s rated well completed allow %(allowed)s rated "
            "excellently completed (%(percent)s %%); the list would make %(already)s."
        )
    raise DomainError(
        message % figures,
        code="outstanding_quota",
        problems=[Problem(_("over the 20 % quota"), field="rating")],
    )


def _lock_unit(unit_id: int) -> None:
    """Serialize the evaluation writes of a unit: the 20 % check counts, then writes, and two
    requests counting at once could both pass (the unit row's lock on PostgreSQL; SQLite's
    write transaction serializes anyway)."""
    list(Unit.objects.select_for_update().filter(pk=unit_id).values_list("pk"))


def measures_in_year(official_ids: Iterable[int], year: int) -> dict[int, DisciplinaryMeasure]:
    """The first measure decided in `year` for each official that has one."""
    found: dict[int, DisciplinaryMeasure] = {}
    for measure in DisciplinaryMeasure.objects.filter(
        official_id__in=list(official_ids), decided_on__year=year
    ).order_by("decided_on", "id"):
        found.setdefault(measure.official_id, measure)
    return found


def forced_text(measure: DisciplinaryMeasure) -> str:
    return f"{measure.decision} ({measure.measure}, {measure.decided_on.isoformat()})"


@dataclass
class _Row:
    official_id: int
    general: int | None
    task: int | None
    rating: str | None


def _resolve(row: _Row, year: int, measure: DisciplinaryMeasure | None) -> tuple[str, str]:
    """(rating, forced_by) of one row, or DomainError naming the field."""
    if year >= POINTS_FROM_YEAR:
        if row.general is None or row.task is None:
            raise DomainError(
                _("From %(year)s the evaluation is scored: give the general and task points.")
                % {"year": POINTS_FROM_YEAR},
                problems=[
                    Problem(_("required"), field="general" if row.general is None else "task")
                ],
            )
        if not 0 <= row.general <= GENERAL_MAX:
            raise DomainError(
                _("General points are from 0 to %(max)s.") % {"max": GENERAL_MAX},
                problems=[Problem(str(row.general), field="general")],
            )
        if not 0 <= row.task <= TASK_MAX:
            raise DomainError(
                _("Task points are from 0 to %(max)s.") % {"max": TASK_MAX},
                problems=[Problem(str(row.task), field="task")],
            )
        rating = band(row.general + row.task)
        if row.rating and row.rating != rating:
            raise DomainError(
                _("%(points)s points are rated %(band)s, not %(rating)s.")
                % {"points": row.general + row.task, "band": rating, "rating": row.rating},
                problems=[Problem(row.rating, field="rating")],
            )
    else:
        if row.general is not None or row.task is not None:
            raise DomainError(
                _("Evaluations before %(year)s have no points: give the rating only.")
                % {"year": POINTS_FROM_YEAR},
                problems=[Problem(_("not allowed"), field="general")],
            )
        if row.rating not in Rating.values:
            raise DomainError(
                _("Give one of the ratings: %(ratings)s.") % {"ratings": ", ".join(Rating.values)},
                problems=[Problem(str(row.rating), field="rating")],
            )
        rating = row.rating
    if measure is not None:
        return Rating.NOT_COMPLETED, forced_text(measure)
    return rating, ""


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError(
            _("Year %(year)s is not a year of evaluations.") % {"year": year},
            problems=[Problem(str(year), field="year")],
        )


def _official(official_id: int) -> Official:
    official = Official.objects.filter(pk=official_id).first()
    if official is None:
        raise NotFound(_("Official %(id)s does not exist.") % {"id": official_id})
    return official


@transaction.atomic
def evaluation_record(
    *,
    actor: Any,
    official_id: int,
    year: int,
    general_points: int | None = None,
    task_points: int | None = None,
    rating: str | None = None,
    unit_id: int | None = None,
) -> Evaluation:
    """Record (or replace) one official's evaluation of `year` in the unit that employs them
    (`unit_id`, when given, must be that unit). From 2026 the rating is the band of the points; a measure decided in the
    year forces "did not complete duties" (forced_by names it); an "excellently completed" beyond
    20 % of the unit's "well completed" is refused, naming the figures."""
    _check_year(year)
    official = _official(official_id)
    if unit_id is not None and unit_id != official.unit_id:
        raise DomainError(
            _("Official %(id)s is not employed by unit %(unit)s.")
            % {"id": official.pk, "unit": unit_id},
            problems=[Problem(str(official.pk), field="official")],
        )
    unit_id = official.unit_id
    _lock_unit(unit_id)
    measure = measures_in_year([official.pk], year).get(official.pk)
    final, forced_by = _resolve(
        _Row(official.pk, general_points, task_points, rating), year, measure
    )
    evaluation, created = Evaluation.objects.update_or_create(
        official=official,
        year=year,
        defaults={
            "unit_id": unit_id,
            "general_points": general_points,
            "task_points": task_points,
            "rating": final,
            "forced_by": forced_by,
            "decided_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    _check_quota(unit_id, year, single=True, adding=int(final == Rating.OUTSTANDING))
    audit(
        actor=actor,
        action="staffing.evaluation_record",
        unit=unit_id,
        official=official.pk,
        year=year,
        rating=final,
        points=evaluation.points,
        forced_by=forced_by,
        created=created,
    )
    return evaluation


def _int_or_none(value: Any, field: str, row: int) -> int | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not text.lstrip("-").isdigit():
        raise DomainError(
            _("%(field)s is not a whole number.") % {"field": field},
            problems=[Problem(text[:40], field=field, row=row)],
        )
    return int(text)


@transaction.atomic
def evaluations_record_bulk(
    *, actor: Any, unit_id: int, year: int, rows: list[dict[str, Any]]
) -> Distribution:
    """Record the evaluations of a unit in one transaction: each row {"official": id,
    "general": n, "task": n} (from 2026) or {"official": id, "rating": r} (before). Every row is
    checked first; any error names its row (numbered from 1) and nothing is written. The 20 %
    rule is checked on the unit's ratings after the whole list, so the order of rows is free."""
    _check_year(year)
    _lock_unit(unit_id)
    problems: list[Problem] = []
    parsed: list[tuple[int, _Row]] = []
    for number, raw in enumerate(rows, start=1):
        try:
            official_id = _int_or_none(raw.get("official"), "official", number)
            if official_id is None:
                raise DomainError(
                    _("required"), problems=[Problem(_("required"), field="official")]
                )
            parsed.append(
                (
                    number,
                    _Row(
                        official_id,
                        _int_or_none(raw.get("general"), "general", number),
                        _int_or_none(raw.get("task"), "task", number),
                        (str(raw.get("rating") or "").strip() or None),
                    ),
                )
            )
        except DomainError as error:
            problems.append(_row_problem(error, number))
    ids = [row.official_id for _number, row in parsed]
    officials = dict(Official.objects.filter(pk__in=ids).values_list("pk", "unit_id"))
    measures = measures_in_year(ids, year)
    seen: set[int] = set()
    resolved: list[tuple[_Row, str, str]] = []
    for number, row in parsed:
        try:
            if row.official_id not in officials:
                raise DomainError(
                    _("Official %(id)s does not exist.") % {"id": row.official_id},
                    problems=[Problem(str(row.official_id), field="official")],
                )
            if officials[row.official_id] != unit_id:
                raise DomainError(
                    _("Official %(id)s is not employed by unit %(unit)s.")
                    % {"id": row.official_id, "unit": unit_id},
                    problems=[Problem(str(row.official_id), field="official")],
                )
            if row.official_id in seen:
                raise DomainError(
                    _("Official %(id)s is listed twice.") % {"id": row.official_id},
                    problems=[Problem(str(row.official_id), field="official")],
                )
            seen.add(row.official_id)
            rating, forced_by = _resolve(row, year, measures.get(row.official_id))
            resolved.append((row, rating, forced_by))
        except DomainError as error:
            problems.append(_row_problem(error, number))
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        raise DomainError(_("Nothing was recorded: correct the rows below."), problems=problems)
    decided_by = actor if getattr(actor, "is_authenticated", False) else None
    Evaluation.objects.filter(official_id__in=ids, year=year).delete()
    Evaluation.objects.bulk_create(
        Evaluation(
            official_id=row.official_id,
            unit_id=unit_id,
            year=year,
            general_points=row.general,
            task_points=row.task,
            rating=rating,
            forced_by=forced_by,
            decided_by=decided_by,
        )
        for row, rating, forced_by in resolved
    )
    _check_quota(unit_id, year, single=False)
    dist = distribution(unit_id=unit_id, year=year)
    audit(
        actor=actor,
        action="staffing.evaluations_record_bulk",
        unit=unit_id,
        year=year,
        rows=len(resolved),
        counts=dist.as_dict()["counts"],
    )
    return dist


def _row_problem(error: DomainError, row: int) -> Problem:
    field = error.problems[0].field if error.problems else None
    return Problem(error.message, row=row, field=field)


@transaction.atomic
def measure_record(
    *,
    actor: Any,
    official_id: int,
    measure: str,
    decision: str,
    decided_on: dt.date,
    legal_basis: str,
    unit_id: int | None = None,
) -> DisciplinaryMeasure:
    """Record a disciplinary measure; an evaluation of the same year already recorded is forced
    to "did not complete duties" (forced_by names the measure), whatever its points."""
    official = _official(official_id)
    if measure not in Measure.values:
        raise DomainError(
            _("Give one of the measures: %(measures)s.") % {"measures": ", ".join(Measure.values)},
            problems=[Problem(str(measure)[:40], field="measure")],
        )
    decision = decision.strip()
    if not decision:
        raise DomainError(
            _("Name the decision."), problems=[Problem(_("required"), field="decision")]
        )
    if not legal_basis.strip():
        raise DomainError(
            _("Name the legal basis."), problems=[Problem(_("required"), field="legal_basis")]
        )
    row = DisciplinaryMeasure.objects.create(
        official=official,
        unit_id=unit_id or official.unit_id,
        measure=measure,
        decision=decision[:120],
        decided_on=decided_on,
        legal_basis=legal_basis.strip()[:300],
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    first = measures_in_year([official.pk], decided_on.year)[official.pk]
    forced = Evaluation.objects.filter(official=official, year=decided_on.year).update(
        rating=Rating.NOT_COMPLETED, forced_by=forced_text(first)
    )
    audit(
        actor=actor,
        action="staffing.measure_record",
        unit=row.unit_id,
        official=official.pk,
        measure=measure,
        decision=row.decision,
        decided_on=decided_on.isoformat(),
        evaluation_forced=bool(forced),
    )
    return row


def evaluations_of(*, unit_id: int, year: int) -> list[dict[str, Any]]:
    """The evaluations of a unit in a year, for a page or the API (no personal data beyond the
    name: the identity number is never shown here)."""
    return [
        {
            "official_id": e.official_id,
            "name": e.official.full_name,
            "general_points": e.general_points,
            "task_points": e.task_points,
            "points": e.points,
            "rating": e.rating,
            "rating_name": str(Rating(e.rating).label),
            "forced_by": e.forced_by,
        }
        for e in Evaluation.objects.filter(unit_id=unit_id, year=year)
        .select_related("official")
        .order_by("official__full_name", "official_id")
    ]


def over_quota(*, year: int, unit_ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """Units whose outstanding ratings exceed 20 % of their good ones (after a measure forced a
    good rating down, say): one grouped query."""
    query = Evaluation.objects.filter(year=year)
    if unit_ids is not None:
        query = query.filter(unit_id__in=list(unit_ids))
    rows = query.values("unit_id").annotate(
        good=Count("id", filter=Q(rating=Rating.GOOD)),
        outstanding=Count("id", filter=Q(rating=Rating.OUTSTANDING)),
    )
    return [
        {**r, "allowed": outstanding_allowed(r["good"])}
        for r in rows
        if r["outstanding"] > outstanding_allowed(r["good"])
    ]
