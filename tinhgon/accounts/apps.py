from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tinhgon.accounts"
    label = "accounts"
    verbose_name = _("Accounts and scope")

    def ready(self) -> None:
        from tinhgon.accounts.carriers import MembershipsCarrier
        from tinhgon.carriers.contract import register

        register(MembershipsCarrier())
