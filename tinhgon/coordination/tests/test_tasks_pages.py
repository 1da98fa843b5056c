"""The pages of directives and tasks: scope, legal moves only, confirmation before accepting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tinhgon.coordination import services
from tinhgon.coordination.models import Directive, Extension, Task, TaskStatus
from tinhgon.coordination.tests import tasks_factories as make

pytestmark = pytest.mark.django_db


def test_a_commune_official_sees_its_own_tasks_never_another_communes(
    chieng_an, to_hieu, commune_official
):
    mine = make.open_task(chieng_an.unit_id)
    theirs = make.open_task(to_hieu.unit_id)
    browser = commune_official.browser()
    page = browser.get("/coord/")
    assert page.status_code == 200
    assert f"/coord/tasks/{mine}/" in page.content.decode()
    assert f"/coord/tasks/{theirs}/" not in page.content.decode()
    assert browser.get(f"/coord/tasks/{theirs}/").status_code == 404
    assert browser.get(f"/coord/tasks/{mine}/").status_code == 200
    other = Task.objects.get(pk=theirs).directive_id
    assert browser.get(f"/coord/directives/{other}/").status_code == 404


def test_the_menu_links_to_coordination(commune_official):
    page = commune_official.browser().get("/coord/")
    assert 'href="/coord/"' in page.content.decode()


def test_the_task_page_offers_only_the_moves_legal_for_the_reader(
    chieng_an, commune_official, province_admin
):
    task_id = make.open_task(chieng_an.unit_id)
    lead = commune_official.browser().get(f"/coord/tasks/{task_id}/").content.decode()
    assert f"/coord/tasks/{task_id}/report/" in lead
    assert f"/coord/tasks/{task_id}/accept/" not in lead
    services.task_report(actor=commune_official.user, task_id=task_id, note="Xong")
    issuer = province_admin.browser().get(f"/coord/tasks/{task_id}/").content.decode()
    assert f"/coord/tasks/{task_id}/accept/" in issuer
    lead = commune_official.browser().get(f"/coord/tasks/{task_id}/").content.decode()
    assert f"/coord/tasks/{task_id}/report/" not in lead


def test_accepting_asks_for_confirmation_first(chieng_an, commune_official, province_admin):
    task_id = make.open_task(chieng_an.unit_id)
    services.task_report(actor=commune_official.user, task_id=task_id, note="Xong")
    browser = province_admin.browser()
    confirm = browser.post(f"/coord/tasks/{task_id}/accept/", {"accept-note": "Tốt"})
    assert confirm.status_code == 200 and "accept-confirmed" in confirm.content.decode()
    assert Task.objects.get(pk=task_id).status == TaskStatus.REPORTED
    done = browser.post(
        f"/coord/tasks/{task_id}/accept/", {"accept-note": "Tốt", "accept-confirmed": "on"}
    )
    assert done.status_code == 302
    assert Task.objects.get(pk=task_id).status == TaskStatus.ACCEPTED


def test_a_report_with_a_file_is_kept_and_a_refusal_keeps_what_was_typed(
    chieng_an, commune_official, other_commune_official
):
    task_id = make.open_task(chieng_an.unit_id)
    browser = commune_official.browser()
    empty = browser.post(f"/coord/tasks/{task_id}/report/", {"report-note": ""})
    assert empty.status_code == 400
    bad = browser.post(
        f"/coord/tasks/{task_id}/report/",
        {"report-note": "Đã xong", "report-file": SimpleUploadedFile("x.exe", b"MZ")},
    )
    assert bad.status_code == 400 and "Đã xong" in bad.content.decode()
    good = browser.post(
        f"/coord/tasks/{task_id}/report/",
        {"report-note": "Đã xong", "report-file": SimpleUploadedFile("bc.pdf", b"%PDF")},
    )
    assert good.status_code == 302
    event = Task.objects.get(pk=task_id).events.get(move="report")
    assert browser.get(f"/coord/files/{event.pk}/").status_code == 200
    assert other_commune_official.browser().get(f"/coord/files/{event.pk}/").status_code == 404


def test_the_province_issues_a_directive_to_every_commune_from_the_form(province_admin, son_la):
    browser = province_admin.browser()
    form = browser.get("/coord/directives/new/")
    assert form.status_code == 200
    today = timezone.localdate()
    response = browser.post(
        "/coord/directives/new/",
        {
            "issuer": son_la.unit_id,
            "number": "20/CT-UBND",
            "issued_on": today.isoformat(),
            "subject": "Rà soát trụ sở",
            "title": "Báo cáo trụ sở",
            "due": (today + dt.timedelta(days=10)).isoformat(),
            "target": "communes",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    directive = Directive.objects.get(number="20/CT-UBND")
    assert directive.tasks.count() == 75
    page = browser.get(f"/coord/directives/{directive.pk}/")
    assert page.status_code == 200 and "<progress" in page.content.decode()
    assert browser.get("/coord/directives/").status_code == 200


def test_a_commune_official_may_not_open_the_issue_form(commune_official):
    assert commune_official.browser().get("/coord/directives/new/").status_code == 403


def test_an_extension_decision_is_confirmed_then_recorded(
    chieng_an, commune_official, province_admin
):
    task_id = make.open_task(chieng_an.unit_id)
    task = Task.objects.get(pk=task_id)
    asked = services.extension_request(
        actor=commune_official.user,
        task_id=task_id,
        new_due=task.due + dt.timedelta(days=5),
        reason="Thiếu người",
    )
    browser = province_admin.browser()
    confirm = browser.post(f"/coord/extensions/{asked.pk}/", {"decision": "approve"})
    assert confirm.status_code == 200
    assert Extension.objects.get(pk=asked.pk).state == Extension.State.PENDING
    done = browser.post(
        f"/coord/extensions/{asked.pk}/", {"decision": "approve", "confirmed": "on"}
    )
    assert done.status_code == 302
    assert Task.objects.get(pk=task_id).due == task.due + dt.timedelta(days=5)
    refused = commune_official.browser().post(
        f"/coord/extensions/{asked.pk}/", {"decision": "refuse", "confirmed": "on"}
    )
    assert refused.status_code == 403


def test_a_unit_code_that_cannot_exist_or_a_huge_id_is_a_404_not_a_500(commune_official):
    browser = commune_official.browser()
    assert browser.get("/coord/", {"unit": "03667\x00"}).status_code == 404
    assert browser.get("/coord/tasks/99999999999999999999/").status_code == 404
    assert browser.get("/coord/tasks/999999999999999999/").status_code == 404


def test_a_note_with_a_null_character_is_refused_clearly(chieng_an, commune_official):
    task_id = make.open_task(chieng_an.unit_id)
    with pytest.raises(services.DomainError) as refused:
        services.task_comment(actor=commune_official.user, task_id=task_id, note="a\x00b")
    assert refused.value.problems[0].field == "note"
