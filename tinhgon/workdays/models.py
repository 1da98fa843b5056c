"""The days the Government decides each year on top of the law: make-up working Saturdays and
extra days off (the swaps around Tết, 30 April and 2 September). Weekends and public holidays
are not stored: they come from the Labour Code through the `holidays` package
(tinhgon/workdays/calendar.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    WORKING = "working", _("working day (make-up)")
    OFF = "off", _("day off")


class DayException(models.Model):
    """One dated decision: `day` is a working day or a day off whatever the weekend and the
    holidays say. A row outranks both, so a wrong holiday of the package can be corrected."""

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DayKind.choices)
    reason = models.CharField(_("reason"), max_length=300)
    source = models.CharField(_("legal source"), max_length=300)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.kind}"
