"""What the staff pages offer a user, by the rules of `tinhgon.staffing.access`:
`{% load staff_access %}{% if user|may_import_staff %}…{% endif %}`."""

from __future__ import annotations

from typing import Any

from django import template

from tinhgon.staffing import access

register = template.Library()


@register.filter
def may_import_staff(user: Any) -> bool:
    return access.may_import(user)
