from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffingConfig(AppConfig):
    name = "tinhgon.staffing"
    label = "staffing"
    verbose_name = _("Staffing")

    def ready(self) -> None:
        from tinhgon.carriers.contract import register, register_preview
        from tinhgon.staffing.carriers import CARRIERS, arrivals_panel

        for carrier in CARRIERS:
            register(carrier)
        register_preview(arrivals_panel)
