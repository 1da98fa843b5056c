"""Vietnam's administrative units from the installed data packages, reconciled.

Sources:
- `vietnamadminunits`: the legacy 63 provinces, 696 districts and 10,040 commune rows (valid
  until 2025-06-30), its own list of the new communes, and the old-to-new mapping.
- `vietnam-provinces`: the official list of the 34 provinces and 3,321 communes from 2025-07-01;
  the authority for codes and names after the reform.

Where the two disagree the official list wins, and every disagreement becomes an
`ImportConflict` row. Nothing is resolved silently.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources

from tinhgon.core.text import compact, normalize
from tinhgon.units.kinds import Kind

REFORM_DAY = dt.date(2025, 7, 1)
LEGACY_LAST_DAY = REFORM_DAY - dt.timedelta(days=1)

LEGACY_DISTRICT_KINDS = {
    "Huyện": Kind.RURAL_DISTRICT,
    "Quận": Kind.URBAN_DISTRICT,
    "Thị xã": Kind.DISTRICT_TOWN,
    "Thành phố": Kind.PROVINCIAL_CITY,
}
LEGACY_COMMUNE_KINDS = {"Xã": Kind.COMMUNE, "Phường": Kind.WARD, "Thị trấn": Kind.TOWNSHIP}
OFFICIAL_KINDS = {
    "tỉnh": Kind.PROVINCE,
    "thành phố trung ương": Kind.MUNICIPALITY,
    "xã": Kind.COMMUNE,
    "phường": Kind.WARD,
    "đặc khu": Kind.SPECIAL_ZONE,
}
MAPPING_COMMUNE_KINDS = {"Xã": Kind.COMMUNE, "Phường": Kind.WARD, "Đặc khu": Kind.SPECIAL_ZONE}


def normalize_key(key: str) -> str:
    """A name key ("tinhsonla_thanhphosonla_phuongchiengan") in ASCII, whatever its spelling."""
    return "_".join(compact(part) for part in key.split("_"))


def official_province_name(name: str) -> str:
    """The full name: the official list writes "Sơn La" for the province the others call
    "Tỉnh Sơn La" (its division type is a separate field). A convention, not a conflict."""
    return name if name.startswith(("Tỉnh ", "Thành phố ")) else f"Tỉnh {name}"


def province_kind(name: str) -> str:
    return Kind.MUNICIPALITY if name.startswith("Thành phố") else Kind.PROVINCE


@dataclass(frozen=True)
class Row:
    """One unit as a source gives it."""

    code: str
    name: str
    kind: str
    parent_code: str | None  # province code for communes after 2025; district code before
    province_code: str
    key: str = ""  # the mapping package's name key, where it has one


@dataclass
class Conflict:
    category: str
    key: str
    resolution: str
    status: str  # "resolved" or "open"
    province_code: str = ""
    official_code: str = ""
    official_name: str = ""
    other_code: str = ""
    other_name: str = ""
    detail: str = ""


@dataclass
class Sources:
    legacy_provinces: list[Row]
    legacy_districts: list[Row]
    legacy_communes: list[Row]
    # Legacy district-level units that have no commune (island districts): the mapping treats
    # them as commune-level entries of their own.
    districts_without_communes: list[Row]
    mapping_provinces: list[Row]
    mapping_communes: list[Row]
    official_provinces: list[Row]
    official_communes: list[Row]
    converter: dict


def _dataset() -> sqlite3.Connection:
    path = resources.files("vietnamadminunits") / "data" / "dataset.db"
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    return connection


def load_sources() -> Sources:
    from vietnam_provinces import Province, Ward

    with _dataset() as db:
        legacy = db.execute(
            "SELECT province, provinceCode, district, districtCode, districtType, ward, wardCode, "
            "wardType, provinceKey, districtKey, wardKey FROM admin_units_legacy"
        ).fetchall()
        mapping = db.execute(
            "SELECT province, provinceCode, ward, wardCode, wardType, provinceKey, wardKey "
            "FROM admin_units"
        ).fetchall()
    provinces: dict[str, Row] = {}
    districts: dict[str, Row] = {}
    communes: list[Row] = []
    empty_districts: list[Row] = []
    for r in legacy:
        provinces.setdefault(
            r["provinceCode"],
            Row(
                r["provinceCode"],
                r["province"],
                province_kind(r["province"]),
                None,
                r["provinceCode"],
                r["provinceKey"],
            ),
        )
        district = districts.setdefault(
            r["districtCode"],
            Row(
                r["districtCode"],
                r["district"],
                LEGACY_DISTRICT_KINDS[r["districtType"]],
                r["provinceCode"],
                r["provinceCode"],
                r["districtKey"],
            ),
        )
        if r["wardCode"]:
            communes.append(
                Row(
                    r["wardCode"],
                    r["ward"],
                    LEGACY_COMMUNE_KINDS[r["wardType"]],
                    r["districtCode"],
                    r["provinceCode"],
                    f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}",
                )
            )
        else:
            empty_districts.append(district)
    mapping_provinces: dict[str, Row] = {}
    mapping_communes = []
    for r in mapping:
        mapping_provinces.setdefault(
            r["provinceCode"],
            Row(
                r["provinceCode"],
                r["province"],
                province_kind(r["province"]),
                None,
                r["provinceCode"],
                r["provinceKey"],
            ),
        )
        mapping_communes.append(
            Row(
                r["wardCode"],
                r["ward"],
                MAPPING_COMMUNE_KINDS[r["wardType"]],
                r["provinceCode"],
                r["provinceCode"],
                r["wardKey"],
            )
        )
    official_provinces = [
        Row(
            f"{int(p.code):02d}",
            official_province_name(p.name),
            OFFICIAL_KINDS[p.division_type.value],
            None,
            f"{int(p.code):02d}",
        )
        for p in Province.iter_all()
    ]
    official_communes = [
        Row(
            f"{int(w.code):05d}",
            w.name,
            OFFICIAL_KINDS[w.division_type.value],
            f"{int(w.province_code):02d}",
            f"{int(w.province_code):02d}",
        )
        for w in Ward.iter_all()
    ]
    converter_path = resources.files("vietnamadminunits") / "data" / "converter_2025.json"
    converter = json.loads(converter_path.read_text(encoding="utf-8"))
    return Sources(
        legacy_provinces=sorted(provinces.values(), key=lambda row: row.code),
        legacy_districts=sorted(districts.values(), key=lambda row: row.code),
        legacy_communes=communes,
        districts_without_communes=empty_districts,
        mapping_provinces=sorted(mapping_provinces.values(), key=lambda row: row.code),
        mapping_communes=mapping_communes,
        official_provinces=official_provinces,
        official_communes=official_communes,
        converter=converter,
    )


@dataclass
class Reconciliation:
    conflicts: list[Conflict] = field(default_factory=list)
    # mapping-package commune (province code, its code) -> official code, where they matched
    commune_match: dict[tuple[str, str], str] = field(default_factory=dict)

    def add(self, conflict: Conflict) -> None:
        self.conflicts.append(conflict)


def reconcile(sources: Sources) -> Reconciliation:
    """Compare the mapping package's new units with the official list, by code and normalized name."""
    result = Reconciliation()
    _reconcile_provinces(sources, result)
    _reconcile_communes(sources, result)
    _check_name_keys(sources, result)
    for district in sources.districts_without_communes:
        result.add(
            Conflict(
                category="district_without_communes",
                key=f"district_without_communes:{district.code}",
                province_code=district.province_code,
                other_code=district.code,
                other_name=district.name,
                detail="vietnamadminunits lists this district with an empty commune row: it had "
                "no commune-level units.",
                resolution="Imported as a district-level unit that is also counted at commune "
                "level, since it has no communes; no commune is invented.",
                status="resolved",
            )
        )
    return result


def _reconcile_provinces(sources: Sources, result: Reconciliation) -> None:
    official = {row.code: row for row in sources.official_provinces}
    mapping = {row.code: row for row in sources.mapping_provinces}
    for code in sorted(official.keys() | mapping.keys()):
        o, m = official.get(code), mapping.get(code)
        if o and m and o.name == m.name:
            continue
        if o and m:
            result.add(
                Conflict(
                    "province_name_differs",
                    f"province_name:{code}",
                    province_code=code,
                    official_code=code,
                    official_name=o.name,
                    other_code=code,
                    other_name=m.name,
                    resolution="Official name kept.",
                    status="resolved",
                )
            )
        elif o:
            result.add(
                Conflict(
                    "province_missing_in_mapping",
                    f"province_missing_in_mapping:{code}",
                    province_code=code,
                    official_code=code,
                    official_name=o.name,
                    resolution="Imported from the official list; the mapping package has no such "
                    "province.",
                    status="open",
                )
            )
        else:
            assert m is not None
            result.add(
                Conflict(
                    "province_not_official",
                    f"province_not_official:{code}",
                    province_code=code,
                    other_code=code,
                    other_name=m.name,
                    resolution="Not imported: the official list has no such province code.",
                    status="open",
                )
            )


def _reconcile_communes(sources: Sources, result: Reconciliation) -> None:
    official_by_province: dict[str, list[Row]] = defaultdict(list)
    for row in sources.official_communes:
        official_by_province[row.province_code].append(row)
    mapping_by_province: dict[str, list[Row]] = defaultdict(list)
    for row in sources.mapping_communes:
        mapping_by_province[row.province_code].append(row)
    for province in sorted(official_by_province.keys() | mapping_by_province.keys()):
        officials = {row.code: row for row in official_by_province[province]}
        unmatched = []
        matched_official: set[str] = set()
        # 1. Same code, same name up to spelling (tone placement, apostrophes, dashes, case).
        for row in mapping_by_province[province]:
            o = officials.get(row.code)
            if o and compact(o.name) == compact(row.name):
                matched_official.add(o.code)
                result.commune_match[(province, row.code)] = o.code
                if normalize(o.name) != normalize(row.name):
                    result.add(
                        Conflict(
                            "commune_spelling_differs",
                            f"commune_spelling:{o.code}",
                            province_code=province,
                            official_code=o.code,
                            official_name=o.name,
                            other_code=row.code,
                            other_name=row.name,
                            resolution="Official spelling kept.",
                            status="resolved",
                        )
                    )
                elif o.name != row.name:
                    result.add(
                        Conflict(
                            "official_name_spacing",
                            f"official_spacing:{o.code}",
                            province_code=province,
                            official_code=o.code,
                            official_name=o.name,
                            other_code=row.code,
                            other_name=row.name,
                            detail="The official name has repeated or stray spaces.",
                            resolution="Official name kept, stored with single spaces.",
                            status="resolved",
                        )
                    )
            else:
                unmatched.append(row)
        # 2. Same name (one candidate in the province), different code.
        remaining = [o for code, o in officials.items() if code not in matched_official]
        by_name: dict[str, list[Row]] = defaultdict(list)
        for o in remaining:
            by_name[compact(o.name)].append(o)
        still = []
        for row in unmatched:
            candidates = [
                o for o in by_name.get(compact(row.name), []) if o.code not in matched_official
            ]
            if len(candidates) == 1:
                o = candidates[0]
                matched_official.add(o.code)
                result.commune_match[(province, row.code)] = o.code
                result.add(
                    Conflict(
                        "commune_code_differs",
                        f"commune_code:{province}:{row.code}",
                        province_code=province,
                        official_code=o.code,
                        official_name=o.name,
                        other_code=row.code,
                        other_name=row.name,
                        detail=f"vietnamadminunits gives code {row.code}, the official list {o.code}.",
                        resolution=f"Official code {o.code} kept; the mapping's code {row.code} is "
                        "translated to it.",
                        status="resolved",
                    )
                )
            else:
                still.append(row)
        # 3. Same code, different name.
        for row in still:
            o = officials.get(row.code)
            if o and o.code not in matched_official:
                matched_official.add(o.code)
                result.commune_match[(province, row.code)] = o.code
                result.add(
                    Conflict(
                        "commune_name_differs",
                        f"commune_name:{o.code}",
                        province_code=province,
                        official_code=o.code,
                        official_name=o.name,
                        other_code=row.code,
                        other_name=row.name,
                        detail=f"Code {o.code}: '{row.name}' in vietnamadminunits, '{o.name}' officially.",
                        resolution="Official name kept; matched by code.",
                        status="resolved",
                    )
                )
            else:
                result.add(
                    Conflict(
                        "commune_not_official",
                        f"commune_not_official:{province}:{row.code}",
                        province_code=province,
                        other_code=row.code,
                        other_name=row.name,
                        resolution="Not imported: no official commune with this code or name in the "
                        "province.",
                        status="open",
                    )
                )
        for code, o in sorted(officials.items()):
            if code not in matched_official:
                result.add(
                    Conflict(
                        "commune_missing_in_mapping",
                        f"commune_missing_in_mapping:{code}",
                        province_code=province,
                        official_code=code,
                        official_name=o.name,
                        resolution="Imported from the official list; vietnamadminunits has no "
                        "matching commune.",
                        status="open",
                    )
                )


def _check_name_keys(sources: Sources, result: Reconciliation) -> None:
    """Name keys should be lower-case ASCII; some keep Vietnamese letters and miss a naive join."""
    seen: set[str] = set()
    keys: list[str] = []
    for row in sources.mapping_communes:
        keys.append(row.key)
    converter = sources.converter
    for wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].values():
        for new_key, old_keys in wards.items():
            keys.append(new_key)
            keys.extend(old_keys)
    for divided in converter["DICT_PROVINCE_WARD_DIVIDED"].values():
        for old_key, targets in divided.items():
            keys.append(old_key)
            keys.extend(t["newWardKey"] for t in targets)
    for key in keys:
        if key in seen or key.isascii():
            continue
        seen.add(key)
        result.add(
            Conflict(
                "name_key_not_ascii",
                f"name_key:{key}",
                other_name=key,
                detail="A name key keeps Vietnamese letters; the other keys are ASCII.",
                resolution=f"Normalized to '{normalize_key(key)}' before joining.",
                status="resolved",
            )
        )
