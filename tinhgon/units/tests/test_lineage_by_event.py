"""Lineage by event: "01/07/2025: Xã Chiềng Đen + Xã Chiềng Xôm + Phường Chiềng An → Phường Chiềng
An", each old unit with its district at the time, in both directions, and readable by the
officials of the unit the old ones became."""

from __future__ import annotations

import pytest

from tinhgon.accounts import access
from tinhgon.conftest import AFTER, BEFORE, unit
from tinhgon.core.errors import NotFound
from tinhgon.units import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def chieng_xom(db):
    return unit("Xã Chiềng Xôm", day=BEFORE)


def test_a_ward_came_from_one_event_that_names_every_commune_with_its_district(chieng_an):
    events = selectors.lineage_events(chieng_an.unit_id)
    assert events["after"] == []
    (event,) = events["before"]
    assert event.day == AFTER
    assert event.successor.unit_id == chieng_an.unit_id and event.successor.is_self
    assert event.successor.parent_name == "Tỉnh Sơn La"
    names = {p.name: p.parent_name for p in event.predecessors}
    assert names == {
        "Xã Chiềng Đen": "Thành phố Sơn La",
        "Xã Chiềng Xôm": "Thành phố Sơn La",
        "Phường Chiềng An": "Thành phố Sơn La",
    }
    assert event.plan_title and "2025" in event.plan_title


def test_a_legacy_commune_shows_the_event_it_went_into_with_its_partners(chieng_xom, chieng_an):
    events = selectors.lineage_events(chieng_xom.unit_id)
    assert events["before"] == []
    (event,) = events["after"]
    assert event.successor.unit_id == chieng_an.unit_id
    assert [p.name for p in event.predecessors if p.is_self] == ["Xã Chiềng Xôm"]
    assert len(event.predecessors) == 3


def test_the_ward_page_writes_the_event_with_its_date_and_districts(commune_official, chieng_an):
    page = commune_official.browser().get(f"/units/{chieng_an.unit_id}/").content.decode()
    came_from = page.split('id="came-from"', 1)[1].split("</section>", 1)[0]
    assert came_from.count('class="event"') == 1
    assert "01/07/2025" in came_from
    assert came_from.count("Thành phố Sơn La") == 3
    assert "Xã Chiềng Xôm" in came_from and "Xã Chiềng Đen" in came_from


def test_a_ward_official_reads_the_pages_of_the_communes_the_ward_came_from(
    commune_official, chieng_xom
):
    response = commune_official.browser().get(f"/units/{chieng_xom.unit_id}/")
    assert response.status_code == 200
    assert "Xã Chiềng Xôm" in response.content.decode()
    version = access.access_any_version(commune_official.user, chieng_xom.unit_id)
    assert version.unit_id == chieng_xom.unit_id


def test_an_official_of_another_ward_still_does_not_find_them(other_commune_official, chieng_xom):
    response = other_commune_official.browser().get(f"/units/{chieng_xom.unit_id}/")
    assert response.status_code == 404
    with pytest.raises(NotFound):
        access.access_any_version(other_commune_official.user, chieng_xom.unit_id)


def test_reading_a_predecessor_gives_no_right_to_change_it(commune_official, chieng_xom):
    with pytest.raises(NotFound):
        access.access_unit(commune_official.user, chieng_xom.unit_id, day=BEFORE, write=True)


def test_the_reasons_of_the_history_read_in_vietnamese(commune_official, chieng_an, chieng_xom):
    browser = commune_official.browser()
    ward = browser.get(f"/units/{chieng_an.unit_id}/").content.decode()
    assert "(bước " in ward and "(step " not in ward
    legacy = browser.get(f"/units/{chieng_xom.unit_id}/").content.decode()
    assert "Nhập dữ liệu toàn quốc" in legacy and "National import" not in legacy


def test_the_lineage_command_prints_the_same_events_with_their_districts():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("lineage", "Xã Chiềng Xôm", "--province", "Sơn La", stdout=out)
    text = out.getvalue()
    assert "Trở thành:" in text and "01/07/2025" in text
    assert "Xã Chiềng Xôm (03664, Thành phố Sơn La)" in text
    assert text.rstrip().endswith("→ Phường Chiềng An (03667, Tỉnh Sơn La)")
