"""`tinhgon commendations demo`: labelled, repeatable, through the services; its 2023 decision
commends collectives that the 2025 merger closed, which their successors then show."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from tinhgon.commendations import demo, selectors
from tinhgon.commendations.models import (
    Campaign,
    Commendation,
    Decision,
    ProposalItem,
    ProposalStatus,
)
from tinhgon.core.tests.cli import refused
from tinhgon.units import selectors as units

pytestmark = pytest.mark.django_db


def test_the_demo_makes_a_labelled_set_and_a_second_run_is_refused_writing_nothing(
    son_la, capsys, monkeypatch
):
    out = io.StringIO()
    call_command("commendations", "demo", "--province", "Sơn La", "--format", "json", stdout=out)
    first = json.loads(out.getvalue())
    line = refused(
        "commendations", "demo", "--province", "Sơn La", monkeypatch=monkeypatch, capsys=capsys
    )

    assert first["made"] and first["commendations"] > 0
    assert line == (
        f"{son_la.name} already holds synthetic commendations ({first['campaigns']} campaigns, "
        f"{first['decisions']} decisions, {first['commendations']} commendations): "
        "nothing was written."
    )
    held = demo.summary(son_la.unit_id)
    assert held == {
        key: first[key] for key in ("campaigns", "proposals", "decisions", "commendations")
    }
    assert not Commendation.objects.filter(synthetic=False).exists()
    assert all(d.number.startswith(demo.LABEL) for d in Decision.objects.all())
    campaign = Campaign.objects.get(code=demo.CODE)
    assert campaign.theme.startswith(demo.LABEL)
    statuses = set(campaign.proposals.values_list("status", flat=True))
    assert statuses == {ProposalStatus.DECIDED}
    rejected = ProposalItem.objects.filter(proposal__campaign=campaign, verdict="rejected")
    assert [r.note.startswith(demo.LABEL) for r in rejected] == [True]
    assert not Commendation.objects.filter(item__in=rejected).exists()


def test_the_demos_2023_commendation_of_a_merged_commune_shows_on_its_successor(son_la):
    demo.demo(province="Sơn La", seed=3)
    old = Commendation.objects.filter(date=demo.PAST_DAY).first()
    assert old is not None
    (link, _d), *_rest = units.lineage(old.unit_id, direction="successors")

    found = selectors.unit_history(link.successor_id, with_predecessors=True)

    assert (old.decision.number, old.unit_id) in {(r["decision"], r["unit_id"]) for r in found}
    assert any(r["via"] for r in found)
