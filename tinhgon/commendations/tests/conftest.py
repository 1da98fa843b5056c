import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def in_english(settings):  # type: ignore[no-untyped-def]
    """The tests match messages as written (the English source strings)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
