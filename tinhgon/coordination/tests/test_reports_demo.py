"""The demo's reports and obstacles: labelled, most communes submitted and some did not,
obstacles in every state, some published; a second run makes nothing more."""

from __future__ import annotations

import random

import pytest

from tinhgon.coordination import demo_parts, figures, obstacles, reports
from tinhgon.coordination.models import Obstacle, ObstacleStatus, ReportRound

pytestmark = pytest.mark.django_db


def test_the_demo_makes_labelled_rounds_with_some_communes_missing_and_obstacles_in_every_state(
    son_la, other_commune_official
):
    made = demo_parts.reports_and_obstacles(province_id=son_la.unit_id, rng=random.Random(7))
    assert made["report_rounds"] == 2 and made["obstacles"] == 14
    assert 75 < made["submissions"] < 150
    rounds = list(ReportRound.objects.order_by("due"))
    assert all(r.template.synthetic and "minh họa" in r.template.name for r in rounds)
    missing = len(reports.missing(rounds[0]))
    assert 0 < missing < 30
    assert set(Obstacle.objects.values_list("status", flat=True)) == set(ObstacleStatus.values)
    assert Obstacle.objects.filter(synthetic=False).count() == 0
    assert obstacles.guidance(other_commune_official.user, "con dau")
    data = figures.province_figures(son_la)
    assert data["reports_missing"] == missing
    assert data["obstacles_escalated"] == 2
    again = demo_parts.reports_and_obstacles(province_id=son_la.unit_id, rng=random.Random(7))
    assert again["report_rounds"] == 0 and again["obstacles"] == 0
