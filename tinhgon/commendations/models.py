"""Commendations: the forms of emulation titles and commendation, the campaigns that call for
them, who may propose what, the proposals and their review by the emulation council, the
decisions and the register they write.

Law on Emulation and Commendation 2022 (06/2022/QH15) and Decree 98/2023/NĐ-CP; the forms are
data (`Form`, seeded by 0002_forms_and_rules with their sources), as are the proposing rules
(`ProposalRule`) and the quotas of a campaign (`CampaignQuota`).

A commendation stays attached to the identity it was given to: a collective's row keeps its unit
(a closed unit included; the successors' pages read it through the lineage), an individual's
row keeps the official (their record follows them across units). No carrier moves a
`Commendation`: history is not reorganized.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhgon.staffing.models import Official
from tinhgon.units.models import Unit

__all__ = [
    "OPEN_PROPOSAL",
    "Authority",
    "Campaign",
    "CampaignQuota",
    "Commendation",
    "Decision",
    "Form",
    "FormKind",
    "ItemVerdict",
    "Proposal",
    "ProposalEvent",
    "ProposalItem",
    "ProposalRule",
    "ProposalStatus",
    "RecipientKind",
    "Recipients",
]


class Recipients(models.TextChoices):
    COLLECTIVE = "collective", _("collectives")
    INDIVIDUAL = "individual", _("individuals")
    BOTH = "both", _("collectives and individuals")


class RecipientKind(models.TextChoices):
    COLLECTIVE = "collective", _("collective")
    INDIVIDUAL = "individual", _("individual")


class FormKind(models.TextChoices):
    TITLE = "title", _("emulation title")
    COMMENDATION = "commendation", _("form of commendation")


class Authority(models.TextChoices):
    """Who decides a form, from the highest: the protocol order of a list read out."""

    STATE = "state", _("State President")
    GOVERNMENT = "government", _("Prime Minister")
    PROVINCE = "province", _("Chairman of the provincial People's Committee")
    COMMUNE = "commune", _("Chairman of the commune People's Committee")


AUTHORITY_RANK: dict[str, int] = {
    Authority.STATE.value: 1,
    Authority.GOVERNMENT.value: 2,
    Authority.PROVINCE.value: 3,
    Authority.COMMUNE.value: 4,
}


class Form(models.Model):
    """An emulation title or form of commendation: who may receive it, who decides it, and the
    article that says so. `to_confirm`: the article is not yet checked against the official text
    (shown as such on the pages, never hidden)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=FormKind.choices)
    recipients = models.CharField(_("for"), max_length=12, choices=Recipients.choices)
    authority = models.CharField(_("decided by"), max_length=12, choices=Authority.choices)
    # Protocol order among forms (lower first): read out and printed in this order.
    rank = models.PositiveSmallIntegerField(_("order"), default=100)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    to_confirm = models.BooleanField(_("source to confirm"), default=False)
    active = models.BooleanField(_("in use"), default=True)
    # Bumped by every edit: an edit made on what someone else has changed since is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("form of commendation")
        verbose_name_plural = _("forms of commendation")
        ordering = ["rank", "code"]

    def __str__(self) -> str:
        return self.name

    def allows(self, recipient_kind: str) -> bool:
        return self.recipients in (Recipients.BOTH, recipient_kind)


class ProposalRule(models.Model):
    """A unit of `unit_kind` may propose `form` (data: the province edits it, no code changes).
    No rule for a kind and form: refused, naming both."""

    unit_kind = models.CharField(_("proposing unit kind"), max_length=24)
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="rules")
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("proposal rule")
        verbose_name_plural = _("proposal rules")
        constraints = [
            models.UniqueConstraint(fields=["unit_kind", "form"], name="one_rule_per_kind_and_form")
        ]

    def __str__(self) -> str:
        return f"{self.unit_kind} -> {self.form_id}"


class Campaign(models.Model):
    """An emulation campaign or theme (implementing Resolution 18, a year's work), in one
    province, open to proposals from `opens` to `closes`."""

    code = models.SlugField(_("code"), max_length=40)
    theme = models.CharField(_("theme"), max_length=300)
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    opens = models.DateField(_("opens"))
    closes = models.DateField(_("closes"))
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped by every submission: the conditional UPDATE that serializes the quota checks.
    version = models.PositiveIntegerField(default=1)
    synthetic = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="campaign_code_per_province"),
            models.CheckConstraint(
                condition=Q(closes__gte=models.F("opens")), name="campaign_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.theme


class CampaignQuota(models.Model):
    """At most `quota` recipients of `form` may be proposed in the campaign (counting every
    proposal submitted and not rejected)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="quotas")
    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="+")
    quota = models.PositiveIntegerField(_("quota"))

    class Meta:
        verbose_name = _("campaign quota")
        verbose_name_plural = _("campaign quotas")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "form"], name="one_quota_per_form")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.form_id}: {self.quota}"


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    REVIEWED = "reviewed", _("reviewed by the council")
    DECIDED = "decided", _("decided")
    REJECTED = "rejected", _("rejected")


OPEN_PROPOSAL = (ProposalStatus.DRAFT, ProposalStatus.SUBMITTED, ProposalStatus.REVIEWED)


class Proposal(models.Model):
    """A unit's proposal in a campaign: a list of recipients and forms."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="proposals")
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    created_at = models.DateTimeField(_("created at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    synthetic = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["campaign", "status"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"


class ItemVerdict(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class ProposalItem(models.Model):
    """One recipient of a proposal: a unit (a collective) or an official (an individual)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="items")
    recipient_kind = models.CharField(_("recipient"), max_length=12, choices=RecipientKind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    official = models.ForeignKey(
        Official, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    achievements = models.TextField(_("achievements"), blank=True)
    verdict = models.CharField(
        _("council's verdict"),
        max_length=10,
        choices=ItemVerdict.choices,
        default=ItemVerdict.PENDING,
    )
    note = models.CharField(_("council's note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("proposed recipient")
        verbose_name_plural = _("proposed recipients")
        ordering = ["proposal_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(recipient_kind="collective") & Q(official__isnull=True))
                | (Q(recipient_kind="individual") & Q(official__isnull=False)),
                name="proposal_item_recipient_shape",
            ),
            models.UniqueConstraint(
                fields=["proposal", "form", "unit"],
                condition=Q(official__isnull=True),
                name="proposal_item_collective_once",
            ),
            models.UniqueConstraint(
                fields=["proposal", "form", "official"],
                condition=Q(official__isnull=False),
                name="proposal_item_individual_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}/{self.pk}"


class ProposalEvent(models.Model):
    """One step of a proposal: who, when, from which status to which, with a note."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    move = models.CharField(_("move"), max_length=16)
    from_status = models.CharField(max_length=10, choices=ProposalStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=ProposalStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("proposal event")
        verbose_name_plural = _("proposal events")
        ordering = ["proposal_id", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.move}"


class Decision(models.Model):
    """A decision of commendation: its number, date, authority and signatory. Decided in the
    workflow (its rows come from accepted proposal items) or recorded from paper (a decision
    taken before the register, or by the State President or the Prime Minister)."""

    number = models.CharField(_("number"), max_length=60)
    date = models.DateField(_("date"))
    authority = models.CharField(_("authority"), max_length=12, choices=Authority.choices)
    signed_by = models.CharField(_("signed by"), max_length=200)
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="decisions", null=True, blank=True
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    synthetic = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("decision of commendation")
        verbose_name_plural = _("decisions of commendation")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "authority", "number"], name="decision_number_once"
            )
        ]

    def __str__(self) -> str:
        return self.number


class Commendation(models.Model):
    """The register: one recipient of one form by one decision. A collective's row names its
    unit; an individual's names the official and the unit they served in then. The names as
    they stood on the decision's date are kept (`recipient_name`, `unit_name`)."""

    recipient_kind = models.CharField(_("recipient"), max_length=12, choices=RecipientKind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    official = models.ForeignKey(
        Official, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recipient_name = models.CharField(_("recipient"), max_length=200)
    unit_name = models.CharField(_("unit"), max_length=200)
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="commendations")
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=500)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    item = models.OneToOneField(
        ProposalItem, on_delete=models.PROTECT, related_name="commendation", null=True, blank=True
    )
    synthetic = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-date", "decision_id", "id"]
        indexes = [
            models.Index(fields=["unit", "date"]),
            models.Index(fields=["official", "date"]),
            models.Index(fields=["province", "date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(recipient_kind="collective") & Q(official__isnull=True))
                | (Q(recipient_kind="individual") & Q(official__isnull=False)),
                name="commendation_recipient_shape",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_name} ({self.form_id})"
