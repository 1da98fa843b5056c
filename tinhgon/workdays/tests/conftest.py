"""The calendar needs no unit: its tests run on the migrated database alone, without the
national registry that tinhgon/conftest.py imports for every other app (minutes saved when
only these tests run; in the whole suite both fixtures share the one test database)."""

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    yield
