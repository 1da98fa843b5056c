"""Synthetic dossier histories with planted harassment patterns, for the red flags.

Everything here is labelled synthetic: the officials are users named `mau-...` ("Cán bộ mẫu"),
the applicants "Công dân mẫu" with identity numbers starting 000 (no province has that code),
and one audit row records the run. Every dossier is filed and moved through the real public
services (`publicservices.services`), so the effects hook counts it as it would count any.

Planted (the answer the flags should find):
- two officials who send the same dossier back for documents again and again (three requests
  on each of three dossiers): `repeated_supplements` (and, as a consequence, `supplement_rate`);
- one who asks for documents on most dossiers, once each: `supplement_rate`;
- one who sits on dossiers: three assigned to them and left; their history is then aged by
  three weeks (the only rows written directly: a service cannot file in the past), so they
  are idle: `idle`;
- one whose applicants rate them "not satisfied" on most dossiers (through the portal's rating,
  which the rating hook counts): `low_ratings`;
- one person of the personnel records (a synthetic `staffing.Official`, "Cán bộ mẫu bị khiếu
  nại") concerned by complaints and denunciations received through the cases' service (subjects
  "[Minh họa] ...", synthetic, the denunciations anonymous): `complaints`.
Every dossier decided is rated by its applicant: "very satisfied", now and then (rng) "not
satisfied".
The peers: five officials who ask for a supplement now and then (rng), which can raise a flag on
one of them by chance: the test lists such false positives with their explanations.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tinhgon.accounts import services as accounts
from tinhgon.accounts.models import Role
from tinhgon.core.errors import DomainError
from tinhgon.core.models import audit
from tinhgon.integrity import cases, flags
from tinhgon.integrity.models import CaseKind, Channel
from tinhgon.publicservices import catalogue, portal
from tinhgon.publicservices import services as dossiers
from tinhgon.publicservices.models import Dossier, DossierEvent, ProcedureVersion, Rating
from tinhgon.staffing import services as staffing
from tinhgon.staffing.models import Category, Field, Gender, Qualification
from tinhgon.units import selectors as units
from tinhgon.units.kinds import Level

PROCEDURE = "1.004194"  # temporary residence: a commune-level procedure of the starter catalogue
PEERS = 5
PEER_DOSSIERS = 6
PEER_SUPPLEMENT = 0.15
HARASSERS = 2
SENT_BACK = 3  # dossiers sent back again and again by each harasser ...
TIMES = 3  # ... this many times each
HIGH_RATE_DOSSIERS = 8
HIGH_RATE = 0.75
IDLE_LEFT = 3
AGED = dt.timedelta(days=21)
LOW_RATED = 5  # of PEER_DOSSIERS, rated "not satisfied" for the rude official
CHANCE_LOW = 0.08  # anyone else's dossier, rated "not satisfied" by chance
COMPLAINTS = 2  # and DENUNCIATIONS, concerning the complained-of person
DENUNCIATIONS = 2

# The kinds each planted role should raise (the first: the pattern itself).
EXPECTED = {
    "harasser": ("repeated_supplements", "supplement_rate"),
    "high_rate": ("supplement_rate",),
    "idle": ("idle",),
    "rude": ("low_ratings",),
    "complained": ("complaints",),
    "peer": (),
}


class _Desk:
    def __init__(self, commune_id: int, rng: random.Random) -> None:
        self.commune_id = commune_id
        self.rng = rng
        self.filed = 0

    def file(self, official) -> str:  # type: ignore[no-untyped-def]
        self.filed += 1
        dossier = dossiers.dossier_submit(
            actor=official,
            procedure_code=PROCEDURE,
            applicant_kind="citizen",
            applicant_name=f"Công dân mẫu {self.rng.randrange(10**6):06d}",
            applicant_id=f"000{self.rng.randrange(10**9):09d}",
            applicant_commune_id=self.commune_id,
            channel="in_person",
            receiving_unit_id=self.commune_id,
        )
        dossiers.dossier_receive(actor=official, code=dossier.code)
        dossiers.dossier_assign(actor=official, code=dossier.code, assignee=official)
        return dossier.code

    def handle(self, official, *, sent_back: int, low: bool = False) -> str:  # type: ignore[no-untyped-def]
        code = self.file(official)
        for _time in range(sent_back):
            dossiers.dossier_request_supplement(
                actor=official, code=code, note="Bổ sung giấy tờ (dữ liệu mẫu)"
            )
            dossiers.dossier_supplement(actor=None, code=code)
        dossiers.dossier_approve(actor=official, code=code)
        low = low or self.rng.random() < CHANCE_LOW
        rating = Rating.UNSATISFIED if low else Rating.VERY_SATISFIED
        portal.portal_rate(dossier=Dossier.objects.get(code=code), rating=rating)
        return code


def plant(*, province_id: int, rng: random.Random) -> dict[str, Any]:
    """File and move the synthetic dossiers at the province's first communes; return who was
    planted with which pattern: {"synthetic": True, "officials": {username: role}, "expected":
    {username: [kinds]}, "dossiers": n}."""
    today = timezone.localdate()
    communes = list(
        units.versions_on(today)
        .filter(province_id=province_id, level=Level.COMMUNE, admin_unit_id=F("unit_id"))
        .order_by("code")
        .values_list("unit_id", flat=True)[:2]
    )
    if len(communes) < 2:
        raise DomainError("The province has fewer than two communes: nothing to plant.")
    if not ProcedureVersion.objects.exists():
        catalogue.catalogue_import(actor=None, data=catalogue.starter(), valid_from=today)
    tag = f"{rng.randrange(16**6):06x}"
    user_model = get_user_model()
    roles = ["peer"] * PEERS + ["harasser"] * HARASSERS + ["high_rate", "idle", "rude"]
    officials: dict[str, Any] = {}
    desks: dict[str, _Desk] = {}
    with transaction.atomic():
        for i, role in enumerate(roles):
            commune_id = communes[i % 2]
            user = user_model.objects.create_user(
                f"mau-{tag}-{i:02d}",
                first_name="Cán bộ mẫu",
                last_name=f"{i:02d}",
            )
            accounts.membership_add(
                actor=None, user=user, unit_id=commune_id, role=Role.UNIT_OFFICIAL
            )
            officials[user.username] = (user, role)
            desks[user.username] = _Desk(commune_id, rng)
        idle_codes: list[str] = []
        for username, (user, role) in officials.items():
            desk = desks[username]
            if role == "peer":
                for _n in range(PEER_DOSSIERS):
                    desk.handle(user, sent_back=int(rng.random() < PEER_SUPPLEMENT))
            elif role == "harasser":
                for n in range(PEER_DOSSIERS):
                    desk.handle(user, sent_back=TIMES if n < SENT_BACK else 0)
            elif role == "high_rate":
                for n in range(HIGH_RATE_DOSSIERS):
                    desk.handle(user, sent_back=int(n < HIGH_RATE * HIGH_RATE_DOSSIERS))
            elif role == "rude":
                for n in range(PEER_DOSSIERS):
                    desk.handle(user, sent_back=0, low=n < LOW_RATED)
            else:
                for _n in range(PEER_DOSSIERS):
                    desk.handle(user, sent_back=0)
                idle_codes += [desk.file(user) for _n in range(IDLE_LEFT)]
        complained = _complained(communes[0], tag, rng)
        # The idle official's open dossiers: three weeks without a move.
        DossierEvent.objects.filter(dossier__code__in=idle_codes).update(at=F("at") - AGED)
        idle_user, _role = next(v for v in officials.values() if v[1] == "idle")
        flags.recompute_official(
            official_id=idle_user.pk,
            unit_id=desks[idle_user.username].commune_id,
            now=timezone.now(),
        )
        filed = sum(d.filed for d in desks.values())
        audit(
            actor=None,
            action="integrity_flags_demo",
            unit=province_id,
            synthetic=True,
            officials=len(officials),
            dossiers=filed,
        )
    return {
        "synthetic": True,
        "officials": {
            **{name: role for name, (_user, role) in officials.items()},
            complained: "complained",
        },
        "expected": {
            **{name: list(EXPECTED[role]) for name, (_user, role) in officials.items()},
            complained: list(EXPECTED["complained"]),
        },
        "units": communes,
        "dossiers": filed,
    }


def _complained(commune_id: int, tag: str, rng: random.Random) -> str:
    """A synthetic person of the personnel records at the commune, and the complaints and
    (anonymous) denunciations concerning them; returns their key as flags name it (`staff:ID`)."""
    person = staffing.official_create(
        actor=None,
        unit_id=commune_id,
        full_name="Cán bộ mẫu bị khiếu nại",
        national_id=f"000{rng.randrange(10**9):09d}",
        birth_date=dt.date(1985, 5, 1),
        gender=Gender.MALE,
        ethnicity="Thái",
        level=Qualification.BACHELOR,
        field=Field.ADMINISTRATION,
        category=Category.CIVIL_SERVANT,
        salary_coefficient="3.00",
        hire_date=dt.date(2010, 9, 1),
        synthetic=True,
    )
    kinds = [CaseKind.COMPLAINT] * COMPLAINTS + [CaseKind.DENUNCIATION] * DENUNCIATIONS
    for n, kind in enumerate(kinds):
        named = kind == CaseKind.COMPLAINT  # a complaint names its author (Law on Complaints)
        cases.case_receive(
            actor=None,
            kind=kind,
            subject=f"[Minh họa] Sách nhiễu khi giải quyết hồ sơ ({tag}-{n})",
            body="Dữ liệu mẫu: cán bộ yêu cầu bổ sung giấy tờ không có trong quy định.",
            channel=Channel.ONLINE,
            unit_id=commune_id,
            official_id=person.pk,
            anonymous=not named,
            author_name=f"Người dân minh họa {n}" if named else "",
            synthetic=True,
        )
    return f"staff:{person.pk}"
