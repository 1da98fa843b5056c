"""The unit page (units app) shows the equipment of a ward's agencies against the standards,
through the sections registry, to those who read the ward; nothing to those who do not."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tinhgon.equipment.tests.factories import item
from tinhgon.units import selectors as units

pytestmark = pytest.mark.django_db


def test_the_wards_page_lists_its_centre_short_of_scanners_with_a_link(
    chieng_an, commune_official, other_commune_official
):
    centre = units.versions_on(timezone.localdate()).get(code=f"{chieng_an.code}-TTHCC")
    item(centre.unit_id, "scanner", 1)
    page = commune_official.browser().get(f"/units/{chieng_an.unit_id}/").content.decode()
    assert 'id="equipment-section-title"' in page
    assert f"/equipment/units/{centre.unit_id}/" in page and "Máy quét tài liệu" in page
    elsewhere = other_commune_official.browser().get(f"/units/{chieng_an.unit_id}/")
    assert 'id="equipment-section-title"' not in elsewhere.content.decode()


def test_a_unit_with_no_standard_and_no_inventory_has_no_equipment_section(son_la, province_admin):
    page = province_admin.browser().get(f"/units/{son_la.unit_id}/").content.decode()
    assert 'id="equipment-section-title"' not in page
