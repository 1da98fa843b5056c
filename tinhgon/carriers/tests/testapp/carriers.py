"""Declared carriers, as a capability writes them: fields named, no SQL."""

from tinhgon.carriers.contract import DatedUnitRowsCarrier, UnitRowsCarrier
from tinhgon.carriers.tests.testapp.models import Parcel, Posting


class ParcelsCarrier(UnitRowsCarrier):
    name = "parcels"
    model = Parcel
    province_field = "province"
    admin_unit_field = "admin_unit"
    rule_field: str | None = "home"


class PostingsCarrier(DatedUnitRowsCarrier):
    name = "postings"
    model = Posting
    province_field = "province"
