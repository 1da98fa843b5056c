from __future__ import annotations

from django.core.management.base import CommandError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.core.commands import (
    TranslatedCommand,
    bounded_int,
    day_text,
    domain_errors_as_command_errors,
    number_text,
    one_line,
    parse_day,
    record_id,
    table,
    to_json,
    write_output,
)
from tinhgon.core.db import refresh_statistics
from tinhgon.core.errors import DomainError
from tinhgon.core.forms import MAX_ID
from tinhgon.core.upload import read_path
from tinhgon.reorg import planfile, services
from tinhgon.reorg.models import Plan
from tinhgon.reorg.national import build_2025_plan
from tinhgon.reorg.spec import PlanSpec
from tinhgon.reorg.templatetags.plans import carrier_label
from tinhgon.reports.selectors import figure_label


def read_plan(path: str) -> PlanSpec:
    """A plan file named on the command line: refused like an upload when missing, too large
    or malformed."""
    return planfile.load(*read_path(path))


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Reorganization plans: build the 2025 plan, preview, apply, approve, apply those due."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        build = sub.add_parser(
            "build-2025", help=_("Write the plan of the 2025 national rearrangement.")
        )
        build.add_argument("--output", required=True, help=_("A .yaml or .xlsx file."))
        preview = sub.add_parser("preview", help=_("Preview a plan file: nothing is written."))
        preview.add_argument("file")
        preview.add_argument("--format", choices=["table", "json", "xlsx"], default="table")
        preview.add_argument("--output", help=_("File to write (required for xlsx)."))
        apply = sub.add_parser(
            "apply",
            help=_(
                "Apply a plan file (again: resume one left applying). Exit 1 and one line when refused."
            ),
        )
        apply.add_argument("file")
        apply.add_argument("--format", choices=["table", "json"], default="table")
        apply.add_argument(
            "--early",
            action="store_true",
            help=_(
                "Apply a plan whose date has not come yet (its records move now, not on its date)."
            ),
        )
        apply.add_argument(
            "--batch-rows",
            type=bounded_int(100, 1_000_000),
            help=_("Records per batch when a plan moves more than that (default: the setting)."),
        )
        rehearse = sub.add_parser(
            "rehearse",
            help=_("Apply a plan file in one transaction, check every invariant, roll it back."),
        )
        rehearse.add_argument("file")
        rehearse.add_argument("--format", choices=["table", "json"], default="table")
        template = sub.add_parser(
            "excel-template", help=_("Write an example plan spreadsheet to fill in (.xlsx).")
        )
        template.add_argument("--output", required=True)
        create = sub.add_parser("create", help=_("Store a plan file as a draft."))
        create.add_argument("file")
        approve = sub.add_parser("approve", help=_("Approve a draft plan (by id)."))
        approve.add_argument("plan_id", type=record_id)
        due = sub.add_parser(
            "apply-due", help=_("Apply approved plans whose date has come (repeatable).")
        )
        due.add_argument("--today", help=_("Date to consider as today (dd/mm/yyyy or YYYY-MM-DD)."))
        sub.add_parser("list", help=_("Stored plans."))
        decide = sub.add_parser("decide", help=_("Decide where records that no rule routes go."))
        decide.add_argument("plan_id", type=record_id)
        decide.add_argument("--carrier", default="child_units")
        decide.add_argument(
            "--choice",
            action="append",
            default=[],
            metavar="RECORD=REF",
            help=_("A record id and the unit it goes to (repeatable), e.g. 1234=new:T1"),
        )
        decide.add_argument(
            "--group",
            action="append",
            default=[],
            metavar="UNIT:KEY=REF",
            help=_(
                "Records of split unit UNIT (an id) whose rule value is KEY (a unit id; * for "
                "all the carrier's records there) go to REF (repeatable), e.g. 14:3650=new:T2"
            ),
        )

    @domain_errors_as_command_errors
    def handle(self, *args, action: str, **options):
        getattr(self, "handle_" + action.replace("-", "_"))(**options)

    def handle_excel_template(self, *, output, **_options):
        write_output(output, planfile.excel_template())
        self.stdout.write(_("Template written to %(file)s") % {"file": output})

    def handle_build_2025(self, *, output, **_options):
        plan = build_2025_plan()
        if output.endswith(".xlsx"):
            write_output(output, planfile.write_excel(plan))
        else:
            write_output(output, planfile.dump_yaml(plan))
        self.stdout.write(
            _("%(count)s steps written to %(file)s") % {"count": len(plan.steps), "file": output}
        )

    def handle_preview(self, *, file, format, output, **_options):
        report = services.plan_preview(actor=None, spec=read_plan(file))
        self._emit(report, format, output)

    def handle_apply(self, *, file, format, batch_rows=None, early=False, **_options):
        try:
            spec = read_plan(file)
            if spec.effective_date > timezone.localdate() and not early:
                # Records follow their units on the plan's date, not before: a dated plan waits
                # for `plan apply-due` (run by `tinhgon jobs run` beside the server).
                raise CommandError(
                    _(
                        "The plan takes effect on %(day)s: approve it and `plan apply-due` applies "
                        "it that day (or add --early to move its records now)."
                    )
                    % {"day": day_text(spec.effective_date)}
                )
            outcome = services.plan_apply(
                actor=None, spec=spec, batch_rows=batch_rows, on_progress=self._progress
            )
        except DomainError as error:
            raise CommandError(one_line(error)) from None
        if self._progressed:
            self.stderr.write("")
        assert outcome.plan is not None
        refresh_statistics()
        if format == "json":
            self.stdout.write(to_json({"plan_id": outcome.plan.pk, **outcome.report}))
        else:
            self.stdout.write(
                _("Applied plan %(id)s: %(title)s")
                % {"id": outcome.plan.pk, "title": outcome.plan.title}
            )
            self._summary(outcome.report)

    _progressed = False

    def _progress(self, carrier: str, moved: int, total: int) -> None:
        """A progress bar on the terminal while records move in batches."""
        self._progressed = True
        share = moved / total if total else 1.0
        bar = "#" * int(share * 30)
        self.stderr.write(f"\r{carrier}: [{bar:<30}] {moved:,}/{total:,} ({share:.0%})", ending="")
        self.stderr.flush()

    def handle_rehearse(self, *, file, format, **_options):
        report = services.plan_rehearse(actor=None, spec=read_plan(file))
        if format == "json":
            self.stdout.write(to_json(report))
        else:
            self.stdout.write(_("Rehearsed (rolled back): every invariant holds."))
            self._summary(report)

    def handle_create(self, *, file, **_options):
        plan = services.plan_create(actor=None, spec=read_plan(file))
        services.plan_preview_store(actor=None, plan=plan)
        self.stdout.write(
            _("Plan %(id)s stored as a draft (%(count)s steps).")
            % {"id": plan.pk, "count": len(plan.spec["steps"])}
        )

    def handle_approve(self, *, plan_id, **_options):
        plan = Plan.objects.filter(pk=plan_id).first()
        if plan is None:
            raise CommandError(_("No plan %(id)s.") % {"id": plan_id})
        plan = services.plan_approve(actor=None, plan=plan)
        self.stdout.write(
            _("Plan %(id)s is %(status)s, effective %(day)s.")
            % {"id": plan.pk, "status": plan.get_status_display(), "day": _day(plan.effective_date)}
        )

    def handle_apply_due(self, *, today, **_options):
        applied, refused = services.plans_apply_due(
            actor=None, today=parse_day(today, name="--today") or timezone.localdate()
        )
        for plan in applied:
            self.stdout.write(
                _("Applied plan %(id)s: %(title)s") % {"id": plan.pk, "title": plan.title}
                + f" ({_day(plan.effective_date)})"
            )
        if not applied and not refused:
            self.stdout.write(_("No approved plan is due."))
        if refused:
            raise CommandError(
                "; ".join(
                    _("plan %(id)s: %(error)s") % {"id": pk, "error": one_line(error)}
                    for pk, error in refused.items()
                )
            )

    def handle_decide(self, *, plan_id, carrier, choice, group, **_options):
        plan = Plan.objects.filter(pk=plan_id).first()
        if plan is None:
            raise CommandError(_("No plan %(id)s.") % {"id": plan_id})
        if not choice and not group:
            raise CommandError(_("Give --choice RECORD=REF or --group UNIT:KEY=REF."))
        for item in group:
            where, _sep, ref = item.partition("=")
            unit, _sep, key = where.partition(":")
            if not _id(unit) or not (_id(key) or key == "*") or not ref.strip():
                raise CommandError(
                    _("--group %(item)s: write UNIT:KEY=REF (KEY a unit id or *)") % {"item": item}
                )
            services.decisions_record_group(
                actor=None,
                plan=plan,
                carrier=carrier,
                unit_id=int(unit),
                key=None if key == "*" else int(key),
                ref=ref.strip(),
            )
        if group:
            self.stdout.write(
                _("%(count)s group decision(s) recorded for plan %(id)s.")
                % {"count": len(group), "id": plan.pk}
            )
        if not choice:
            return
        choices = {}
        for item in choice:
            record, _sep, ref = item.partition("=")
            if not _id(record.strip()) or not ref.strip():
                raise CommandError(
                    _("--choice %(item)s: write RECORD_ID=UNIT_REF") % {"item": item}
                )
            choices[int(record)] = ref.strip()
        count = services.decisions_record(actor=None, plan=plan, carrier=carrier, choices=choices)
        self.stdout.write(
            _("%(count)s decision(s) recorded for plan %(id)s.") % {"count": count, "id": plan.pk}
        )

    def handle_list(self, **_options):
        rows = [
            (p.pk, p.get_status_display(), _day(p.effective_date), p.title)
            for p in Plan.objects.all()
        ]
        self.stdout.write(table(rows, [_("id"), _("status"), _("effective date"), _("title")]))

    def _emit(self, report, format, output):
        if format == "xlsx":
            if not output:
                raise CommandError(_("--format xlsx needs --output FILE"))
            from tinhgon.reorg.exports import preview_workbook

            write_output(output, preview_workbook(report))
            self.stdout.write(_("Written to %(file)s") % {"file": output})
            return
        if format == "json":
            text = to_json(report)
            if output:
                write_output(output, text)
            else:
                self.stdout.write(text)
            return
        self._summary(report)

    def _summary(self, report):
        self.stdout.write(
            _(
                "units opened: %(opened)s, closed: %(closed)s, changed: %(changed)s, "
                "lineage links: %(links)s"
            )
            % {
                "opened": number_text(report["units_opened"]),
                "closed": number_text(report["units_closed"]),
                "changed": number_text(report["units_changed"]),
                "links": number_text(report["links"]),
            }
        )
        for name, count in report["carriers"].items():
            self.stdout.write(
                "  "
                + _("%(name)s: %(count)s records move")
                % {"name": carrier_label(name), "count": number_text(count)}
            )
        for name, ids in report["needs_decision"].items():
            self.stdout.write(
                "  "
                + _("%(name)s: %(count)s records need a decision")
                % {"name": carrier_label(name), "count": number_text(len(ids))}
            )
        before, after = report["figures_before"], report["figures_after"]
        rows = [
            (
                figure_label(f"administrative_units.{key}"),
                number_text(before["administrative_units"][key]),
                number_text(after["administrative_units"][key]),
            )
            for key in ("province_level", "district_level", "commune_level")
        ]
        rows += [
            (figure_label(key), number_text(before[key]), number_text(after[key]))
            for key in (
                "levels",
                "focal_points_under_province",
                "departments",
                "offices",
                "total_units",
            )
        ]
        self.stdout.write(table(rows, [_("figure"), _("before"), _("after")]))


def _id(text: str) -> bool:
    return text.isdigit() and 1 <= int(text) <= MAX_ID


def _day(day) -> str:  # type: ignore[no-untyped-def]
    """A date as the reader's language writes it (01/07/2025 in Vietnamese)."""
    return formats.date_format(day, "SHORT_DATE_FORMAT")
