"""Template tags of the one design: the authority's name in the header, the current menu entry."""

from __future__ import annotations

import unicodedata

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def authority() -> str:
    return settings.TINHGON_AUTHORITY


@register.simple_tag(takes_context=True)
def current(context: template.Context, *names: str) -> SafeString | str:
    """' aria-current="page"' on the menu entry of the page's section ("units", "reports:apparatus")."""
    request: HttpRequest | None = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    here = {match.namespace, f"{match.namespace}:{match.url_name}", match.view_name}
    return mark_safe(' aria-current="page"') if here & set(names) else ""


@register.filter
def nfc(value: str) -> str:
    """Text in composed Unicode (Django writes "Tiếng Việt" with combining accents, which search
    and screen readers then fail to match)."""
    return unicodedata.normalize("NFC", str(value))
