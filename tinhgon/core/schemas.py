"""Input types shared by the API's schemas: strict where the wire format allows guesses."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from ninja import Field, Path, Query
from pydantic import BeforeValidator, Strict

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    # Pydantic would read 0 as 1970-01-01; a date in tinhgon's API is written YYYY-MM-DD.
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("a date is written YYYY-MM-DD")


Day = Annotated[dt.date, BeforeValidator(_iso_date)]

# A number and a yes/no as JSON writes them: pydantic's lax mode would read `true` as 1, "5" as
# 5 and "yes" as True; these refuse them (422).
StrictInt = Annotated[int, Strict()]
StrictBool = Annotated[bool, Strict()]


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
# Printable text of bounded length (names, reasons, search strings): no control characters
# (PostgreSQL refuses a NUL byte in text; none belongs in a name).
PRINTABLE_REGEX = r"^[^\x00-\x1f\x7f]*$"
Name = Annotated[str, Field(pattern=PRINTABLE_REGEX, min_length=1, max_length=255)]
Reason = Annotated[str, Field(pattern=PRINTABLE_REGEX, max_length=255)]
SearchText = Annotated[str, Field(pattern=PRINTABLE_REGEX, min_length=1, max_length=100)]
