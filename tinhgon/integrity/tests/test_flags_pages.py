"""The red flags' pages: a unit's flags with their explanation, the dossiers behind them (links
where the reader may open the dossier), the peers' figures; a dismissal with a reason and a
confirmation, for those who may write at the unit only."""

from __future__ import annotations

import pytest

from tinhgon.integrity.models import RedFlag
from tinhgon.integrity.tests.test_flags import (  # noqa: F401  (a fixture)
    clock,
    repeated_flag,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def flag(clock, chieng_an) -> RedFlag:  # noqa: F811
    return repeated_flag(chieng_an.unit_id)


def test_the_unit_page_explains_each_flag_and_links_the_dossiers_behind_it(flag, commune_official):
    page = commune_official.browser().get(f"/integrity/flags/units/{flag.unit_id}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert flag.explanation in text
    for code in flag.dossiers:
        assert f'href="/services/{code}/"' in text
    assert f'href="/integrity/flags/{flag.pk}/dismiss/"' in text
    assert f"/integrity/exports/flags.xlsx?unit={flag.unit_id}" in text


def test_an_observer_reads_the_flags_without_a_dismissal_and_a_neighbour_finds_nothing(
    flag, observer, other_commune_official
):
    page = observer.browser().get(f"/integrity/flags/units/{flag.unit_id}/")
    assert page.status_code == 200 and flag.explanation in page.content.decode()
    assert "/dismiss/" not in page.content.decode()
    assert observer.browser().get(f"/integrity/flags/{flag.pk}/dismiss/").status_code == 403
    neighbour = other_commune_official.browser()
    assert neighbour.get(f"/integrity/flags/units/{flag.unit_id}/").status_code == 404
    assert neighbour.get(f"/integrity/flags/{flag.pk}/dismiss/").status_code == 404


def test_a_dismissal_asks_the_reason_then_confirms_then_dismisses(flag, commune_official):
    browser = commune_official.browser()
    url = f"/integrity/flags/{flag.pk}/dismiss/"
    assert browser.get(url).status_code == 200
    refused = browser.post(url, {"reason": "   "})
    assert refused.status_code == 400 and "field--error" in refused.content.decode()
    confirm = browser.post(url, {"reason": "Hồ sơ thiếu giấy tờ thật"})
    assert confirm.status_code == 200 and 'name="confirmed"' in confirm.content.decode()
    flag.refresh_from_db()
    assert flag.dismissed_at is None  # not before the confirmation
    done = browser.post(url, {"reason": "Hồ sơ thiếu giấy tờ thật", "confirmed": "1"})
    assert done.status_code == 302 and done["Location"] == f"/integrity/flags/units/{flag.unit_id}/"
    flag.refresh_from_db()
    assert (flag.dismissed_by, flag.dismissed_reason) == (
        commune_official.user,
        "Hồ sơ thiếu giấy tờ thật",
    )
    listed = browser.get(done["Location"]).content.decode()
    assert flag.explanation not in listed  # dismissed ones are not listed by default
    assert flag.explanation in browser.get(done["Location"] + "?dismissed=1").content.decode()
