"""The access matrix's rows of the red flags and of the integrity spreadsheets (flags and cases;
accounts/tests/test_matrix.py adds them): flags name officials, so only readers with a scope on the flag's unit see them, and only writers there (the
inspectors) dismiss them; never the public.

Columns: SU AD A2 DE WA NB OB OP (see test_matrix). The flag is one of Phường Chiềng An, made
once per world before the savepoints.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

READ_WARD = "200 200 200 200 200 404 200 404"
WRITE_WARD = "200 200 200 403 200 404 403 404"
World = Any


def ward_flag(world: World) -> int:
    from django.contrib.auth import get_user_model

    from tinhgon.integrity.models import FlagKind, RedFlag

    official, _ = get_user_model().objects.get_or_create(username="matrix-flagged")
    flag, _ = RedFlag.objects.get_or_create(
        official=official,
        unit_id=world.id("ward"),
        kind=FlagKind.REPEATED_SUPPLEMENTS,
        procedure=None,
        defaults={"score": 2.0, "explanation": "matrix", "computed_at": timezone.now()},
    )
    return flag.pk


def api_rows() -> dict[tuple[str, str], list[Any]]:
    from tinhgon.accounts.tests.test_matrix import Row, get, post

    return {
        ("GET", "/api/integrity/flags"): [
            Row(
                "the flags of the ward",
                get(lambda w: "/api/integrity/flags", lambda w: {"unit": w.id("ward")}),
                READ_WARD,
            )
        ],
        ("GET", "/api/integrity/exports/flags.xlsx"): [
            Row(
                "the ward's flags as a spreadsheet",
                get(
                    lambda w: "/api/integrity/exports/flags.xlsx", lambda w: {"unit": w.id("ward")}
                ),
                READ_WARD,
            )
        ],
        ("GET", "/api/integrity/exports/cases.xlsx"): [
            Row(
                "the ward's cases as a spreadsheet (no author, for anyone)",
                get(
                    lambda w: "/api/integrity/exports/cases.xlsx", lambda w: {"unit": w.id("ward")}
                ),
                READ_WARD,
            )
        ],
        ("POST", "/api/integrity/flags/{flag_id}/dismiss"): [
            Row(
                "dismiss a flag of the ward (an inspector: write scope)",
                post(
                    lambda w: f"/api/integrity/flags/{ward_flag(w)}/dismiss",
                    lambda w: {"reason": "Đã xác minh"},
                ),
                WRITE_WARD,
            )
        ],
    }


def page_rows() -> dict[str, list[Any]]:
    from tinhgon.accounts.tests.test_matrix import Row, page

    return {
        "integrity:flags": [
            Row(
                "the ward's red flags",
                page(lambda w: f"/integrity/flags/units/{w.id('ward')}/"),
                READ_WARD,
            )
        ],
        "integrity:flag-dismiss": [
            Row(
                "the dismissal form of a flag of the ward (an inspector: write scope)",
                page(lambda w: f"/integrity/flags/{ward_flag(w)}/dismiss/"),
                WRITE_WARD,
            )
        ],
        "integrity:export-flags": [
            Row(
                "the ward's flags as a spreadsheet",
                page(lambda w: "/integrity/exports/flags.xlsx", lambda w: {"unit": w.id("ward")}),
                READ_WARD,
            )
        ],
        "integrity:export-cases": [
            Row(
                "the ward's cases as a spreadsheet",
                page(lambda w: "/integrity/exports/cases.xlsx", lambda w: {"unit": w.id("ward")}),
                READ_WARD,
            )
        ],
    }
