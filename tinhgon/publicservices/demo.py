"""`tinhgon services demo`: a province's communes filled with synthetic dossiers, set-based.

Everything it writes is marked as synthetic: applicants are "Công dân mẫu 000123" (or
"Doanh nghiệp mẫu ..."), their identity numbers start with 000 (no province has that code, so no
real number looks like them) and are kept as the app keeps every number (a keyed digest and the
last four digits); every submit event carries `"demo": <seed>`, and one audit row records the
run. The catalogue is the starter one (real procedures), imported only when none exists.

Dossiers are built in memory and written with bulk_create in batches, in one transaction: no
save() per dossier. Codes follow `dossier_submit`'s rule (`<centre>-<YYYYMMDD>-<sequence>`) with
the sequences taken from `DossierCounter` and written back, so a dossier filed normally later
on one of those days gets the next number. The same seed on the same day gives the same
dossiers (codes aside: a second run continues the sequences).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.core.errors import DomainError
from tinhgon.core.models import audit
from tinhgon.publicservices import catalogue, figures
from tinhgon.publicservices.models import (
    OPEN,
    ApplicantKind,
    Channel,
    Clock,
    Dossier,
    DossierCounter,
    DossierEvent,
    Level,
    Outcome,
    ProcedureVersion,
    Status,
)
from tinhgon.publicservices.services import identity_digest
from tinhgon.units import selectors as units
from tinhgon.units.kinds import Level as UnitLevel
from tinhgon.workdays.calendar import VIETNAM, Calendar, local_time
from tinhgon.workdays.selectors import calendar_for

MAX_DOSSIERS = 5_000_000
BATCH = 5_000
WINDOW_DAYS = 60  # dossiers are submitted over the last two months

# The national status codes in plausible proportions (per cent): most results are returned,
# a fifth is being processed, a few wait for the applicant or were refused or withdrawn.
STATUS_WEIGHTS = {1: 3, 2: 6, 3: 2, 4: 18, 5: 5, 6: 3, 7: 2, 8: 1, 9: 10, 10: 50}
# How far back a dossier in that status was submitted: new ones in the last two days; those
# still at work mostly within their limit (1.4 calendar days per working day) and one in
# LATE three times as long (most of those overdue); finished ones over the whole window.
NEW_AGE = 2
AT_WORK = {2, 4, 5, 6, 9}
LATE = 0.15
# Overdue: received or being processed past the due date (the clock stands still in 5 and 6).
RUNNING = (Status.RECEIVED, Status.PROCESSING)
# The starter catalogue's procedures by how often a commune sees them; others weigh 3.
PROCEDURE_WEIGHTS = {
    "2.000815": 25,  # certified copies
    "2.000884": 10,  # certification of a signature
    "1.004194": 12,  # temporary residence
    "1.004222": 8,
    "1.002755": 5,
    "1.001193": 10,  # birth
    "1.004873": 10,  # marital status
    "1.000656": 4,
    "1.000894": 4,
    "1.001612": 3,
    "2.001610": 2,
}
BUSINESS_PROCEDURES = {"1.001612", "2.001610"}
CHANNELS = [(Channel.IN_PERSON, 55), (Channel.ONLINE, 40), (Channel.POSTAL, 5)]
DEFAULT_FEE = 10_000  # asked for when the catalogue leaves the amount to the province


@dataclass(frozen=True)
class Place:
    commune_id: int
    code: str  # the centre's code in dossier codes (the commune receives)
    since: dt.date  # the commune's version starts here: nothing is filed before
    province_id: int
    admin_unit_id: int


@dataclass
class Story:
    """One dossier and its history, before they are written."""

    dossier: Dossier
    events: list[DossierEvent] = field(default_factory=list)


def demo_name(kind: str, number: int) -> str:
    prefix = "Doanh nghiệp mẫu" if kind == ApplicantKind.BUSINESS else "Công dân mẫu"
    return f"{prefix} {number:06d}"


def demo_identity(kind: str, number: int) -> str:
    """A number no one holds: citizens' start with 000 (no province's code), businesses' tax
    codes with 00 (likewise)."""
    if kind == ApplicantKind.BUSINESS:
        return f"00{number:08d}"
    return f"000{number:09d}"


def _places(province_id: int, day: dt.date) -> list[Place]:
    versions = (
        units.versions_on(day)
        .filter(province_id=province_id, level=UnitLevel.COMMUNE)
        .order_by("code", "unit_id")
    )
    return [
        Place(
            v.unit_id,
            v.code,
            v.valid_from or dt.date.min,
            province_id,
            v.admin_unit_id or v.unit_id,
        )
        for v in versions
        if v.admin_unit_id == v.unit_id  # the commune itself, not one of its organs
    ]


def _procedures(day: dt.date) -> list[ProcedureVersion]:
    return list(
        ProcedureVersion.objects.filter(valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .select_related("procedure")
        .order_by("procedure__code")
    )


class _Maker:
    """Draws dossiers one after another from one random generator (hence deterministic)."""

    def __init__(self, *, rng: random.Random, now: dt.datetime, seed: int, calendar: Calendar):
        self.rng = rng
        self.now = now
        self.seed = seed
        self.calendar = calendar
        self.notes = {
            "refuse": _("Demo data: the dossier is not for this procedure."),
            "request_supplement": _("Demo data: a document is missing."),
            "reject": _("Demo data: the conditions are not met."),
            "stop": _("Demo data: the applicant did not answer."),
        }

    def later(self, moment: dt.datetime, days: float) -> dt.datetime:
        """A moment after `moment`, at most `days` later and never after now."""
        span = min(days * 86400, max(0.0, (self.now - moment).total_seconds()))
        return moment + dt.timedelta(seconds=int(self.rng.random() * span))

    def due(self, version: ProcedureVersion, start: dt.datetime, pauses=()) -> dt.datetime:  # type: ignore[no-untyped-def]
        return self.calendar.due(start, version.days, pauses=pauses)

    def story(
        self,
        *,
        number: int,
        status: int,
        place: Place,
        version: ProcedureVersion,
        unit: tuple[int, int, int],
        channel: str,
    ) -> Story:
        rng = self.rng
        kind = (
            ApplicantKind.BUSINESS
            if version.procedure.code in BUSINESS_PROCEDURES
            else ApplicantKind.CITIZEN
        )
        digits = demo_identity(kind, number)
        if status == Status.REGISTERED:
            age = float(NEW_AGE)
        elif status in AT_WORK:
            late = rng.random() < LATE
            age = (version.days + 2) * 3.0 if late else max(1, version.days) * 1.4
            # Never before the window: the counters read are those of the window's days.
            age = min(age, float(WINDOW_DAYS))
        else:
            age = float(WINDOW_DAYS)
        earliest = max(
            self.now - dt.timedelta(days=age),
            dt.datetime.combine(max(place.since, version.valid_from), dt.time(), tzinfo=VIETNAM),
        )
        submitted = self.later(earliest, WINDOW_DAYS)
        unit_id, province_id, admin_unit_id = unit
        dossier = Dossier(
            procedure=version,
            status=status,
            version=0,
            applicant_kind=kind,
            applicant_name=demo_name(kind, number),
            applicant_id_digest=identity_digest(digits),
            applicant_id_last=digits[-4:],
            applicant_commune_id=place.commune_id,
            channel=channel,
            receiving_unit_id=place.commune_id,
            unit_id=unit_id,
            province_id=province_id,
            admin_unit_id=admin_unit_id,
            submitted_at=submitted,
        )
        story = Story(dossier)
        state: list[int] = [Status.REGISTERED]

        def event(move: str, to: int, at: dt.datetime, *, note: str = "", **data: Any) -> None:
            story.events.append(
                DossierEvent(
                    move=move,
                    from_status=state[0] if story.events else None,
                    to_status=to,
                    unit_id=place.commune_id if move == "submit" else unit_id,
                    at=at,
                    note=note,
                    data=data,
                )
            )
            state[0] = to
            dossier.version = len(story.events) - 1

        event("submit", Status.REGISTERED, submitted, channel=channel, demo=self.seed)
        if status == Status.REGISTERED:
            return story
        if status == Status.NOT_RECEIVED:
            dossier.finished_at = self.later(submitted, 1)
            event("refuse", status, dossier.finished_at, note=self.notes["refuse"])
            return story
        received = self.later(submitted, 1)
        dossier.received_at = dossier.clock_from = received
        dossier.due_at = self.due(version, received)
        event("receive", Status.RECEIVED, received)
        if status == Status.RECEIVED:
            return story
        if status == Status.WITHDRAWN:
            dossier.finished_at = self.later(received, 10)
            event("withdraw", status, dossier.finished_at)
            return story
        if status == Status.STOPPED:
            dossier.finished_at = self.later(received, 15)
            event("stop", status, dossier.finished_at, note=self.notes["stop"])
            return story
        if status == Status.PAYMENT:
            amount = sum(f.get("amount") or 0 for f in version.fees) or DEFAULT_FEE
            dossier.paused_at = self.later(received, 5)
            dossier.fees_due = amount
            event("request_payment", status, dossier.paused_at, amount=amount)
            return story
        asked = self.later(received, 5)
        event(
            "request_supplement",
            Status.SUPPLEMENT,
            asked,
            note=self.notes["request_supplement"],
        )
        if status == Status.SUPPLEMENT:
            dossier.paused_at = asked
            return story
        # 4, 9, 10: the applicant supplied the documents; the clock goes on (or starts again).
        supplied = self.later(asked, 7)
        if version.clock == Clock.RESTART:
            dossier.clock_from = supplied
            dossier.due_at = self.due(version, supplied)
        else:
            dossier.pauses = [[asked.isoformat(), supplied.isoformat()]]
            dossier.due_at = self.due(version, received, [(asked, supplied)])
        event("supplement", Status.PROCESSING, supplied)
        if status == Status.PROCESSING:
            return story
        # Most are decided by the due date, some after it.
        assert dossier.due_at is not None
        allowed = max(0.1, (dossier.due_at - supplied).total_seconds() / 86400 * 1.2)
        dossier.finished_at = self.later(supplied, allowed)
        if rng.random() < 0.95:
            dossier.outcome = Outcome.APPROVED
            event("approve", Status.DONE, dossier.finished_at)
        else:
            dossier.outcome = Outcome.REJECTED
            event("reject", Status.DONE, dossier.finished_at, note=self.notes["reject"])
        if status == Status.RETURNED:
            dossier.returned_at = self.later(dossier.finished_at, 5)
            event("return_result", Status.RETURNED, dossier.returned_at)
        return story


def _statuses(rng: random.Random, count: int) -> list[int]:
    """The statuses of `count` dossiers: each of the ten once first (so a demo of ten or more
    shows them all), then drawn in the proportions of STATUS_WEIGHTS."""
    codes = list(STATUS_WEIGHTS)
    first = codes[: min(count, len(codes))]
    return first + rng.choices(codes, weights=list(STATUS_WEIGHTS.values()), k=count - len(first))


@transaction.atomic
def dossiers_demo(*, actor, province_id: int, count: int, seed: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """File `count` synthetic dossiers over the communes of the province open today, in every
    status with its history, in one transaction. Codes continue the day's sequences (the
    counters are advanced), so nothing filed later collides. Returns the summary."""
    if not 1 <= count <= MAX_DOSSIERS:
        raise DomainError(
            _("A demo files from 1 to %(max)s dossiers.") % {"max": MAX_DOSSIERS},
            code="invalid",
        )
    now = timezone.now()
    today = local_time(now).date()
    province = units.version_on(province_id, today)
    places = _places(province_id, today)
    if not places:
        raise DomainError(
            _("%(province)s has no commune on %(day)s.")
            % {"province": province.name, "day": today.isoformat()},
            code="no_commune",
        )
    imported = False
    if not ProcedureVersion.objects.exists():
        # The starter catalogue is real; it applies from the start of the window.
        catalogue.catalogue_import(
            actor=actor,
            data=catalogue.starter(),
            valid_from=today - dt.timedelta(days=WINDOW_DAYS),
        )
        imported = True
    procedures = _procedures(today)
    if not procedures:
        raise DomainError(_("No procedure is in force today."), code="no_procedure")
    longest = max(v.days for v in procedures)
    first_day = today - dt.timedelta(days=WINDOW_DAYS)
    calendar = calendar_for(first_day.year, today.year + 2 + longest // 240)
    province_place = (
        province_id,
        province.province_id or province_id,
        province.admin_unit_id or province_id,
    )

    rng = random.Random(seed)
    maker = _Maker(rng=rng, now=now, seed=seed, calendar=calendar)
    statuses = _statuses(rng, count)
    proc_weights = [PROCEDURE_WEIGHTS.get(v.procedure.code, 3) for v in procedures]
    channels, channel_weights = zip(*CHANNELS, strict=True)

    counters = {
        (c.unit_id, c.day): c
        for c in DossierCounter.objects.select_for_update().filter(
            unit_id__in=[p.commune_id for p in places], day__gte=first_day
        )
    }
    last = {key: c.last for key, c in counters.items()}
    by_status: Counter[int] = Counter()
    overdue = 0
    for start in range(0, count, BATCH):
        stories = []
        for number in range(start + 1, min(start + BATCH, count) + 1):
            place = places[rng.randrange(len(places))]
            version = rng.choices(procedures, weights=proc_weights)[0]
            unit = (
                province_place
                if version.level == Level.PROVINCE
                else (place.commune_id, place.province_id, place.admin_unit_id)
            )
            story = maker.story(
                number=number,
                status=statuses[number - 1],
                place=place,
                version=version,
                unit=unit,
                channel=rng.choices(channels, weights=channel_weights)[0],
            )
            stories.append((place, story))
        # Sequences in the order of submission (within the batch), as the counter gives them.
        stories.sort(key=lambda ps: (ps[1].dossier.submitted_at, ps[1].dossier.applicant_name))
        for place, story in stories:
            dossier = story.dossier
            day = local_time(dossier.submitted_at).date()
            key = (place.commune_id, day)
            last[key] = last.get(key, 0) + 1
            dossier.code = f"{place.code}-{day:%Y%m%d}-{last[key]:06d}"
            by_status[dossier.status] += 1
            if dossier.status in RUNNING and dossier.due_at is not None and dossier.due_at < now:
                overdue += 1
        created = Dossier.objects.bulk_create([s.dossier for _p, s in stories])
        events = []
        for dossier, (_place, story) in zip(created, stories, strict=True):
            for event in story.events:
                event.dossier_id = dossier.pk
                events.append(event)
        DossierEvent.objects.bulk_create(events, batch_size=BATCH)

    changed = [c for key, c in counters.items() if last[key] != c.last]
    for counter in changed:
        counter.last = last[(counter.unit_id, counter.day)]
    DossierCounter.objects.bulk_update(changed, ["last"], batch_size=BATCH)
    DossierCounter.objects.bulk_create(
        [
            DossierCounter(unit_id=u, day=d, last=n)
            for (u, d), n in last.items()
            if (u, d) not in counters
        ],
        batch_size=BATCH,
    )
    # The figures' tallies of the units that got dossiers, recomputed (bulk inserts run no
    # effect).
    figures.rebuild(unit_ids={p.commune_id for p in places} | {province_place[0]})
    summary = {
        "province": province.name,
        "count": count,
        "communes": len(places),
        "open": sum(n for s, n in by_status.items() if s in OPEN),
        "overdue": overdue,
        "by_status": {int(s): by_status.get(s, 0) for s in STATUS_WEIGHTS},
        "catalogue_imported": imported,
        "seed": seed,
    }
    audit(
        actor=actor,
        action="publicservices.dossiers_demo",
        unit=province_id,
        count=count,
        seed=seed,
        catalogue_imported=imported,
    )
    return summary
