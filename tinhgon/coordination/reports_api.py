"""Coordination API: periodic reports (/api/coord/reports) and the figures
(/api/coord/reports/figures). Thin: the scope is checked by the services and selectors of
reports.py and figures.py, which the pages and commands share."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from tinhgon.coordination import figures, reports
from tinhgon.coordination.models import ReportDuty
from tinhgon.core.schemas import BodyId, Day, Id, QueryId, SearchText

router = Router(tags=["coordination"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TemplateIn(Schema):
    owner_id: BodyId
    name: str = Field(max_length=reports.NAME_LIMIT)
    period: str = Field(max_length=16)
    fields: list[dict[str, Any]] = Field(max_length=reports.MAX_FIELDS)


class TemplateOut(Schema):
    id: int
    name: str
    period: str
    fields: list[dict[str, Any]]


class RoundIn(Schema):
    template_id: BodyId
    label: str = Field(max_length=reports.LABEL_ROUND_LIMIT)
    starts: Day
    ends: Day
    due: Day
    unit_ids: list[BodyId] | None = Field(None, max_length=10_000)
    every: str | None = Field(None, description="communes or departments", max_length=20)


class RoundOut(Schema):
    id: int
    template: str
    label: str
    due: dt.date
    duties: int


class DutyOut(Schema):
    id: int
    round: int
    template: str
    label: str
    due: dt.date
    unit: str
    status: str
    fields: list[dict[str, Any]]


class SubmissionIn(Schema):
    values: dict[str, Any] = Field(max_length=reports.MAX_FIELDS)


class SubmissionOut(Schema):
    id: int
    duty: int
    values: dict[str, Any]
    submitted_at: dt.datetime


class MissingOut(Schema):
    duty: int
    unit: str
    unit_name: str
    status: str


def _duty_out(duty: ReportDuty, codes: dict[int, tuple[str, str]]) -> dict[str, Any]:
    return {
        "id": duty.pk,
        "round": duty.round_id,
        "template": duty.round.template.name,
        "label": duty.round.label,
        "due": duty.round.due,
        "unit": codes[duty.unit_id][0],
        "status": duty.status,
        "fields": duty.round.template.fields,
    }


@router.post("/templates", response={201: TemplateOut}, summary="A report template")
def template_create(request: HttpRequest, body: TemplateIn):
    made = reports.template_create(
        actor=request.user,
        owner_id=body.owner_id,
        name=body.name,
        period=body.period,
        fields=body.fields,
    )
    return Status(
        201, {"id": made.pk, "name": made.name, "period": made.period, "fields": made.fields}
    )


@router.post("/rounds", response={201: RoundOut}, summary="A round and the duties to submit it")
def round_open(request: HttpRequest, body: RoundIn):
    made = reports.round_open(
        actor=request.user,
        template_id=body.template_id,
        label=body.label,
        starts=body.starts,
        ends=body.ends,
        due=body.due,
        unit_ids=body.unit_ids,
        every=body.every,
    )
    return Status(
        201,
        {
            "id": made.pk,
            "template": made.template.name,
            "label": made.label,
            "due": made.due,
            "duties": made.duties.count(),
        },
    )


@router.get("/duties", response=list[DutyOut], summary="Your units' reports to submit")
def duty_list(request: HttpRequest, open: bool = True):
    duties = list(reports.duties_of(request.user, open_only=open)[:1000])
    codes = reports.unit_names({d.unit_id for d in duties}, timezone.localdate())
    return [_duty_out(d, codes) for d in duties]


@router.post(
    "/duties/{duty_id}/submissions",
    response={201: SubmissionOut},
    summary="Submit (or submit again) a report; errors name the field",
)
def submission_create(request: HttpRequest, duty_id: Id, body: SubmissionIn):
    made = reports.submission_save(actor=request.user, duty_id=duty_id, values=body.values)
    return Status(
        201,
        {
            "id": made.pk,
            "duty": made.duty_id,
            "values": made.values,
            "submitted_at": made.submitted_at,
        },
    )


@router.get(
    "/rounds/{round_id}/missing", response=list[MissingOut], summary="Who has not submitted"
)
def round_missing(request: HttpRequest, round_id: Id):
    return reports.missing(reports.access_round(request.user, round_id))


@router.get("/rounds/{round_id}", summary="The consolidated figures of a round")
def round_consolidated(request: HttpRequest, round_id: Id) -> dict:
    return reports.consolidated(reports.access_round(request.user, round_id))


@router.get("/rounds/{round_id}/xlsx", summary="The consolidated figures as a spreadsheet")
def round_xlsx(request: HttpRequest, round_id: Id):
    round_ = reports.access_round(request.user, round_id)
    response = HttpResponse(reports.consolidated_xlsx(round_), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="report-{round_.pk}.xlsx"'
    return response


@router.get("/figures", summary="Coordination figures of a province, as of today")
def figures_read(
    request: HttpRequest, province: SearchText | None = None, province_id: QueryId | None = None
) -> dict:
    """Tasks (open, overdue, on time, late), reports missing, obstacles open and answer times,
    the communes and bodies ranked. For the province's officials."""
    version = figures.province_for(request.user, province, province_id=province_id)
    return figures.province_figures(version)
