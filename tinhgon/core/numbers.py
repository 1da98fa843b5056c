"""Numbers as people type them: one parser for every figure a form, a JSON body or a spreadsheet
cell carries."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

# Beyond 10^15 (or below 10^-15) no figure of the apparatus lies; refusing them here keeps every
# later comparison and sum from raising or taking long.
MAX_EXPONENT = 15


def parse_decimal(value: Any) -> Decimal | None:
    """A finite number, or None. Accepts ints, floats, Decimals and text (spaces ignored; "1,5"
    is one and a half, as Vietnamese write it). Refuses booleans, NaN (which JSON bodies may
    carry), infinities and huge exponents, before any arithmetic could raise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "")[:64]
        if "," in text and "." not in text:
            text = text.replace(",", ".")
    else:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite() or not -MAX_EXPONENT <= number.adjusted() <= MAX_EXPONENT:
        return None
    return number
