from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "tinhgon.coordination"
    label = "coordination"
    verbose_name = _("Coordination")

    def ready(self) -> None:
        from tinhgon.carriers.contract import register
        from tinhgon.coordination.carriers import CooperatorsCarrier, TasksCarrier
        from tinhgon.core.jobs import register_part

        # Tasks first: their duplicates are merged (and cooperators copied to the kept task)
        # before the cooperators move and are deduplicated.
        register(TasksCarrier())
        register(CooperatorsCarrier())
        from tinhgon.coordination import jobs

        register_part("coordination_tasks", jobs.run)
        from tinhgon.coordination.dashboard import tasks_panel
        from tinhgon.core.panels import register_panel

        register_panel(tasks_panel)

        # -- reports and obstacles (carriers_reports.py, their jobs): registered below. --------
        from tinhgon.coordination import carriers_reports

        carriers_reports.register_all()  # report duties, obstacles; the obstacles' job part
