"""`tinhgon jobs`: the scheduled job of public services, and the portal outbox's state.

- `tinhgon jobs run [--once] [--every SECONDS]`: every SECONDS (default 60) push the national
  portal's outbox, send reminders and escalations, retry failed emails; `--once` does one round
  and exits (cron, tests): exit 0, or 1 when a part of the round failed. `make run` starts it
  beside the server.
- `tinhgon jobs outbox [--format json] [--requeue]`: pending, failed and sent rows and the lag
  (median, 95th percentile, maximum, in seconds, over the last 7 days); `--requeue` gives the
  failed rows another round of attempts.
"""

from __future__ import annotations

import time

from django.core.management.base import CommandError
from django.db import close_old_connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.core.commands import TranslatedCommand, bounded_int, number_text, to_json
from tinhgon.publicservices import jobs, sync


class Command(TranslatedCommand):
    help = gettext_lazy("Public services' scheduled job: portal sync, reminders, emails.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser(
            "run",
            help=_("Push the portal's outbox, send reminders, retry emails; again and again."),
        )
        run.add_argument("--once", action="store_true", help=_("One round, then exit."))
        run.add_argument(
            "--every",
            type=bounded_int(1, 86_400),
            default=60,
            help=_("Seconds between rounds (default 60)."),
        )
        run.add_argument(
            "--batch",
            type=bounded_int(1, 10_000),
            default=200,
            help=_("At most this many rows of each kind per round (default 200)."),
        )
        box = sub.add_parser("outbox", help=_("The national portal's outbox and its lag."))
        box.add_argument("--format", choices=["text", "json"], default="text")
        box.add_argument("--requeue", action="store_true", help=_("Try the failed rows again."))

    def handle(self, *args, **options):
        if options["action"] == "run":
            return self.run(options)
        return self.outbox(options)

    def run(self, options) -> None:  # type: ignore[no-untyped-def]
        try:
            self._rounds(options)
        except KeyboardInterrupt:
            return  # Ctrl-C on `make run` stops the server and this job together, quietly

    def _rounds(self, options) -> None:  # type: ignore[no-untyped-def]
        while True:
            report = jobs.run_round(batch=options["batch"])
            if options["verbosity"] > 1 or report["errors"]:
                self.stdout.write(to_json(report))
            if options["once"]:
                if report["errors"]:
                    raise CommandError(
                        _("The round failed: %(errors)s") % {"errors": "; ".join(report["errors"])}
                    )
                return
            time.sleep(options["every"])
            close_old_connections()  # a connection the database dropped meanwhile is reopened

    def outbox(self, options) -> None:  # type: ignore[no-untyped-def]
        if options["requeue"]:
            count = sync.requeue_failed()
            self.stdout.write(
                _("%(count)s failed rows queued again.") % {"count": number_text(count)}
            )
        state = sync.status()
        if options["format"] == "json":
            self.stdout.write(to_json(state))
            return
        lag = state["lag"]
        self.stdout.write(
            _("Pending %(pending)s, failed %(failed)s, sent %(sent)s.")
            % {key: number_text(state[key]) for key in ("pending", "failed", "sent")}
        )
        self.stdout.write(
            _("Emails: pending %(pending)s, failed %(failed)s, sent %(sent)s.")
            % {key: number_text(state["emails"][key]) for key in ("pending", "failed", "sent")}
        )
        if not state["portal"]:
            self.stdout.write(_("TINHGON_PORTAL_URL is not set: nothing is sent."))
        if lag["count"]:
            self.stdout.write(
                _(
                    "Lag over %(days)s days (%(count)s rows): median %(median)s s, p95 %(p95)s s, max %(max)s s."
                )
                % {
                    "days": lag["window_days"],
                    "count": number_text(lag["count"]),
                    "median": lag["median_s"],
                    "p95": lag["p95_s"],
                    "max": lag["max_s"],
                }
            )
