"""Input types shared by the API's schemas: strict where the wire format allows guesses."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from ninja import Field, Path, Query
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

# The same bound for ids given as query parameters.
QueryId = Annotated[int, Query(ge=1, le=2**63 - 1)]
BodyId = Annotated[int, Field(ge=1, le=2**63 - 1)]

# Official codes: letters and digits, with "-", ".", "/" or "_" inside ("03667", "14-SNV"); the
# registry's own rule (units.services.CODE_PATTERN), declared so that clients can check it.
CODE_REGEX = r"^[0-9A-Za-z](?:[0-9A-Za-z._/-]{0,38}[0-9A-Za-z])?$"
Code = Annotated[str, Field(pattern=CODE_REGEX, min_length=1, max_length=40, examples=["03667"])]
# A unit as a plan names it: a code, optionally with its kind ("ward:03667"), or a unit the plan
# opens ("new:T1").
REF_REGEX = r"^(?:new:|[a-z_]{1,32}:)?[0-9A-Za-z](?:[0-9A-Za-z._/-]{0,38}[0-9A-Za-z])?$"
Ref = Annotated[str, Field(pattern=REF_REGEX, min_length=1, max_length=60, examples=["new:T1"])]
# Printable text of bounded length (names, reasons, search strings). No control characters: a
# NUL byte is a 500 on PostgreSQL, which refuses it in any text (found by the fuzzing run).
PRINTABLE_REGEX = r"^[^\x00-\x1f\x7f]*$"
Name = Annotated[str, Field(min_length=1, max_length=255, pattern=PRINTABLE_REGEX)]
Reason = Annotated[str, Field(max_length=255, pattern=PRINTABLE_REGEX)]
SearchText = Annotated[str, Field(min_length=1, max_length=100, pattern=PRINTABLE_REGEX)]
