"""Tests that match messages as written (the English source strings) use `in_english`."""

import pytest
from django.utils import translation


@pytest.fixture
def in_english(settings):  # type: ignore[no-untyped-def]
    """Messages in English: in this thread, and in requests of the test client (which fall back
    to LANGUAGE_CODE without an Accept-Language header)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
