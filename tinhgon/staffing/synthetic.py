"""Synthetic staff for demos and benchmarks: positions, quotas, officials, assignments and some
training, for given units (`generate`) or every unit of a province (`demo`).

Everything it writes is labelled: `synthetic=True` on positions, quotas and officials, identity
numbers that start with 000 (no province has that code, so no real citizen's number looks like
them, and they are sealed like any other), and one audit row for the run. The same seed on the
same units and day gives the same staff.

Positions come from a template per kind of unit (a department, a commune office, a people's
committee, ...). Quotas are close to the staff, as a province allocates them (`_quotas`): one
row per category at each top unit of the run, its officials holding a position plus or minus
about 10 %, so a commune or a department shows a small surplus or shortage; an ancestor's quota
still covers its children's (the cap `services.quota_set` enforces): a synthetic one is raised,
one decided by a person is never changed: if it is too small the run is refused, naming it. Officials fill the seats of their unit (leaders first),
the rest of them stay without a position (a surplus, as after a merger). Rows are built in
memory and written with bulk_create in batches, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.core import text
from tinhgon.core.errors import DomainError
from tinhgon.core.models import audit
from tinhgon.staffing import protect
from tinhgon.staffing.models import (
    Assignment,
    Category,
    Field,
    Gender,
    Group,
    LeaderRole,
    Official,
    Position,
    Qualification,
    Quota,
    Training,
)
from tinhgon.units import selectors as registry
from tinhgon.units.kinds import KINDS_BY_LEVEL, Kind, Level, is_administrative
from tinhgon.units.models import UnitVersion

BATCH = 2_000
MAX_OFFICIALS = 2_000_000
CS, PE, CT = Category.CIVIL_SERVANT, Category.PUBLIC_EMPLOYEE, Category.CONTRACT
L, P, S, U = Group.LEADERSHIP, Group.PROFESSIONAL, Group.SHARED, Group.SUPPORT
HEAD, DEPUTY, NONE = LeaderRole.HEAD, LeaderRole.DEPUTY, LeaderRole.NONE
F = Field
Q = Qualification


@dataclass(frozen=True)
class Seat:
    code: str
    title: str
    group: str
    leader_role: str
    category: str
    level: int
    field: str
    seats: int = 1


def _leaders(head: str, deputy: str, deputies: int, field_: str = F.ADMINISTRATION) -> list[Seat]:
    return [
        Seat("LD-01", head, L, HEAD, CS, Q.BACHELOR, field_),
        Seat("LD-02", deputy, L, DEPUTY, CS, Q.BACHELOR, field_, deputies),
    ]


def _staff(*fields: tuple[str, str, int]) -> list[Seat]:
    """Professional positions: (title, field, seats)."""
    return [
        Seat(f"CM-{n:02d}", title, P, NONE, CS, Q.BACHELOR, field_, seats)
        for n, (title, field_, seats) in enumerate(fields, start=1)
    ]


_SUPPORT = [
    Seat("HT-01", "Kế toán", S, NONE, CS, Q.BACHELOR, F.ECONOMICS),
    Seat("HT-02", "Văn thư - Lưu trữ", S, NONE, CS, Q.COLLEGE, F.ADMINISTRATION),
    Seat("PV-01", "Lái xe, bảo vệ, tạp vụ", U, NONE, CT, Q.SECONDARY, F.OTHER),
]

# Positions by kind of unit (and, for a commune's offices, by the office's code).
TEMPLATES: dict[str, list[Seat]] = {
    Kind.DEPARTMENT: _leaders("Giám đốc", "Phó Giám đốc", 3)
    + _staff(
        ("Chuyên viên tổng hợp", F.ADMINISTRATION, 3),
        ("Chuyên viên pháp chế", F.LAW, 1),
        ("Chuyên viên kế hoạch - tài chính", F.ECONOMICS, 2),
        ("Chuyên viên chuyển đổi số", F.IT, 1),
        ("Chuyên viên chuyên ngành", F.OTHER, 4),
    )
    + _SUPPORT,
    Kind.PEOPLES_COMMITTEE: _leaders("Chủ tịch Ủy ban nhân dân", "Phó Chủ tịch", 2),
    Kind.PEOPLES_COUNCIL: _leaders("Chủ tịch Hội đồng nhân dân", "Phó Chủ tịch", 1)
    + _staff(("Trưởng ban (chuyên trách)", F.LAW, 2)),
    Kind.PARTY_COMMITTEE: _leaders("Bí thư", "Phó Bí thư", 2, F.ADMINISTRATION)
    + _staff(("Chuyên viên văn phòng cấp ủy", F.ADMINISTRATION, 2)),
    Kind.PARTY_AGENCY: _leaders("Trưởng ban", "Phó Trưởng ban", 1)
    + _staff(("Chuyên viên", F.ADMINISTRATION, 3)),
    Kind.MASS_ORGANIZATION: _leaders("Chủ tịch", "Phó Chủ tịch", 1)
    + _staff(("Chuyên viên", F.CULTURE, 2)),
    Kind.PUBLIC_SERVICE_UNIT: [
        Seat("LD-01", "Giám đốc", L, HEAD, PE, Q.BACHELOR, F.OTHER),
        Seat("LD-02", "Phó Giám đốc", L, DEPUTY, PE, Q.BACHELOR, F.OTHER, 2),
        Seat("VC-01", "Viên chức chuyên môn", P, NONE, PE, Q.BACHELOR, F.OTHER, 8),
        Seat("VC-02", "Viên chức kỹ thuật", P, NONE, PE, Q.COLLEGE, F.OTHER, 4),
        Seat("PV-01", "Nhân viên hỗ trợ", U, NONE, CT, Q.SECONDARY, F.OTHER, 2),
    ],
    Kind.DIVISION: _leaders("Trưởng phòng", "Phó Trưởng phòng", 1)
    + _staff(("Chuyên viên", F.ADMINISTRATION, 3)),
    # A commune or ward itself (the apparatus before 2025 had no offices): the classic commune
    # civil servants' titles (Decree 33/2023) and its leaders.
    "administrative": _leaders("Chủ tịch Ủy ban nhân dân", "Phó Chủ tịch", 2)
    + _staff(
        ("Văn phòng - thống kê", F.ADMINISTRATION, 2),
        ("Địa chính - xây dựng - nông nghiệp - môi trường", F.LAND, 2),
        ("Tài chính - kế toán", F.ECONOMICS, 1),
        ("Tư pháp - hộ tịch", F.LAW, 2),
        ("Văn hóa - xã hội", F.CULTURE, 2),
        ("Chỉ huy trưởng Ban Chỉ huy quân sự", F.SECURITY, 1),
    ),
}
OFFICES: dict[str, list[Seat]] = {
    "VP": _leaders("Chánh Văn phòng", "Phó Chánh Văn phòng", 2)
    + _staff(
        ("Chuyên viên tổng hợp", F.ADMINISTRATION, 3),
        ("Chuyên viên tư pháp - hộ tịch", F.LAW, 2),
        ("Chuyên viên nội vụ", F.ADMINISTRATION, 1),
        ("Chuyên viên tài chính - kế toán", F.ECONOMICS, 1),
    )
    + _SUPPORT[1:],
    "PKT": _leaders("Trưởng phòng", "Phó Trưởng phòng", 2, F.ECONOMICS)
    + _staff(
        ("Chuyên viên kinh tế - kế hoạch", F.ECONOMICS, 2),
        ("Chuyên viên nông nghiệp", F.AGRICULTURE, 2),
        ("Chuyên viên địa chính - môi trường", F.LAND, 2),
        ("Chuyên viên xây dựng - giao thông", F.CONSTRUCTION, 2),
    ),
    "PVHXH": _leaders("Trưởng phòng", "Phó Trưởng phòng", 2, F.CULTURE)
    + _staff(
        ("Chuyên viên văn hóa - thông tin", F.CULTURE, 2),
        ("Chuyên viên giáo dục", F.EDUCATION, 1),
        ("Chuyên viên y tế - dân số", F.HEALTH, 1),
        ("Chuyên viên lao động - xã hội - dân tộc", F.CULTURE, 2),
    ),
    "TTHCC": _leaders("Giám đốc", "Phó Giám đốc", 1)
    + _staff(
        ("Chuyên viên tiếp nhận và trả kết quả", F.ADMINISTRATION, 4),
        ("Chuyên viên công nghệ thông tin", F.IT, 1),
    ),
}
GENERIC = _leaders("Thủ trưởng", "Phó Thủ trưởng", 1) + _staff(("Chuyên viên", F.ADMINISTRATION, 3))

# Ethnicities of Sơn La (2019 census, per cent, the small groups together) and their common
# family names; given names are drawn from one shared list per gender.
ETHNICITIES = [
    ("Thái", 53, ["Lò", "Cầm", "Quàng", "Lường", "Tòng", "Điêu", "Vì", "Bạc", "Lù", "Hà"]),
    ("Kinh", 17, ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô"]),
    ("Mông", 16, ["Giàng", "Sùng", "Thào", "Vàng", "Mùa", "Lầu", "Hạng", "Sồng", "Lý"]),
    ("Mường", 7, ["Đinh", "Bùi", "Hà", "Quách", "Xa"]),
    ("Dao", 3, ["Bàn", "Triệu", "Đặng", "Lý"]),
    ("Khơ Mú", 2, ["Lò", "Quàng", "Vì", "Cà"]),
    ("Xinh Mun", 1, ["Lò", "Vì", "Lường"]),
    ("La Ha", 1, ["Lò", "Quàng", "Lường"]),
]
GIVEN = {
    Gender.MALE: ["Văn Bình", "Văn Chiến", "Văn Dũng", "Văn Hùng", "Văn Khánh", "Văn Long",
                  "Văn Minh", "Văn Nam", "Văn Phong", "Văn Quân", "Văn Sơn", "Văn Thắng",
                  "Văn Tuấn", "Văn Việt", "Đức Anh", "Minh Hoàng", "Quang Huy", "A Sử",
                  "Seo Chứ", "A Dế"],
    Gender.FEMALE: ["Thị Hoa", "Thị Hương", "Thị Lan", "Thị Mai", "Thị Ngọc", "Thị Nhung",
                    "Thị Oanh", "Thị Phương", "Thị Thảo", "Thị Thu", "Thị Trang", "Thị Yến",
                    "Thu Hà", "Minh Anh", "Thị Dung", "Thị Hiền", "Thị Xuân", "Thị Lụa",
                    "Thị Sớm", "Thị Kim"],
}  # fmt: skip
COURSES = [
    ("Bồi dưỡng ngạch chuyên viên chính", F.ADMINISTRATION, None),
    ("Trung cấp lý luận chính trị - hành chính", F.ADMINISTRATION, None),
    ("Bồi dưỡng kỹ năng chuyển đổi số", F.IT, None),
    ("Tiếng Thái (chữ Thái Sơn La)", F.CULTURE, None),
    ("Bồi dưỡng quản lý đất đai cấp xã", F.LAND, None),
    ("Thạc sĩ Quản lý công", F.ADMINISTRATION, Q.MASTER),
    ("Đại học Luật (vừa làm vừa học)", F.LAW, Q.BACHELOR),
]


@dataclass
class Result:
    units: int = 0
    positions: int = 0
    seats: int = 0
    quotas: int = 0
    officials: int = 0
    assignments: int = 0
    trainings: int = 0
    seed: int = 0
    day: dt.date | None = None
    synthetic: bool = True

    def as_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["day"] = self.day.isoformat() if self.day else None
        return data


def template_for(version: UnitVersion) -> list[Seat]:
    if version.kind == Kind.OFFICE:
        suffix = (version.code or "").rsplit("-", 1)[-1].upper()
        for key, seats in OFFICES.items():
            if suffix == key or (version.code or "").upper().endswith(key):
                return seats
        return OFFICES["VP"] if "Văn phòng" in version.name else GENERIC
    if version.kind in TEMPLATES:
        return TEMPLATES[version.kind]
    if is_administrative(version.kind):  # a commune (or province) itself
        return TEMPLATES["administrative"]
    return GENERIC


def _coefficient(level: int, years: int, category: str, leader: bool) -> Decimal:
    """A plausible salary coefficient: the scale of the qualification, a step every 3 years."""
    start, step, steps = {
        Q.SECONDARY: (Decimal("1.50"), Decimal("0.18"), 11),
        Q.VOCATIONAL: (Decimal("1.86"), Decimal("0.20"), 11),
        Q.COLLEGE: (Decimal("2.10"), Decimal("0.31"), 9),
        Q.BACHELOR: (Decimal("2.34"), Decimal("0.33"), 8),
        Q.MASTER: (Decimal("2.67"), Decimal("0.33"), 8),
        Q.DOCTOR: (Decimal("3.00"), Decimal("0.33"), 8),
    }[Q(level)]
    value = start + step * min(years // 3, steps)
    if leader:
        value += Decimal("0.66")
    if category == CT:
        value = min(value, Decimal("3.00"))
    return min(value, Decimal("9.90")).quantize(Decimal("0.01"))


def _rank(level: int, category: str, years: int) -> str:
    if category == CT:
        return "Nhân viên"
    if category == PE:
        return "Viên chức hạng II" if years >= 12 and level >= Q.BACHELOR else "Viên chức hạng III"
    if level < Q.BACHELOR:
        return "Cán sự"
    return "Chuyên viên chính" if years >= 12 else "Chuyên viên"


def generate(
    *,
    units: list[int],
    officials_per_unit: int | None = None,
    seed: int = 1,
    day: dt.date | None = None,
    actor: Any = None,
    fill: float = 0.85,
) -> Result:
    """Synthetic positions, quotas, officials, assignments and training for `units` (ids of
    units open on `day`, default today).

    `officials_per_unit`: how many officials each unit employs (default: `fill` of its seats, so
    some stay vacant); beyond its seats they have no position. Refused, writing nothing, if any
    of the units already has synthetic positions, or an ancestor's quota decided by a person is
    too small for its children's."""
    day = day or timezone.localdate()
    unit_ids = list(dict.fromkeys(units))
    if (
        officials_per_unit is not None
        and not 0 <= officials_per_unit * len(unit_ids) <= MAX_OFFICIALS
    ):
        raise DomainError(
            _("At most %(max)s synthetic officials in one run.")
            % {"max": text.number(MAX_OFFICIALS)}
        )
    versions = {v.unit_id: v for v in units_open(unit_ids, day)}
    missing = [u for u in unit_ids if u not in versions]
    if missing:
        raise DomainError(
            _("Unit %(id)s is not open on %(day)s.") % {"id": missing[0], "day": text.day(day)}
        )
    rng = random.Random(seed)
    result = Result(seed=seed, day=day)
    with transaction.atomic():
        already = Position.objects.filter(unit_id__in=unit_ids, synthetic=True)
        if already.exists():
            first = versions[already.values_list("unit_id", flat=True).first()]  # type: ignore[index]
            raise DomainError(
                _(
                    "Synthetic staff exist already for %(count)s of these units (%(unit)s, ...): "
                    "nothing was written."
                )
                % {
                    "count": text.number(already.values("unit_id").distinct().count()),
                    "unit": first.name,
                },
                code="already_generated",
                status=409,
            )
        positions = _positions(versions, day)
        result.units = len(versions)
        result.positions = len(positions)
        result.seats = sum(p.seats for p in positions)
        communes = list(
            registry.versions_on(day)
            .filter(kind__in=KINDS_BY_LEVEL[Level.COMMUNE])
            .filter(province_id__in={_province(v) for v in versions.values()})
            .values_list("unit_id", flat=True)
            .order_by("unit_id")
        )
        officials, holders = _officials(
            positions, versions, day, rng, officials_per_unit, fill, communes
        )
        result.officials = len(officials)
        # A generator of its own, so that the officials drawn do not depend on the quotas.
        result.quotas = _quotas(holders, versions, day, random.Random(f"quotas-{seed}"))
        assignments = [
            Assignment(
                official_id=officials[index].pk,
                position_id=position.pk,
                unit_id=position.unit_id,
                valid_from=max(day, officials[index].hire_date),
                decision="Dữ liệu mẫu",
            )
            for index, position in holders
        ]
        Assignment.objects.bulk_create(assignments, batch_size=BATCH)
        result.assignments = len(assignments)
        trainings = _trainings(officials, day, rng)
        Training.objects.bulk_create(trainings, batch_size=BATCH)
        result.trainings = len(trainings)
        _analyze()
        audit(
            actor=actor,
            action="staffing.synthetic_generate",
            unit=unit_ids[0] if len(unit_ids) == 1 else None,
            **result.as_dict(),
        )
    return result


def _analyze() -> None:
    """Fresh statistics for the tables just filled (PostgreSQL): without them the planner takes
    a province's thousands of new rows for a handful, and the figures read right after the demo
    choose plans that take seconds a statement. ANALYZE runs inside the transaction and counts
    its own uncommitted rows."""
    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model in (Position, Quota, Official, Assignment)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(tables))


def units_open(unit_ids: list[int], day: dt.date) -> list[UnitVersion]:
    found: list[UnitVersion] = []
    for start in range(0, len(unit_ids), BATCH):
        found += registry.versions_on(day).filter(unit_id__in=unit_ids[start : start + BATCH])
    return found


def _province(version: UnitVersion) -> int:
    return int(version.province_id or version.unit_id)


def _positions(versions: dict[int, UnitVersion], day: dt.date) -> list[Position]:
    rows = [
        Position(
            unit_id=unit_id,
            province_id=_province(version),
            code=seat.code,
            title=seat.title,
            group=seat.group,
            leader_role=seat.leader_role,
            category=seat.category,
            level_required=seat.level,
            field_required=seat.field,
            seats=seat.seats,
            valid_from=day,
            synthetic=True,
        )
        for unit_id, version in versions.items()
        for seat in template_for(version)
    ]
    return Position.objects.bulk_create(rows, batch_size=BATCH)


def _quotas(
    holders: list[tuple[int, Position]],
    versions: dict[int, UnitVersion],
    day: dt.date,
    rng: random.Random,
) -> int:
    """Quotas for the year of `day`, close to the staff, the way a province allocates them: one
    row per category at each *top* unit of the run (a unit none of whose ancestors is in the
    run: a department, a commune's people's committee, a commune without agencies), covering
    its whole subtree: the officials holding a position there, plus or minus about 10 % (so some
    units show a surplus and some a shortage). The units below a top hold no row of their own,
    so the figures of an area, which add up the rows of its units, count each person's seat
    once.

    Parent caps: a top's quota covers the quotas its children already hold; an ancestor outside
    the run that has a quota must cover its children's: a synthetic one is raised, one decided
    by a person refuses the run, naming it. Returns the number of quota rows written."""
    year = day.year
    # Every ancestor of the units, a generation per query (a tree is a few levels deep).
    parent_of: dict[int, int | None] = {u: v.parent_id for u, v in versions.items()}
    asked = set(parent_of)
    frontier = {p for p in parent_of.values() if p is not None} - asked
    while frontier:
        asked |= frontier
        wanted = sorted(frontier)
        for start in range(0, len(wanted), BATCH):
            parents = registry.versions_on(day).filter(unit_id__in=wanted[start : start + BATCH])
            parent_of.update(parents.values_list("unit_id", "parent_id"))
        frontier = {p for p in parent_of.values() if p is not None} - asked

    top_of: dict[int, int] = {}

    def top(unit_id: int) -> int:
        if unit_id not in top_of:
            parent = parent_of.get(unit_id)
            top_of[unit_id] = top(parent) if parent in versions else unit_id  # type: ignore[arg-type]
        return top_of[unit_id]

    filled: dict[tuple[int, str], int] = defaultdict(int)
    for _index, position in holders:
        filled[(top(position.unit_id), position.category)] += 1
    tops = sorted({top(u) for u in versions})
    ancestors = {u for u in parent_of if u not in versions}
    # The children of the tops and of their ancestors, and the quotas all of them hold.
    children: dict[int, list[int]] = defaultdict(list)
    above = sorted(set(tops) | ancestors)
    for start in range(0, len(above), BATCH):
        for parent, child in (
            registry.versions_on(day)
            .filter(parent_id__in=above[start : start + BATCH])
            .values_list("parent_id", "unit_id")
        ):
            children[parent].append(child)
    ids = sorted(set(above) | {c for kids in children.values() for c in kids})
    existing: dict[tuple[int, str], int] = defaultdict(int)
    decided: set[tuple[int, str]] = set()  # set by a person: never changed here
    for start in range(0, len(ids), BATCH):
        rows = (
            Quota.objects.filter(unit_id__in=ids[start : start + BATCH], year=year)
            .values("unit_id", "category", "synthetic")
            .annotate(total=Sum("count"))
        )
        for row in rows:
            key = (row["unit_id"], row["category"])
            existing[key] += row["total"]
            if not row["synthetic"]:
                decided.add(key)
    quota: dict[tuple[int, str], int] = {}
    for unit_id in tops:
        for category in Category.values:
            key = (unit_id, category)
            if key in decided:
                continue  # a person's decision stands: the figures show the gap
            under = sum(existing.get((c, category), 0) for c in children.get(unit_id, []))
            have = filled.get(key, 0)
            drawn = round(have * rng.uniform(0.9, 1.1))
            if drawn or under or key in existing:
                quota[key] = max(drawn, under)
    # Up the tree, deepest first: an ancestor with a quota covers its children's.
    depth: dict[int, int] = {}

    def depth_of(unit_id: int) -> int:
        if unit_id not in depth:
            parent = parent_of.get(unit_id)
            depth[unit_id] = depth_of(parent) + 1 if parent in parent_of else 0
        return depth[unit_id]

    for unit_id in sorted(ancestors, key=lambda u: -depth_of(u)):
        for category in Category.values:
            key = (unit_id, category)
            if key not in existing:
                continue  # no quota: nothing to cover
            needed = sum(
                quota.get((c, category), existing.get((c, category), 0))
                for c in children.get(unit_id, [])
            )
            if existing[key] >= needed:
                continue
            if key in decided:
                version = registry.version_on(unit_id, day)
                raise DomainError(
                    _(
                        "The quota of %(unit)s for %(year)s (%(category)s) is %(have)s, decided by "
                        "a person: the synthetic staff under it need %(needed)s. Nothing was written."
                    )
                    % {
                        "unit": version.name,
                        "year": year,
                        "category": Category(category).label,
                        "have": text.number(existing[key]),
                        "needed": text.number(needed),
                    },
                    code="quota_too_small",
                )
            quota[key] = needed
    writes = [
        Quota(
            unit_id=unit_id,
            province_id=None,
            year=year,
            category=category,
            count=count,
            decision="Dữ liệu mẫu (synthetic)",
            decided_on=None,
            synthetic=True,
        )
        for (unit_id, category), count in sorted(quota.items())
    ]
    provinces = _provinces_of([q.unit_id for q in writes], day)
    for written in writes:
        written.province_id = provinces.get(written.unit_id)
    for unit_id, category in quota:
        # Only synthetic rows reach here (a person's quota is kept or refuses above).
        Quota.objects.filter(unit_id=unit_id, year=year, category=category).delete()
    Quota.objects.bulk_create(writes, batch_size=BATCH)
    return len(writes)


def _provinces_of(unit_ids: list[int], day: dt.date) -> dict[int, int]:
    return {v.unit_id: _province(v) for v in units_open(list(set(unit_ids)), day)}


def _identity(rng: random.Random, birth: dt.date, gender: str, taken: set[str]) -> str:
    """000 (no province's code), the century-and-gender digit, two digits of the year, six more."""
    century = 0 if birth.year < 2000 else 2
    digit = century + (1 if gender == Gender.FEMALE else 0)
    while True:
        number = f"000{digit}{birth.year % 100:02d}{rng.randrange(10**6):06d}"
        if number not in taken:
            taken.add(number)
            return number


def _officials(
    positions: list[Position],
    versions: dict[int, UnitVersion],
    day: dt.date,
    rng: random.Random,
    per_unit: int | None,
    fill: float,
    communes: list[int],
) -> tuple[list[Official], list[tuple[int, Position]]]:
    """The officials of every unit (built, then bulk-created) and (official index, position)
    for each seat they fill."""
    by_unit: dict[int, list[Position]] = defaultdict(list)
    for position in positions:
        by_unit[position.unit_id].append(position)
    taken: set[str] = set()
    rows: list[Official] = []
    holders: list[tuple[int, Position]] = []
    weights = [w for _name, w, _families in ETHNICITIES]
    for unit_id in sorted(by_unit):
        version = versions[unit_id]
        seats = [p for p in by_unit[unit_id] for _n in range(p.seats)]
        # Leaders first, then the others in the template's order.
        seats.sort(key=lambda p: (p.group != Group.LEADERSHIP, p.leader_role != HEAD))
        count = per_unit if per_unit is not None else round(len(seats) * fill)
        # Most commune staff come from the commune they work in.
        home_here = version.admin_unit_id if version.level == Level.COMMUNE else None
        for n in range(count):
            seat = seats[n] if n < len(seats) else None
            ethnicity, _w, families = rng.choices(ETHNICITIES, weights=weights)[0]
            gender = rng.choice([Gender.FEMALE, Gender.MALE])
            age = rng.randint(24, 58)
            birth = dt.date(day.year - age, rng.randint(1, 12), rng.randint(1, 28))
            years = rng.randint(0, max(age - 23, 0))
            hire = dt.date(max(day.year - years, birth.year + 18), rng.randint(1, 12), 1)
            hire = min(hire, day)
            category = seat.category if seat else rng.choice([CS, CS, CS, PE, CT])
            if seat:
                level = (
                    seat.level_required if rng.random() < 0.8 else max(seat.level_required - 1, 1)
                )
                field_ = seat.field_required if rng.random() < 0.7 else rng.choice(Field.values)
            else:
                level = rng.choice([Q.COLLEGE, Q.BACHELOR, Q.BACHELOR, Q.MASTER])
                field_ = rng.choice(Field.values)
            if rng.random() < 0.06:
                level = min(level + 1, Q.DOCTOR)
            number = _identity(rng, birth, gender, taken)
            home = (
                home_here
                if home_here and rng.random() < 0.6
                else (rng.choice(communes) if communes else None)
            )
            leader = bool(seat and seat.group == Group.LEADERSHIP)
            rows.append(
                Official(
                    unit_id=unit_id,
                    province_id=_province(version),
                    full_name=f"{rng.choice(families)} {rng.choice(GIVEN[gender])}",
                    national_id_digest=protect.digest(number),
                    national_id_sealed=protect.seal(number),
                    national_id_last=number[-4:],
                    birth_date=birth,
                    gender=gender,
                    ethnicity=ethnicity,
                    home_commune_id=home,
                    level=level,
                    field=field_,
                    category=category,
                    rank=_rank(level, category, years),
                    salary_coefficient=_coefficient(level, years, category, leader),
                    hire_date=hire,
                    synthetic=True,
                )
            )
            if seat is not None:
                holders.append((len(rows) - 1, seat))
    # Numbers drawn again if one is taken by an official already recorded (a rare clash).
    digests = [o.national_id_digest for o in rows]
    for start in range(0, len(digests), BATCH):
        clash = set(
            Official.objects.filter(
                national_id_digest__in=digests[start : start + BATCH]
            ).values_list("national_id_digest", flat=True)
        )
        for official in rows[start : start + BATCH]:
            if official.national_id_digest in clash:
                number = _identity(rng, official.birth_date, official.gender, taken)
                official.national_id_digest = protect.digest(number)
                official.national_id_sealed = protect.seal(number)
                official.national_id_last = number[-4:]
    created = Official.objects.bulk_create(rows, batch_size=BATCH)
    return created, holders


def _trainings(officials: list[Official], day: dt.date, rng: random.Random) -> list[Training]:
    rows = []
    for official in officials:
        if rng.random() >= 0.15:
            continue
        course, field_, level = rng.choice(COURSES)
        start = max(official.hire_date, day - dt.timedelta(days=rng.randint(60, 1500)))
        months = 24 if level else rng.choice([1, 2, 3, 6])
        end = start + dt.timedelta(days=30 * months)
        result = Training.Result.ONGOING if end > day else Training.Result.PASSED
        rows.append(
            Training(
                official_id=official.pk,
                course=course,
                field=field_,
                level=level,
                start=start,
                end=None if result == Training.Result.ONGOING else end,
                result=result,
            )
        )
    return rows


def demo(*, province: str, seed: int = 1, day: dt.date | None = None, actor: Any = None) -> Result:
    """`tinhgon staff demo`: synthetic staff for every unit under the province that is not an
    administrative unit (its agencies and its communes' agencies); a commune without agencies
    gets the commune template itself. Refused, writing nothing, if any of them holds synthetic
    staff already."""
    day = day or timezone.localdate()
    root = registry.resolve_province(province, day=day)
    tree = list(
        registry.versions_on(day)
        .filter(unit_id__in=registry.subtree_ids([root.unit_id], day))
        .values_list("unit_id", "parent_id", "admin_unit_id")
    )
    has_agency = {admin for unit, _parent, admin in tree if admin != unit}
    chosen = [
        unit
        for unit, _parent, admin in tree
        if admin != unit or (unit != root.unit_id and unit not in has_agency)
    ]
    if not chosen:
        raise DomainError(
            _("%(province)s has no unit open on %(day)s.")
            % {"province": root.name, "day": text.day(day)}
        )
    # `generate` refuses too, naming a unit; a second demo names the province, as every demo's.
    filled = Position.objects.filter(unit_id__in=chosen, synthetic=True).values("unit_id")
    if filled.exists():
        raise DomainError(
            _("%(province)s already holds synthetic staff (%(units)s units): nothing was written.")
            % {"province": root.name, "units": text.number(filled.distinct().count())},
            code="already_generated",
            status=409,
        )
    return generate(units=sorted(chosen), seed=seed, day=day, actor=actor)
