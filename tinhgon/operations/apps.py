from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """What orchestrates several apps: the national import with the 2025 plan, the benchmarks.

    The top layer: it may use every app below it, and nothing below imports it.
    """

    name = "tinhgon.operations"
    label = "operations"
    verbose_name = _("Operations")
