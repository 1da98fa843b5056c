from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("Provincial administrator")
    UNIT_OFFICIAL = "unit_official", _("Unit official")
    OBSERVER = "observer", _("Read-only observer")


WRITE_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.UNIT_OFFICIAL})


class Membership(models.Model):
    """A user belongs to a unit with a role, over a date interval.

    The unit decides the scope (see tinhgon.accounts.access); the role decides what the user may
    do in it. A membership follows its unit through a reorganization.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [models.Index(fields=["user", "valid_to"]), models.Index(fields=["unit"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="membership_interval_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit_id} ({self.role})"


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 digest of the secret is stored.

    A token works from its creation until `expires_at` (TINHGON_TOKEN_DAYS after it by default)
    or until it is revoked, whichever comes first.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
