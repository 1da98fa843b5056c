"""How memberships follow a unit through a reorganization: to the unit's successor.

The membership in the closed unit ends the day before; a copy in the successor starts on the
effective date. So the officials of merged communes work in the new commune, and nobody keeps
access to a closed unit.
"""

from __future__ import annotations

from tinhgon.accounts.models import Membership
from tinhgon.carriers.contract import DatedUnitRowsCarrier


class MembershipsCarrier(DatedUnitRowsCarrier):
    name = "memberships"
    model = Membership
    overrides = {"created_at": "%(now)s"}
