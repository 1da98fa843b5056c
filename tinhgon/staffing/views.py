"""Pages of people: the officials of a unit, one official, the positions of a unit with their
holders and vacancies, the quotas, the Excel import, and the forms that write through
`staffing.services` (the same functions as the API and the commands): add or edit an official,
record a training, open or close a position, set a quota, start or end an assignment. Reads go
through `staffing.selectors` and `staffing.access` (the identity number is masked in every
list; whole only on the official's page, for those who manage them). Closing a position and
ending an assignment show a confirmation page first."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.accounts.access import (
    access_unit,
    may_write_unit,
    memberships_in_force,
    scopes_cached,
)
from tinhgon.core import text
from tinhgon.core.errors import DomainError, NotFound
from tinhgon.core.forms import DayField, text_field
from tinhgon.core.upload import read_upload
from tinhgon.core.views import render_invalid_form, render_refusal
from tinhgon.staffing import access, excel, selectors, services, user_link
from tinhgon.staffing.forms import (
    AssignmentForm,
    EndForm,
    LinkUserForm,
    OfficialForm,
    PositionForm,
    QuotaForm,
    TrainingForm,
)
from tinhgon.staffing.models import Assignment, Category, Quota, Status
from tinhgon.units import selectors as registry
from tinhgon.units.kinds import KINDS_BY_LEVEL, Level
from tinhgon.units.models import UnitVersion

PAGE_LIMIT = 500


class UnitForm(forms.Form):
    unit = text_field(
        gettext_lazy("Unit"),
        gettext_lazy("Code or name of the unit (a commune, a department, an office)."),
        max_length=100,
    )
    as_of = DayField(label=gettext_lazy("As of"))


class OfficialsForm(UnitForm):
    q = text_field(
        gettext_lazy("Search"),
        gettext_lazy("Name (with or without diacritics) or the last digits of the number."),
        max_length=100,
        type="search",
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Workbook (.xlsx)"),
        help_text=gettext_lazy("Sheets 'positions' and 'officials', as in the template."),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Only check the file (write nothing)"), required=False, initial=True
    )


def _my_units(user: Any, day: dt.date) -> list[UnitVersion]:
    """The units of the user's memberships in force, to start from."""
    ids = list(memberships_in_force(user, day).values_list("unit_id", flat=True)[:20])
    return list(registry.versions_on(day).filter(unit_id__in=ids).order_by("name"))


def _chosen(request: HttpRequest, form: forms.Form) -> tuple[UnitVersion | None, dt.date]:
    day = form.cleaned_data.get("as_of") or timezone.localdate()
    code = (form.cleaned_data.get("unit") or "").strip()
    if not code:
        return None, day
    return selectors.unit_for(request.user, code, day), day


@login_required
def officials_page(request: HttpRequest) -> HttpResponse:
    form = OfficialsForm(request.GET or None)
    today = timezone.localdate()
    page: dict[str, Any] = {"form": form, "my_units": _my_units(request.user, today)}
    if form.is_bound and not form.is_valid():
        return render_invalid_form(request, "staffing/people/officials.html", form, page)
    if not form.is_bound:
        return render(request, "staffing/people/officials.html", page)
    try:
        version, day = _chosen(request, form)
    except DomainError as error:
        return render_refusal(
            request, error, template="staffing/people/officials.html", context=page, form=form
        )
    if version is not None:
        found = selectors.officials_of_unit(
            user=request.user, unit_id=version.unit_id, day=day, search=form.cleaned_data["q"]
        )
        officials = list(found[: PAGE_LIMIT + 1])
        page.update(
            unit=version,
            day=day,
            # Lists show the number masked, whoever reads them: the whole number is on the
            # official's own page, for those who manage them.
            rows=[
                selectors.official_row(request.user, o, manages=False)
                for o in officials[:PAGE_LIMIT]
            ],
            more=len(officials) > PAGE_LIMIT,
            synthetic=any(o.synthetic for o in officials),
            writable=may_write_unit(request.user, version.unit_id, day=today),
        )
    return render(request, "staffing/people/officials.html", page)


@login_required
def official_page(request: HttpRequest, official_id: int) -> HttpResponse:
    try:
        history = selectors.official_history(user=request.user, official_id=official_id)
    except DomainError as error:
        return render_refusal(request, error)
    official = history.official
    manages = access.may_manage(request.user, official)
    links = access.may_link(request.user, official)
    unit = registry.latest_version(official.unit_id)
    home = (
        registry.latest_version(official.home_commune_id)
        if (manages and official.home_commune_id)
        else None
    )
    return render(
        request,
        "staffing/people/official.html",
        {
            "official": official,
            "row": selectors.official_row(request.user, official, manages=manages),
            "manages": manages,
            "links": links,
            "unit": unit,
            "home": home,
            "history": history,
            "linked_user": user_link.linked_username(
                request.user, official, manages=manages or links
            ),
            "link_form": LinkUserForm() if links else None,
        },
    )


@login_required
def positions_page(request: HttpRequest) -> HttpResponse:
    form = UnitForm(request.GET or None)
    page: dict[str, Any] = {"form": form, "my_units": _my_units(request.user, timezone.localdate())}
    if form.is_bound and not form.is_valid():
        return render_invalid_form(request, "staffing/people/positions.html", form, page)
    if not form.is_bound:
        return render(request, "staffing/people/positions.html", page)
    try:
        version, day = _chosen(request, form)
    except DomainError as error:
        return render_refusal(
            request, error, template="staffing/people/positions.html", context=page, form=form
        )
    if version is not None:
        views = selectors.positions_of_unit(user=request.user, unit_id=version.unit_id, day=day)
        page.update(
            unit=version,
            day=day,
            positions=views,
            seats=sum(v.position.seats for v in views),
            held=sum(len(v.holders) for v in views),
            vacant=sum(v.vacant for v in views),
            synthetic=any(v.position.synthetic for v in views),
            writable=may_write_unit(request.user, version.unit_id, day=timezone.localdate()),
        )
    return render(request, "staffing/people/positions.html", page)


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    if not access.may_import(request.user):
        return render_refusal(
            request, DomainError(_("Your role is read-only: you cannot import staff."), status=403)
        )
    if request.method != "POST":
        return render(request, "staffing/people/import.html", {"form": ImportForm()})
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_invalid_form(request, "staffing/people/import.html", form)
    try:
        content, name = read_upload(request.FILES.get("file"), default_name="staff.xlsx")
        report = excel.staff_import(
            actor=request.user,
            content=content,
            filename=name,
            dry_run=form.cleaned_data["dry_run"],
        )
    except DomainError as error:
        return render_refusal(request, error, template="staffing/people/import.html", form=form)
    if report.dry_run:
        messages.success(
            request,
            _("The file is valid (nothing written): %(summary)s.") % {"summary": report.summary()},
        )
        return render(
            request, "staffing/people/import.html", {"form": ImportForm(), "report": report}
        )
    messages.success(request, _("Imported: %(summary)s.") % {"summary": report.summary()})
    return redirect("staffing:people")


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        excel.write_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="tinhgon-staff-template.xlsx"'
    return response


# -- writes ------------------------------------------------------------------------------------
FORM = "staffing/people/form.html"


def _unit_to_write(request: HttpRequest, day: dt.date) -> UnitVersion:
    """The unit of `?unit=` (or the posted `unit`), if the user may change its records: a unit
    outside the scope is not found, one only seen is forbidden."""
    code = (request.POST.get("unit") or request.GET.get("unit") or "").strip()[:100]
    if not code:
        raise DomainError(_("Choose a unit first: add ?unit=CODE to the address."), status=400)
    version = selectors.unit_for(request.user, code, day)
    return access_unit(request.user, version.unit_id, day=day, write=True)


def _url(name: str, **query: Any) -> str:
    return f"{reverse(name)}?{urlencode(query)}" if query else reverse(name)


def _on_fields(error: DomainError, form: forms.Form) -> DomainError:
    """The refusal's problems that name a field of the form shown at that field too (the error
    summary links to them); the error returned keeps the others for the summary."""
    others = []
    for problem in error.problems:
        if problem.field in form.fields and problem.row is None:
            form.add_error(problem.field, problem.message)
        else:
            others.append(problem)
    return DomainError(error.message, code=error.code, problems=others, status=error.status)


def _form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    title: str,
    button: str,
    cancel_url: str,
    lead: str = "",
    unit: UnitVersion | None = None,
    status: int = 200,
    error: DomainError | None = None,
) -> HttpResponse:
    page = {
        "form": form,
        "title": title,
        "lead": lead,
        "button": button,
        "cancel_url": cancel_url,
        "unit": unit,
    }
    if error is not None:
        return render_refusal(
            request, _on_fields(error, form), template=FORM, context=page, form=form
        )
    if form.is_bound and form.errors:
        return render_invalid_form(request, FORM, form, page)
    return render(request, FORM, page, status=status)


def _home_commune_id(request: HttpRequest, wanted: str, day: dt.date) -> int | None:
    """The commune of a home commune typed as a code or name (any commune, seen or not: it is
    where the person comes from, not a unit whose records are read)."""
    if not wanted.strip():
        return None
    try:
        version = registry.resolve(
            wanted.strip(), day=day, kinds=KINDS_BY_LEVEL[Level.COMMUNE], field="home_commune"
        )
    except DomainError:
        # A commune merged since: look it up on the date the person records no more.
        version = registry.resolve(wanted.strip(), day=None, field="home_commune")
    return version.unit_id


@login_required
def official_new(request: HttpRequest) -> HttpResponse:
    """Add an official employed by a unit (write scope on the unit)."""
    today = timezone.localdate()
    with scopes_cached():
        try:
            version = _unit_to_write(request, today)
        except DomainError as error:
            return render_refusal(request, error)
        form = OfficialForm(request.POST if request.method == "POST" else None)
        page = {
            "title": _("Add an official"),
            "lead": _("%(unit)s employs the official from today on.") % {"unit": version.name},
            "button": _("Add the official"),
            "cancel_url": _url("staffing:people", unit=version.code),
            "unit": version,
        }
        if request.method != "POST" or not form.is_valid():
            return _form_page(request, form, **page)  # type: ignore[arg-type]
        data = form.cleaned_data
        try:
            official = services.official_create(
                actor=request.user,
                unit_id=version.unit_id,
                full_name=data["full_name"],
                national_id=data["national_id"],
                birth_date=data["birth_date"],
                gender=data["gender"],
                ethnicity=data["ethnicity"],
                level=data["level"],
                field=data["field"],
                category=data["category"],
                salary_coefficient=data["salary_coefficient"],
                hire_date=data["hire_date"],
                home_commune_id=_home_commune_id(request, data["home_commune"], today),
                rank=data["rank"],
                day=today,
            )
        except DomainError as error:
            return _form_page(request, form, error=error, **page)  # type: ignore[arg-type]
    messages.success(request, _("Recorded: %(name)s.") % {"name": official.full_name})
    return redirect("staffing:official", official_id=official.pk)


def _official_initial(official: Any) -> dict[str, Any]:
    home = registry.latest_version(official.home_commune_id) if official.home_commune_id else None
    return {
        "full_name": official.full_name,
        "birth_date": official.birth_date,
        "gender": official.gender,
        "ethnicity": official.ethnicity,
        "home_commune": home.code if home else "",
        "level": official.level,
        "field": official.field,
        "category": official.category,
        "rank": official.rank,
        "salary_coefficient": official.salary_coefficient,
        "hire_date": official.hire_date,
    }


@login_required
def official_edit(request: HttpRequest, official_id: int) -> HttpResponse:
    """Change an official's record (those who manage them); only the fields changed are sent."""
    with scopes_cached():
        try:
            official = access.access_official(request.user, official_id, write=True)
        except DomainError as error:
            return render_refusal(request, error)
        initial = _official_initial(official)
        form = OfficialForm(
            request.POST if request.method == "POST" else None, initial=initial, editing=True
        )
        page = {
            "title": _("Edit %(name)s") % {"name": official.full_name},
            "lead": _("The identity number recorded ends in %(last)s.")
            % {"last": official.national_id_last},
            "button": _("Save the changes"),
            "cancel_url": reverse("staffing:official", kwargs={"official_id": official.pk}),
        }
        if request.method != "POST" or not form.is_valid():
            return _form_page(request, form, **page)  # type: ignore[arg-type]
        data = dict(form.cleaned_data)
        changes: dict[str, Any] = {}
        try:
            if data.pop("national_id", ""):
                changes["national_id"] = form.cleaned_data["national_id"]
            home = data.pop("home_commune", "")
            if home != initial["home_commune"]:
                changes["home_commune_id"] = _home_commune_id(request, home, timezone.localdate())
            changes.update({k: v for k, v in data.items() if v != initial.get(k)})
            services.official_update(actor=request.user, official_id=official.pk, **changes)
        except DomainError as error:
            return _form_page(request, form, error=error, **page)  # type: ignore[arg-type]
    if changes:
        messages.success(request, _("Saved: %(name)s.") % {"name": data["full_name"]})
    return redirect("staffing:official", official_id=official.pk)


@login_required
def official_training(request: HttpRequest, official_id: int) -> HttpResponse:
    """Record a course the official took (those who manage them)."""
    with scopes_cached():
        try:
            official = access.access_official(request.user, official_id, write=True)
        except DomainError as error:
            return render_refusal(request, error)
        form = TrainingForm(request.POST if request.method == "POST" else None)
        page = {
            "title": _("Record a training"),
            "lead": official.full_name,
            "button": _("Record the training"),
            "cancel_url": reverse("staffing:official", kwargs={"official_id": official.pk}),
        }
        if request.method != "POST" or not form.is_valid():
            return _form_page(request, form, **page)  # type: ignore[arg-type]
        data = form.cleaned_data
        try:
            services.training_record(
                actor=request.user,
                official_id=official.pk,
                course=data["course"],
                field=data["field"],
                start=data["start"],
                end=data["end"],
                result=data["result"],
                level=data["level"],
            )
        except DomainError as error:
            return _form_page(request, form, error=error, **page)  # type: ignore[arg-type]
    messages.success(request, _("Training recorded: %(course)s.") % {"course": data["course"]})
    return redirect("staffing:official", official_id=official.pk)


@login_required
def official_user(request: HttpRequest, official_id: int) -> HttpResponse:
    """Link the official to their own account by its user name (the personnel authority)."""
    with scopes_cached():
        try:
            official = access.access_link(request.user, official_id)
        except DomainError as error:
            return render_refusal(request, error)
        form = LinkUserForm(request.POST if request.method == "POST" else None)
        page = {
            "title": _("Link a user account"),
            "lead": official.full_name,
            "button": _("Link the account"),
            "cancel_url": reverse("staffing:official", kwargs={"official_id": official.pk}),
        }
        if request.method != "POST" or not form.is_valid():
            return _form_page(request, form, **page)  # type: ignore[arg-type]
        try:
            linked = user_link.official_link_user(
                actor=request.user, official_id=official.pk, username=form.cleaned_data["username"]
            )
        except DomainError as error:
            return _form_page(request, form, error=error, **page)  # type: ignore[arg-type]
    messages.success(
        request,
        _("%(name)s is linked to the account '%(username)s'.")
        % {"name": official.full_name, "username": user_link.account_name(linked)},
    )
    return redirect("staffing:official", official_id=official.pk)


@login_required
def official_user_unlink(request: HttpRequest, official_id: int) -> HttpResponse:
    """GET: the confirmation page; POST: undo the link to the official's account."""
    with scopes_cached():
        try:
            official = access.access_link(request.user, official_id)
        except DomainError as error:
            return render_refusal(request, error)
        back = reverse("staffing:official", kwargs={"official_id": official.pk})
        username = user_link.linked_username(request.user, official, manages=True)
        if username is None:
            return redirect(back)
        if request.method != "POST":
            return render(
                request,
                "confirm.html",
                {
                    "title": _("Confirm the unlinking"),
                    "lead": _("%(name)s will no longer be linked to the account '%(username)s'.")
                    % {"name": official.full_name, "username": username},
                    "rows": [(_("Official"), official.full_name), (_("Account"), username)],
                    "warning": _(
                        "Once unlinked, that account is no longer kept from the denunciations, "
                        "proceedings and red flags concerning this official by its link; only "
                        "its memberships count."
                    ),
                    "action": reverse(
                        "staffing:official_user_unlink", kwargs={"official_id": official.pk}
                    ),
                    "fields": {},
                    "button": _("Unlink the account"),
                    "cancel_url": back,
                },
            )
        try:
            user_link.official_unlink_user(actor=request.user, official_id=official.pk)
        except DomainError as error:
            return render_refusal(request, error)
    messages.success(
        request,
        _("%(name)s is no longer linked to the account '%(username)s'.")
        % {"name": official.full_name, "username": username},
    )
    return redirect(back)


@login_required
def position_new(request: HttpRequest) -> HttpResponse:
    """Open a job position at a unit (write scope on the unit)."""
    today = timezone.localdate()
    with scopes_cached():
        try:
            version = _unit_to_write(request, today)
        except DomainError as error:
            return render_refusal(request, error)
        form = PositionForm(
            request.POST if request.method == "POST" else None, initial={"valid_from": today}
        )
        page = {
            "title": _("Open a position"),
            "lead": version.name,
            "button": _("Open the position"),
            "cancel_url": _url("staffing:positions", unit=version.code),
            "unit": version,
        }
        if request.method != "POST" or not form.is_valid():
            return _form_page(request, form, **page)  # type: ignore[arg-type]
        data = form.cleaned_data
        try:
            position = services.position_create(
                actor=request.user,
                unit_id=version.unit_id,
                code=data["code"],
                title=data["title"],
                group=data["group"],
                leader_role=data["leader_role"] or "",
                category=data["category"],
                level_required=data["level_required"],
                field_required=data["field_required"],
                seats=data["seats"],
                valid_from=data["valid_from"],
            )
        except DomainError as error:
            return _form_page(request, form, error=error, **page)  # type: ignore[arg-type]
    messages.success(
        request,
        _("Position %(code)s opened from %(day)s.")
        % {"code": position.code, "day": text.day(position.valid_from)},
    )
    return redirect(_url("staffing:positions", unit=version.code))


def _confirm(
    request: HttpRequest,
    *,
    title: str,
    lead: str,
    rows: list[tuple[str, str]],
    warning: str,
    action: str,
    form: EndForm,
    button: str,
    cancel_url: str,
) -> HttpResponse:
    data = form.cleaned_data
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "lead": lead,
            "rows": rows,
            "warning": warning,
            "action": action,
            "fields": {
                "last_day": data["last_day"].strftime("%d/%m/%Y"),
                "decision": data.get("decision") or "",
                "confirmed": "True",
            },
            "button": button,
            "cancel_url": cancel_url,
        },
    )


@login_required
def position_close(request: HttpRequest, position_id: int) -> HttpResponse:
    """GET: the last day; POST: the confirmation page; POST confirmed: close the position."""
    with scopes_cached():
        try:
            position = access.access_position(request.user, position_id, write=True)
        except DomainError as error:
            return render_refusal(request, error)
        version = registry.latest_version(position.unit_id)
        back = _url("staffing:positions", unit=version.code)
        form = EndForm(
            request.POST if request.method == "POST" else None,
            initial={"last_day": timezone.localdate()},
        )
        del form.fields["decision"]
        page = {
            "title": _("Close position %(code)s") % {"code": position.code},
            "lead": f"{position.title} · {version.name}",
            "button": _("Continue"),
            "cancel_url": back,
        }
        if request.method != "POST" or not form.is_valid():
            return _form_page(request, form, **page)  # type: ignore[arg-type]
        last_day = form.cleaned_data["last_day"]
        if not form.cleaned_data["confirmed"]:
            return _confirm(
                request,
                title=_("Confirm the closing"),
                lead=_("Position %(code)s (%(title)s) of %(unit)s will close after %(day)s.")
                % {
                    "code": position.code,
                    "title": position.title,
                    "unit": version.name,
                    "day": text.day(last_day),
                },
                rows=[
                    (_("Seats"), str(position.seats)),
                    (_("Open since"), text.day(position.valid_from)),
                    (_("Last day"), text.day(last_day)),
                ],
                warning=_(
                    "A closed position cannot be reopened: open a new one if it is needed again."
                ),
                action=reverse("staffing:position_close", kwargs={"position_id": position.pk}),
                form=form,
                button=_("Close the position"),
                cancel_url=back,
            )
        try:
            services.position_close(actor=request.user, position_id=position.pk, last_day=last_day)
        except DomainError as error:
            return _form_page(request, form, error=error, **page)  # type: ignore[arg-type]
    messages.success(
        request,
        _("Position %(code)s closes after %(day)s.")
        % {"code": position.code, "day": text.day(last_day)},
    )
    return redirect(back)


def _quota_rows(version: UnitVersion, year: int) -> list[dict[str, Any]]:
    """Per category: the unit's quota and decision, what its units hold, the parent's quota."""
    day = dt.date(year, 12, 31)
    children = registry.versions_on(day).filter(parent_id=version.unit_id).values("unit_id")
    rows = []
    for category in Category:
        own = Quota.objects.filter(unit_id=version.unit_id, year=year, category=category)
        decision = own.order_by("-pk").values_list("decision", flat=True).first()
        under = Quota.objects.filter(unit_id__in=children, year=year, category=category)
        parent = services.quota_of(version.parent_id, year, category) if version.parent_id else None
        rows.append(
            {
                "category": category.label,
                "quota": services.quota_of(version.unit_id, year, category),
                "decision": decision or "",
                "children": under.aggregate(total=Sum("count"))["total"],
                "parent": parent,
            }
        )
    return rows


@login_required
def quotas_page(request: HttpRequest) -> HttpResponse:
    """GET: a unit's quotas of a year (read scope), with the form to set one for those who may
    change the unit's records; POST: set it (a refusal of the parent's cap names the figures)."""
    today = timezone.localdate()
    filters = UnitForm(request.GET or None)
    context: dict[str, Any] = {"filters": filters, "my_units": _my_units(request.user, today)}
    template = "staffing/people/quotas.html"
    with scopes_cached():
        code = (request.POST.get("unit") or request.GET.get("unit") or "").strip()[:100]
        if not code:
            return render(request, template, context)
        try:
            version = selectors.unit_for(request.user, code, today)
        except DomainError as error:
            return render_refusal(request, error, template=template, context=context)
        writable = may_write_unit(request.user, version.unit_id, day=today)
        if request.method == "POST" and not writable:
            return render_refusal(
                request,
                DomainError(_("You may not change the quotas of this unit."), status=403),
            )
        form = QuotaForm(
            request.POST if request.method == "POST" else None,
            initial={"year": today.year, "category": Category.CIVIL_SERVANT},
        )
        year = today.year
        if request.method == "POST" and form.is_valid():
            year = form.cleaned_data["year"]
        context.update(unit=version, writable=writable, form=form, year=year)
        context["rows"] = _quota_rows(version, year)
        if request.method != "POST":
            return render(request, template, context)
        if not form.is_valid():
            return render_invalid_form(request, template, form, context)
        data = form.cleaned_data
        try:
            services.quota_set(
                actor=request.user,
                unit_id=version.unit_id,
                year=data["year"],
                category=data["category"],
                count=data["count"],
                decision=data["decision"],
                decided_on=data["decided_on"],
            )
        except DomainError as error:
            return render_refusal(
                request, _on_fields(error, form), template=template, context=context, form=form
            )
    messages.success(
        request,
        _("Quota set: %(unit)s, %(year)s, %(category)s: %(count)s.")
        % {
            "unit": version.name,
            "year": data["year"],
            "category": Category(data["category"]).label,
            "count": text.number(data["count"]),
        },
    )
    return redirect(_url("staffing:quotas", unit=version.code))


def _seat_choices(user: Any, unit_id: int, day: dt.date) -> list[tuple[int, str]]:
    views = selectors.positions_of_unit(user=user, unit_id=unit_id, day=day)
    return [
        (
            v.position.pk,
            _("%(code)s %(title)s (%(category)s): %(vacant)s vacant")
            % {
                "code": v.position.code,
                "title": v.position.title,
                "category": Category(v.position.category).label,
                "vacant": v.vacant,
            },
        )
        for v in views
        if v.vacant > 0
    ]


@login_required
def assignment_new(request: HttpRequest) -> HttpResponse:
    """Put an official of the unit on a vacant seat of one of its positions."""
    today = timezone.localdate()
    with scopes_cached():
        try:
            version = _unit_to_write(request, today)
        except DomainError as error:
            return render_refusal(request, error)
        found = selectors.officials_of_unit(
            user=request.user, unit_id=version.unit_id, day=today
        ).filter(status=Status.ACTIVE)
        officials = [
            (o.pk, f"{o.full_name} ({Category(o.category).label})")
            for o in access.managed_officials(request.user).filter(pk__in=found.values("pk"))
        ]
        officials.sort(key=lambda row: text.sort_key(row[1]))
        wanted = request.GET.get("official", "")
        form = AssignmentForm(
            request.POST if request.method == "POST" else None,
            initial={"valid_from": today, "official": wanted},
            officials=officials,
            positions=_seat_choices(request.user, version.unit_id, today),
        )
        page = {
            "title": _("Assign an official to a seat"),
            "lead": version.name,
            "button": _("Assign"),
            "cancel_url": _url("staffing:positions", unit=version.code),
            "unit": version,
        }
        if request.method != "POST" or not form.is_valid():
            return _form_page(request, form, **page)  # type: ignore[arg-type]
        data = form.cleaned_data
        try:
            assignment = services.assignment_start(
                actor=request.user,
                official_id=data["official"],
                position_id=data["position"],
                valid_from=data["valid_from"],
                decision=data["decision"],
            )
        except DomainError as error:
            return _form_page(request, form, error=error, **page)  # type: ignore[arg-type]
    messages.success(
        request,
        _("%(name)s holds %(code)s from %(day)s.")
        % {
            "name": assignment.official.full_name,
            "code": assignment.position.code,
            "day": text.day(assignment.valid_from),
        },
    )
    return redirect("staffing:official", official_id=assignment.official_id)


@login_required
def assignment_end(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """GET: the last day; POST: the confirmation page; POST confirmed: end the assignment."""
    with scopes_cached():
        assignment = (
            Assignment.objects.select_related("official", "position")
            .filter(pk=assignment_id)
            .first()
        )
        try:
            if assignment is None:
                raise NotFound(_("No assignment %(id)s in your scope.") % {"id": assignment_id})
            access.access_official(request.user, assignment.official_id, write=True)
        except DomainError as error:
            return render_refusal(request, error)
        official, position = assignment.official, assignment.position
        back = reverse("staffing:official", kwargs={"official_id": official.pk})
        form = EndForm(
            request.POST if request.method == "POST" else None,
            initial={"last_day": timezone.localdate()},
        )
        page = {
            "title": _("End an assignment"),
            "lead": f"{official.full_name} · {position.code} {position.title}",
            "button": _("Continue"),
            "cancel_url": back,
        }
        if request.method != "POST" or not form.is_valid():
            return _form_page(request, form, **page)  # type: ignore[arg-type]
        data = form.cleaned_data
        if not data["confirmed"]:
            return _confirm(
                request,
                title=_("Confirm the end of the assignment"),
                lead=_("%(name)s will hold position %(code)s until %(day)s included.")
                % {
                    "name": official.full_name,
                    "code": position.code,
                    "day": text.day(data["last_day"]),
                },
                rows=[
                    (_("Position"), f"{position.code} {position.title}"),
                    (_("Since"), text.day(assignment.valid_from)),
                    (_("Last day"), text.day(data["last_day"])),
                    (_("Decision"), data["decision"] or "—"),
                ],
                warning=_(
                    "An ended assignment cannot be reopened: start a new one if needed. The "
                    "seat is vacant from the next day."
                ),
                action=reverse("staffing:assignment_end", kwargs={"assignment_id": assignment.pk}),
                form=form,
                button=_("End the assignment"),
                cancel_url=back,
            )
        try:
            services.assignment_end(
                actor=request.user,
                assignment_id=assignment.pk,
                last_day=data["last_day"],
                decision=data["decision"],
            )
        except DomainError as error:
            return _form_page(request, form, error=error, **page)  # type: ignore[arg-type]
    messages.success(
        request,
        _("%(name)s holds %(code)s until %(day)s.")
        % {"name": official.full_name, "code": position.code, "day": text.day(data["last_day"])},
    )
    return redirect(back)
