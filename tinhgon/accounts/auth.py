"""API authentication: a bearer token, or the browser session (with CSRF)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from tinhgon.accounts.services import token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):  # type: ignore[override]
        # Looked up once per request, however many times it is asked.
        known = request.__dict__.get("_tinhgon_token")
        if known is not None and known[0] == token:
            return known[1]
        user = token_authenticate(secret=token)
        request.__dict__["_tinhgon_token"] = (token, user)
        if user is not None:
            request.user = user
        return user


class SessionAuth(NinjaSessionAuth):
    """Django's session; ninja checks the CSRF token on unsafe methods."""
