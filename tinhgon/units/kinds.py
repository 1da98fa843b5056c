"""The kinds of unit the apparatus has, and what each kind is."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    # Administrative units, province level.
    PROVINCE = "province", _("Province")
    MUNICIPALITY = "municipality", _("Centrally-run city")
    # Legacy district level (abolished on 2025-07-01).
    RURAL_DISTRICT = "rural_district", _("Rural district")
    URBAN_DISTRICT = "urban_district", _("Urban district")
    DISTRICT_TOWN = "district_town", _("District-level town")
    PROVINCIAL_CITY = "provincial_city", _("Provincial city")
    # Commune level.
    COMMUNE = "commune", _("Commune")
    WARD = "ward", _("Ward")
    TOWNSHIP = "township", _("Township")
    SPECIAL_ZONE = "special_zone", _("Special zone")
    # Agencies.
    PARTY_COMMITTEE = "party_committee", _("Party committee")
    PARTY_AGENCY = "party_agency", _("Party agency")
    PEOPLES_COUNCIL = "peoples_council", _("People's council")
    PEOPLES_COMMITTEE = "peoples_committee", _("People's committee")
    DEPARTMENT = "department", _("Provincial department")
    OFFICE = "office", _("Commune office")
    PUBLIC_SERVICE_UNIT = "public_service_unit", _("Public service unit")
    MASS_ORGANIZATION = "mass_organization", _("Mass organization")
    DIVISION = "division", _("Internal division")


class Category(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("Administrative unit")
    PARTY = "party", _("Party")
    STATE = "state", _("State agency")
    COUNCIL = "council", _("People's council")
    PUBLIC_SERVICE = "public_service", _("Public service unit")
    MASS = "mass", _("Mass organization")
    INTERNAL = "internal", _("Internal division")


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Province level")
    DISTRICT = 2, _("District level")
    COMMUNE = 3, _("Commune level")


@dataclass(frozen=True)
class KindInfo:
    category: str
    # Administrative level for administrative kinds; None for agencies (they take their level
    # from the administrative unit they serve).
    admin_level: int | None = None


KIND_INFO: dict[str, KindInfo] = {
    Kind.PROVINCE: KindInfo(Category.ADMINISTRATIVE, Level.PROVINCE),
    Kind.MUNICIPALITY: KindInfo(Category.ADMINISTRATIVE, Level.PROVINCE),
    Kind.RURAL_DISTRICT: KindInfo(Category.ADMINISTRATIVE, Level.DISTRICT),
    Kind.URBAN_DISTRICT: KindInfo(Category.ADMINISTRATIVE, Level.DISTRICT),
    Kind.DISTRICT_TOWN: KindInfo(Category.ADMINISTRATIVE, Level.DISTRICT),
    Kind.PROVINCIAL_CITY: KindInfo(Category.ADMINISTRATIVE, Level.DISTRICT),
    Kind.COMMUNE: KindInfo(Category.ADMINISTRATIVE, Level.COMMUNE),
    Kind.WARD: KindInfo(Category.ADMINISTRATIVE, Level.COMMUNE),
    Kind.TOWNSHIP: KindInfo(Category.ADMINISTRATIVE, Level.COMMUNE),
    Kind.SPECIAL_ZONE: KindInfo(Category.ADMINISTRATIVE, Level.COMMUNE),
    Kind.PARTY_COMMITTEE: KindInfo(Category.PARTY),
    Kind.PARTY_AGENCY: KindInfo(Category.PARTY),
    Kind.PEOPLES_COUNCIL: KindInfo(Category.COUNCIL),
    Kind.PEOPLES_COMMITTEE: KindInfo(Category.STATE),
    Kind.DEPARTMENT: KindInfo(Category.STATE),
    Kind.OFFICE: KindInfo(Category.STATE),
    Kind.PUBLIC_SERVICE_UNIT: KindInfo(Category.PUBLIC_SERVICE),
    Kind.MASS_ORGANIZATION: KindInfo(Category.MASS),
    Kind.DIVISION: KindInfo(Category.INTERNAL),
}

ADMINISTRATIVE_KINDS = frozenset(k for k, i in KIND_INFO.items() if i.admin_level is not None)
KINDS_BY_LEVEL: dict[int, frozenset[str]] = {
    level: frozenset(k for k, i in KIND_INFO.items() if i.admin_level == level) for level in Level
}
# A commune's or province's governing organs: their children are the unit's focal points.
GOVERNING_KINDS = frozenset({Kind.PARTY_COMMITTEE, Kind.PEOPLES_COUNCIL, Kind.PEOPLES_COMMITTEE})


def is_administrative(kind: str) -> bool:
    return kind in ADMINISTRATIVE_KINDS


def parse_kind(value: str) -> str | None:
    """The kind named by its code ('ward') or its label in either language; None if unknown."""
    from tinhgon.core.text import fold

    wanted = fold(value)
    for kind in Kind:
        if wanted in {kind.value, fold(str(kind.label))}:
            return kind.value
    return VIETNAMESE_KIND_NAMES.get(wanted)


# Vietnamese kind names as they appear in official lists and spreadsheets, folded.
VIETNAMESE_KIND_NAMES = {
    "tinh": Kind.PROVINCE,
    "thanh pho truc thuoc trung uong": Kind.MUNICIPALITY,
    "thanh pho trung uong": Kind.MUNICIPALITY,
    "huyen": Kind.RURAL_DISTRICT,
    "quan": Kind.URBAN_DISTRICT,
    "thi xa": Kind.DISTRICT_TOWN,
    "thanh pho thuoc tinh": Kind.PROVINCIAL_CITY,
    "xa": Kind.COMMUNE,
    "phuong": Kind.WARD,
    "thi tran": Kind.TOWNSHIP,
    "dac khu": Kind.SPECIAL_ZONE,
    "dang uy": Kind.PARTY_COMMITTEE,
    "co quan dang": Kind.PARTY_AGENCY,
    "hoi dong nhan dan": Kind.PEOPLES_COUNCIL,
    "uy ban nhan dan": Kind.PEOPLES_COMMITTEE,
    "so": Kind.DEPARTMENT,
    "phong": Kind.OFFICE,
    "don vi su nghiep cong lap": Kind.PUBLIC_SERVICE_UNIT,
    "to chuc chinh tri xa hoi": Kind.MASS_ORGANIZATION,
    "doan the": Kind.MASS_ORGANIZATION,
    "phong ban noi bo": Kind.DIVISION,
}
