"""How memberships follow a unit through a reorganization: to the default successor.

The membership in the closed unit ends the day before; a copy in the successor starts on the
effective date. So the officials of merged communes work in the new commune, and nobody keeps
access to a closed unit.
"""

from __future__ import annotations

from tinhgon.carriers.contract import DatedRowsCarrier


class MembershipsCarrier(DatedRowsCarrier):
    name = "memberships"
    table = "accounts_membership"
    column = "unit_id"
    copied = ("user_id", "role")
    overrides = {"created_at": "%(now)s"}
