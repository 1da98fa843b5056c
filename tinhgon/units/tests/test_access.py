"""The registry reaches the scope rules through what the accounts app registered."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from tinhgon.accounts import access as accounts_access
from tinhgon.conftest import AFTER
from tinhgon.units import access


def test_the_registry_applies_the_rules_the_accounts_app_registered():
    assert access.rules() is accounts_access


def test_without_registered_rules_the_registry_refuses_loudly_instead_of_showing_everything(
    monkeypatch,
):
    monkeypatch.setattr(access, "_rules", None)
    with pytest.raises(ImproperlyConfigured, match=r"tinhgon\.accounts"):
        access.visible_versions(None, AFTER)
