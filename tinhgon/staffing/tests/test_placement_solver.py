"""The solver on arrays (no database): the synthetic instance of the benchmark, small."""

from __future__ import annotations

import numpy as np
import pytest

from tinhgon.operations.bench_placement import synthetic_instance
from tinhgon.staffing import placement_solver as solver


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_optimum_is_never_above_greedy_and_keeps_seats_and_quotas(seed):
    inst = synthetic_instance(3000, seed=seed)
    cand = solver.candidates(inst)
    optimum = solver.solve_flow(inst, cand)
    greedy = solver.solve_greedy(inst, cand)
    assert optimum.cost <= greedy.cost
    placed = optimum.position[optimum.position >= 0]
    assert (np.bincount(placed, minlength=len(inst.position_ids)) <= inst.p_open).all()
    node, cap = solver.quota_nodes(inst)
    assert (np.bincount(node[placed], minlength=len(cap)) <= cap).all()
    who = np.flatnonzero(optimum.position >= 0)
    assert (inst.o_category[who] == inst.p_category[optimum.position[who]]).all()
    assert (inst.o_level[who] >= inst.p_level[optimum.position[who]]).all()


def test_one_flow_per_unit_and_category_finds_the_same_optimum_as_one_flow_for_all():
    inst = synthetic_instance(2000, seed=7)
    cand = solver.candidates(inst)
    split = solver.solve_flow(inst, cand)
    node, cap = solver.quota_nodes(inst)
    used, whole = solver._flow(
        cand.o, cand.p, cand.cost, len(inst.official_ids), inst.p_open, node, cap, 10_000
    )
    assert split.cost == whole
    assert split.placed == int((used > 0).sum())


def test_candidates_in_the_nearest_units_are_solved_as_one_flow_and_cost_no_more():
    inst = synthetic_instance(2000, seed=5)
    own = solver.solve_flow(inst, solver.candidates(inst, nearest=1))
    wider = solver.solve_flow(inst, solver.candidates(inst, k=40, nearest=3))
    assert wider.cost <= own.cost


def test_every_unplaced_official_gets_a_reason():
    inst = synthetic_instance(1000, seed=3)
    cand = solver.candidates(inst)
    optimum = solver.solve_flow(inst, cand)
    left = np.flatnonzero(optimum.position < 0)
    assert len(left) > 0
    found = solver.reasons(inst, cand, left)
    assert len(found) == len(left) and all(found)


def test_the_benchmark_reports_what_scripts_read_and_the_same_optimum_both_ways():
    from tinhgon.operations import bench_placement

    figures = bench_placement.run(officials=800)  # asserts the single flow's optimum is the same
    for key in ("officials", "positions", "solve_s", "cost", "greedy_cost", "unplaced"):
        assert key in figures
    assert figures["synthetic"] is True and figures["cost"] <= figures["greedy_cost"]
