"""Writes of the data the workflow reads: a form's editable data, the proposing rules, a
campaign's quotas (who may: roles.py). Each is keyword-only, atomic, with its actor and an audit
row; the same write again changes nothing and writes no audit row.

A form's legal identity (code, kind, recipients, deciding authority) is not edited here: a form
decided by another authority is another form (a data migration). A quota is never set below what
the campaign has already taken of it (`services.quota_use`: proposals submitted, reviewed or
decided, rejected items aside): the refusal names the form and the figures.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.commendations import roles
from tinhgon.commendations.models import (
    Campaign,
    CampaignQuota,
    Form,
    ItemVerdict,
    ProposalItem,
    ProposalRule,
    ProposalStatus,
)
from tinhgon.commendations.services import (
    clean_line,
    form_by_code,
    lock_campaign,
    quota_forms,
    quota_use,
)
from tinhgon.core import text
from tinhgon.core.errors import DomainError, NotFound, Problem, invalid
from tinhgon.core.models import audit
from tinhgon.units.kinds import Kind

MAX_QUOTA = 100000


@transaction.atomic
def form_update(  # type: ignore[no-untyped-def]
    *,
    actor,
    code: str,
    name: str,
    legal_basis: str,
    to_confirm: bool,
    active: bool,
    version: int | None = None,
) -> Form:
    """Change a form's name, legal basis, whether that basis is still to confirm, and whether it
    is in use (a form out of use is no longer proposed; what was proposed and decided stays).
    Refused (409, `stale`) when the form changed since `version` was read; the same change again
    is harmless."""
    roles.check_forms_manager(actor)
    form = Form.objects.select_for_update().filter(code=code).first()
    if form is None:
        raise NotFound(_("Unknown form of commendation: %(code)s.") % {"code": code})
    after = {
        "name": clean_line(name, 200, "name"),
        "legal_basis": clean_line(legal_basis, 300, "legal_basis"),
        "to_confirm": bool(to_confirm),
        "active": bool(active),
    }
    before = {key: getattr(form, key) for key in after}
    if before == after:
        return form  # the same change again
    stale = DomainError(
        _("Form %(code)s changed since you read it; reload it.") % {"code": form.code},
        code="stale",
        status=409,
    )
    if version is not None and version != form.version:
        raise stale
    if not Form.objects.filter(pk=form.pk, version=form.version).update(
        version=F("version") + 1, **after
    ):
        raise stale
    form.refresh_from_db()
    changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    audit(actor=actor, action="form_update", form=form.code, changed=changed)
    return form


@transaction.atomic
def rule_add(*, actor, unit_kind: str, form_code: str, source: str = "") -> ProposalRule:  # type: ignore[no-untyped-def]
    """Let units of `unit_kind` propose the form. The same rule again returns it (its source
    updated when another is given)."""
    roles.check_forms_manager(actor)
    if unit_kind not in Kind.values:
        raise invalid(_("Unknown unit kind: %(kind)s.") % {"kind": unit_kind}, field="unit_kind")
    form = form_by_code(form_code)
    source = clean_line(source, 300, "source", required=False)
    rule, created = ProposalRule.objects.get_or_create(
        unit_kind=unit_kind, form=form, defaults={"source": source}
    )
    if not created and (not source or rule.source == source):
        return rule
    if not created:
        rule.source = source
        rule.save(update_fields=["source"])
    audit(
        actor=actor,
        action="rule_add" if created else "rule_source",
        rule=rule.pk,
        unit_kind=unit_kind,
        form=form.code,
        source=source,
    )
    return rule


@transaction.atomic
def rule_remove(*, actor, rule_id: int) -> bool:  # type: ignore[no-untyped-def]
    """Remove a rule: units of that kind no longer propose the form (drafts naming it are refused
    when submitted; proposals already submitted go on). False: there was no such rule."""
    roles.check_forms_manager(actor)
    rule = ProposalRule.objects.select_related("form").filter(pk=rule_id).first()
    if rule is None:
        return False
    rule.delete()
    audit(
        actor=actor,
        action="rule_remove",
        rule=rule_id,
        unit_kind=rule.unit_kind,
        form=rule.form.code,
    )
    return True


def accepted_use(campaign_id: int) -> dict[int, int]:
    """Per form: the items of the campaign the council accepted (decided included)."""
    from django.db.models import Count

    found = ProposalItem.objects.filter(
        proposal__campaign_id=campaign_id,
        proposal__status__in=[ProposalStatus.REVIEWED, ProposalStatus.DECIDED],
        verdict=ItemVerdict.ACCEPTED,
    )
    return dict(found.values_list("form_id").annotate(n=Count("id")).values_list("form_id", "n"))


@transaction.atomic
def campaign_quotas_set(  # type: ignore[no-untyped-def]
    *, actor, campaign_id: int, quotas: dict[str, int], shown: Iterable[str] | None = None
) -> Campaign:
    """Replace the campaign's quotas (a form left out: no limit) while it still takes proposals
    (until it closes). A quota below what is already proposed is refused, naming the figures.

    `shown`: the codes of the forms a page shows; only their quotas change, the quotas of the
    other forms (set through the API) stay. None (the API): every quota is replaced."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(_("Campaign %(id)s does not exist.") % {"id": campaign_id})
    roles.check_council(actor, campaign.province_id)
    if timezone.localdate() > campaign.closes:
        raise DomainError(
            _("Campaign %(theme)s closed on %(day)s: its quotas are kept as they were.")
            % {"theme": campaign.theme, "day": text.day(campaign.closes)},
            code="closed",
            status=409,
        )
    forms = quota_forms(quotas)
    # Submissions of this campaign wait until this transaction ends: the figures hold.
    lock_campaign(campaign.pk)
    used, accepted = quota_use(campaign.pk), accepted_use(campaign.pk)
    problems = [
        Problem(
            message=_(
                "%(form)s: a quota of %(quota)s is below the %(used)s already proposed "
                "(%(accepted)s of them accepted by the council)."
            )
            % {
                "form": form.name,
                "quota": quotas[code],
                "used": used[form.pk],
                "accepted": accepted.get(form.pk, 0),
            },
            field=f"quota_{code}",
        )
        for code, form in forms.items()
        if quotas[code] < used.get(form.pk, 0)
    ]
    if problems:
        raise DomainError(
            _("A quota cannot be set below what is already proposed: %(details)s")
            % {"details": " ".join(p.message for p in problems)},
            code="quota",
            problems=problems,
        )
    before = {q.form.code: q.quota for q in campaign.quotas.select_related("form")}
    if shown is not None:
        hidden = set(before) - set(shown)
        quotas = {**{code: before[code] for code in hidden}, **quotas}
    if before == quotas:
        return campaign
    campaign.quotas.exclude(form__code__in=list(quotas)).delete()
    for code, quota in quotas.items():
        if before.get(code) == quota:
            continue  # unchanged (a quota the page does not show among them)
        CampaignQuota.objects.update_or_create(
            campaign=campaign, form=forms[code], defaults={"quota": quota}
        )
    audit(
        actor=actor,
        action="campaign_quotas_set",
        unit=campaign.province_id,
        campaign=campaign.pk,
        before=before,
        after=quotas,
    )
    return campaign
