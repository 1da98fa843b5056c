"""Staffing figures as of a date: quota, filled, vacant, surplus; leaders against the norm; the
evaluation distribution; qualification gaps. Per unit (with its subtree), per locality and per
category (docs/staffing-figures.md).

Definitions (kept here, in one place):
- quota: a quota row covers its unit's whole subtree (a parent's quota caps the sum of its
  children's: services.quota_set), so the quota of an area (a unit and its subtree, or the
  units serving a commune) for the date's year and a category is the sum of the rows of the
  TOPMOST quota-holding units of the area: a unit's rows count only if no ancestor inside the
  area holds a row of that year and category (a province's 100 and its communes' 30 and 40 make
  100 for the province, 30 and 40 for the communes; never 170);
- filled: officials holding a position of the area on the date (an assignment with
  valid_from <= date <= valid_to, open-ended when valid_to is empty), by the position's category;
  an official counts once per unit and category (one holding two seats of one unit counts once;
  a concurrent post in another unit counts there too);
- vacant = quota - filled when positive, else 0; surplus = filled - quota (negative: a shortage).
  Both are computed on each row (a category, a commune, the total) from that row's numbers;
- leaders: officials holding a position whose leader_role is head or deputy, per unit, against
  the LeaderNorm in force on the date for the unit's kind;
- a qualification gap: an official whose level is below, or whose field differs from, the
  position they hold on the date; it is closed when a passed training (ended by the date)
  confers the level required (for a level gap) and is in the field required (for a field gap).

Records move in place when a plan reorganizes their unit (carriers.py): a row's unit on a date
before a plan is found again from the plan's history (`carriers.RecordMove`, dated by the plan's
`units.UnitLink`): the unit it left in the first move after that date, else its unit now. So the
figures of a commune merged since are its own on any date before the merger.

Every figure is a GROUP BY over the area's units (index ranges of `unit`), never a loop over
officials.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count
from django.utils.translation import gettext as _
from openpyxl import Workbook

from tinhgon.accounts import access
from tinhgon.carriers.models import RecordMove
from tinhgon.core.commands import day_text
from tinhgon.core.errors import DomainError, Problem
from tinhgon.core.xlsx import append_row
from tinhgon.staffing import access as staff_access
from tinhgon.staffing.models import (
    Assignment,
    Category,
    Evaluation,
    LeaderNorm,
    LeaderRole,
    Official,
    Position,
    Quota,
    Rating,
    Training,
)
from tinhgon.units import selectors as units
from tinhgon.units.kinds import Level
from tinhgon.units.models import UnitLink, UnitVersion

# The carrier names of the rows that move in place (carriers.py).
ASSIGNMENTS = "assignments"
QUOTAS = "quotas"
GAPS_LISTED = 200  # gaps listed on a page (all are counted)


# -- where a row was on a date ---------------------------------------------------------------
def _located(
    carrier: str,
    table: str,
    day: dt.date,
    unit_ids: list[int] | None,
    live: str,
    live_params: list[Any],
    columns: str,
) -> tuple[str, list[Any]]:
    """SQL (and its parameters) of `(unit, columns...)`: the rows of `table` whose unit on `day` is
    one of `unit_ids` (None: any unit), with that unit, among those that satisfy `live` (SQL on
    alias t). Two branches, each an index range:
    - rows still where they were on `day`: at one of the units (index on `unit`), with no move
      after `day` (index of the history on carrier and record);
    - rows moved since: the moves of the plans effective after `day` (index of the history on
      plan and carrier; none for a date after the last plan) that left one of the units and
      are the record's first move after `day`."""
    moves, links = RecordMove._meta.db_table, UnitLink._meta.db_table
    # The plans effective after `day` (every move of a plan happens on its effective date).
    after = (
        f"(SELECT DISTINCT plan_ref, effective_date FROM {links} "
        "WHERE effective_date > %s AND plan_ref IS NOT NULL)"
    )
    if unit_ids is None:
        stayed, moved, unit_params = "1 = 1", "1 = 1", []
    else:
        marks = ", ".join(["%s"] * len(unit_ids)) or "NULL"
        stayed, moved = f"t.unit_id IN ({marks})", f"m.from_unit_id IN ({marks})"
        unit_params = list(unit_ids)
    sql = (
        f"SELECT t.unit_id AS unit, {columns} FROM {table} t WHERE {stayed} AND {live} "
        f"AND NOT EXISTS (SELECT 1 FROM {moves} m0 "
        f"WHERE m0.plan_ref IN (SELECT plan_ref FROM {after} l0) AND m0.carrier = %s "
        "AND m0.record_id = t.id) "
        "UNION ALL "
        f"SELECT m.from_unit_id AS unit, {columns} FROM {moves} m "
        f"JOIN {after} l ON l.plan_ref = m.plan_ref "
        f"JOIN {table} t ON t.id = m.record_id "
        f"WHERE m.plan_ref IN (SELECT plan_ref FROM {after} l1) AND m.carrier = %s "
        f"AND {moved} AND {live} "
        f"AND NOT EXISTS (SELECT 1 FROM {moves} m2 JOIN {after} l2 ON l2.plan_ref = m2.plan_ref "
        "WHERE m2.carrier = %s AND m2.record_id = m.record_id "
        "AND (l2.effective_date < l.effective_date "
        "OR (l2.effective_date = l.effective_date AND m2.id < m.id)))"
    )
    params = [
        *unit_params,
        *live_params,
        day,
        carrier,
        day,
        day,
        carrier,
        *unit_params,
        *live_params,
        day,
        carrier,
    ]
    return sql, params


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _assignments_on(day: dt.date, unit_ids: list[int] | None) -> tuple[str, list[Any]]:
    """SQL of (unit, official_id, position_id) of the assignments held on `day` at `unit_ids`."""
    return _located(
        ASSIGNMENTS,
        Assignment._meta.db_table,
        day,
        unit_ids,
        "t.valid_from <= %s AND (t.valid_to IS NULL OR t.valid_to >= %s)",
        [day, day],
        "t.official_id AS official_id, t.position_id AS position_id",
    )


# -- per unit --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Seats:
    """What one unit's assignments of one category count on a date."""

    filled: int  # distinct officials
    heads: int
    deputies: int


def seats_by_unit(day: dt.date, unit_ids: list[int] | None) -> dict[tuple[int, str], Seats]:
    """{(unit, category): officials holding a position of that category there on `day`, and
    those of them holding a head's or a deputy's position}: one GROUP BY."""
    located, params = _assignments_on(day, unit_ids)
    sql = (
        "SELECT loc.unit, p.category, COUNT(DISTINCT loc.official_id), "
        "COUNT(DISTINCT CASE WHEN p.leader_role = %s THEN loc.official_id END), "
        "COUNT(DISTINCT CASE WHEN p.leader_role = %s THEN loc.official_id END) "
        f"FROM ({located}) loc "
        f"JOIN {Position._meta.db_table} p ON p.id = loc.position_id "
        "GROUP BY loc.unit, p.category"
    )
    rows = _rows(sql, [LeaderRole.HEAD.value, LeaderRole.DEPUTY.value, *params])
    return {(unit, category): Seats(n, h, d) for unit, category, n, h, d in rows}


def quota_by_unit(day: dt.date, unit_ids: list[int] | None) -> dict[tuple[int, str], int]:
    """{(unit, category): the quota of the date's year}, the unit as it stood on `day`."""
    table = Quota._meta.db_table
    sql, params = _located(
        QUOTAS,
        table,
        day,
        unit_ids,
        "t.year = %s",
        [day.year],
        "t.category AS category, t.count AS n",
    )
    grouped = f"SELECT loc.unit, loc.category, SUM(loc.n) FROM ({sql}) loc GROUP BY loc.unit, loc.category"
    return {(unit, category): int(n) for unit, category, n in _rows(grouped, params)}


def parents_on(day: dt.date, unit_ids: set[int]) -> dict[int, int | None]:
    """{unit: its parent on `day`} for `unit_ids` and all their ancestors: one query per level
    of the tree (a province is four levels at most)."""
    parents: dict[int, int | None] = {}
    wanted = set(unit_ids)
    while wanted:
        rows = list(
            units.versions_on(day).filter(unit_id__in=wanted).values_list("unit_id", "parent_id")
        )
        for unit_id, parent_id in rows:
            parents[unit_id] = parent_id
        for unit_id in wanted - {u for u, _p in rows}:
            parents[unit_id] = None  # not open on the day: no parent known
        wanted = {p for _u, p in rows if p is not None and p not in parents}
    return parents


@dataclass(frozen=True)
class UnitCounts:
    """The quota and seats of every unit of an area on a date, read once and grouped as often
    as needed (the total, per commune, per unit); `parents` ({unit: parent on the date}, for the
    quota-holding units and their ancestors) tells which quota rows are topmost in a group."""

    quota: dict[tuple[int, str], int]
    seats: dict[tuple[int, str], Seats]
    parents: dict[int, int | None] = field(default_factory=dict)

    @classmethod
    def read(cls, day: dt.date, unit_ids: list[int] | None) -> UnitCounts:
        quota = quota_by_unit(day, unit_ids)
        parents = parents_on(day, {unit for unit, _category in quota})
        return cls(quota, seats_by_unit(day, unit_ids), parents)

    def topmost_quota(self, group: Any) -> dict[tuple[int, str], int]:
        """The quota rows that count in their group (`group(unit)`: the group, None: outside
        every group): those with no ancestor in the same group holding a row of the category.
        A row covers its unit's subtree, so a holder's descendants are inside its figure."""
        out: dict[tuple[int, str], int] = {}
        for (unit, category), n in self.quota.items():
            g = group(unit)
            if g is None:
                continue
            above, seen = self.parents.get(unit), {unit}
            covered = False
            while above is not None and above not in seen:
                if (above, category) in self.quota and group(above) == g:
                    covered = True
                    break
                seen.add(above)
                above = self.parents.get(above)
            if not covered:
                out[(unit, category)] = n
        return out

    def leaders(self) -> dict[int, tuple[int, int]]:
        """{unit: (heads, deputies)}."""
        out: dict[int, tuple[int, int]] = {}
        for (unit, _category), seats in self.seats.items():
            heads, deputies = out.get(unit, (0, 0))
            out[unit] = (heads + seats.heads, deputies + seats.deputies)
        return out


@dataclass
class Counts:
    quota: int = 0
    filled: int = 0

    @property
    def vacant(self) -> int:
        return max(self.quota - self.filled, 0)

    @property
    def surplus(self) -> int:
        return self.filled - self.quota

    def as_dict(self) -> dict[str, int]:
        return {
            "quota": self.quota,
            "filled": self.filled,
            "vacant": self.vacant,
            "surplus": self.surplus,
        }


@dataclass
class Tally:
    """Counts of one area: the total and by category; leaders."""

    total: Counts = field(default_factory=Counts)
    by_category: dict[str, Counts] = field(
        default_factory=lambda: {c: Counts() for c in Category.values}
    )
    heads: int = 0
    deputies: int = 0

    def add(self, category: str, *, quota: int = 0, filled: int = 0) -> None:
        self.total.quota += quota
        self.total.filled += filled
        counts = self.by_category.setdefault(category, Counts())
        counts.quota += quota
        counts.filled += filled

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.total.as_dict(),
            "by_category": {c: counts.as_dict() for c, counts in self.by_category.items()},
            "leaders": {"heads": self.heads, "deputies": self.deputies},
        }


def tallies(
    day: dt.date,
    unit_ids: list[int] | None,
    key: dict[int, int] | None = None,
    *,
    counts: UnitCounts | None = None,
) -> dict[int, Tally]:
    """The counts of the units grouped by `key` ({unit: group}; None: one group, 0); `counts`
    when they were read already."""
    counts = counts or UnitCounts.read(day, unit_ids)
    out: dict[int, Tally] = defaultdict(Tally)

    area = None if unit_ids is None else set(unit_ids)

    def group(unit: int) -> int | None:
        if key is None:
            return 0 if area is None or unit in area else None
        return key.get(unit)

    # A quota row counts in its group only when no ancestor in the group holds one (topmost).
    for (unit, category), n in counts.topmost_quota(group).items():
        if (g := group(unit)) is not None:
            out[g].add(category, quota=n)
    for (unit, category), seats in counts.seats.items():
        if (g := group(unit)) is not None:
            out[g].add(category, filled=seats.filled)
            out[g].heads += seats.heads
            out[g].deputies += seats.deputies
    return out


# -- leaders against the norm ----------------------------------------------------------------
def norms_on(day: dt.date) -> dict[str, LeaderNorm]:
    """The norm in force on `day` for each kind (or "kind:level") of unit, the latest that
    started by then (staffing/leaders.py reads them the same way)."""
    norms: dict[str, LeaderNorm] = {}
    for norm in LeaderNorm.objects.filter(valid_from__lte=day).order_by("kind", "valid_from"):
        norms[norm.kind] = norm
    return norms


def leaders_against_norm(
    day: dt.date, versions: dict[int, UnitVersion], counts: UnitCounts
) -> list[dict[str, Any]]:
    """One row per unit that has leaders or a norm: heads and deputies against the norm of its
    kind (None: no norm recorded for the kind); `over` counts the seats above it."""
    norms = norms_on(day)
    rows: list[dict[str, Any]] = []
    for unit_id, (heads, deputies) in counts.leaders().items():
        version = versions.get(unit_id)
        if version is None or not (heads or deputies):
            continue
        # A norm for the kind at its level ("peoples_committee:3") wins over the bare kind.
        norm = norms.get(f"{version.kind}:{version.level}") or norms.get(version.kind)
        over = None
        if norm is not None:
            over = max(heads - norm.heads, 0) + max(deputies - norm.deputies, 0)
        rows.append(
            {
                "unit_id": unit_id,
                "code": version.code,
                "name": version.name,
                "kind": version.kind,
                "heads": heads,
                "deputies": deputies,
                "norm_heads": norm.heads if norm else None,
                "norm_deputies": norm.deputies if norm else None,
                "over": over,
                "source": norm.source if norm else "",
            }
        )
    rows.sort(key=lambda r: (-(r["over"] or 0), r["name"]))
    return rows


# -- evaluations -----------------------------------------------------------------------------
def evaluation_distribution(unit_ids: list[int], *, up_to_year: int) -> list[dict[str, Any]]:
    """Ratings counted by year, the most recent first (evaluations stay with the unit that rated
    them: pass the unit's predecessors to see their years)."""
    by_year: dict[int, dict[str, int]] = defaultdict(lambda: {r: 0 for r in Rating.values})
    rows = (
        Evaluation.objects.filter(unit_id__in=unit_ids, year__lte=up_to_year)
        .values_list("year", "rating")
        .order_by()
        .annotate(n=Count("id"))
    )
    for year, rating, n in rows:
        by_year[year][rating] = n
    return [
        {"year": year, **counts, "total": sum(counts.values())}
        for year, counts in sorted(by_year.items(), reverse=True)
    ]


# -- qualification gaps ----------------------------------------------------------------------
def qualification_gaps(
    day: dt.date, unit_ids: list[int], *, limit: int = GAPS_LISTED
) -> dict[str, Any]:
    """Officials whose level or field falls short of the position they hold on `day`, and
    whether a passed training closes the gap. Names only: never an identity number."""
    located, params = _assignments_on(day, unit_ids)
    base = (
        "SELECT o.id AS oid, o.full_name AS name, o.level AS level, o.field AS fld, "
        "p.id AS pid, p.code AS pcode, p.title AS ptitle, p.level_required AS lreq, "
        "p.field_required AS freq, loc.unit AS unit "
        f"FROM ({located}) loc JOIN {Position._meta.db_table} p ON p.id = loc.position_id "
        f"JOIN {Official._meta.db_table} o ON o.id = loc.official_id "
        "WHERE o.level < p.level_required OR o.field <> p.field_required"
    )
    passed = (
        f"SELECT 1 FROM {Training._meta.db_table} tr WHERE tr.official_id = g.oid "
        'AND tr.result = %s AND COALESCE(tr."end", tr.start) <= %s'
    )
    closes = (
        f"CASE WHEN g.level < g.lreq THEN (CASE WHEN EXISTS ({passed} AND tr.level >= g.lreq) "
        "THEN 1 ELSE 0 END) ELSE 1 END AS lc, "
        f"CASE WHEN g.fld <> g.freq THEN (CASE WHEN EXISTS ({passed} AND tr.field = g.freq) "
        "THEN 1 ELSE 0 END) ELSE 1 END AS fc"
    )
    result = Training.Result.PASSED.value
    closes_params = [result, day, result, day]
    total, closed = _rows(
        "SELECT COUNT(*), SUM(CASE WHEN h.lc = 1 AND h.fc = 1 THEN 1 ELSE 0 END) "
        f"FROM (SELECT {closes} FROM ({base}) g) h",
        [*closes_params, *params],
    )[0]
    # The first `limit` by name, then whether training closes theirs (not for every gap).
    listed = _rows(
        f"SELECT g.oid, g.name, g.level, g.fld, g.pid, g.pcode, g.ptitle, g.lreq, g.freq, "
        f"g.unit, {closes} FROM ({base} ORDER BY o.full_name, o.id LIMIT %s) g "
        "ORDER BY g.name, g.oid",
        [*closes_params, *params, limit],
    )
    rows = [
        {
            "official_id": oid,
            "name": name,
            "level": level,
            "field": fld,
            "position_id": pid,
            "position": f"{pcode} {ptitle}",
            "level_required": level_req,
            "field_required": field_req,
            "unit_id": unit,
            "level_gap": level < level_req,
            "field_gap": fld != field_req,
            "closed_by_training": bool(lc and fc),
        }
        for (
            oid,
            name,
            level,
            fld,
            pid,
            pcode,
            ptitle,
            level_req,
            field_req,
            unit,
            lc,
            fc,
        ) in listed
    ]
    total = total or 0
    closed = int(closed or 0)
    return {"count": total, "closed": closed, "open": total - closed, "rows": rows}


# -- the figures of a unit -------------------------------------------------------------------
def _subtree(unit_id: int, day: dt.date) -> list[int]:
    return sorted(units.subtree_depths([unit_id], day))


def _versions(unit_ids: list[int], day: dt.date) -> dict[int, UnitVersion]:
    return {v.unit_id: v for v in units.versions_on(day).filter(unit_id__in=unit_ids)}


def locality_figures(
    day: dt.date, unit_ids: list[int], *, counts: UnitCounts | None = None
) -> dict[int, Tally]:
    """The counts of the units grouped by the administrative unit they serve on `day`
    ({admin unit: tally}): a commune's people's committee, offices and schools count in it."""
    admin_of = dict(
        units.versions_on(day).filter(unit_id__in=unit_ids).values_list("unit_id", "admin_unit_id")
    )
    return tallies(day, unit_ids, admin_of, counts=counts)


def unit_figures(day: dt.date, unit_id: int, *, gaps: bool = True) -> dict[str, Any]:
    """The figures of a unit and its subtree on `day`: totals, by category, leaders against the
    norm, evaluations (years up to the date's), gaps, and for a province its communes ranked by
    shortage (the largest shortage first). Assignments and quotas are read once each."""
    version = units.version_on(unit_id, day)
    unit_ids = _subtree(unit_id, day)
    versions = _versions(unit_ids, day)
    counts = UnitCounts.read(day, unit_ids)
    total = tallies(day, unit_ids, counts=counts).get(0, Tally())
    predecessors = [
        link.predecessor_id for link, _d in units.lineage(unit_id, direction="predecessors")
    ]
    data: dict[str, Any] = {
        "as_of": day.isoformat(),
        "unit": {"id": version.unit_id, "code": version.code, "name": version.name},
        **total.as_dict(),
        "categories": [
            {"category": c, "label": str(Category(c).label), **total.by_category[c].as_dict()}
            for c in Category.values
        ],
        "leaders_by_unit": leaders_against_norm(day, versions, counts),
        "evaluations": evaluation_distribution(unit_ids + predecessors, up_to_year=day.year),
    }
    if gaps:
        data["gaps"] = qualification_gaps(day, unit_ids)
    if version.level == Level.PROVINCE:
        by_admin = tallies(
            day, unit_ids, {u: v.admin_unit_id for u, v in versions.items()}, counts=counts
        )
        data["communes"] = commune_ranking(versions, by_admin)
    return data


def commune_ranking(
    versions: dict[int, UnitVersion], by_admin: dict[int, Tally]
) -> list[dict[str, Any]]:
    """The communes and wards among `versions`, each with what serves it (`by_admin`), the
    largest shortage first (the largest surplus last)."""
    rows = []
    for unit_id, version in versions.items():
        if version.level != Level.COMMUNE or version.admin_unit_id != unit_id:
            continue
        counts = by_admin.get(unit_id, Tally())
        rows.append(
            {
                "unit_id": unit_id,
                "code": version.code,
                "name": version.name,
                **counts.total.as_dict(),
                "leaders": {"heads": counts.heads, "deputies": counts.deputies},
            }
        )
    rows.sort(key=lambda r: (r["surplus"], r["name"]))
    return rows


# -- who asks, and exports ------------------------------------------------------------------
def resolve_unit(user, code: str, day: dt.date) -> UnitVersion:  # type: ignore[no-untyped-def]
    """The unit named by `code` (or name) as it stood on `day`, if `user` may read it (None:
    the operator at the command line). A unit outside the scope is "not found"."""
    code = code.strip()
    if not code:
        raise DomainError(
            _("Choose a unit."), problems=[Problem(_("This field is required."), field="unit")]
        )
    if user is None:
        found = units.resolve_any_time(code, day=day)
        return units.version_on(found.unit_id, day)
    found = units.resolve_any_time(
        code, day=day, keep=lambda ids: access.visible_unit_ids(user, ids)
    )
    return access.access_unit(user, found.unit_id, day=day)


def for_reader(user, data: dict[str, Any]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """`data` as `user` may read it: a gap names only officials the user may see
    (staffing.access: the read scope on the unit that employs them); another unit's official
    holding a seat here is counted, not named."""
    rows = data.get("gaps", {}).get("rows", [])
    ids = [row["official_id"] for row in rows]
    seen = set(staff_access.visible_officials(user).filter(pk__in=ids).values_list("pk", flat=True))
    for row in rows:
        if row["official_id"] not in seen:
            row["name"] = _("An official of another unit")
            row["official_id"] = None
    return data


def workbook(data: dict[str, Any]) -> bytes:
    """The figures of a unit as an .xlsx: totals by category, leaders, evaluations, communes and
    gaps (names, never identity numbers), every row through core.xlsx.append_row."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Staffing")
    append_row(sheet, [_("Staffing figures"), data["unit"]["name"], day_text(data["as_of"])])
    append_row(sheet, [_("Category"), _("Quota"), _("Filled"), _("Vacant"), _("Surplus")])
    for row in data["categories"]:
        append_row(
            sheet, [row["label"], row["quota"], row["filled"], row["vacant"], row["surplus"]]
        )
    append_row(sheet, [_("Total"), data["quota"], data["filled"], data["vacant"], data["surplus"]])
    leaders = book.create_sheet(_("Leaders"))
    append_row(
        leaders,
        [_("Unit"), _("Heads"), _("Deputies"), _("Norm: heads"), _("Norm: deputies"), _("Over")],
    )
    for row in data["leaders_by_unit"]:
        append_row(
            leaders,
            [
                row["name"],
                row["heads"],
                row["deputies"],
                row["norm_heads"],
                row["norm_deputies"],
                row["over"],
            ],
        )
    evaluations = book.create_sheet(_("Evaluations"))
    append_row(evaluations, [_("Year"), *(str(label) for label in Rating.labels), _("Total")])
    for row in data["evaluations"]:
        append_row(evaluations, [row["year"], *(row[r] for r in Rating.values), row["total"]])
    if "communes" in data:
        communes = book.create_sheet(_("Communes"))
        append_row(communes, [_("Commune"), _("Quota"), _("Filled"), _("Vacant"), _("Surplus")])
        for row in data["communes"]:
            append_row(
                communes, [row["name"], row["quota"], row["filled"], row["vacant"], row["surplus"]]
            )
    if "gaps" in data:
        gaps = book.create_sheet(_("Qualification gaps"))
        append_row(gaps, [_("Official"), _("Position"), _("Gap"), _("Closed by training")])
        for row in data["gaps"]["rows"]:
            append_row(
                gaps,
                [
                    row["name"],
                    row["position"],
                    gap_text(row),
                    _("yes") if row["closed_by_training"] else _("no"),
                ],
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def gap_text(row: dict[str, Any]) -> str:
    parts = []
    if row["level_gap"]:
        parts.append(_("qualification"))
    if row["field_gap"]:
        parts.append(_("field"))
    return ", ".join(parts)
