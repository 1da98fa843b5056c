"""Pages of accounts: the login page again when django-axes locks a login out."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext

from tinhgon.core.errors import DomainError
from tinhgon.core.views import render_refusal


def login_locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The login page, status 429, the username kept and the wait in minutes on top
    (AXES_LOCKOUT_CALLABLE): the same page in the one design, not django-axes' English one."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    error = DomainError(
        ngettext(
            "Too many wrong passwords for this username from this address: logging in is "
            "locked for %(minutes)d minute. Try again later, or ask an administrator.",
            "Too many wrong passwords for this username from this address: logging in is "
            "locked for %(minutes)d minutes. Try again later, or ask an administrator.",
            minutes,
        )
        % {"minutes": minutes},
        code="locked_out",
        status=429,
    )
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    return render_refusal(
        request,
        error,
        template="accounts/login.html",
        context={"next": request.POST.get("next", "")},
        form=form,
    )
