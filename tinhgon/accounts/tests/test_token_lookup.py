"""The bearer token's lookup, one written-out statement (accounts.services.token_authenticate):
the same answers as before: a revoked or expired token, or an inactive user's, is refused; the
last use is written at most once a minute."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tinhgon.accounts import services as accounts
from tinhgon.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def now(monkeypatch):
    moment = [timezone.now()]
    monkeypatch.setattr(timezone, "now", lambda: moment[0])
    return moment


def test_the_token_finds_its_user_with_every_field_read_as_the_orm_reads_it(commune_official):
    user = accounts.token_authenticate(secret=commune_official.token)
    orm = type(user).objects.get(pk=commune_official.user.pk)
    for field in type(user)._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(orm, field.attname), field.name


def test_an_inactive_users_token_is_refused_with_401(commune_official):
    assert bearer(commune_official.token).get("/api/accounts/me").status_code == 200
    type(commune_official.user).objects.filter(pk=commune_official.user.pk).update(is_active=False)
    assert accounts.token_authenticate(secret=commune_official.token) is None
    assert bearer(commune_official.token).get("/api/accounts/me").status_code == 401


def test_a_revoked_or_expired_token_finds_no_user(commune_official, now):
    token, secret = accounts.token_create(actor=None, user=commune_official.user, name="x", days=1)
    assert accounts.token_authenticate(secret=secret) == commune_official.user
    now[0] = token.expires_at
    assert accounts.token_authenticate(secret=secret) is None  # expired at that very moment
    now[0] = token.expires_at - dt.timedelta(seconds=1)
    assert accounts.token_authenticate(secret=secret) == commune_official.user
    accounts.token_revoke(actor=None, token=token)
    assert accounts.token_authenticate(secret=secret) is None


def test_the_last_use_is_written_at_most_once_a_minute(commune_official, now):
    token = ApiToken.objects.get(user=commune_official.user)
    start = now[0]

    def used() -> dt.datetime | None:
        return ApiToken.objects.values_list("last_used_at", flat=True).get(pk=token.pk)

    with CaptureQueriesContext(connection) as first:
        accounts.token_authenticate(secret=commune_official.token)
    assert used() == start and len(first) == 2  # the lookup, then the write
    now[0] = start + dt.timedelta(seconds=60)
    with CaptureQueriesContext(connection) as again:
        accounts.token_authenticate(secret=commune_official.token)
    assert used() == start and len(again) == 1  # the lookup only
    now[0] = start + dt.timedelta(seconds=61)
    accounts.token_authenticate(secret=commune_official.token)
    assert used() == start + dt.timedelta(seconds=61)


@pytest.mark.parametrize(
    "secret", ["", "tg_", "not-a-token", "tg_" + "x" * 43, "tg_" + "x" * 5000, "tg_\x00"]
)
def test_a_wrong_or_oversized_secret_finds_no_user(commune_official, secret):
    assert accounts.token_authenticate(secret=secret) is None


def test_a_request_looks_the_token_up_once(commune_official):
    api = bearer(commune_official.token)
    api.get("/api/accounts/me")  # the last use written
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/accounts/me").status_code == 200
    lookups = [q for q in queries.captured_queries if ApiToken._meta.db_table in q["sql"]]
    assert len(lookups) == 1
