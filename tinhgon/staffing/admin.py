"""The admin of people, for superusers (the site allows no one else: urls.py). Records of people
change through the services (they keep the seats, the quotas' caps and the sealed numbers right),
so most of it reads only; the sealed identity number and its digest are never shown, only the
masked number. The other parts of staffing (rules, figures, placement) have their
own admin needs: the lead registers them here when they land."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tinhgon.staffing.models import (
    Assignment,
    Official,
    Position,
    Quota,
    Training,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Official)
class OfficialAdmin(ReadOnly):
    list_display = ["full_name", "masked_number", "unit_id", "category", "status", "synthetic"]
    list_filter = ["category", "status", "synthetic"]
    search_fields = ["full_name", "national_id_last"]
    # Never the sealed number, its digest or the other personal fields.
    fields = (
        "full_name",
        "masked_number",
        "unit",
        "category",
        "rank",
        "level",
        "field",
        "hire_date",
        "status",
        "synthetic",
    )
    readonly_fields = fields

    @admin.display(description=_("identity number"))
    def masked_number(self, official: Official) -> str:
        return official.national_id_masked


@admin.register(Position)
class PositionAdmin(ReadOnly):
    list_display = ["code", "title", "unit_id", "category", "seats", "valid_from", "valid_to"]
    list_filter = ["group", "category", "synthetic"]
    search_fields = ["code", "title"]


@admin.register(Quota)
class QuotaAdmin(ReadOnly):
    list_display = ["unit_id", "year", "category", "count", "decision", "synthetic"]
    list_filter = ["year", "category", "synthetic"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnly):
    list_display = ["official_id", "position_id", "unit_id", "valid_from", "valid_to"]


@admin.register(Training)
class TrainingAdmin(ReadOnly):
    list_display = ["official_id", "course", "start", "end", "result"]
    list_filter = ["result"]
