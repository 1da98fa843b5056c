"""The unit page's section registry (units/sections.py), which commendations uses first."""

from __future__ import annotations

import pytest

from tinhgon.units import sections

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered():  # type: ignore[no-untyped-def]
    before = dict(sections._sections)
    yield
    sections._sections.clear()
    sections._sections.update(before)


def test_a_registered_section_is_drawn_on_the_unit_page_and_an_empty_one_is_not(
    registered, chieng_an, commune_official
):
    sections.register_section(lambda request, unit, day: None, name="nothing")
    sections.register_section(
        lambda request, unit, day: f"<section><h2>Mục thử của {unit.name}</h2></section>",
        name="test",
    )

    page = commune_official.browser().get(f"/units/{chieng_an.unit_id}/").content.decode()

    assert "<h2>Mục thử của Phường Chiềng An</h2>" in page


def test_registering_a_name_again_replaces_the_section(registered, chieng_an, rf):
    sections._sections.clear()  # only this test's sections: the others read a logged-in user
    sections.register_section(lambda request, unit, day: "<p>một</p>", name="twice")
    sections.register_section(lambda request, unit, day: "<p>hai</p>", name="twice")

    drawn = sections.render_sections(rf.get("/"), chieng_an, chieng_an.valid_from)

    assert "<p>hai</p>" in drawn and "<p>một</p>" not in drawn
