"""English, as read in Vietnam: the Vietnamese dates (days before months: 01/07/2025 is the 1st
of July, never the American order, so that a date typed in either language means the same day),
English separators in numbers (10,040)."""

from tinhgon.formats.vi.formats import (  # noqa: F401 (Django reads these names from here)
    DATE_FORMAT,
    DATE_INPUT_FORMATS,
    DATETIME_FORMAT,
    FIRST_DAY_OF_WEEK,
    MONTH_DAY_FORMAT,
    NUMBER_GROUPING,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
    YEAR_MONTH_FORMAT,
)

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
