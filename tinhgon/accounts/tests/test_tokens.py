"""API tokens expire, and their owner lists and revokes them through the API (issue 7,
finding 5: "tokens never expire and cannot be listed or revoked")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tinhgon.accounts import services as accounts
from tinhgon.accounts.models import ApiToken
from tinhgon.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_a_new_token_expires_after_the_configured_days(commune_official, settings):
    settings.TINHGON_TOKEN_DAYS = 90
    token, _secret = accounts.token_create(actor=None, user=commune_official.user, name="x")
    assert token.expires_at - token.created_at == pytest.approx(
        dt.timedelta(days=90), abs=dt.timedelta(seconds=5)
    )


def test_an_expired_token_is_refused_with_401(commune_official):
    token, secret = accounts.token_create(actor=None, user=commune_official.user, name="x")
    assert bearer(secret).get("/api/accounts/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = bearer(secret).get("/api/accounts/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_the_owner_lists_their_tokens_without_secrets(commune_official, observer):
    accounts.token_create(actor=None, user=commune_official.user, name="báo cáo")
    response = commune_official.api().get("/api/accounts/tokens")
    assert response.status_code == 200
    tokens = response.json()
    assert sorted(t["name"] for t in tokens) == ["báo cáo", "test"]
    assert all(t["active"] and t["prefix"].startswith("tg_") for t in tokens)
    assert commune_official.token not in response.content.decode()
    assert set(tokens[0]) == {
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
        "active",
    }
    # Someone else's tokens are not listed.
    assert [t["name"] for t in observer.api().get("/api/accounts/tokens").json()] == ["test"]


def test_the_owner_revokes_a_token_which_then_answers_401(commune_official):
    token, secret = accounts.token_create(actor=None, user=commune_official.user, name="script")
    response = commune_official.api().delete(f"/api/accounts/tokens/{token.prefix}")
    assert response.status_code == 200
    assert response.json()["active"] is False and response.json()["revoked_at"]
    assert bearer(secret).get("/api/accounts/me").status_code == 401
    assert AuditEvent.objects.filter(action="token_revoke").count() == 1
    # Again: nothing changes, nothing more is recorded.
    again = commune_official.api().delete(f"/api/accounts/tokens/{token.prefix}")
    assert again.status_code == 200
    assert AuditEvent.objects.filter(action="token_revoke").count() == 1


def test_another_users_token_cannot_be_revoked_and_is_not_found(commune_official, observer):
    token, secret = accounts.token_create(actor=None, user=observer.user, name="theirs")
    response = commune_official.api().delete(f"/api/accounts/tokens/{token.prefix}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert bearer(secret).get("/api/accounts/me").status_code == 200


def test_a_malformed_prefix_is_a_4xx_in_the_error_shape(commune_official):
    response = commune_official.api().delete("/api/accounts/tokens/not-a-prefix")
    assert 400 <= response.status_code < 500
    assert "error" in response.json()
