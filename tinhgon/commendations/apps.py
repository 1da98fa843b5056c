from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommendationsConfig(AppConfig):
    name = "tinhgon.commendations"
    label = "commendations"
    verbose_name = _("Commendations")

    def ready(self) -> None:
        # The unit page's section "Commendations (including predecessors)" (units.sections).
        from tinhgon.commendations import history

        history.register_all()
        # Open proposals follow their proposing unit through a plan (carriers.py).
        from tinhgon.commendations import carriers

        carriers.register_all()
