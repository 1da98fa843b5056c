from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EquipmentConfig(AppConfig):
    name = "tinhgon.equipment"
    label = "equipment"
    verbose_name = _("Equipment and premises")

    def ready(self) -> None:
        # -- carriers (inventory, premises) and the preview panel: setup.register_all() -------
        from tinhgon.equipment import setup

        setup.register_all()
