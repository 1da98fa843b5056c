from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tinhgon.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "unit"]
    list_filter = ["action"]
    readonly_fields = ["at", "actor", "action", "unit", "data"]

    @admin.display(description=_("unit"), ordering="unit_id")
    def unit(self, event: AuditEvent) -> str:
        # An id, not a quantity: "987654", never "987.654" (pages group thousands in Vietnamese).
        return "" if event.unit_id is None else str(event.unit_id)
