"""The preview names each carrier by its model's plural: Django writes an English "s" after a
Vietnamese word ("cán bộs") when a model sets a singular without a plural, and two carriers of
one model would read alike ("vụ việc" twice)."""

from __future__ import annotations

from collections import Counter

from django.apps import apps
from django.utils import translation

from tinhgon.carriers import contract
from tinhgon.reorg.templatetags.plans import carrier_label


def test_every_model_that_names_itself_names_its_plural_too():
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("tinhgon.")
        and "verbose_name" in model._meta.original_attrs
        and "verbose_name_plural" not in model._meta.original_attrs
    ]
    assert missing == []


def test_the_preview_names_every_registered_carrier_differently():
    for language in ("en", "vi"):
        with translation.override(language):
            labels = Counter(carrier_label(carrier.name) for carrier in contract.registered())
        assert [label for label, count in labels.items() if count > 1] == [], language


def test_the_carriers_of_cases_by_unit_and_by_handler_unit_are_told_apart():
    with translation.override("en"):
        assert (carrier_label("cases"), carrier_label("case_handlers")) == (
            "cases",
            "cases (handler unit)",
        )
