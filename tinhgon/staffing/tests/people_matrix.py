"""The access matrix's rows of people (accounts/tests/test_matrix.py adds them): who may use each
endpoint and page of officials, positions, quotas, assignments, training and the link of an
official to their own account.

Columns: SU AD A2 DE WA NB OB OP (see test_matrix). Reading follows the read scope on the unit
(the department's official reads the whole province; the neighbouring ward does not see Phường
Chiềng An: 404); writing needs the write scope on the unit that employs the official (the
department's official and the observer are refused: 403); importing needs a role that writes
somewhere (the observer: 403). The records are made once per world, before the requests'
savepoints: an official of the ward holding a seat, and a free position. The identity number
shown whole only to managers is tested in test_access_people.py. Linking an official to their
account is the province's personnel authority's act (PERSONNEL_LINKS): the department's official,
of Sở Nội vụ, links; the ward's official, who manages the record, does not (403).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tinhgon.staffing.models import Assignment, Official, Position

READ_WARD = "200 200 200 200 200 404 200 404"
# Linking an official to an account: the province's personnel authority (its administrators and
# Sở Nội vụ, the department's official here), not the ward's officials who manage the record.
PERSONNEL_LINKS = "200 200 200 200 403 404 403 404"
WARD_WRITES = "200 200 200 403 200 404 403 404"
WARD_CREATES = "201 201 201 403 201 404 403 404"
ALL_200 = "200 200 200 200 200 200 200 200"
NAME = "Lường Văn Ma Trận"


def people(world: Any) -> dict[str, Any]:
    """The ward's official (holding a seat of one position) and a free position."""
    from tinhgon.staffing.tests import factories

    ward = world.id("ward")
    found = Official.objects.filter(full_name=NAME).first()
    if found is None:
        official = factories.official(ward, full_name=NAME)
        held = factories.position(ward, code="MT-01")
        Assignment.objects.create(
            official_id=official, position_id=held, unit_id=ward, valid_from=factories.EARLIER
        )
        factories.position(ward, code="MT-02", seats=2)
        found = Official.objects.get(pk=official)
    return {
        "official": found.pk,
        "assignment": Assignment.objects.get(official=found).pk,
        "free": Position.objects.get(unit_id=ward, code="MT-02").pk,
        "code": world.units["ward"].code,
    }


def _url(pattern: str):  # type: ignore[no-untyped-def]
    return lambda world: pattern.format(**people(world))


def _official(world: Any) -> dict[str, Any]:
    return {
        "unit_id": world.id("ward"),
        "full_name": "Cầm Thị Ma Trận",
        "national_id": "014195004321",
        "birth_date": "1995-02-03",
        "gender": "female",
        "ethnicity": "Thái",
        "level": 4,
        "field": "law",
        "category": "civil_servant",
        "salary_coefficient": "2.34",
        "hire_date": "2020-01-01",
    }


def api_rows(Row: Any, get: Any) -> dict[tuple[str, str], list[Any]]:
    from tinhgon.accounts.tests.test_matrix import post

    def patch(path, body):  # type: ignore[no-untyped-def]
        return lambda world: (
            "patch",
            path(world),
            {"data": body(world), "content_type": "application/json"},
        )

    today = dt.date.today().isoformat()
    return {
        ("GET", "/api/staff/officials"): [
            Row(
                "the ward's officials",
                get(lambda w: "/api/staff/officials", lambda w: {"unit": w.units["ward"].code}),
                READ_WARD,
            )
        ],
        ("GET", "/api/staff/officials/{official_id}"): [
            Row("an official of the ward", get(_url("/api/staff/officials/{official}")), READ_WARD)
        ],
        ("GET", "/api/staff/positions"): [
            Row(
                "the ward's positions",
                get(lambda w: "/api/staff/positions", lambda w: {"unit": w.units["ward"].code}),
                READ_WARD,
            )
        ],
        ("POST", "/api/staff/officials"): [
            Row(
                "add an official to the ward",
                post(lambda w: "/api/staff/officials", _official),
                WARD_CREATES,
            )
        ],
        ("PATCH", "/api/staff/officials/{official_id}"): [
            Row(
                "change the rank of an official of the ward",
                patch(_url("/api/staff/officials/{official}"), lambda w: {"rank": "Chuyên viên"}),
                WARD_WRITES,
            )
        ],
        ("POST", "/api/staff/officials/{official_id}/trainings"): [
            Row(
                "record a training of an official of the ward",
                post(
                    _url("/api/staff/officials/{official}/trainings"),
                    lambda w: {
                        "course": "Bồi dưỡng",
                        "field": "it",
                        "start": "2025-03-01",
                        "end": "2025-04-01",
                        "result": "passed",
                    },
                ),
                WARD_CREATES,
            )
        ],
        ("POST", "/api/staff/officials/{official_id}/link-user"): [
            Row(
                "link the ward's official to the ward observer's account",
                post(
                    _url("/api/staff/officials/{official}/link-user"),
                    lambda w: {"username": w.personas["OB"].user.username},
                ),
                PERSONNEL_LINKS,
            )
        ],
        ("POST", "/api/staff/officials/{official_id}/unlink-user"): [
            Row(
                "undo the link of the ward's official (none: nothing to undo)",
                post(_url("/api/staff/officials/{official}/unlink-user")),
                PERSONNEL_LINKS,
            )
        ],
        ("POST", "/api/staff/positions"): [
            Row(
                "open a position of the ward",
                post(
                    lambda w: "/api/staff/positions",
                    lambda w: {
                        "unit_id": w.id("ward"),
                        "code": "MT-03",
                        "title": "Chuyên viên",
                        "group": "professional",
                        "category": "civil_servant",
                        "level_required": 4,
                        "field_required": "law",
                        "valid_from": today,
                    },
                ),
                WARD_CREATES,
            )
        ],
        ("POST", "/api/staff/positions/{position_id}/close"): [
            Row(
                "close a free position of the ward",
                post(_url("/api/staff/positions/{free}/close"), lambda w: {"last_day": today}),
                WARD_WRITES,
            )
        ],
        ("POST", "/api/staff/quotas"): [
            Row(
                "set the ward's quota",
                post(
                    lambda w: "/api/staff/quotas",
                    lambda w: {
                        "unit_id": w.id("ward"),
                        "year": 2026,
                        "category": "civil_servant",
                        "count": 20,
                        "decision": "1/QĐ-UBND",
                    },
                ),
                WARD_CREATES,
            )
        ],
        ("POST", "/api/staff/assignments"): [
            Row(
                "put the ward's official on a free seat",
                post(
                    lambda w: "/api/staff/assignments",
                    lambda w: {
                        "official_id": people(w)["official"],
                        "position_id": people(w)["free"],
                        "valid_from": today,
                    },
                ),
                WARD_CREATES,
            )
        ],
        ("POST", "/api/staff/assignments/{assignment_id}/end"): [
            Row(
                "end the assignment of the ward's official",
                post(
                    _url("/api/staff/assignments/{assignment}/end"), lambda w: {"last_day": today}
                ),
                WARD_WRITES,
            )
        ],
    }


def page_rows(Row: Any, page: Any) -> dict[str, list[Any]]:

    def ward(path: str):  # type: ignore[no-untyped-def]
        return page(lambda w: path, lambda w: {"unit": w.units["ward"].code})

    return {
        "staffing:people": [Row("the ward's officials", ward("/staff/"), READ_WARD)],
        "staffing:official": [
            Row("an official of the ward", page(_url("/staff/officials/{official}/")), READ_WARD)
        ],
        "staffing:positions": [Row("the ward's positions", ward("/staff/positions/"), READ_WARD)],
        "staffing:quotas": [Row("the ward's quotas", ward("/staff/quotas/"), READ_WARD)],
        "staffing:import": [
            Row(
                "the import form (refused to a read-only role)",
                page(lambda w: "/staff/import/"),
                "200 200 200 200 200 200 403 200",
            )
        ],
        "staffing:import_template": [
            Row("the template", page(lambda w: "/staff/import/template.xlsx"), ALL_200)
        ],
        "staffing:official_new": [
            Row("add an official to the ward", ward("/staff/officials/new/"), WARD_WRITES)
        ],
        "staffing:official_edit": [
            Row(
                "edit an official of the ward",
                page(_url("/staff/officials/{official}/edit/")),
                WARD_WRITES,
            )
        ],
        "staffing:official_training": [
            Row(
                "record a training of an official of the ward",
                page(_url("/staff/officials/{official}/training/")),
                WARD_WRITES,
            )
        ],
        "staffing:official_user": [
            Row(
                "the form linking an official of the ward to an account",
                page(_url("/staff/officials/{official}/user/")),
                PERSONNEL_LINKS,
            )
        ],
        "staffing:official_user_unlink": [
            Row(
                "unlink an official of the ward (none linked: back to the official's page)",
                page(_url("/staff/officials/{official}/user/unlink/")),
                "302 302 302 302 403 404 403 404",
            )
        ],
        "staffing:position_new": [
            Row("open a position of the ward", ward("/staff/positions/new/"), WARD_WRITES)
        ],
        "staffing:position_close": [
            Row(
                "close a position of the ward",
                page(_url("/staff/positions/{free}/close/")),
                WARD_WRITES,
            )
        ],
        "staffing:assignment_new": [
            Row("assign on a seat of the ward", ward("/staff/assignments/new/"), WARD_WRITES)
        ],
        "staffing:assignment_end": [
            Row(
                "end an assignment of the ward",
                page(_url("/staff/assignments/{assignment}/end/")),
                WARD_WRITES,
            )
        ],
    }
