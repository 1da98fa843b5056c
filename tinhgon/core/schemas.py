"""Input types shared by the API's schemas: strict where the wire format allows guesses."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from ninja import Path
from pydantic import BeforeValidator

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    # Pydantic would read 0 as 1970-01-01; a date in tinhgon's API is written YYYY-MM-DD.
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("a date is written YYYY-MM-DD")


Day = Annotated[dt.date, BeforeValidator(_iso_date)]


# Ids as the databases store them (64-bit): a larger number names nothing, and is refused the
# same way on SQLite and PostgreSQL.
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
