from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Who did what, when: one row per service call that changed something.

    Written in the same transaction as the change, so a change without its audit row cannot exist.
    The unit is kept as a plain id, not a foreign key: core sits below every domain app (units
    included), and a history row must outlive whatever it names.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    unit_id = models.BigIntegerField(_("unit"), null=True, blank=True, db_index=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


def audit(*, actor, action: str, unit=None, **data) -> AuditEvent:  # type: ignore[no-untyped-def]
    """Record `action` by `actor`; `unit` is a unit (any model instance with a pk) or its id."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    unit_id = getattr(unit, "pk", unit)
    return AuditEvent.objects.create(actor=user, action=action, unit_id=unit_id, data=data)


class ThrottleCount(models.Model):
    """Attempts counted under a key (an address, a code) until `window_ends`: shared by every
    server process through the database (core/throttle.py), so running several workers does not
    multiply a limit."""

    key = models.CharField(max_length=80, unique=True)
    window_ends = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
