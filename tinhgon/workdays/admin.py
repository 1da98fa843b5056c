from django.contrib import admin

from tinhgon.workdays.models import DayException


@admin.register(DayException)
class DayExceptionAdmin(admin.ModelAdmin):
    """The yearly decision, day by day (the admin site is for superusers only)."""

    list_display = ["day", "kind", "reason", "source", "updated_at"]
    list_filter = ["kind"]
    date_hierarchy = "day"
    search_fields = ["reason", "source"]
    ordering = ["-day"]
