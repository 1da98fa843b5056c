from decimal import Decimal

import pytest

from tinhgon.core.numbers import parse_decimal


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        (" 1 234 ", Decimal("1234")),
        ("1,5", Decimal("1.5")),
        (2, Decimal("2")),
        (0.25, Decimal("0.25")),
    ],
)
def test_numbers_are_read_as_people_type_them(typed, number):  # type: ignore[no-untyped-def]
    assert parse_decimal(typed) == number


@pytest.mark.parametrize(
    "typed",
    ["NaN", float("nan"), float("inf"), "1e400", "1e-40", True, None, "1.234,5", "abc", [1]],
)
def test_what_is_not_a_finite_bounded_number_is_refused(typed):  # type: ignore[no-untyped-def]
    assert parse_decimal(typed) is None
