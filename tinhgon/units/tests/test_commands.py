"""`tinhgon units` and `tinhgon lineage` refuse what names nothing, in one line with exit 1,
rather than answering with nothing or with the whole registry."""

from __future__ import annotations

import pytest

from tinhgon.core.errors import DomainError
from tinhgon.core.tests.cli import refused
from tinhgon.units import selectors
from tinhgon.units.models import ImportConflict

pytestmark = pytest.mark.django_db


def test_an_unknown_conflict_category_is_refused_listing_the_known_ones(monkeypatch, capsys):
    line = refused(
        "units", "conflicts", "--category", "bogus", monkeypatch=monkeypatch, capsys=capsys
    )
    assert line.startswith("--category: 'bogus' is not one of ")
    for category in ImportConflict.objects.values_list("category", flat=True).distinct():
        assert category in line


@pytest.mark.parametrize("name", ["", "   "])
def test_a_blank_name_in_lineage_is_refused_not_the_whole_registry(monkeypatch, capsys, name):
    line = refused("lineage", name, monkeypatch=monkeypatch, capsys=capsys)
    assert line.startswith("Give a unit's name or code.")


def test_resolving_a_blank_name_is_refused_for_every_caller():
    with pytest.raises(DomainError) as refusal:
        selectors.resolve(" ", day=None, field="unit")
    assert refusal.value.problems[0].field == "unit"
