"""Error pages and error summaries: the API's paths answer in the API's JSON error shape, pages in
HTML with a title that says what happened (not found, not allowed, not valid) and, where the
page had a form, the same form again with what was typed and a summary of the problems on top."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.core.errors import DomainError, Problem

# A plan of 13,757 problems once made a page 310,000 px tall: the first ones are enough to start.
SUMMARY_LIMIT = 50

TITLES = {
    400: gettext_lazy("The request is not valid"),
    401: gettext_lazy("Log in first"),
    403: gettext_lazy("You may not do this"),
    404: gettext_lazy("Not found"),
    409: gettext_lazy("This cannot be done now"),
    413: gettext_lazy("The file is too large"),
    429: gettext_lazy("Too many attempts"),
}


def error_title(status: int) -> str:
    return str(TITLES.get(status, gettext_lazy("The request was refused")))


@dataclass(frozen=True)
class SummaryItem:
    message: str
    # "#id_file": the field the problem is about, when the page shows that field.
    href: str | None = None


@dataclass(frozen=True)
class ErrorSummary:
    title: str
    message: str
    items: list[SummaryItem]
    more: int  # problems beyond SUMMARY_LIMIT, counted, not listed


def problem_text(problem: Problem) -> str:
    """Where the problem is (step, line, row, column, field) and what it is, in the page's
    language (Problem's own str() is for the command line)."""
    where = []
    if problem.step is not None:
        where.append(_("step %(n)s") % {"n": problem.step})
    if problem.line is not None:
        where.append(_("line %(n)s") % {"n": problem.line})
    if problem.row is not None:
        where.append(_("row %(n)s") % {"n": problem.row})
    if problem.column is not None:
        where.append(_("column %(name)s") % {"name": problem.column})
    if problem.field is not None:
        where.append(_("field '%(name)s'") % {"name": problem.field})
    return f"{', '.join(where)}: {problem.message}" if where else problem.message


def error_summary(
    *, error: DomainError | None = None, form: forms.Form | None = None, limit: int = SUMMARY_LIMIT
) -> ErrorSummary | None:
    """The problems of a refused request and of a form, each linked to its field when the page
    shows that field; None when there is nothing to say."""
    fields = set(form.fields) if form is not None else set()
    items: list[SummaryItem] = []
    if form is not None and form.is_bound:
        for name, messages in form.errors.items():
            href = f"#{form[name].auto_id}" if name in fields else None
            items.extend(SummaryItem(str(message), href) for message in messages)
    if error is not None:
        for problem in error.problems:
            href = None
            if problem.field in fields and form is not None:
                href = f"#{form[problem.field].auto_id}"
            items.append(SummaryItem(problem_text(problem), href))
    if error is None and not items:
        return None
    status = error.status if error is not None else 400
    message = error.message if error is not None else _("Check the fields marked below.")
    return ErrorSummary(
        title=error_title(status),
        message=message,
        items=items[:limit],
        more=max(0, len(items) - limit),
    )


def render_refusal(
    request: HttpRequest,
    error: DomainError,
    *,
    template: str = "error.html",
    context: dict[str, Any] | None = None,
    form: forms.Form | None = None,
) -> HttpResponse:
    """The page for a refused request, with the error's status.

    By default a page of its own, titled by the status (not found, not allowed, not valid). Give
    the page's own `template` and `context` (and its bound `form`) to show the same page again,
    with what was typed and the error summary above it (base.html draws the summary).
    """
    page = {
        **(context or {}),
        "error": error,
        "error_summary": error_summary(error=error, form=form),
    }
    if form is not None:
        page["form"] = form
    return render(request, template, page, status=error.status)


def render_invalid_form(
    request: HttpRequest,
    template: str,
    form: forms.Form,
    context: dict[str, Any] | None = None,
    *,
    also: forms.Form | None = None,
) -> HttpResponse:
    """The same page again, status 400, with the form's errors summarized above it (and those
    of a second form of the same page, `also`, first)."""
    summary = error_summary(form=form)
    if also is not None and also.errors:
        first = error_summary(form=also)
        if first is not None:
            items = first.items + (summary.items if summary else [])
            summary = ErrorSummary(
                title=first.title,
                message=first.message,
                items=items[:SUMMARY_LIMIT],
                more=max(0, len(items) - SUMMARY_LIMIT),
            )
    return render(
        request,
        template,
        {**(context or {}), "form": form, "error_summary": summary},
        status=400,
    )


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _api_error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": code, "message": message, "problems": []}}, status=status
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api_error("not_found", _("No such endpoint."), 404)
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A request Django could not read (a broken multipart body, a suspicious header)."""
    message = _("The request could not be read: send the form or the file again.")
    if _is_api(request):
        return _api_error("bad_request", message, 400)
    return render_refusal(request, DomainError(message, code="bad_request", status=400))


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _("You may not do this.")
    if _is_api(request):
        return _api_error("forbidden", message, 403)
    return render_refusal(request, DomainError(message, code="forbidden", status=403))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The form's security check failed (an old page, or cookies refused): in the user's
    language, with what to do, never Django's English page."""
    message = _(
        "The form has expired or your browser refused its security cookie: go back, reload the "
        "page and send it again."
    )
    if _is_api(request):
        return _api_error("csrf_failed", message, 403)
    return render_refusal(request, DomainError(message, code="csrf_failed", status=403))


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _api_error("server_error", _("Internal error."), 500)
    return render(request, "500.html", status=500)
