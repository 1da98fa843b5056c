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

        from tinhgon.publicservices import effects, figures

        effects.register(figures.count)
