"""The real 2025 rearrangement as a plan, built from the mapping shipped in vietnamadminunits.

Provinces: the official code decides who absorbs (Tuyên Quang absorbs Hà Giang); a province
merged with none continues. Communes: every official commune is a consolidation of the legacy
communes whose whole territory it took, plus the divided legacy communes it is the default
successor of; the other successors of a divided commune receive a part of it. The district
level is abolished. Codes, names and kinds come from the official list (`vietnam-provinces`);
the mapping package's own codes and names are reconciled against it (see the import report).
"""

from __future__ import annotations

from collections import defaultdict

from tinhgon.reorg.spec import LegalBasis, NewUnit, PlanSpec, Step
from tinhgon.units.kinds import KINDS_BY_LEVEL, Level
from tinhgon.units.national import REFORM_DAY, Reconciliation, Sources, load_sources, reconcile

TITLE = "Sắp xếp đơn vị hành chính các cấp năm 2025 (chính quyền địa phương hai cấp)"
LEGAL_BASIS = LegalBasis(
    number="202/2025/QH15; 1654-1687/NQ-UBTVQH15",
    issuer="Quốc hội; Ủy ban Thường vụ Quốc hội",
)


def build_2025_plan(
    sources: Sources | None = None, reconciliation: Reconciliation | None = None
) -> PlanSpec:
    sources = sources or load_sources()
    reconciliation = reconciliation or reconcile(sources)
    converter = sources.converter
    steps: list[Step] = []

    def add(step: Step) -> None:
        step.number = len(steps) + 1
        steps.append(step)

    legacy_province_by_key = {r.key: r for r in sources.legacy_provinces}
    mapping_province_by_key = {r.key: r for r in sources.mapping_provinces}
    official_province = {r.code: r for r in sources.official_provinces}
    province_ref: dict[str, str] = {}  # official province code -> reference for its communes
    for new_key, legacy_keys in sorted(converter["DICT_PROVINCE"].items()):
        official = official_province[mapping_province_by_key[new_key].code]
        legacy = [legacy_province_by_key[k] for k in legacy_keys]
        keeper = next((p for p in legacy if p.code == official.code), None)
        if keeper is None:
            add(
                Step(
                    0,
                    "consolidate",
                    sources=[p.code for p in legacy],
                    target=NewUnit(official.code, official.name, official.kind),
                )
            )
            province_ref[official.code] = "new:" + official.code
            continue
        province_ref[official.code] = keeper.code
        others = [p.code for p in legacy if p is not keeper]
        if others:
            add(Step(0, "absorb", sources=others, into=keeper.code))
        if keeper.name != official.name:
            add(Step(0, "rename", unit=keeper.code, name=official.name))
        if keeper.kind != official.kind:
            add(Step(0, "reclassify", unit=keeper.code, kind=official.kind))

    legacy_code = {r.key: r.code for r in sources.legacy_communes}
    # Island districts without communes appear in the mapping as "<province>_<district>_".
    for district in sources.districts_without_communes:
        province = next(p for p in sources.legacy_provinces if p.code == district.province_code)
        legacy_code[f"{province.key}_{district.key}_"] = district.code
    mapping_by_key = {(r.province_code, r.key): r for r in sources.mapping_communes}
    official_commune = {r.code: r for r in sources.official_communes}

    def official_of(province_key: str, ward_key: str):  # type: ignore[no-untyped-def]
        province_code = mapping_province_by_key[province_key].code
        row = mapping_by_key[(province_code, ward_key)]
        return official_commune[reconciliation.commune_match[(province_code, row.code)]]

    whole: dict[str, list[str]] = defaultdict(list)  # official code -> legacy codes
    parts: dict[str, list[str]] = defaultdict(list)
    for province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, legacy_keys in wards.items():
            whole[official_of(province_key, ward_key).code] += [legacy_code[k] for k in legacy_keys]
    for province_key, divided in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for legacy_key, targets in divided.items():
            for target in targets:
                code = official_of(province_key, target["newWardKey"]).code
                bucket = whole if target["isDefaultNewWard"] else parts
                bucket[code].append(legacy_code[legacy_key])
    for official in sorted(sources.official_communes, key=lambda r: (r.province_code, r.code)):
        add(
            Step(
                0,
                "consolidate",
                sources=whole.get(official.code, []),
                parts=parts.get(official.code, []),
                target=NewUnit(
                    official.code,
                    official.name,
                    official.kind,
                    parent=province_ref[official.province_code],
                ),
            )
        )
    add(
        Step(
            0,
            "abolish_level",
            kinds=sorted(KINDS_BY_LEVEL[Level.DISTRICT]),
            note="Chính quyền địa phương hai cấp: bỏ cấp huyện",
        )
    )
    return PlanSpec(title=TITLE, effective_date=REFORM_DAY, legal_basis=LEGAL_BASIS, steps=steps)
