"""Open proposals follow their proposing unit through a real plan: Phường Tô Hiệu and Phường
Chiềng An consolidate into Phường Tô Chiềng on 2026-01-01. Decided proposals stay; a collective
item keeps the unit it names, and the proposal page and the API say it has closed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tinhgon.accounts.models import Role
from tinhgon.carriers import contract
from tinhgon.carriers.models import RecordMove
from tinhgon.commendations import decisions, services
from tinhgon.commendations.models import Authority, Campaign, ProposalEvent, ProposalStatus
from tinhgon.commendations.tests import factories as make
from tinhgon.conftest import AFTER, make_persona
from tinhgon.core import text
from tinhgon.core.errors import DomainError, Forbidden
from tinhgon.reorg import engine, planfile
from tinhgon.units import selectors

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 1, 1)
NEW_WARD = "Phường Tô Chiềng"


def merge_two_wards() -> planfile.PlanSpec:
    return planfile.load_yaml(
        f"title: Hợp nhất hai phường\neffective_date: {DAY}\n"
        "legal_basis: {number: 07/NQ-HĐND}\nsteps:\n"
        "- action: consolidate\n  sources: ['03646', '03667']\n"
        f"  target: {{code: '03999', name: {NEW_WARD}, kind: ward, parent: '14'}}\n"
    )


def decided(unit_id: int, campaign_id: int):  # type: ignore[no-untyped-def]
    proposal = make.proposal(unit_id, campaign_id, form="bang-khen-chu-tich-tinh")
    services.proposal_submit(actor=None, proposal_id=proposal.pk)
    services.proposal_review(
        actor=None,
        proposal_id=proposal.pk,
        verdicts=[services.Verdict(item_id=i.pk, accept=True) for i in proposal.items.all()],
    )
    decisions.decision_make(
        actor=None,
        campaign_id=campaign_id,
        number="77/QĐ-UBND",
        date=timezone.localdate(),
        authority=Authority.PROVINCE,
        signed_by="Chủ tịch",
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECIDED
    return proposal


@pytest.fixture
def home_affairs(db):  # type: ignore[no-untyped-def]
    unit = selectors.versions_on(AFTER).get(code="14-SNV")
    return make_persona("snv-official", unit.unit_id, Role.UNIT_OFFICIAL)


def test_a_closed_unit_s_open_proposals_follow_it_to_its_successor_and_decided_ones_stay(
    son_la, chieng_an, to_hieu
):
    campaign = make.campaign(son_la.unit_id, quotas={})
    done = decided(chieng_an.unit_id, campaign.pk)
    draft = make.proposal(chieng_an.unit_id, campaign.pk, form="co-thi-dua-tinh")
    submitted = make.proposal(to_hieu.unit_id, campaign.pk)
    services.proposal_submit(actor=None, proposal_id=submitted.pk)

    preview = engine.preview(merge_two_wards())
    assert preview["carriers"]["commendation_proposals"] == 2
    outcome = engine.apply_plan(merge_two_wards())
    assert outcome.plan is not None

    successor = selectors.resolve(NEW_WARD, day=DAY).unit_id
    for moved, before in ((draft, chieng_an.unit_id), (submitted, to_hieu.unit_id)):
        moved.refresh_from_db()
        assert (moved.unit_id, moved.province_id) == (successor, son_la.unit_id)
        assert moved.status in (ProposalStatus.DRAFT, ProposalStatus.SUBMITTED)
        history = RecordMove.objects.get(
            plan_ref=outcome.plan.pk, carrier="commendation_proposals", record_id=moved.pk
        )
        assert (history.from_unit_id, history.to_unit_id) == (before, successor)
        event = ProposalEvent.objects.get(proposal=moved, move="follow")
        assert event.data == {
            "plan": outcome.plan.pk,
            "effective": "2026-01-01",
            "from_unit": before,
            "to_unit": successor,
        }
        # The collective item keeps the unit that earned it.
        assert set(moved.items.values_list("unit_id", flat=True)) == {before}
    done.refresh_from_db()
    assert done.unit_id == chieng_an.unit_id, "a decided proposal is the unit's record: it stays"
    assert not RecordMove.objects.filter(carrier="commendation_proposals", record_id=done.pk)

    carrier = contract.get("commendation_proposals")
    assert carrier is not None
    assert carrier.move(contract.Context(outcome.plan.pk, DAY)) == 0
    assert ProposalEvent.objects.filter(move="follow").count() == 2, "no event twice"

    # The successor carries the draft on: the rules are read for its kind, today.
    services.proposal_submit(actor=None, proposal_id=draft.pk)
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.SUBMITTED


def test_the_council_is_told_that_a_proposed_collective_has_closed_naming_the_day_and_successor(
    son_la, chieng_an, home_affairs
):
    campaign = make.campaign(son_la.unit_id, quotas={})
    proposal = make.proposal(chieng_an.unit_id, campaign.pk)
    services.proposal_submit(actor=None, proposal_id=proposal.pk)
    engine.apply_plan(merge_two_wards())
    successor = selectors.resolve(NEW_WARD, day=DAY).unit_id

    page = home_affairs.browser().get(f"/commendations/proposals/{proposal.pk}/")
    content = page.content.decode()
    assert page.status_code == 200
    assert "A collective proposed here has closed" in content
    assert (
        f"Phường Chiềng An has closed: since {text.day(DAY)} its successor is {NEW_WARD}."
        in content
    )
    assert 'name="verdict_' in content, "the council still reviews, warned"

    item = home_affairs.api().get(f"/api/commendations/proposals/{proposal.pk}").json()["items"][0]
    assert item["unit_closed_since"] == "2026-01-01"
    assert item["unit_successor_ids"] == [successor]


def test_a_collective_still_open_carries_no_warning(son_la, chieng_an, home_affairs):
    campaign = make.campaign(son_la.unit_id, quotas={})
    proposal = make.proposal(chieng_an.unit_id, campaign.pk)
    content = home_affairs.browser().get(f"/commendations/proposals/{proposal.pk}/").content
    assert b"has closed" not in content
    item = home_affairs.api().get(f"/api/commendations/proposals/{proposal.pk}").json()["items"][0]
    assert item["unit_closed_since"] is None and item["unit_successor_ids"] == []


def code_of(unit_id: int) -> str:
    return selectors.version_on(unit_id, DAY - dt.timedelta(days=1)).code


def review_all(actor, proposal):  # type: ignore[no-untyped-def]
    return services.proposal_review(
        actor=actor,
        proposal_id=proposal.pk,
        verdicts=[services.Verdict(item_id=i.pk, accept=True) for i in proposal.items.all()],
    )


def test_a_proposal_whose_unit_moves_to_another_province_stays_reviewable_by_its_campaign(
    son_la, chieng_an, ha_noi, ha_noi_admin
):
    son_la_admin = make_persona("sl-admin", son_la.unit_id, Role.PROVINCE_ADMIN)
    campaign = make.campaign(son_la.unit_id, quotas={"bang-khen-chu-tich-tinh": 1})
    proposal = make.proposal(chieng_an.unit_id, campaign.pk)
    services.proposal_submit(actor=None, proposal_id=proposal.pk)
    engine.apply_plan(
        planfile.load_yaml(
            f"title: Chuyển phường\neffective_date: {DAY}\nlegal_basis: {{number: 09/NQ-QH}}\n"
            f"steps:\n- {{action: move, unit: '{code_of(chieng_an.unit_id)}', "
            f"parent: '{code_of(ha_noi.unit_id)}'}}\n"
        )
    )
    proposal.refresh_from_db()
    assert proposal.province_id == campaign.province_id == son_la.unit_id
    # Hà Nội's council is not the campaign's: refused; Sơn La's reviews it.
    with pytest.raises(Forbidden):
        review_all(ha_noi_admin.user, proposal)
    reviewed = review_all(son_la_admin.user, proposal)
    assert reviewed.status == ProposalStatus.REVIEWED
    # It still takes its place in the campaign's quota.
    other = make.proposal(selectors.resolve("Phường Tô Hiệu", day=DAY).unit_id, campaign.pk)
    with pytest.raises(DomainError) as refused:
        services.proposal_submit(actor=None, proposal_id=other.pk)
    assert refused.value.code == "quota"


def absorb_son_la_into(ha_noi_id: int) -> planfile.PlanSpec:
    return planfile.load_yaml(
        f"title: Sáp nhập tỉnh\neffective_date: {DAY}\nlegal_basis: {{number: 202/2025/QH15}}\n"
        f"steps:\n- {{action: absorb, sources: ['14'], into: '{code_of(ha_noi_id)}'}}\n"
    )


def test_a_live_campaign_follows_its_province_absorbed_by_another_and_a_finished_one_stays(
    son_la, chieng_an, to_hieu, ha_noi, ha_noi_admin
):
    live = make.campaign(son_la.unit_id, quotas={})
    clash = make.campaign(ha_noi.unit_id, quotas={})  # Hà Nội's own "nq18"
    waiting = make.campaign(son_la.unit_id, code="nam-2025", quotas={})
    reviewed = make.proposal(chieng_an.unit_id, waiting.pk)
    services.proposal_submit(actor=None, proposal_id=reviewed.pk)
    review_all(None, reviewed)
    finished = make.campaign(son_la.unit_id, code="nam-2024", quotas={})
    draft = make.proposal(to_hieu.unit_id, live.pk)
    # Both closed before the effective date: one still waits for its decision, one is done.
    Campaign.objects.filter(pk__in=[waiting.pk, finished.pk]).update(
        opens=dt.date(2025, 1, 1), closes=dt.date(2025, 12, 1)
    )

    preview = engine.preview(absorb_son_la_into(ha_noi.unit_id))
    assert preview["carriers"]["commendation_campaigns"] == 2
    outcome = engine.apply_plan(absorb_son_la_into(ha_noi.unit_id))
    assert outcome.plan is not None

    moved = {c.pk: c for c in Campaign.objects.filter(pk__in=[live.pk, waiting.pk, finished.pk])}
    assert moved[live.pk].province_id == moved[waiting.pk].province_id == ha_noi.unit_id
    assert moved[live.pk].code == "nq18-14", "Hà Nội holds nq18 already"
    assert Campaign.objects.get(pk=clash.pk).code == "nq18"
    assert moved[waiting.pk].code == "nam-2025"
    assert moved[finished.pk].province_id == son_la.unit_id, "a finished campaign stays"
    assert set(
        RecordMove.objects.filter(
            plan_ref=outcome.plan.pk, carrier="commendation_campaigns"
        ).values_list("record_id", flat=True)
    ) == {live.pk, waiting.pk}
    # Their proposals take the campaign's province: Hà Nội's council decides them.
    for proposal in (reviewed, draft):
        proposal.refresh_from_db()
        assert proposal.province_id == ha_noi.unit_id
    decision = decisions.decision_make(
        actor=ha_noi_admin.user,
        campaign_id=waiting.pk,
        number="12/QĐ-UBND",
        date=timezone.localdate(),
        authority=Authority.PROVINCE,
        signed_by="Chủ tịch",
    )
    assert decision.province_id == ha_noi.unit_id
    carrier = contract.get("commendation_campaigns")
    assert carrier is not None
    assert carrier.move(contract.Context(outcome.plan.pk, DAY)) == 0
