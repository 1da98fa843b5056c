"""`tinhgon accounts`: users with a unit and a role, and API tokens.

A password never goes on the command line (where `ps` and the shell's history would keep it): it
is asked twice at the prompt, or read from standard input with --password-stdin.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhgon.accounts import selectors as accounts
from tinhgon.accounts import services
from tinhgon.accounts.models import Role
from tinhgon.core.commands import TranslatedCommand, moment_text, table
from tinhgon.core.errors import DomainError
from tinhgon.units import selectors


class Command(TranslatedCommand):
    help = gettext_lazy("Accounts: users with a unit and a role, and API tokens.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add-user", help=_("Create a user who belongs to a unit with a role."))
        add.add_argument("username")
        add.add_argument("--unit", required=True, help=_("Code or name of the unit (open today)."))
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument(
            "--password-stdin",
            action="store_true",
            help=_("Read the password from standard input (default: asked twice)."),
        )
        # Refused with a clear line: a password on the command line is seen by every user of
        # the machine (ps) and kept in the shell's history.
        add.add_argument("--password", help=argparse.SUPPRESS)
        add.add_argument(
            "--no-password",
            action="store_true",
            help=_("API-only user (a token is their way in)."),
        )
        token = sub.add_parser("token", help=_("Create an API token for a user (printed once)."))
        token.add_argument("username")
        token.add_argument("--name", default="cli")
        token.add_argument(
            "--days", type=int, help=_("Days the token works (default: the setting).")
        )
        tokens = sub.add_parser("tokens", help=_("List a user's API tokens."))
        tokens.add_argument("username")
        revoke = sub.add_parser("revoke-token", help=_("Revoke an API token by its prefix (tg_…)."))
        revoke.add_argument("prefix")
        revoke.add_argument("--user", help=_("The token's user, if prefixes clash."))

    def handle(self, *args, action: str, **options):
        run = getattr(self, "_" + action.replace("-", "_"))  # add-user -> _add_user
        try:
            run(**options)
        except DomainError as error:
            # One line: this command's refusals say everything in their message (a weak
            # password's message lists every reason).
            raise CommandError(error.message) from None

    def _add_user(self, *, username, unit, role, password, password_stdin, no_password, **_o):
        if password is not None:
            raise CommandError(
                _(
                    "--password is not accepted (the command line is visible to others): "
                    "type it at the prompt or use --password-stdin."
                )
            )
        version = selectors.resolve(unit, day=timezone.localdate())
        secret = None if no_password else self._read_password(username, password_stdin)
        user = services.user_create(actor=None, username=username, password=secret)
        services.membership_add(actor=None, user=user, unit_id=version.unit_id, role=role)
        self.stdout.write(
            _("%(user)s: %(role)s of %(unit)s (%(code)s).")
            % {
                "user": username,
                "role": Role(role).label,
                "unit": version.name,
                "code": version.code,
            }
        )

    def _read_password(self, username: str, from_stdin: bool) -> str:
        if from_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            if not sys.stdin.isatty():
                raise CommandError(_("No terminal to ask for the password: use --password-stdin."))
            password = getpass.getpass(_("Password for %(user)s: ") % {"user": username})
            if getpass.getpass(_("The same password again: ")) != password:
                raise CommandError(_("The two passwords differ: nothing was created."))
        if not password:
            raise CommandError(_("No password given: nothing was created."))
        return password

    def _user(self, username: str):  # type: ignore[no-untyped-def]
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user '%(user)s'.") % {"user": username})
        return user

    def _token(self, *, username, name, days, **_o):
        user = self._user(username)
        token, secret = services.token_create(actor=None, user=user, name=name, days=days)
        # Only the secret on standard output, so that TOKEN=$(tinhgon accounts token x) works.
        self.stdout.write(secret)
        self.stderr.write(
            _("Token %(prefix)s… of %(user)s, valid until %(expires)s.")
            % {"prefix": token.prefix, "user": username, "expires": moment_text(token.expires_at)}
        )

    def _tokens(self, *, username, **_o):
        now = timezone.now()
        rows = [
            (
                token.name,
                token.prefix,
                moment_text(token.created_at),
                moment_text(token.last_used_at) or "—",
                moment_text(token.expires_at),
                moment_text(token.revoked_at) or "—",
                _("revoked")
                if token.revoked_at
                else _("expired")
                if token.expires_at <= now
                else _("active"),
            )
            for token in accounts.token_list(user=self._user(username))
        ]
        if not rows:
            self.stdout.write(_("%(user)s has no API token.") % {"user": username})
            return
        headers = [
            _("name"),
            _("prefix"),
            _("created at"),
            _("last used at"),
            _("expires at"),
            _("revoked at"),
            _("status"),
        ]
        self.stdout.write(table(rows, headers))

    def _revoke_token(self, *, prefix, user, **_o):
        owner = self._user(user) if user else None
        token = accounts.token_by_prefix(prefix=prefix, user=owner)
        token = services.token_revoke(actor=None, token=token)
        self.stdout.write(
            _("Token %(prefix)s… of %(user)s revoked on %(when)s.")
            % {
                "prefix": token.prefix,
                "user": token.user.get_username(),
                "when": moment_text(token.revoked_at),
            }
        )
