"""The JSON API: one NinjaAPI, session or token authentication, one error shape."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from tinhgon.accounts.auth import SessionAuth, TokenAuth
from tinhgon.core.errors import DomainError

api = NinjaAPI(
    title="tinhgon API",
    version="1",
    description="Registry of the public apparatus, its history and its figures.",
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
    urls_namespace="api",
)


def _error(
    request: HttpRequest, status: int, code: str, message: str, problems=None
) -> HttpResponse:
    return api.create_response(
        request,
        {"error": {"code": code, "message": message, "problems": problems or []}},
        status=status,
    )


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", [])]
        # ("body", "payload", "name") -> "name"; ("query", "as_of") -> "as_of"
        field = ".".join(
            p for p in location if p not in {"body", "query", "path", "payload", "form"}
        )
        problems.append({"field": field or None, "message": error.get("msg", "invalid")})
    return _error(request, 422, "invalid", "The request is not valid.", problems)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", "Log in or send a valid API token.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "http_error", str(exc))


api.add_router("/units", "tinhgon.units.api.router")
api.add_router("/reports", "tinhgon.reports.api.router")
api.add_router("/accounts", "tinhgon.accounts.api.router")
api.add_router("/plans", "tinhgon.reorg.api.router")
