"""Spreadsheets of integrity: a unit's red flags and a unit's cases (every cell written through
tinhgon.core.xlsx.append_row: never a formula).

The cases' spreadsheet never holds the author's identity, for anyone, the handler and the
superuser included: no author column, and none of the texts an author may have signed (the
content, the decision, the events' notes); a spreadsheet travels further than a page. A case is
listed by number, kind, subject, units, official concerned, dossier, dates and status.
"""

from __future__ import annotations

import datetime as dt
import io

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from tinhgon.accounts.access import access_unit
from tinhgon.core.xlsx import append_row
from tinhgon.integrity import cases, flags
from tinhgon.integrity.models import OPEN_CASE, Case, CaseKind, CaseStatus, FlagKind, Variant
from tinhgon.units.models import UnitVersion

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS_LIMIT = 10000  # a unit's rows in one spreadsheet; more: narrow the request


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    # Spreadsheets hold no time zone: the local time of Việt Nam, as the pages show it.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _names(unit_ids: set[int]) -> dict[int, str]:
    found = (
        UnitVersion.objects.filter(unit_id__in=unit_ids)
        .order_by("unit_id", "-valid_from")
        .values_list("unit_id", "code", "name")
    )
    names: dict[int, str] = {}
    for unit_id, code, name in found:
        names.setdefault(unit_id, f"{name} ({code})")
    return names


def _title(unit_id: int) -> str:
    return _names({unit_id}).get(unit_id, str(unit_id))


def flags_xlsx(user, *, unit_id: int, dismissed: bool = True) -> bytes:  # type: ignore[no-untyped-def]
    """The red flags of a unit the user may read (NotFound outside the scope), dismissed ones
    too unless `dismissed` is False. User None: the operator."""
    found = flags.flags_of_unit(user, unit_id=unit_id, dismissed=dismissed).select_related(
        "dismissed_by"
    )
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Red flags")[:31]
    append_row(sheet, [_("Red flags of %(unit)s") % {"unit": _title(unit_id)}])
    append_row(sheet, [_("A red flag is a lead for an inspector, not a verdict.")])
    append_row(
        sheet,
        [
            _("Official"),
            _("Name"),
            _("Kind"),
            _("Procedure"),
            _("Score"),
            _("Explanation"),
            _("Dossiers"),
            _("Cases"),
            _("Peers"),
            _("Peers' median"),
            _("Official's rate"),
            _("Computed at"),
            _("Dismissed at"),
            _("Dismissed by"),
            _("Reason for dismissal"),
        ],
    )
    for flag in found[:ROWS_LIMIT]:
        peers = flag.peers or {}
        append_row(
            sheet,
            [
                flags.official_key(flag),
                flags.official_name(flag),
                str(FlagKind(flag.kind).label),
                flag.procedure.code if flag.procedure is not None else "",
                flag.score,
                flag.explanation,
                ", ".join(flag.dossiers),
                ", ".join(str(c) for c in peers.get("cases", [])),
                peers.get("peers"),
                peers.get("median"),
                peers.get("rate"),
                _local(flag.computed_at),
                _local(flag.dismissed_at),
                flag.dismissed_by.get_username() if flag.dismissed_by is not None else "",
                flag.dismissed_reason,
            ],
        )
    return _save(book)


def cases_of_unit(user, *, unit_id: int, open_only: bool = False):  # type: ignore[no-untyped-def]
    """The cases the user may read that concern the unit or that it handles (NotFound outside
    the scope). User None: the operator."""
    if user is not None:
        access_unit(user, unit_id)
        found = cases.visible_cases(user)
    else:
        found = Case.objects.all()
    found = found.filter(Q(unit_id=unit_id) | Q(handler_unit_id=unit_id))
    if open_only:
        found = found.filter(status__in=OPEN_CASE)
    return found.select_related("official").order_by("-received_at", "-id")


def cases_xlsx(user, *, unit_id: int, open_only: bool = False) -> bytes:  # type: ignore[no-untyped-def]
    """The cases of a unit, without their authors (see the module's docstring)."""
    rows = list(cases_of_unit(user, unit_id=unit_id, open_only=open_only)[:ROWS_LIMIT])
    names = _names({c.unit_id for c in rows} | {c.handler_unit_id for c in rows} | {unit_id})
    now = timezone.now()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Cases")[:31]
    append_row(sheet, [_("Cases of %(unit)s") % {"unit": names.get(unit_id, str(unit_id))}])
    append_row(
        sheet,
        [
            _("Number"),
            _("Kind"),
            _("Variant"),
            _("Status"),
            _("Subject"),
            _("Unit concerned"),
            _("Handler"),
            _("Official concerned"),
            _("Dossier"),
            _("Received at"),
            _("Due"),
            _("Extensions"),
            _("Overdue"),
            _("Anonymous"),
            _("Decided at"),
        ],
    )
    for case in rows:
        overdue = case.status in OPEN_CASE and case.due < now
        append_row(
            sheet,
            [
                case.pk,
                str(CaseKind(case.kind).label),
                str(Variant(case.variant).label),
                str(CaseStatus(case.status).label),
                case.subject,
                names.get(case.unit_id, ""),
                names.get(case.handler_unit_id, ""),
                case.official.full_name if case.official is not None else "",
                case.dossier_code,
                _local(case.received_at),
                _local(case.due),
                case.extensions,
                _("yes") if overdue else _("no"),
                _("yes") if case.anonymous else _("no"),
                _local(case.decided_at),
            ],
        )
    return _save(book)
