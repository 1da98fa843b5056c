"""The JSON API: one NinjaAPI, session or token authentication, one error shape."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from tinhgon.accounts.auth import SessionAuth, TokenAuth
from tinhgon.core.errors import DomainError

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "problems"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "problems": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["message"],
                        "properties": {
                            "message": {"type": "string"},
                            "field": {"type": "string"},
                            "row": {"type": "integer"},
                            "column": {"type": "string"},
                            "step": {"type": "integer"},
                            "line": {"type": "integer"},
                        },
                    },
                },
            },
        }
    },
}
ERROR_STATUSES = {
    "400": "The request was refused (the problems say where and why)",
    "401": "Not authenticated",
    "403": "Not allowed in your scope or role",
    "404": "Not found, or outside your scope",
    "405": "Method not allowed",
    "409": "Conflict with the current state (e.g. a plan already applied)",
    "413": "The file or request body is too large (TINHGON_MAX_UPLOAD_BYTES)",
    "422": "The request does not validate",
    "429": "Too many attempts (the portal's second factor): wait and try again",
}


class TinhgonAPI(NinjaAPI):
    """Documents the one error shape on every operation, so clients can rely on it."""

    def validation_error_from_error_contexts(self, error_contexts):  # type: ignore[no-untyped-def]
        """As ninja's, keeping a short scalar input so that the message can name the value."""
        errors = []
        for context in error_contexts:
            model = context.model
            for error in context.pydantic_validation_error.errors(include_url=False):
                value = error.pop("input", None)
                location = model.__ninja_flatten_map_reverse__.get(error["loc"], error["loc"])
                error["loc"] = (model.__ninja_param_source__, *location)
                if isinstance(value, str | int | float) and not isinstance(value, bool):
                    error["value"] = str(value)[:60]
                if isinstance((error.get("ctx") or {}).get("error"), Exception):
                    error["ctx"]["error"] = str(error["ctx"]["error"])
                errors.append(dict(error))
        return ValidationError(errors)

    def get_openapi_schema(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        reference = {"$ref": "#/components/schemas/Error"}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                # ninja keys its own responses by number, openapi_extra by text: one key each,
                # or the JSON document has "200" twice and Swagger UI draws no operation.
                for status in [s for s in responses if not isinstance(s, str)]:
                    described = responses.pop(status)
                    responses.setdefault(str(status), described)
                for status, description in ERROR_STATUSES.items():
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {"application/json": {"schema": reference}},
                        },
                    )
        return schema


api = TinhgonAPI(
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


def _reason(error: dict) -> str:
    """What is wrong with one value, in the language of the request (pydantic speaks English)."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    shown = error.get("value", "")
    if kind == "missing":
        return _("required")
    if kind == "enum":
        return _("'%(value)s' is not one of: %(expected)s") % {
            "value": shown,
            "expected": str(ctx.get("expected", "")).replace("'", ""),
        }
    if kind == "string_pattern_mismatch":
        return _("'%(value)s' is not written as expected (%(pattern)s)") % {
            "value": shown,
            "pattern": ctx.get("pattern", ""),
        }
    if kind == "string_too_long":
        return _("at most %(max)s characters") % {"max": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("at least %(min)s characters") % {"min": ctx.get("min_length")}
    if kind in ("too_long", "too_short"):
        return _("between %(min)s and %(max)s items") % {
            "min": ctx.get("min_length", 0),
            "max": ctx.get("max_length", "…"),
        }
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _("out of range")
    if kind.startswith("int") or kind.startswith("float"):
        return _("a number is expected")
    if kind.startswith("date") or "date" in str(error.get("msg", "")).lower():
        return _("a date is written YYYY-MM-DD")
    if kind.startswith("bool"):
        return _("true or false is expected")
    return _("not valid")


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", [])]
        # ("body", "payload", "name") -> "name"; ("query", "as_of") -> "as_of"
        field = ".".join(
            p for p in location if p not in {"body", "query", "path", "payload", "form"}
        )
        problem = {"message": _reason(error)}
        if field:
            problem["field"] = field
        problems.append(problem)
    return _error(request, 422, "invalid", _("The request is not valid."), problems)


@api.exception_handler(OverflowError)
def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    # An id or number beyond what the database stores names nothing that exists.
    return _error(request, 422, "invalid", _("A number in the request is out of range."))


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", _("Log in or send a valid API token."))


# django-ninja's own refusals (English) in the request's language.
_NINJA_MESSAGES = {
    "CSRF check Failed": (
        "csrf_failed",
        gettext_lazy("Log in again or send a valid API token (the form's security check failed)."),
    ),
    "Method Not Allowed": ("method_not_allowed", gettext_lazy("This method is not allowed here.")),
}


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    text = str(exc)
    if text.startswith("Cannot parse request body"):
        return _error(
            request, exc.status_code, "unreadable_body", _("The request body is not valid JSON.")
        )
    code, message = _NINJA_MESSAGES.get(text, ("http_error", text))
    return _error(request, exc.status_code, code, str(message))


@api.exception_handler(MultiPartParserError)
def on_broken_upload(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return _error(
        request,
        400,
        "unreadable_body",
        _("The upload could not be read: send it as multipart/form-data with its file."),
    )


api.add_router("/units", "tinhgon.units.api.router")
api.add_router("/reports", "tinhgon.reports.api.router")
api.add_router("/accounts", "tinhgon.accounts.api.router")
api.add_router("/plans", "tinhgon.reorg.api.router")
api.add_router("/services", "tinhgon.publicservices.api.router")
api.add_router("/portal", "tinhgon.publicservices.portal_api.router")
api.add_router("/staff", "tinhgon.staffing.api.router")
api.add_router("/coord", "tinhgon.coordination.api.router")
api.add_router("/integrity", "tinhgon.integrity.api.router")
api.add_router("/equipment", "tinhgon.equipment.api.router")
api.add_router("/commendations", "tinhgon.commendations.api.router")
