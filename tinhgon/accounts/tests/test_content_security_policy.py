"""Every page is served under a strict Content-Security-Policy and has nothing inline that it
would block (issue 7, finding 5: "No Content-Security-Policy"). The browser tests check in
Chromium that nothing is blocked (tinhgon.browser.csp_violations)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/tree/",
    "/search/?q=chieng+an",
    "/reports/apparatus/",
    "/reports/apparatus/?from=30/06/2025&to=01/07/2025",
    "/plans/",
    "/units/999999999/",
    "/api/docs",
]


def policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()
    }


def inline_code(html: str) -> list[str]:
    """Inline scripts (a JSON data block is not run), style attributes or blocks, handlers."""
    found = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html)
        if "src=" not in tag and 'type="application/json"' not in tag
    ]
    found += re.findall(r"<style\b[^>]*>", html)
    found += re.findall(r"<[^>]+\sstyle=\"[^>]*>", html)
    found += re.findall(r"<[^>]+\son[a-z]+=\"[^>]*>", html)
    found += re.findall(r"href=\"javascript:", html)
    return found


def test_the_login_page_is_served_under_a_strict_policy():
    response = Client().get("/accounts/login/")
    rules = policy(response)
    assert rules["default-src"] == "'self'"
    assert rules["script-src"] == "'self'"
    assert rules["style-src"] == "'self'"
    assert rules["frame-ancestors"] == "'none'"
    assert rules["object-src"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert inline_code(response.content.decode()) == []


@pytest.mark.parametrize("address", PAGES)
def test_every_page_has_the_policy_and_nothing_inline_it_would_block(province_admin, address):
    response = province_admin.browser().get(address)
    assert response.status_code in (200, 404)
    assert policy(response)["default-src"] == "'self'"
    assert inline_code(response.content.decode()) == []


def test_the_api_answers_under_the_policy_too(province_admin):
    response = province_admin.api().get("/api/accounts/me")
    assert response.status_code == 200
    assert policy(response)["frame-ancestors"] == "'none'"


def test_a_page_with_an_inline_script_is_found_by_the_check():
    # The check itself: it would see the inline code a template might bring back.
    assert inline_code('<script>alert(1)</script><p style="x">') != []
    assert inline_code('<script src="/static/x.js"></script>') == []
