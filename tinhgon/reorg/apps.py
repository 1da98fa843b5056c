from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReorgConfig(AppConfig):
    name = "tinhgon.reorg"
    label = "reorg"
    verbose_name = _("Reorganization plans")

    def ready(self) -> None:
        from tinhgon.carriers.contract import register
        from tinhgon.core.panels import register_panel
        from tinhgon.reorg.carriers import ChildUnitsCarrier
        from tinhgon.reorg.dashboard import plan_titles, plans_panel
        from tinhgon.reorg.routing import refuse_units_in_transit
        from tinhgon.units.selectors import register_plan_titles
        from tinhgon.units.services import register_guard

        register(ChildUnitsCarrier())
        register_guard(refuse_units_in_transit)
        # The home page's plans panel and the plans' titles in lineage: both read from below.
        register_panel(plans_panel)
        register_plan_titles(plan_titles)
        # Approved plans apply on their date by the scheduled job (`tinhgon jobs run`), so that
        # records follow their units that day and not before.
        from tinhgon.core.jobs import register_part
        from tinhgon.reorg.services import apply_due_now

        register_part("plans_applied", apply_due_now)
