"""Plain dictionaries of registry records, shared by the API, the commands and the exports."""

from __future__ import annotations

from tinhgon.units.kinds import KIND_INFO, Kind
from tinhgon.units.models import UnitVersion


def version_dict(version: UnitVersion) -> dict:
    return {
        "id": version.unit_id,
        "code": version.code,
        "name": version.name,
        "kind": version.kind,
        "kind_label": str(Kind(version.kind).label),
        "category": KIND_INFO[version.kind].category,
        "level": version.level,
        "parent_id": version.parent_id,
        "admin_unit_id": version.admin_unit_id,
        "province_id": version.province_id,
        "valid_from": version.valid_from.isoformat() if version.valid_from else None,
        "valid_to": version.valid_to.isoformat() if version.valid_to else None,
        "source": version.source,
    }
