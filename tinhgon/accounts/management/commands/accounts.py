from __future__ import annotations

import getpass

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tinhgon.accounts import services
from tinhgon.accounts.models import Role
from tinhgon.core.commands import domain_errors_as_command_errors
from tinhgon.units import selectors


class Command(BaseCommand):
    help = "Accounts: users with a unit and a role, and API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add-user", help="Create a user who belongs to a unit with a role.")
        add.add_argument("username")
        add.add_argument("--unit", required=True, help="Code or name of the unit (open today).")
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument(
            "--password", help="Default: asked at the prompt; none with --no-password."
        )
        add.add_argument("--no-password", action="store_true", help="API-only user (token).")
        token = sub.add_parser("token", help="Create an API token for a user (printed once).")
        token.add_argument("username")
        token.add_argument("--name", default="cli")

    @domain_errors_as_command_errors
    def handle(self, *args, action: str, **options):
        if action == "add-user":
            self._add_user(**options)
        else:
            self._token(**options)

    def _add_user(self, *, username, unit, role, password, no_password, **_):
        version = selectors.resolve(unit, day=timezone.localdate())
        if not password and not no_password:
            password = getpass.getpass(f"Password for {username}: ")
        user = services.user_create(actor=None, username=username, password=password or None)
        services.membership_add(actor=None, user=user, unit_id=version.unit_id, role=role)
        self.stdout.write(f"{username}: {Role(role).label} of {version.name} ({version.code}).")

    def _token(self, *, username, name, **_):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user '{username}'.")
        _token, secret = services.token_create(actor=None, user=user, name=name)
        self.stdout.write(secret)
