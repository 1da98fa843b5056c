from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "tinhgon.coordination"
    label = "coordination"
    verbose_name = _("Coordination")

    def ready(self) -> None:
        from tinhgon.coordination import carriers_reports

        carriers_reports.register_all()  # report duties, obstacles; the obstacles' job part
