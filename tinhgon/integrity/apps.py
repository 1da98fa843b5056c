from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    name = "tinhgon.integrity"
    label = "integrity"
    verbose_name = _("Integrity")

    def ready(self) -> None:
        # -- cases (carriers, job part): registered by cases_setup.register_all() -------------
        from tinhgon.integrity import cases_jobs, cases_setup, flags_setup

        cases_setup.register_all()
        cases_jobs.register_all()  # reminders and escalation of cases (cases_jobs.py)
        # -- red flags (the effects hook of public services): flags_setup.register_all() ------
        flags_setup.register_all()
        # -- inspections (carriers, job part) ----------------------------------------------------
        import_module("tinhgon.integrity.inspections_setup").register_all()
