"""What the browser walk (test_pages_in_a_browser.py) found, pinned without a browser: the
messages after a write are shown where the write leads; a typed report's refused value is marked
on its own field; a reader of published guidance is not offered to close another unit's
obstacle; a round's table keeps its column headers visible (none absolutely positioned)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tinhgon.accounts.models import Role
from tinhgon.conftest import make_persona
from tinhgon.coordination import obstacles, reports
from tinhgon.coordination.models import ReportRound
from tinhgon.coordination.tests.reports_factories import body, template

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(son_la) -> ReportRound:  # type: ignore[no-untyped-def]
    return reports.round_open(
        actor=None,
        template_id=template(son_la.unit_id).pk,
        label="11/2026",
        starts=dt.date(2026, 11, 1),
        ends=dt.date(2026, 11, 30),
        due=dt.date(2026, 12, 20),
        every="communes",
    )


def test_a_refused_report_value_is_marked_on_its_field_and_the_sent_one_is_confirmed(
    round_, chieng_an, commune_official
):
    duty = round_.duties.get(unit_id=chieng_an.unit_id)
    client = commune_official.browser()
    url = reverse("coordination:report_submit", kwargs={"duty_id": duty.pk})
    refused = client.post(url, {"staff": "abc", "progress": "Xong"})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert 'class="field field--error"' in page
    assert 'aria-invalid="true"' in page and 'value="abc"' in page
    assert "'staff'" not in page  # the field is named by its label, not its key
    sent = client.post(url, {"staff": "41", "progress": "Xong"}, follow=True)
    assert sent.redirect_chain[-1][0] == reverse("coordination:reports")
    assert 'role="status"' in sent.content.decode()


def test_the_obstacle_pages_show_the_message_of_the_write(chieng_an, commune_official):
    client = commune_official.browser()
    sent = client.post(
        reverse("coordination:obstacle_new"),
        {"unit": chieng_an.unit_id, "category": "staff", "subject": "Biển tên", "body": "Mẫu?"},
        follow=True,
    )
    assert sent.status_code == 200
    assert 'role="status"' in sent.content.decode()


def test_a_reader_of_published_guidance_is_not_offered_to_close_it(
    son_la, chieng_an, commune_official, other_commune_official
):
    obstacles.routes_seed_defaults(actor=None, province_id=son_la.unit_id)
    made = obstacles.obstacle_raise(
        actor=None, unit_id=chieng_an.unit_id, category="staff", subject="Biệt phái", body="?"
    )
    obstacles.obstacle_answer(actor=None, obstacle_id=made.pk, answer="Theo Nghị định 170.")
    obstacles.obstacle_publish(actor=None, obstacle_id=made.pk)
    close = reverse("coordination:obstacle_close", kwargs={"obstacle_id": made.pk})
    page = reverse("coordination:obstacle", kwargs={"obstacle_id": made.pk})
    reader = other_commune_official.browser()
    assert reader.get(page).status_code == 200  # published guidance of the province
    assert close not in reader.get(page).content.decode()
    assert reader.get(close).status_code == 403  # refused before the confirmation
    assert close in commune_official.browser().get(page).content.decode()  # the raiser's
    snv = make_persona("snv-official", body(son_la.unit_id, "SNV"), Role.UNIT_OFFICIAL)
    assert snv.browser().get(close).status_code == 200  # the responsible body's confirmation


def test_a_rounds_table_has_no_hidden_header_that_escapes_its_scrolling_box(round_, province_admin):
    page = province_admin.browser().get(
        reverse("coordination:report_round", kwargs={"round_id": round_.pk})
    )
    assert page.status_code == 200
    assert "visually-hidden" not in page.content.decode()
