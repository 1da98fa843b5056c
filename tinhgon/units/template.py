"""The standard apparatus the law gives a province and its communes after 2025.

Province: party committee, people's council, people's committee, and under the people's committee
the 12 specialized agencies every province has under Decree 150/2025/ND-CP, plus the optional
ones a province qualifies for (at most 14). Commune: party committee, people's council, people's
committee and, under it, the office of the council and committee, the economic office, the
culture-society office and the public administration service centre.

Generated units carry source "template" so nobody mistakes them for decided facts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from tinhgon.core.errors import invalid
from tinhgon.core.models import audit
from tinhgon.units import selectors
from tinhgon.units.kinds import KINDS_BY_LEVEL, Kind, Level
from tinhgon.units.models import Source, Unit, UnitVersion
from tinhgon.units.services import Placement, build_version

MANDATORY_DEPARTMENTS = [
    ("VP", "Văn phòng Ủy ban nhân dân"),
    ("SNV", "Sở Nội vụ"),
    ("STP", "Sở Tư pháp"),
    ("STC", "Sở Tài chính"),
    ("SCT", "Sở Công Thương"),
    ("SNNMT", "Sở Nông nghiệp và Môi trường"),
    ("SXD", "Sở Xây dựng"),
    ("SKHCN", "Sở Khoa học và Công nghệ"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("SYT", "Sở Y tế"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("TTR", "Thanh tra"),
]
OPTIONAL_DEPARTMENTS = {
    "dan-toc-ton-giao": ("SDTTG", "Sở Dân tộc và Tôn giáo"),
    "ngoai-vu": ("SNGV", "Sở Ngoại vụ"),
}


@dataclass(frozen=True)
class Spec:
    suffix: str
    name: str
    kind: str
    parent_suffix: str | None  # None: hangs directly under the administrative unit


def place_name(version: UnitVersion) -> str:
    """'Tỉnh Sơn La' -> 'tỉnh Sơn La', 'Phường Chiềng An' -> 'phường Chiềng An'."""
    return version.name[:1].lower() + version.name[1:]


def short_name(version: UnitVersion) -> str:
    for prefix in ("Thành phố ", "Tỉnh ", "Xã ", "Phường ", "Đặc khu "):
        if version.name.startswith(prefix):
            return version.name[len(prefix) :]
    return version.name


def province_specs(province: UnitVersion, extras: list[str]) -> list[Spec]:
    place = place_name(province)
    party = "Thành ủy" if province.kind == Kind.MUNICIPALITY else "Tỉnh ủy"
    specs = [
        Spec("DU", f"{party} {short_name(province)}", Kind.PARTY_COMMITTEE, None),
        Spec("HDND", f"Hội đồng nhân dân {place}", Kind.PEOPLES_COUNCIL, None),
        Spec("UBND", f"Ủy ban nhân dân {place}", Kind.PEOPLES_COMMITTEE, None),
    ]
    departments = list(MANDATORY_DEPARTMENTS) + [OPTIONAL_DEPARTMENTS[e] for e in extras]
    specs += [Spec(code, f"{name} {place}", Kind.DEPARTMENT, "UBND") for code, name in departments]
    return specs


def commune_specs(commune: UnitVersion) -> list[Spec]:
    place = place_name(commune)
    economic = (
        "Phòng Kinh tế" if commune.kind == Kind.COMMUNE else "Phòng Kinh tế, Hạ tầng và Đô thị"
    )
    return [
        Spec("DU", f"Đảng ủy {place}", Kind.PARTY_COMMITTEE, None),
        Spec("HDND", f"Hội đồng nhân dân {place}", Kind.PEOPLES_COUNCIL, None),
        Spec("UBND", f"Ủy ban nhân dân {place}", Kind.PEOPLES_COMMITTEE, None),
        Spec("VP", f"Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {place}", Kind.OFFICE, "UBND"),
        Spec("PKT", f"{economic} {place}", Kind.OFFICE, "UBND"),
        Spec("PVHXH", f"Phòng Văn hóa - Xã hội {place}", Kind.OFFICE, "UBND"),
        Spec("TTHCC", f"Trung tâm Phục vụ hành chính công {place}", Kind.OFFICE, "UBND"),
    ]


@transaction.atomic
def apparatus_generate(
    *,
    actor,
    province_id: int,
    day: dt.date,
    extras: list[str] | None = None,  # type: ignore[no-untyped-def]
) -> int:
    """Create the template apparatus of a province and its communes open on `day`.

    Idempotent: units already generated (same source key) are left alone. Returns the number of
    units created. Inserts are set-based: one batch per tier.
    """
    extras = extras or []
    unknown = [e for e in extras if e not in OPTIONAL_DEPARTMENTS]
    if unknown:
        raise invalid(
            _("Unknown optional department(s) %(unknown)s; known: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(OPTIONAL_DEPARTMENTS)},
            field="extra",
        )
    province = selectors.version_on(province_id, day)
    if province.level != Level.PROVINCE:
        raise invalid(_("%(name)s is not a province.") % {"name": province.name}, field="province")
    communes = list(
        selectors.versions_on(day).filter(
            province_id=province_id, kind__in=KINDS_BY_LEVEL[Level.COMMUNE]
        )
    )
    plans: list[tuple[UnitVersion, Spec]] = [
        (province, s) for s in province_specs(province, extras)
    ]
    for commune in communes:
        plans += [(commune, s) for s in commune_specs(commune)]

    def key(admin: UnitVersion, suffix: str) -> str:
        return f"template:{admin.unit_id}:{suffix}"

    existing = set(
        Unit.objects.filter(source_key__startswith="template:")
        .filter(source_key__in=[key(a, s.suffix) for a, s in plans])
        .values_list("source_key", flat=True)
    )
    created = 0
    # Two tiers: organs under the administrative unit, then units under the people's committee.
    for tier in (False, True):
        todo = [(a, s) for a, s in plans if (s.parent_suffix is not None) == tier]
        todo = [(a, s) for a, s in todo if key(a, s.suffix) not in existing]
        units = Unit.objects.bulk_create([Unit(source_key=key(a, s.suffix)) for a, s in todo])
        ids = dict(
            Unit.objects.filter(
                source_key__in=[key(a, s.parent_suffix) for a, s in todo if s.parent_suffix]
            ).values_list("source_key", "id")
        )
        versions = []
        for (admin, spec), unit in zip(todo, units, strict=True):
            parent_id = ids[key(admin, spec.parent_suffix)] if spec.parent_suffix else admin.unit_id
            versions.append(
                build_version(
                    unit_id=unit.pk,
                    code=f"{admin.code}-{spec.suffix}",
                    name=spec.name,
                    kind=spec.kind,
                    placement=Placement(admin.unit_id, admin.province_id, admin.level),
                    parent_id=parent_id,
                    valid_from=day,
                    source=Source.TEMPLATE,
                    reason="Generated from the standard apparatus template",
                    recorded_by_id=getattr(actor, "pk", None),
                )
            )
        UnitVersion.objects.bulk_create(versions, batch_size=2000)
        created += len(versions)
    if created:
        audit(actor=actor, action="apparatus_generate", unit=Unit(pk=province_id), created=created)
    return created
