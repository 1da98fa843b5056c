from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicServicesConfig(AppConfig):
    name = "tinhgon.publicservices"
    label = "publicservices"
    verbose_name = _("Public services")

    def ready(self) -> None:
        from tinhgon.carriers.contract import register
        from tinhgon.publicservices.carriers import DossiersCarrier

        register(DossiersCarrier())
        # What follows every change of a dossier, in order: the figures' tallies, the portal's
        # outbox row (effects.register at import), then the applicant's email.
        from tinhgon.publicservices import effects, figures

        effects.register(figures.count)
        from tinhgon.publicservices import notifications, outbox  # noqa: F401
