from django.contrib import admin

from tinhgon.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "unit_id"]
    list_filter = ["action"]
    readonly_fields = ["at", "actor", "action", "unit_id", "data"]
