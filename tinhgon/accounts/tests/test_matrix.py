"""Who may read and who may write, endpoint by endpoint and page by page: the matrix of
docs/architecture.md ("Who may do what"), with every persona on every operation of the API (as
its OpenAPI document lists them) and every page (as the URL patterns list them). A new endpoint
or page without a row here fails `test_every_api_operation_has_a_row` or
`test_every_page_has_a_row`: decide who may use it, and add the row.

Columns, in this order:
    SU  a superuser
    AD  a provincial administrator of Sơn La
    A2  a second provincial administrator of Sơn La
    DE  an official of a department, Sở Nội vụ of Sơn La (14-SNV)
    WA  an official of a ward, Phường Chiềng An (03667)
    NB  an official of a neighbouring ward, Phường Tô Hiệu
    OB  an observer of Phường Chiềng An
    OP  a provincial administrator of another province, Hà Nội

A cell is the HTTP status, or for a search `seen` / `none`: whether Phường Chiềng An is among
the results. Every request runs in a savepoint rolled back afterwards, so that each persona
meets the same registry.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from tinhgon.accounts import services as accounts
from tinhgon.accounts.models import Role
from tinhgon.api import api
from tinhgon.conftest import AFTER, BEFORE, Persona
from tinhgon.publicservices import printing
from tinhgon.publicservices import services as dossiers
from tinhgon.publicservices.models import Dossier
from tinhgon.publicservices.tests import portal_rows
from tinhgon.publicservices.tests.factories import load_catalogue
from tinhgon.reorg import planfile
from tinhgon.reorg import services as plans
from tinhgon.reorg.models import Plan
from tinhgon.units import selectors
from tinhgon.units.models import UnitVersion

pytestmark = pytest.mark.django_db

PERSONAS = ["SU", "AD", "A2", "DE", "WA", "NB", "OB", "OP"]

RENAME_PLAN = """title: {title}
effective_date: 2026-01-01
steps:
- {{action: rename, unit: '03667', name: Phường Chiềng An Mới}}
"""


@dataclass
class World:
    personas: dict[str, Persona]
    units: dict[str, UnitVersion]
    draft: Plan
    approved: Plan

    def id(self, name: str) -> int:
        return self.units[name].unit_id


def _persona(django_user_model, username: str, unit_id: int | None, role: str) -> Persona:
    # No password: hashing eight of them for every row would cost more than the requests.
    user = django_user_model.objects.create_user(username, is_superuser=unit_id is None)
    if unit_id is not None:
        accounts.membership_add(actor=None, user=user, unit_id=unit_id, role=role)
    _, secret = accounts.token_create(actor=None, user=user, name="matrix")
    return Persona(user, secret)


@pytest.fixture
def world(django_user_model, son_la, chieng_an, to_hieu, ha_noi) -> World:
    on_day = selectors.versions_on(AFTER)
    units = {
        "province": son_la,
        "home_affairs": on_day.get(code="14-SNV"),
        "finance": on_day.get(code="14-STC"),
        "ward": chieng_an,
        "committee": on_day.get(code=f"{chieng_an.code}-UBND"),
        "office": on_day.get(code=f"{chieng_an.code}-PVHXH"),
    }
    memberships = {
        "SU": (None, ""),
        "AD": (son_la.unit_id, Role.PROVINCE_ADMIN),
        "A2": (son_la.unit_id, Role.PROVINCE_ADMIN),
        "DE": (units["home_affairs"].unit_id, Role.UNIT_OFFICIAL),
        "WA": (chieng_an.unit_id, Role.UNIT_OFFICIAL),
        "NB": (to_hieu.unit_id, Role.UNIT_OFFICIAL),
        "OB": (chieng_an.unit_id, Role.OBSERVER),
        "OP": (ha_noi.unit_id, Role.PROVINCE_ADMIN),
    }
    personas = {
        key: _persona(django_user_model, f"matrix-{key.lower()}", unit_id, role)
        for key, (unit_id, role) in memberships.items()
    }
    draft = plans.plan_create(
        actor=None, spec=planfile.load_yaml(RENAME_PLAN.format(title="Bản nháp"))
    )
    approved = plans.plan_create(
        actor=None, spec=planfile.load_yaml(RENAME_PLAN.format(title="Đã duyệt"))
    )
    plans.plan_approve(actor=None, plan=approved)
    return World(personas, units, draft, approved)


# A request: (method, path, keyword arguments of the test client) for a world.
Send = Callable[[World], tuple[str, str, dict[str, Any]]]


def _sees_chieng_an(world: World, response) -> str:  # type: ignore[no-untyped-def]
    if response.status_code != 200:
        return str(response.status_code)
    text = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        ids = {item["id"] for item in response.json()["items"]}
        return "seen" if world.id("ward") in ids else "none"
    return "seen" if f"/units/{world.id('ward')}/" in text else "none"


@dataclass
class Row:
    label: str
    send: Send
    expected: str  # eight cells, in the order of PERSONAS
    cell: Callable[[World, Any], str] = lambda _world, response: str(response.status_code)


def run(world: World, row: Row, *, page: bool) -> dict[str, str]:
    found = {}
    for key in PERSONAS:
        persona = world.personas[key]
        client = persona.browser() if page else persona.api()
        method, path, kwargs = row.send(world)
        savepoint = transaction.savepoint_create()
        try:
            response = getattr(client, method)(path, **kwargs)
            found[key] = row.cell(world, response)
        finally:
            transaction.savepoint_rollback(savepoint)
    return found


def expect(row: Row) -> dict[str, str]:
    cells = row.expected.split()
    assert len(cells) == len(PERSONAS), row.label
    return dict(zip(PERSONAS, cells, strict=True))


def json_body(data: dict) -> dict[str, Any]:
    return {"data": data, "content_type": "application/json"}


def get(path: Callable[[World], str], params: dict | Callable[[World], dict] | None = None) -> Send:
    """A GET; `params` may depend on the world (a unit's id)."""
    return lambda world: (
        "get",
        path(world),
        {"data": params(world) if callable(params) else (params or {})},
    )


def post(path: Callable[[World], str], body: Callable[[World], dict] | None = None) -> Send:
    return lambda world: ("post", path(world), json_body(body(world)) if body else {})


def upload(path: str, content: Callable[[], bytes], name: str) -> Send:
    return lambda world: ("post", path, {"data": {"file": SimpleUploadedFile(name, content())}})


def unit_url(name: str, suffix: str = "") -> Callable[[World], str]:
    return lambda world: f"/api/units/{world.id(name)}{suffix}"


def plan_url(which: str, suffix: str = "", *, prefix: str = "/api/plans") -> Callable[[World], str]:
    return lambda world: f"{prefix}/{getattr(world, which).pk}{suffix}"


def division(parent: str, code: str) -> Callable[[World], dict]:
    return lambda world: {
        "code": code,
        "name": "Tổ công tác thử",
        "kind": "division",
        "parent_id": world.id(parent),
        "valid_from": "2026-01-01",
    }


def rename(name: str = "Tên Mới Thử", **more: Any) -> Callable[[World], dict]:
    return lambda _world: {"effective": "2026-01-01", "name": name, **more}


def sheet() -> bytes:
    from openpyxl import Workbook

    from tinhgon.units.excel import HEADERS

    workbook = Workbook()
    workbook.active.append(HEADERS)
    workbook.active.append(["14-SNV-T1", "Tổ thử", "division", "14-SNV", "2026-01-01", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan_file() -> bytes:
    return RENAME_PLAN.format(title="Tải lên").encode()


def ward_dossier(world: World) -> str:
    """The code of a dossier received at Phường Chiềng An (filed once per world: the requests
    run in savepoints rolled back after each, the filing before them)."""
    found = Dossier.objects.filter(client_ref="matrix-documents").first()
    if found is None:
        load_catalogue()
        found = dossiers.dossier_submit(
            actor=None,
            procedure_code="1.004194",
            applicant_kind="citizen",
            applicant_name="Lò Văn Ma Trận",
            applicant_id="014100000001",
            applicant_commune_id=world.id("ward"),
            channel="in_person",
            receiving_unit_id=world.id("ward"),
            client_ref="matrix-documents",
        )
        dossiers.dossier_receive(actor=None, code=found.code)
    return found.code


def document_url(kind: str, prefix: str = "/api/services/documents") -> Callable[[World], str]:
    return lambda world: f"{prefix}/{ward_dossier(world)}/{kind}"


def portal_document_url(kind: str, token: Callable[[str], str] = printing.portal_token):
    return lambda world: f"/services/pdf/cong-dan/{token(ward_dossier(world))}/{kind}.pdf"


READ_WARD = "200 200 200 200 200 404 200 404"
READ_PROVINCE_AGENCY = "200 200 200 200 404 404 404 404"
PLAN_HANDLERS = "200 200 200 403 403 403 403 404"
DAY = AFTER.isoformat()

# (method, path as the OpenAPI document writes it) -> its rows.
API: dict[tuple[str, str], list[Row]] = {
    ("GET", "/api/units"): [
        Row(
            "search",
            get(lambda w: "/api/units", {"q": "chieng an", "as_of": DAY, "level": 3}),
            "seen seen seen seen seen none seen none",
            _sees_chieng_an,
        )
    ],
    ("POST", "/api/units"): [
        Row(
            "a division under Sở Nội vụ",
            post(lambda w: "/api/units", division("home_affairs", "14-SNV-T1")),
            "201 201 201 201 404 404 404 404",
        ),
        Row(
            "a division under the ward's people's committee",
            post(lambda w: "/api/units", division("committee", "03667-UBND-T1")),
            "201 201 201 403 201 404 403 404",
        ),
        Row(
            "a ward under the province (administrative: plans only)",
            post(
                lambda w: "/api/units",
                lambda w: {
                    **division("province", "93999")(w),
                    "kind": "ward",
                    "name": "Phường Thử",
                },
            ),
            "201 403 403 403 404 404 404 404",
        ),
    ],
    ("POST", "/api/units/import-excel"): [
        Row(
            "a division under Sở Nội vụ",
            upload("/api/units/import-excel", sheet, "sheet.xlsx"),
            "201 201 201 201 400 400 403 400",
        )
    ],
    ("GET", "/api/units/lineage"): [
        Row(
            "the ward by its code",
            get(lambda w: "/api/units/lineage", {"q": "03667", "province": "Sơn La"}),
            READ_WARD,
        )
    ],
    ("GET", "/api/units/by-code/{code}"): [
        Row("the ward", get(lambda w: "/api/units/by-code/03667", {"as_of": DAY}), READ_WARD)
    ],
    ("GET", "/api/units/{unit_id}"): [
        Row("the ward", get(unit_url("ward")), READ_WARD),
        Row("Sở Nội vụ", get(unit_url("home_affairs")), READ_PROVINCE_AGENCY),
    ],
    ("GET", "/api/units/{unit_id}/lineage"): [
        Row("the ward", get(unit_url("ward", "/lineage")), READ_WARD)
    ],
    ("GET", "/api/units/{unit_id}/children"): [
        Row("the ward", get(unit_url("ward", "/children"), {"as_of": DAY}), READ_WARD)
    ],
    ("GET", "/api/units/{unit_id}/tree"): [
        Row("the ward", get(unit_url("ward", "/tree"), {"as_of": DAY}), READ_WARD)
    ],
    ("POST", "/api/units/{unit_id}/versions"): [
        Row(
            "rename Sở Nội vụ (the department's own)",
            post(unit_url("home_affairs", "/versions"), rename()),
            "201 201 201 201 404 404 404 404",
        ),
        Row(
            "rename another department",
            post(unit_url("finance", "/versions"), rename()),
            "201 201 201 403 404 404 404 404",
        ),
        Row(
            "rename the ward (administrative: plans only)",
            post(unit_url("ward", "/versions"), rename("Phường Mới")),
            "201 403 403 403 403 404 403 404",
        ),
        Row(
            "recode the ward (administrative: plans only)",
            post(
                unit_url("ward", "/versions"),
                lambda w: {"effective": "2026-01-01", "code": "93998"},
            ),
            "201 403 403 403 403 404 403 404",
        ),
        Row(
            "rename the province (administrative: plans only)",
            post(unit_url("province", "/versions"), rename("Tỉnh Mới")),
            "201 403 403 403 404 404 404 404",
        ),
        Row(
            "rename the ward's office",
            post(unit_url("office", "/versions"), rename()),
            "201 201 201 403 201 404 403 404",
        ),
        Row(
            "move the ward's office under Sở Nội vụ",
            post(
                unit_url("office", "/versions"),
                lambda w: {
                    "effective": "2026-01-01",
                    "parent_id": w.id("home_affairs"),
                    "move": True,
                },
            ),
            # The ward's official may change the office but cannot reach the department.
            "201 201 201 403 404 404 403 404",
        ),
    ],
    ("POST", "/api/units/{unit_id}/close"): [
        Row(
            "close Sở Nội vụ (the department's own)",
            post(unit_url("home_affairs", "/close"), lambda w: {"last_day": "2026-01-01"}),
            "200 200 200 200 404 404 404 404",
        ),
        Row(
            "close the ward's office",
            post(unit_url("office", "/close"), lambda w: {"last_day": "2026-01-01"}),
            "200 200 200 403 200 404 403 404",
        ),
        Row(
            "close the ward (administrative: plans only; a superuser meets its units)",
            post(unit_url("ward", "/close"), lambda w: {"last_day": "2026-01-01"}),
            "400 403 403 403 403 404 403 404",
        ),
    ],
    ("GET", "/api/reports/apparatus"): [
        Row(
            "Sơn La",
            get(lambda w: "/api/reports/apparatus", {"as_of": DAY, "province": "Sơn La"}),
            READ_PROVINCE_AGENCY,
        ),
        Row(
            "the ward",
            get(
                lambda w: "/api/reports/apparatus",
                lambda w: {"as_of": DAY, "unit_id": w.id("ward")},
            ),
            READ_WARD,
        ),
        Row(
            "the whole scope",
            get(lambda w: "/api/reports/apparatus", {"as_of": DAY}),
            "200 200 200 200 200 200 200 200",
        ),
    ],
    ("GET", "/api/reports/apparatus/change"): [
        Row(
            "Sơn La",
            get(
                lambda w: "/api/reports/apparatus/change",
                {"date_from": BEFORE.isoformat(), "date_to": DAY, "province": "Sơn La"},
            ),
            READ_PROVINCE_AGENCY,
        )
    ],
    ("GET", "/api/services/figures"): [
        Row(
            "the ward's figures",
            get(lambda w: "/api/services/figures", lambda w: {"unit_id": w.id("ward")}),
            READ_WARD,
        ),
        Row(
            "Sơn La's figures",
            get(lambda w: "/api/services/figures", {"province": "Sơn La"}),
            READ_PROVINCE_AGENCY,
        ),
        Row(
            "one's own unit (a superuser must choose)",
            get(lambda w: "/api/services/figures"),
            "400 200 200 200 200 200 200 200",
        ),
    ],
    ("GET", "/api/accounts/me"): [
        Row("oneself", get(lambda w: "/api/accounts/me"), "200 200 200 200 200 200 200 200")
    ],
    ("GET", "/api/accounts/tokens"): [
        Row("one's own tokens", get(lambda w: "/api/accounts/tokens"), "200 " * 7 + "200")
    ],
    ("DELETE", "/api/accounts/tokens/{prefix}"): [
        Row(
            "the superuser's token: only its owner revokes it, to anyone else it does not exist",
            lambda world: ("delete", f"/api/accounts/tokens/{world.personas['SU'].token[:10]}", {}),
            "200 404 404 404 404 404 404 404",
        )
    ],
    ("POST", "/api/plans"): [
        Row(
            "a plan renaming the ward",
            upload("/api/plans", plan_file, "plan.yaml"),
            "201 201 201 403 403 403 403 403",
        )
    ],
    ("POST", "/api/plans/preview"): [
        Row(
            "a plan renaming the ward",
            upload("/api/plans/preview", plan_file, "plan.yaml"),
            "200 200 200 403 403 403 403 403",
        )
    ],
    ("GET", "/api/plans/{plan_id}"): [Row("a draft", get(plan_url("draft")), PLAN_HANDLERS)],
    ("GET", "/api/plans/{plan_id}/preview"): [
        Row("a draft", get(plan_url("draft", "/preview")), PLAN_HANDLERS)
    ],
    ("POST", "/api/plans/{plan_id}/preview"): [
        Row("a draft", post(plan_url("draft", "/preview")), PLAN_HANDLERS)
    ],
    ("POST", "/api/plans/{plan_id}/approve"): [
        Row("a draft", post(plan_url("draft", "/approve")), PLAN_HANDLERS)
    ],
    ("POST", "/api/plans/{plan_id}/decisions"): [
        Row(
            "a record no rule routes (there is none: refused as invalid)",
            post(
                plan_url("draft", "/decisions"),
                lambda w: {"carrier": "child_units", "choices": {"1": "new:T1"}},
            ),
            "400 400 400 403 403 403 403 404",
        )
    ],
    ("POST", "/api/plans/{plan_id}/decisions/groups"): [
        Row(
            "a group of a unit the plan does not split (refused as invalid)",
            post(
                plan_url("draft", "/decisions/groups"),
                lambda w: {"carrier": "child_units", "unit_id": w.id("ward"), "to": "03667"},
            ),
            "400 400 400 403 403 403 403 404",
        )
    ],
    ("POST", "/api/plans/{plan_id}/rehearse"): [
        Row("a draft", post(plan_url("draft", "/rehearse")), PLAN_HANDLERS)
    ],
    ("GET", "/api/services/documents/{code}"): [
        Row(
            "the documents of a dossier of the ward",
            get(lambda w: f"/api/services/documents/{ward_dossier(w)}"),
            READ_WARD,
        )
    ],
    ("GET", "/api/services/documents/{code}/{kind}"): [
        Row("the receipt of a dossier of the ward", get(document_url("receipt")), READ_WARD),
        Row(
            "a refusal of a dossier that was received (none)",
            get(document_url("refusal")),
            "404 404 404 404 404 404 404 404",
        ),
    ],
    ("POST", "/api/plans/{plan_id}/apply"): [
        Row("an approved plan", post(plan_url("approved", "/apply")), PLAN_HANDLERS),
        Row(
            "a draft (approve it first)",
            post(plan_url("draft", "/apply")),
            "409 409 409 403 403 403 403 404",
        ),
    ],
    # The citizens' portal: no login, the same answer for everyone (anonymous included,
    # tinhgon/publicservices/tests/test_portal.py); the second factor decides.
    ("POST", "/api/portal/dossiers"): [
        Row(
            "file online with a document",
            lambda w: ("post", "/api/portal/dossiers", {"data": portal_rows.form()}),
            "201 201 201 201 201 201 201 201",
        )
    ],
    ("POST", "/api/portal/track"): [
        Row(
            "a dossier with its second factor",
            post(lambda w: "/api/portal/track", lambda w: portal_rows.second_factor()),
            "200 200 200 200 200 200 200 200",
        )
    ],
    ("POST", "/api/portal/rate"): [
        Row(
            "a dossier not processed yet",
            post(
                lambda w: "/api/portal/rate",
                lambda w: {**portal_rows.second_factor(), "rating": 3},
            ),
            "409 409 409 409 409 409 409 409",
        )
    ],
    ("POST", "/api/portal/supplement"): [
        Row(
            "a dossier not waiting for documents",
            lambda w: (
                "post",
                "/api/portal/supplement",
                {"data": {**portal_rows.second_factor(), "documents": portal_rows.pdf()}},
            ),
            "409 409 409 409 409 409 409 409",
        )
    ],
}


def dossier_url(suffix: str = "", *, receive: bool = True, prefix: str = "/api/services/dossiers"):
    """A new dossier of the ward for each persona (registered, or received), at its address."""

    def url(world: World) -> str:
        from tinhgon.publicservices.tests.factories import file_dossier

        return f"{prefix}/{file_dossier(world.id('ward'), receive=receive).code}{suffix}"

    return url


def filing(world: World) -> dict:
    from tinhgon.publicservices.tests.factories import load_catalogue

    load_catalogue()
    return {
        "procedure_code": "1.004194",
        "applicant_kind": "citizen",
        "applicant_name": "Lò Văn Thử",
        "applicant_id": "014099990001",
        "applicant_commune_id": world.id("ward"),
        "receiving_unit_id": world.id("ward"),
    }


DOSSIER_WRITE = "200 200 200 403 200 404 403 404"
API.update(
    {
        ("GET", "/api/services/dossiers"): [
            Row("one's work list", get(lambda w: "/api/services/dossiers"), "200 " * 7 + "200"),
            Row(
                "the ward's work list",
                get(lambda w: "/api/services/dossiers", lambda w: {"unit_id": w.id("ward")}),
                READ_WARD,
            ),
        ],
        ("POST", "/api/services/dossiers"): [
            Row(
                "file at the ward's counter",
                post(lambda w: "/api/services/dossiers", filing),
                "201 201 201 403 201 404 403 404",
            )
        ],
        ("GET", "/api/services/dossiers/{code}"): [
            Row("a dossier of the ward", get(dossier_url()), READ_WARD)
        ],
        ("POST", "/api/services/dossiers/{code}/{move}"): [
            Row(
                "receive",
                post(dossier_url("/receive", receive=False), lambda w: {}),
                DOSSIER_WRITE,
            ),
            Row(
                "request a supplement",
                post(dossier_url("/request_supplement"), lambda w: {"note": "Thiếu giấy tờ"}),
                DOSSIER_WRITE,
            ),
            Row(
                "approve a received dossier (illegal: it is not being processed)",
                post(dossier_url("/approve"), lambda w: {}),
                "409 409 409 403 409 404 403 404",
            ),
        ],
        ("GET", "/api/services/procedures"): [
            Row("the catalogue", get(lambda w: "/api/services/procedures"), "200 " * 7 + "200")
        ],
    }
)

ALL_200 = "200 200 200 200 200 200 200 200"
# A unit outside the scope in the work list's filter: the form again, with the problem (400).
READ_WARD_LIST = "200 200 200 200 200 400 200 400"

ALL_404 = "404 404 404 404 404 404 404 404"
PLAN_PAGES = "200 200 200 403 403 403 403 404"
PLAN_ACTIONS = "302 302 302 403 403 403 403 404"


page = get


def form(path: Callable[[World], str], data: dict | None = None) -> Send:
    return lambda world: ("post", path(world), {"data": data or {}})


def plan_page(which: str, suffix: str) -> Callable[[World], str]:
    return plan_url(which, suffix, prefix="/plans")


# URL name (namespace:name) -> its rows; "admin" stands for the whole admin site.
PAGES: dict[str, list[Row]] = {
    "home": [Row("the dashboard", page(lambda w: "/"), ALL_200)],
    "units:tree": [
        Row(
            "the tree from the ward",
            page(lambda w: "/tree/", lambda w: {"root": w.id("ward")}),
            READ_WARD,
        ),
        Row("the tree of one's scope", page(lambda w: "/tree/"), ALL_200),
    ],
    "units:search": [
        Row(
            "search",
            page(lambda w: "/search/", {"q": "chieng an"}),
            "seen seen seen seen seen none seen none",
            _sees_chieng_an,
        )
    ],
    "units:detail": [
        Row("the ward", page(lambda w: f"/units/{w.id('ward')}/"), READ_WARD),
        Row("Sở Nội vụ", page(lambda w: f"/units/{w.id('home_affairs')}/"), READ_PROVINCE_AGENCY),
    ],
    "reports:apparatus": [
        Row(
            "Sơn La",
            page(lambda w: "/reports/apparatus/", {"day_to": "01/07/2025", "province": "Sơn La"}),
            READ_PROVINCE_AGENCY,
        ),
        Row("the whole scope", page(lambda w: "/reports/apparatus/"), ALL_200),
    ],
    "reorg:list": [
        Row("the plans", page(lambda w: "/plans/"), "200 200 200 403 403 403 403 200"),
        Row(
            "upload a plan renaming the ward",
            lambda w: (
                "post",
                "/plans/",
                {"data": {"file": SimpleUploadedFile("p.yaml", plan_file())}},
            ),
            "302 302 302 403 403 403 403 403",
        ),
    ],
    "reorg:template": [
        Row("the spreadsheet template", page(lambda w: "/plans/template.xlsx"), ALL_200)
    ],
    "reorg:new": [
        Row("the plan form", page(lambda w: "/plans/new/"), "200 200 200 403 403 403 403 200")
    ],
    "reorg:step_new": [
        Row("a draft's step form", page(plan_page("draft", "/steps/new/")), PLAN_PAGES)
    ],
    "reorg:detail": [Row("a draft", page(plan_page("draft", "/")), PLAN_PAGES)],
    "reorg:approve": [Row("a draft", form(plan_page("draft", "/approve/")), PLAN_ACTIONS)],
    "reorg:apply": [
        Row(
            "the confirmation of an approved plan",
            page(plan_page("approved", "/apply/")),
            PLAN_PAGES,
        ),
        Row("apply an approved plan", form(plan_page("approved", "/apply/")), PLAN_ACTIONS),
    ],
    "reorg:decide": [Row("no choice", form(plan_page("draft", "/decide/")), PLAN_ACTIONS)],
    "reorg:preview": [Row("count again", form(plan_page("draft", "/preview/")), PLAN_ACTIONS)],
    "reorg:rehearse": [Row("rehearse", form(plan_page("draft", "/rehearse/")), PLAN_PAGES)],
    "service_pdf:document": [
        Row(
            "the receipt of a dossier of the ward",
            page(document_url("receipt.pdf", prefix="/services/pdf")),
            READ_WARD,
        ),
        Row(
            "the control slip of a dossier of the ward",
            page(document_url("control.pdf", prefix="/services/pdf")),
            READ_WARD,
        ),
        Row(
            "a refusal of a dossier that was received (none)",
            page(document_url("refusal.pdf", prefix="/services/pdf")),
            ALL_404,
        ),
    ],
    "service_pdf:portal": [
        Row(
            "the applicant's receipt (a portal link)", page(portal_document_url("receipt")), ALL_200
        ),
        Row(
            "the control slip, not printed for the applicant",
            page(portal_document_url("control")),
            ALL_404,
        ),
        Row(
            "a forged link",
            page(portal_document_url("receipt", lambda code: f"{code}:1abc:forged")),
            ALL_404,
        ),
    ],
    "service_figures:index": [
        Row(
            "the ward's figures", page(lambda w: "/services/figures/", {"unit": "03667"}), READ_WARD
        ),
        Row(
            "Sơn La's figures",
            page(lambda w: "/services/figures/", {"province": "Sơn La"}),
            READ_PROVINCE_AGENCY,
        ),
        Row(
            "the ward's spreadsheet",
            page(lambda w: "/services/figures/", {"unit": "03667", "format": "xlsx"}),
            READ_WARD,
        ),
        Row(
            "one's own unit (a superuser gets the chooser)",
            page(lambda w: "/services/figures/"),
            ALL_200,
        ),
    ],
    "login": [Row("the login page", page(lambda w: "/accounts/login/"), ALL_200)],
    "logout": [
        Row("log out", form(lambda w: "/accounts/logout/"), "302 302 302 302 302 302 302 302")
    ],
    "set_language": [
        Row(
            "switch language",
            form(lambda w: "/i18n/setlang/", {"language": "en"}),
            "302 302 302 302 302 302 302 302",
        )
    ],
    "services:list": [
        Row("one's work list", page(lambda w: "/services/"), ALL_200),
        Row(
            "the ward's work list", page(lambda w: "/services/", {"unit": "03667"}), READ_WARD_LIST
        ),
    ],
    "services:file": [
        Row("the filing form", page(lambda w: "/services/new/"), "200 200 200 200 200 200 403 200")
    ],
    "services:detail": [
        Row("a dossier of the ward", page(dossier_url("/", prefix="/services")), READ_WARD)
    ],
    "services:move": [
        Row(
            "receive",
            form(dossier_url("/receive/", receive=False, prefix="/services")),
            "302 302 302 403 302 404 403 404",
        )
    ],
    "admin": [Row("the admin site", page(lambda w: "/admin/"), "200 302 302 302 302 302 302 302")],
    # The citizens' portal: open to everyone; a dossier's pages after its second factor.
    "portal:home": [Row("the portal", page(lambda w: "/dich-vu-cong/"), ALL_200)],
    "portal:file": [
        Row("the filing form", page(lambda w: "/dich-vu-cong/nop/"), ALL_200),
        Row(
            "file online",
            lambda w: ("post", "/dich-vu-cong/nop/", {"data": portal_rows.form()}),
            "302 302 302 302 302 302 302 302",
        ),
    ],
    "portal:receipt": [
        Row(
            "the receipt of a dossier filed elsewhere",
            page(lambda w: f"/dich-vu-cong/nop/{portal_rows.filed().dossier.code}/"),
            "404 404 404 404 404 404 404 404",
        )
    ],
    "portal:track": [
        Row("the tracking form", page(lambda w: "/dich-vu-cong/tra-cuu/"), ALL_200),
        Row(
            "the code and the second factor",
            lambda w: ("post", "/dich-vu-cong/tra-cuu/", {"data": portal_rows.second_factor()}),
            "302 302 302 302 302 302 302 302",
        ),
    ],
    "portal:dossier": [
        Row(
            "a dossier without its second factor (asks for it)",
            page(lambda w: f"/dich-vu-cong/tra-cuu/{portal_rows.filed().dossier.code}/"),
            "302 302 302 302 302 302 302 302",
        )
    ],
    "portal:supplement": [
        Row(
            "without the second factor (asks for it)",
            page(lambda w: f"/dich-vu-cong/tra-cuu/{portal_rows.filed().dossier.code}/bo-sung/"),
            "302 302 302 302 302 302 302 302",
        )
    ],
    "portal:rate": [
        Row(
            "without a code (asks for it)",
            page(lambda w: "/dich-vu-cong/danh-gia/"),
            "302 " * 7 + "302",
        )
    ],
    "portal:document": [
        Row(
            "a document of a Chiềng An dossier, without the second factor: the reader's scope",
            page(lambda w: f"/dich-vu-cong/tai-lieu/{portal_rows.filed().pk}/"),
            READ_WARD,
        )
    ],
}


# -- staffing: the rules (evaluations, leaders, leavers) --------------------------------------
def ward_official(world: World) -> int:
    """An official of Phường Chiềng An (made once per world, before the savepoints)."""
    from tinhgon.staffing.models import Official
    from tinhgon.staffing.tests.factories import official

    found = Official.objects.filter(full_name="Lò Thị Ma Trận").values_list("pk", flat=True)
    return found[0] if found else official(world.id("ward"), full_name="Lò Thị Ma Trận")


def ward_leaver(world: World) -> int:
    import datetime as dt

    from tinhgon.staffing import leavers
    from tinhgon.staffing.models import Leaver

    found = Leaver.objects.filter(official_id=ward_official(world)).first()
    if found is None:
        found = leavers.leaver_record(
            actor=None,
            official_id=ward_official(world),
            kind="resignation",
            reason="Sắp xếp",
            decided_on=dt.date(2025, 8, 1),
            leaves_on=dt.date(2025, 9, 1),
            reorganized_on=dt.date(2025, 7, 1),
            retirement_on=dt.date(2040, 1, 1),
        )
    return found.pk


STAFF_WRITE = "200 200 200 403 200 404 403 404"
STAFF_RULES = "/api/staff/rules"
API.update(
    {
        ("GET", f"{STAFF_RULES}/evaluations"): [
            Row(
                "the ward's evaluations",
                get(
                    lambda w: f"{STAFF_RULES}/evaluations",
                    lambda w: {"unit_id": w.id("ward"), "year": 2026},
                ),
                READ_WARD,
            )
        ],
        ("POST", f"{STAFF_RULES}/evaluations"): [
            Row(
                "record an evaluation of a ward official",
                post(
                    lambda w: f"{STAFF_RULES}/evaluations",
                    lambda w: {
                        "official_id": ward_official(w),
                        "year": 2026,
                        "general_points": 25,
                        "task_points": 50,
                    },
                ),
                STAFF_WRITE,
            )
        ],
        ("POST", f"{STAFF_RULES}/measures"): [
            Row(
                "record a measure against a ward official",
                post(
                    lambda w: f"{STAFF_RULES}/measures",
                    lambda w: {
                        "official_id": ward_official(w),
                        "measure": "reprimand",
                        "decision": "1/QĐ",
                        "decided_on": "2026-02-01",
                        "legal_basis": "Nghị định 172/2025/NĐ-CP",
                    },
                ),
                "201 201 201 403 201 404 403 404",
            )
        ],
        ("GET", f"{STAFF_RULES}/leaders"): [
            Row(
                "the ward's leaders against the norm",
                get(lambda w: f"{STAFF_RULES}/leaders", lambda w: {"unit_id": w.id("ward")}),
                READ_WARD,
            )
        ],
        ("GET", f"{STAFF_RULES}/leavers"): [
            Row(
                "the ward's leavers",
                get(lambda w: f"{STAFF_RULES}/leavers", lambda w: {"unit_id": w.id("ward")}),
                READ_WARD,
            )
        ],
        ("POST", f"{STAFF_RULES}/leavers"): [
            Row(
                "record a ward official leaving",
                post(
                    lambda w: f"{STAFF_RULES}/leavers",
                    lambda w: {
                        "official_id": ward_official(w),
                        "kind": "resignation",
                        "reason": "Sắp xếp",
                        "decided_on": "2025-08-01",
                        "leaves_on": "2025-09-01",
                        "reorganized_on": "2025-07-01",
                    },
                ),
                "201 201 201 403 201 404 403 404",
            )
        ],
        ("POST", f"{STAFF_RULES}/leavers/{{leaver_id}}/paid"): [
            Row(
                "pay a ward leaver",
                post(
                    lambda w: f"{STAFF_RULES}/leavers/{ward_leaver(w)}/paid",
                    lambda w: {"paid_on": "2025-09-10"},
                ),
                STAFF_WRITE,
            )
        ],
    }
)


# Staffing: placement. A run shows the officials of its units: only those who write in every
# unit placed open it; to everyone else it does not exist (404).
def placement_run(
    suffix: str = "", *, prefix: str = "/api/staff/placement"
) -> Callable[[World], str]:
    """A new placement of the ward for each persona, at its address."""

    def url(world: World) -> str:
        from django.utils import timezone

        from tinhgon.staffing import placement

        run = placement.placement_start(
            actor=None, unit_ids=[world.id("ward")], effective=timezone.localdate()
        )
        return f"{prefix}/{run.pk}{suffix}"

    return url


PLACEMENT_RUN = "200 200 200 404 200 404 404 404"
API.update(
    {
        ("POST", "/api/staff/placement"): [
            Row(
                "place the ward's officials",
                post(lambda w: "/api/staff/placement", lambda w: {"unit_ids": [w.id("ward")]}),
                "201 201 201 403 201 404 403 404",
            )
        ],
        ("GET", "/api/staff/placement/{run_id}"): [
            Row("a placement of the ward", get(placement_run()), PLACEMENT_RUN)
        ],
        ("POST", "/api/staff/placement/{run_id}/override"): [
            Row(
                "move an official who is not in it (not found, after the scope)",
                post(placement_run("/override"), lambda w: {"official_id": 1}),
                ALL_404,
            )
        ],
        ("POST", "/api/staff/placement/{run_id}/approve"): [
            Row("approve a placement of the ward", post(placement_run("/approve")), PLACEMENT_RUN)
        ],
    }
)
PAGES.update(
    {
        "staffing:rules-evaluations": [
            Row(
                "the ward's evaluations",
                page(
                    lambda w: "/staff/rules/evaluations/",
                    lambda w: {"unit": w.units["ward"].code, "year": 2026},
                ),
                READ_WARD,
            )
        ],
        "staffing:rules-leaders": [
            Row(
                "the ward's leaders",
                page(lambda w: "/staff/rules/leaders/", lambda w: {"unit": w.units["ward"].code}),
                READ_WARD,
            )
        ],
        "staffing:rules-leavers": [
            Row(
                "the ward's leavers",
                page(lambda w: "/staff/rules/leavers/", lambda w: {"unit": w.units["ward"].code}),
                READ_WARD,
            )
        ],
        "staffing:rules-leaver-pay": [
            Row(
                "the confirmation of a ward leaver's payment",
                page(lambda w: f"/staff/rules/leavers/{ward_leaver(w)}/pay/"),
                STAFF_WRITE,
            )
        ],
        "staffing:rules-formulas": [
            Row("the leaver formula", page(lambda w: "/staff/rules/formulas/"), ALL_200)
        ],
        "staffing:placement": [
            Row(
                "the placement form",
                page(lambda w: "/staff/placement/"),
                "200 200 200 200 200 200 403 200",
            )
        ],
        "staffing:placement_run": [
            Row(
                "a placement of the ward",
                page(placement_run("/", prefix="/staff/placement")),
                PLACEMENT_RUN,
            )
        ],
        "staffing:placement_override": [
            Row(
                "move an official who is not in it (not found, after the scope)",
                form(placement_run("/override/", prefix="/staff/placement"), {"official": 1}),
                ALL_404,
            )
        ],
        "staffing:placement_approve": [
            Row(
                "the confirmation page",
                page(placement_run("/approve/", prefix="/staff/placement")),
                PLACEMENT_RUN,
            )
        ],
    }
)


# Coordination: reports, obstacles and figures (their rows live with them).
from tinhgon.coordination.tests import reports_matrix  # noqa: E402

API.update(reports_matrix.api_rows())
PAGES.update(reports_matrix.page_rows())

# Staffing: the people (officials, positions, quotas, assignments, training; their rows live
# with them).
from tinhgon.staffing.tests import people_matrix  # noqa: E402

API.update(people_matrix.api_rows(Row, get))
PAGES.update(people_matrix.page_rows(Row, page))

# Coordination: directives and tasks (their rows live with them).
from tinhgon.coordination.tests import tasks_matrix  # noqa: E402

API.update(tasks_matrix.api_rows())
PAGES.update(tasks_matrix.page_rows())

# Staffing: the figures and the Resolution 18 report (their rows live with them).
from tinhgon.staffing.tests import figures_matrix  # noqa: E402

API.update(figures_matrix.api_rows(Row, get))
PAGES.update(figures_matrix.page_rows(Row, page))

# Integrity: cases (their rows live with them).
from tinhgon.integrity.tests import cases_matrix  # noqa: E402

API.update(cases_matrix.api_rows())
PAGES.update(cases_matrix.page_rows())

# Integrity: the red flags (their rows live with them).
from tinhgon.integrity.tests import flags_matrix  # noqa: E402

API.update(flags_matrix.api_rows())
PAGES.update(flags_matrix.page_rows())

# Integrity: inspections (their rows live with them).
from tinhgon.integrity.tests import inspections_matrix  # noqa: E402

API.update(inspections_matrix.api_rows())
PAGES.update(inspections_matrix.page_rows())
# Integrity: discipline proceedings (their rows live with them).
from tinhgon.integrity.tests import discipline_matrix  # noqa: E402

API.update(discipline_matrix.api_rows())
PAGES.update(discipline_matrix.page_rows())

# Integrity: the figures (their rows live with them).
from tinhgon.integrity.tests import figures_matrix as integrity_figures_matrix  # noqa: E402

API.update(integrity_figures_matrix.api_rows())
PAGES.update(integrity_figures_matrix.page_rows())
# Equipment and premises (their rows live with them).
from tinhgon.equipment.tests import equipment_matrix  # noqa: E402

API.update(equipment_matrix.api_rows())
PAGES.update(equipment_matrix.page_rows())

# Rebalancing and the equipment figures (their rows live with them).
from tinhgon.equipment.tests import rebalance_matrix  # noqa: E402

API.update(rebalance_matrix.api_rows())
PAGES.update(rebalance_matrix.page_rows())
# Commendations (their rows live with them).
from tinhgon.commendations.tests import commendations_matrix  # noqa: E402

API.update(commendations_matrix.api_rows())
PAGES.update(commendations_matrix.page_rows())


def api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}


def page_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str | None) -> None:  # type: ignore[no-untyped-def]
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                route = str(pattern.pattern)
                if route == "api/":
                    continue  # the API: its operations, above
                if route == "admin/":
                    names.add("admin")
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                names.add(f"{namespace}:{pattern.name}" if namespace else str(pattern.name))

    walk(get_resolver().url_patterns, None)
    return names


def test_every_api_operation_has_a_row():
    assert api_operations() == set(API), (
        "an operation without a row in the matrix: say who may use it"
    )


def test_every_page_has_a_row():
    assert page_names() == set(PAGES), "a page without a row in the matrix: say who may use it"


@pytest.mark.parametrize(
    "key", sorted(API), ids=[f"{method} {path}" for method, path in sorted(API)]
)
def test_who_may_read_and_write_through_the_api(world, key):
    for row in API[key]:
        assert run(world, row, page=False) == expect(row), row.label


@pytest.mark.parametrize("name", sorted(PAGES))
def test_who_may_read_and_write_on_the_pages(world, name):
    for row in PAGES[name]:
        assert run(world, row, page=True) == expect(row), row.label
