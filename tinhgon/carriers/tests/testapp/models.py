from django.db import models


class Parcel(models.Model):
    """Like a dossier: at a unit, in a province, about a person who lives in a commune."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(
        "units.Unit", null=True, on_delete=models.PROTECT, related_name="+"
    )
    admin_unit = models.ForeignKey(
        "units.Unit", null=True, on_delete=models.PROTECT, related_name="+"
    )
    home = models.ForeignKey("units.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=40)

    def __str__(self) -> str:
        return self.label


class Posting(models.Model):
    """Like an official's assignment: at a unit over a date interval, in a province."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(
        "units.Unit", null=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(null=True)
    valid_to = models.DateField(null=True)
    label = models.CharField(max_length=40)

    def __str__(self) -> str:
        return self.label
