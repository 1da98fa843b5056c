"""The synthetic periodic reports and obstacles of `tinhgon coord demo` (the reports and
obstacles part fills this in; demo.py, of the tasks part, calls it)."""

from __future__ import annotations

import random


def reports_and_obstacles(*, province_id: int, rng: random.Random) -> dict[str, int]:
    """Make a labelled synthetic set of report rounds, submissions and obstacles in the province;
    return what was made ({"report_rounds": n, "submissions": n, "obstacles": n, ...})."""
    return {}
