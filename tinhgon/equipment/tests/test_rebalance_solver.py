"""The rebalancing solver on small instances checked by hand (no database).

Units lie on one meridian: a unit `km` kilometres north of the equator is at latitude
km / KM_PER_DEGREE, so the distance between two of them is the difference of their kilometres.
"""

from __future__ import annotations

import pytest

from tinhgon.equipment.rebalance_solver import (
    UNKNOWN_KM,
    Balance,
    Move,
    solve,
    solve_greedy,
)
from tinhgon.units.geo import EARTH_RADIUS_KM

KM_PER_DEGREE = EARTH_RADIUS_KM * 3.141592653589793 / 180


def at(**units_km: float) -> dict[int, tuple[float, float]]:
    """Points of units named u<id> at the given kilometre along the meridian."""
    return {int(name[1:]): (km / KM_PER_DEGREE, 105.0) for name, km in units_km.items()}


def triples(moves: list[Move]) -> set[tuple[int, int, int]]:
    return {(m.giver, m.receiver, m.quantity) for m in moves}


def test_a_surplus_closes_the_shortfalls_it_can_reach():
    points = at(u1=0, u2=1, u3=10)
    balances = [
        Balance(1, "pc", surplus=2),
        Balance(2, "pc", shortfall=1),
        Balance(3, "pc", shortfall=1),
    ]
    solution = solve(balances, points)
    assert triples(solution.moves) == {(1, 2, 1), (1, 3, 1)}
    assert (solution.shortfall, solution.closed, solution.remaining) == (2, 2, 0)
    assert solution.item_km == pytest.approx(11.0, abs=0.01)
    assert [m.km for m in solution.moves] == pytest.approx([1.0, 10.0], abs=0.01)


def test_a_scarce_surplus_goes_to_the_nearest_shortfall():
    points = at(u1=0, u2=3, u3=2)
    balances = [
        Balance(1, "pc", surplus=1),
        Balance(2, "pc", shortfall=1),
        Balance(3, "pc", shortfall=1),
    ]
    solution = solve(balances, points)
    assert triples(solution.moves) == {(1, 3, 1)}
    assert solution.remaining == 1


def test_the_optimum_beats_nearest_first_where_the_greedy_grabs_the_closest_pair():
    # Receivers r4 at 0 and r3 at 1.9, givers g1 at 1 and g2 at 3.5. Nearest first takes
    # g1 -> r3 (0.9 km) and is left with g2 -> r4 (3.5 km): 4.4. The optimum gives
    # g1 -> r4 (1.0) and g2 -> r3 (1.6): 2.6.
    points = at(u1=1, u2=3.5, u3=1.9, u4=0)
    balances = [
        Balance(1, "scanner", surplus=1),
        Balance(2, "scanner", surplus=1),
        Balance(3, "scanner", shortfall=1),
        Balance(4, "scanner", shortfall=1),
    ]
    best, greedy = solve(balances, points), solve_greedy(balances, points)
    assert triples(best.moves) == {(1, 4, 1), (2, 3, 1)}
    assert best.item_km == pytest.approx(2.6, abs=0.01)
    assert triples(greedy.moves) == {(1, 3, 1), (2, 4, 1)}
    assert greedy.item_km == pytest.approx(4.4, abs=0.01)
    assert best.closed == greedy.closed == 2


def test_the_optimum_closes_more_than_nearest_first_when_distance_is_limited():
    # Givers g1 at 0 and g2 at 5, receivers r3 at -1 and r4 at 0.5, nothing beyond 5 km (so
    # g2 cannot reach r3). Nearest first gives g1 to r4 (0.5 km) and r3 is left with nothing;
    # the optimum gives g1 to r3 and g2 to r4.
    points = at(u1=0, u2=5, u3=-1, u4=0.5)
    balances = [
        Balance(1, "pc", surplus=1),
        Balance(2, "pc", surplus=1),
        Balance(3, "pc", shortfall=1),
        Balance(4, "pc", shortfall=1),
    ]
    best = solve(balances, points, max_km=5)
    greedy = solve_greedy(balances, points, max_km=5)
    assert triples(best.moves) == {(1, 3, 1), (2, 4, 1)}
    assert best.closed == 2
    assert triples(greedy.moves) == {(1, 4, 1)}
    assert greedy.closed == 1


def test_a_giver_never_gives_more_than_its_surplus():
    points = at(u1=0, u2=1, u3=2)
    balances = [
        Balance(1, "pc", surplus=3),
        Balance(2, "pc", shortfall=5),
        Balance(3, "pc", shortfall=4),
    ]
    solution = solve(balances, points)
    given = sum(m.quantity for m in solution.moves if m.giver == 1)
    assert given == 3
    assert triples(solution.moves) == {(1, 2, 3)}
    assert (solution.shortfall, solution.closed) == (9, 3)


def test_items_are_balanced_separately():
    points = at(u1=0, u2=1)
    balances = [
        Balance(1, "pc", surplus=1),
        Balance(2, "pc", shortfall=1),
        Balance(1, "scanner", shortfall=2),
        Balance(2, "scanner", surplus=1),
    ]
    solution = solve(balances, points)
    assert {(m.item, m.giver, m.receiver, m.quantity) for m in solution.moves} == {
        ("pc", 1, 2, 1),
        ("scanner", 2, 1, 1),
    }
    assert solution.per_item == {"pc": (1, 1), "scanner": (2, 1)}


def test_units_of_different_groups_exchange_nothing():
    points = at(u1=0, u2=1, u3=50)
    balances = [
        Balance(1, "pc", surplus=1, group="Sơn La"),
        Balance(2, "pc", shortfall=1, group="Điện Biên"),
        Balance(3, "pc", shortfall=1, group="Sơn La"),
    ]
    solution = solve(balances, points)
    assert triples(solution.moves) == {(1, 3, 1)}


def test_a_unit_without_coordinates_is_served_after_known_neighbours_and_says_so():
    points = at(u1=0, u2=30)
    balances = [
        Balance(1, "pc", surplus=2),
        Balance(2, "pc", shortfall=1),
        Balance(3, "pc", shortfall=1),  # no coordinates
    ]
    solution = solve(balances, points)
    assert triples(solution.moves) == {(1, 2, 1), (1, 3, 1)}
    unknown = next(m for m in solution.moves if m.receiver == 3)
    assert unknown.km is None
    assert solution.item_km == pytest.approx(30.0, abs=0.01)
    assert solution.cost == 300 + int(UNKNOWN_KM * 10)
    scarce = solve([Balance(1, "pc", surplus=1), *balances[1:]], points)
    assert triples(scarce.moves) == {(1, 2, 1)}


def test_nothing_to_give_moves_nothing():
    solution = solve([Balance(1, "pc", shortfall=3)], at(u1=0))
    assert solution.moves == []
    assert (solution.shortfall, solution.closed) == (3, 0)


def test_a_balance_with_both_a_surplus_and_a_shortfall_is_refused():
    with pytest.raises(ValueError, match="both a surplus and a shortfall"):
        solve([Balance(1, "pc", surplus=1, shortfall=1)], {})
    with pytest.raises(ValueError, match="given twice"):
        solve([Balance(1, "pc", surplus=1), Balance(1, "pc", surplus=2)], {})
    with pytest.raises(ValueError, match="negative"):
        solve([Balance(1, "pc", surplus=-1)], {})


def test_nearest_limits_each_receiver_to_its_closest_givers():
    points = at(u1=0, u2=10, u3=1)
    balances = [
        Balance(1, "pc", surplus=1),
        Balance(2, "pc", surplus=5),
        Balance(3, "pc", shortfall=3),
    ]
    assert triples(solve(balances, points).moves) == {(1, 3, 1), (2, 3, 2)}
    assert triples(solve(balances, points, nearest=1).moves) == {(1, 3, 1)}
