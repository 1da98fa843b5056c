from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarriersConfig(AppConfig):
    """The carrier contract: how a capability's records follow a unit through a reorganization.

    It sits between the registry (units) and the capabilities; the engine (reorg) drives it.
    """

    name = "tinhgon.carriers"
    label = "carriers"
    verbose_name = _("Record carriers")
