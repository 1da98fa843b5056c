from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tinhgon.accounts"
    label = "accounts"
    verbose_name = _("Accounts and scope")

    def ready(self) -> None:
        from tinhgon.accounts import access
        from tinhgon.accounts.carriers import MembershipsCarrier
        from tinhgon.carriers.contract import register
        from tinhgon.units import access as registry_access

        register(MembershipsCarrier())
        # The registry's pages and endpoints apply these rules without importing this app.
        registry_access.register(access)
