"""Huge ids in page URLs and query parameters (issue 7, finding 3): a 404 or a 400, not a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "path",
    [f"/units/{HUGE}/", f"/plans/{HUGE}/", f"/plans/{HUGE}/apply/", "/units/0/", "/units/-1/"],
)
def test_a_huge_id_in_a_page_url_is_not_found(province_admin, path):
    assert province_admin.browser().get(path).status_code == 404


@pytest.mark.parametrize(
    "query",
    [f"?root={HUGE}", "?root=-5", "?root=abc", f"?root=1&as_of={HUGE}", "?as_of=2027-02-30"],
)
def test_a_huge_or_malformed_query_parameter_is_refused_not_a_500(province_admin, query):
    for path in ("/", "/tree/"):
        response = province_admin.browser().get(path + query)
        assert response.status_code in (200, 400, 404), (path + query, response.status_code)


def test_the_largest_id_the_databases_hold_is_simply_not_found(province_admin):
    assert province_admin.browser().get(f"/units/{2**63 - 1}/").status_code == 404
    assert province_admin.browser().get(f"/units/{10**18 - 1}/").status_code == 404
