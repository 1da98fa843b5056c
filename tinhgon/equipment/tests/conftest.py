import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def in_english(settings):  # type: ignore[no-untyped-def]
    """The equipment tests match messages as written (the English source strings): in this
    thread, and in the test client's requests (which fall back to LANGUAGE_CODE)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
