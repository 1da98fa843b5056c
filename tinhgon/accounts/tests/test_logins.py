"""Login throttling (issue 7, finding 2: "40 wrong passwords, then the right one works")."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tinhgon.accounts import services as accounts

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-login-password"


@pytest.fixture
def official(db):
    return accounts.user_create(actor=None, username="official", password=PASSWORD)


def log_in(client: Client, password: str, *, username: str = "official", address="10.0.0.1"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_the_right_password_logs_in(official):
    client = Client()
    response = log_in(client, PASSWORD)
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user == official


def test_forty_wrong_passwords_lock_the_account_even_against_the_right_one(official):
    client = Client()
    for _attempt in range(40):
        assert log_in(client, "wrong-password").status_code in (200, 429)
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_the_lockout_page_is_the_login_page_in_vietnamese_with_the_wait(official):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong-password")
    response = log_in(client, PASSWORD)
    page = response.content.decode()
    assert response.status_code == 429
    assert "Quá nhiều lần thử" in page  # the title: "Too many attempts"
    assert f"{settings.AXES_COOLOFF_TIME.seconds // 60} phút" in page
    assert 'value="official"' in page  # the username kept
    assert "Too many" not in page and "Account locked" not in page


def test_wrong_passwords_below_the_limit_do_not_lock(official):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "wrong-password").status_code == 200
    assert log_in(client, PASSWORD).status_code == 302


def test_a_lockout_holds_one_username_from_one_address_only(official):
    accounts.user_create(actor=None, username="colleague", password=PASSWORD)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(Client(), "wrong-password")
    assert log_in(Client(), PASSWORD, address="10.0.0.2").status_code == 302
    assert log_in(Client(), PASSWORD, username="colleague").status_code == 302


def test_a_locked_out_user_still_reaches_the_api_with_a_token(official):
    _token, secret = accounts.token_create(actor=None, user=official, name="script")
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        log_in(Client(), "wrong-password")
    response = Client().get("/api/accounts/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.json()["username"] == "official"
