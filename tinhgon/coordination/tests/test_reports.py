"""Periodic reports: typed templates, rounds for every commune, submissions checked per field,
who has not submitted, the consolidated table and its spreadsheet."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tinhgon.coordination import reports
from tinhgon.coordination.models import DutyStatus, ReportDuty, ReportRound, Submission
from tinhgon.coordination.tests.reports_factories import FIELDS, body, template
from tinhgon.core.errors import DomainError, NotFound
from tinhgon.core.models import AuditEvent

pytestmark = pytest.mark.django_db

START = dt.date(2026, 11, 1)


def _round(template_id: int, **who) -> ReportRound:  # type: ignore[no-untyped-def]
    return reports.round_open(
        actor=None,
        template_id=template_id,
        label="11/2026",
        starts=START,
        ends=dt.date(2026, 11, 30),
        due=dt.date(2026, 12, 1),
        **who,
    )


@pytest.fixture
def every_commune(son_la):  # type: ignore[no-untyped-def]
    return _round(template(son_la.unit_id).pk, every="communes")


def _duty(round_: ReportRound, unit_id: int) -> ReportDuty:
    return round_.duties.get(unit_id=unit_id)


GOOD = {"staff": "12", "budget": "1,5", "progress": "Xong", "note": "ổn"}


def test_a_field_whose_minimum_is_above_its_maximum_is_refused_naming_the_field(son_la):
    bad: list[dict[str, Any]] = [
        dict(FIELDS[0], min=10, max=1),
        {"key": "x", "label": "X", "type": "colour"},
    ]
    with pytest.raises(DomainError) as refused:
        template(son_la.unit_id, bad)
    assert [p.field for p in refused.value.problems] == ["fields[0].min", "fields[1].type"]
    assert not AuditEvent.objects.filter(action="report_template_create").exists()


def test_a_choice_with_one_option_and_a_repeated_key_are_refused(son_la):
    bad: list[dict[str, Any]] = [
        {"key": "a", "label": "A", "type": "choice", "choices": ["only"]},
        {"key": "a", "label": "B", "type": "text"},
    ]
    with pytest.raises(DomainError) as refused:
        template(son_la.unit_id, bad)
    assert [p.field for p in refused.value.problems] == ["fields[0].choices", "fields[1].key"]


def test_a_round_for_every_commune_makes_one_duty_for_each_of_the_75_communes(every_commune):
    assert every_commune.duties.count() == 75
    assert every_commune.duties.filter(status=DutyStatus.PENDING).count() == 75


def test_a_round_for_a_unit_of_another_province_is_refused(son_la, ha_noi):
    made = template(son_la.unit_id)
    with pytest.raises(DomainError) as refused:
        _round(made.pk, unit_ids=[ha_noi.unit_id])
    assert refused.value.problems[0].field == "units"
    assert not ReportRound.objects.exists()


def test_a_value_outside_its_bounds_is_refused_naming_the_field_and_nothing_is_written(
    every_commune, chieng_an, commune_official
):
    duty = _duty(every_commune, chieng_an.unit_id)
    values = dict(GOOD, staff="12.5", progress="Có lẽ", budget="-1")
    with pytest.raises(DomainError) as refused:
        reports.submission_save(actor=commune_official.user, duty_id=duty.pk, values=values)
    assert {p.field for p in refused.value.problems} == {"staff", "budget", "progress"}
    duty.refresh_from_db()
    assert duty.status == DutyStatus.PENDING
    assert not Submission.objects.exists()


def test_a_missing_required_value_and_an_unknown_field_are_named(every_commune, chieng_an):
    duty = _duty(every_commune, chieng_an.unit_id)
    with pytest.raises(DomainError) as refused:
        reports.submission_save(actor=None, duty_id=duty.pk, values={"progress": "Xong", "x": 1})
    assert {p.field for p in refused.value.problems} == {"staff", "x"}


def test_a_unit_submits_again_until_its_report_is_accepted(
    every_commune, chieng_an, commune_official, province_admin
):
    duty = _duty(every_commune, chieng_an.unit_id)
    reports.submission_save(actor=commune_official.user, duty_id=duty.pk, values=GOOD)
    reports.submission_save(
        actor=commune_official.user, duty_id=duty.pk, values=dict(GOOD, staff=14)
    )
    assert duty.submissions.count() == 2
    row = next(r for r in reports.consolidated(every_commune)["rows"] if r["duty"] == duty.pk)
    assert row["values"][:3] == [14, 1.5, "Xong"]
    reports.duty_decide(actor=province_admin.user, duty_id=duty.pk, accept=True)
    with pytest.raises(DomainError) as refused:
        reports.submission_save(actor=commune_official.user, duty_id=duty.pk, values=GOOD)
    assert refused.value.code == "illegal_move"
    assert duty.submissions.count() == 2


def test_a_commune_official_cannot_see_or_submit_another_communes_report(
    every_commune, to_hieu, commune_official
):
    duty = _duty(every_commune, to_hieu.unit_id)
    with pytest.raises(NotFound):
        reports.submission_save(actor=commune_official.user, duty_id=duty.pk, values=GOOD)
    assert list(reports.duties_of(commune_official.user).values_list("unit_id", flat=True)) == [
        every_commune.duties.get(unit_id=commune_official.user.memberships.get().unit_id).unit_id
    ]


def test_a_commune_official_does_not_see_the_consolidated_figures(every_commune, commune_official):
    with pytest.raises(NotFound):
        reports.access_round(commune_official.user, every_commune.pk)


def test_an_observer_may_not_submit(every_commune, chieng_an, observer):
    duty = _duty(every_commune, chieng_an.unit_id)
    with pytest.raises(DomainError) as refused:
        reports.submission_save(actor=observer.user, duty_id=duty.pk, values=GOOD)
    assert refused.value.status == 403


def test_the_province_sees_who_has_not_submitted(every_commune, chieng_an, province_admin):
    reports.submission_save(
        actor=None, duty_id=_duty(every_commune, chieng_an.unit_id).pk, values=GOOD
    )
    round_ = reports.access_round(province_admin.user, every_commune.pk)
    missing = reports.missing(round_)
    assert len(missing) == 74
    assert chieng_an.code not in {m["unit"] for m in missing}


def test_a_file_of_the_wrong_type_is_refused_and_a_resubmission_keeps_the_file(
    son_la, chieng_an, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    fields: list[dict[str, Any]] = [
        {"key": "n", "label": "N", "type": "number"},
        {
            "key": "minutes",
            "label": "Biên bản",
            "type": "file",
            "required": True,
            "file_types": ["pdf"],
            "max_size": 100,
        },
    ]
    round_ = _round(template(son_la.unit_id, fields).pk, unit_ids=[chieng_an.unit_id])
    duty = round_.duties.get()
    exe = SimpleUploadedFile("virus.exe", b"MZ")
    with pytest.raises(DomainError) as refused:
        reports.submission_save(actor=None, duty_id=duty.pk, values={}, files={"minutes": exe})
    assert refused.value.problems[0].field == "minutes"
    big = SimpleUploadedFile("bb.pdf", b"%PDF" + b"x" * 200)
    with pytest.raises(DomainError):
        reports.submission_save(actor=None, duty_id=duty.pk, values={}, files={"minutes": big})
    pdf = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4")
    reports.submission_save(actor=None, duty_id=duty.pk, values={"n": 1}, files={"minutes": pdf})
    again = reports.submission_save(actor=None, duty_id=duty.pk, values={"n": 2})
    assert again.values == {"n": 2, "minutes": "bien-ban.pdf"}
    assert [f.name for f in again.files.all()] == ["bien-ban.pdf"]


def test_the_consolidated_excel_of_75_communes_matches_the_submissions(every_commune):
    duties = list(every_commune.duties.order_by("pk"))
    expected: dict[int, dict[str, Any]] = {}
    for index, duty in enumerate(duties[:70]):
        values: dict[str, Any] = {
            "staff": index,
            "budget": index / 2,
            "progress": "Đang làm",
            "note": f"={index}",
        }
        reports.submission_save(actor=None, duty_id=duty.pk, values=values)
        expected[duty.unit_id] = values
    book = load_workbook(io.BytesIO(reports.consolidated_xlsx(every_commune)))
    sheet = book.active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    by_code = {row[0]: row for row in rows[:-1]}
    assert len(by_code) == 75
    data = reports.consolidated(every_commune)
    codes = {r["duty"]: r["unit"] for r in data["rows"]}
    for duty in duties:
        row = by_code[codes[duty.pk]]
        wanted = expected.get(duty.unit_id)
        if wanted is None:
            assert row[4:] == (None, None, None, None)
            assert row[2] == str(DutyStatus.PENDING.label)
            continue
        assert row[4:] == (wanted["staff"], wanted["budget"], wanted["progress"], wanted["note"])
    total = rows[-1]
    assert total[4] == sum(range(70))
    assert total[5] == sum(i / 2 for i in range(70))
    # A text that starts like a formula stays text.
    notes = [row[7] for row in sheet.iter_rows(min_row=3) if row[7].value]
    assert len(notes) == 70
    assert all(cell.data_type == "s" for cell in notes)


def test_a_template_belongs_to_a_provincial_body(chieng_an):
    with pytest.raises(DomainError) as refused:
        reports.template_create(
            actor=None, owner_id=chieng_an.unit_id, name="X", period="monthly", fields=FIELDS
        )
    assert refused.value.problems[0].field == "owner"


def test_a_department_official_opens_rounds_of_its_own_templates(son_la):
    from tinhgon.accounts.models import Role
    from tinhgon.conftest import make_persona

    official = make_persona("snv", body(son_la.unit_id, "SNV"), Role.UNIT_OFFICIAL)
    made = reports.template_create(
        actor=official.user,
        owner_id=body(son_la.unit_id, "SNV"),
        name="Báo cáo",
        period="quarterly",
        fields=FIELDS,
    )
    assert _round(made.pk, every="departments").duties.count() >= 12


def test_the_consolidated_table_of_75_communes_takes_a_few_queries(
    every_commune, django_assert_max_num_queries
):
    for duty in every_commune.duties.order_by("pk")[:40]:
        reports.submission_save(actor=None, duty_id=duty.pk, values=GOOD)
    round_ = reports.access_round(None, every_commune.pk)
    with django_assert_max_num_queries(4):
        assert len(reports.consolidated(round_)["rows"]) == 75
    with django_assert_max_num_queries(2):
        assert len(reports.missing(round_)) == 35
