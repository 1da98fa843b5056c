from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "tinhgon.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # Panels of the capabilities below reports, which cannot import its registry: the
        # coordination's tasks (the engine registers its own from reorg, above reports).
        from tinhgon.coordination.dashboard import tasks_panel
        from tinhgon.reports.dashboard import Panel, register_panel

        def tasks(user, scope, today):  # type: ignore[no-untyped-def]
            found = tasks_panel(user, scope, today)
            if found is None:
                return None
            return Panel(found.title, found.template, found.context, found.warnings, found.order)

        register_panel(tasks)
