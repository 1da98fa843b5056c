"""Issue 7, findings 1 and 5 (the leaks): write scope by subtree and role, administrative units
changed only through plans, and nothing named or confirmed outside the user's scope. Personas of
tinhgon/conftest.py, plus the official of a department (Sở Nội vụ of Sơn La)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from tinhgon.accounts.access import records_filter, scope_for
from tinhgon.accounts.models import Membership, Role
from tinhgon.api import api
from tinhgon.conftest import AFTER, db_checksum, make_persona
from tinhgon.reorg import planfile
from tinhgon.reorg import services as plans
from tinhgon.units import selectors
from tinhgon.units.models import UnitVersion

pytestmark = pytest.mark.django_db

DAY = AFTER.isoformat()


def on_day(code: str) -> UnitVersion:
    return selectors.versions_on(AFTER).get(code=code)


@pytest.fixture
def department_official(son_la):
    return make_persona("snv-official", on_day("14-SNV").unit_id, Role.UNIT_OFFICIAL)


def rename(persona, version: UnitVersion, **change):
    return persona.api().post(
        f"/api/units/{version.unit_id}/versions",
        {"effective": "2026-01-01", **change},
        content_type="application/json",
    )


def versions_of(version: UnitVersion) -> list[tuple[str, str]]:
    return list(
        UnitVersion.objects.filter(unit_id=version.unit_id)
        .order_by("pk")
        .values_list("name", "code")
    )


# Finding 1 ---------------------------------------------------------------------------------------


def test_a_unit_official_of_a_department_cannot_rename_another_department_a_ward_or_the_province(
    department_official, son_la, chieng_an
):
    for target in [on_day("14-STC"), chieng_an, son_la]:
        before = versions_of(target)
        response = rename(department_official, target, name="Tên Bị Đổi")
        assert response.status_code == 403, target.name
        assert response.json()["error"]["code"] in {"forbidden", "plan_required"}
        assert versions_of(target) == before


def test_a_unit_official_of_a_department_changes_their_department_and_what_is_under_it(
    department_official,
):
    department = on_day("14-SNV")
    created = create_division(department_official, department, "14-SNV-P1")
    assert created.status_code == 201, created.content
    division = UnitVersion.objects.get(code="14-SNV-P1")
    assert rename(department_official, division, name="Phòng Tổ chức cán bộ").status_code == 201
    assert rename(department_official, department, name="Sở Nội vụ Mới").status_code == 201
    assert (
        selectors.versions_on(dt.date(2026, 1, 1)).get(unit_id=department.unit_id).name
        == "Sở Nội vụ Mới"
    )


def test_a_department_officials_records_write_scope_is_the_department_subtree_and_reading_stays_the_province(
    django_user_model, department_official, son_la, chieng_an
):
    """records_filter, as every capability applies it: a membership table of staff here."""
    staff = django_user_model.objects.create_user("staff")
    division = on_day("14-SNV")  # the department itself; a division is added below
    from tinhgon.units import services

    child = services.unit_create(
        actor=None,
        code="14-SNV-P2",
        name="Phòng Công chức",
        kind="division",
        parent_id=division.unit_id,
        valid_from=AFTER,
    )
    units = {
        "the department": division.unit_id,
        "its division": child.unit_id,
        "another department": on_day("14-STC").unit_id,
        "the province": son_la.unit_id,
        "a ward": chieng_an.unit_id,
    }
    rows = {
        name: Membership.objects.create(user=staff, unit_id=unit_id, role=Role.OBSERVER).pk
        for name, unit_id in units.items()
    }
    scope = scope_for(department_official.user)

    def allowed(write: bool) -> set[str]:
        found = set(
            Membership.objects.filter(
                records_filter(scope, AFTER, write=write), pk__in=rows.values()
            ).values_list("pk", flat=True)
        )
        return {name for name, pk in rows.items() if pk in found}

    assert allowed(write=False) == set(units)
    assert allowed(write=True) == {"the department", "its division"}


def test_a_unit_official_may_never_rename_or_recode_their_own_commune_and_is_told_to_write_a_plan(
    commune_official, chieng_an
):
    before = versions_of(chieng_an)
    for change in [{"name": "Phường Chiềng An Mới"}, {"code": "93997"}]:
        response = rename(commune_official, chieng_an, **change)
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["code"] == "plan_required"
        assert "chỉ thay đổi qua phương án sắp xếp" in error["message"]
    assert versions_of(chieng_an) == before


@pytest.mark.parametrize("persona", ["province_admin", "commune_official"])
def test_administrative_units_neither_open_nor_close_outside_a_plan(request, persona, son_la):
    client = request.getfixturevalue(persona).api()
    client.get("/api/accounts/me")  # the first request stamps the token's last use
    before = db_checksum()
    ward = selectors.resolve("Phường Chiềng An", day=AFTER)
    closed = client.post(
        f"/api/units/{ward.unit_id}/close", {"last_day": "2026-01-01"}, "application/json"
    )
    assert closed.status_code == 403
    assert closed.json()["error"]["code"] == "plan_required"
    if persona == "province_admin":
        opened = client.post(
            "/api/units",
            {
                "code": "93996",
                "name": "Phường Thử",
                "kind": "ward",
                "parent_id": son_la.unit_id,
                "valid_from": "2026-01-01",
            },
            "application/json",
        )
        assert opened.status_code == 403
        assert opened.json()["error"]["code"] == "plan_required"
    assert db_checksum() == before


def test_a_superuser_may_still_correct_an_administrative_unit_directly(superuser, chieng_an):
    response = rename(superuser, chieng_an, name="Phường Chiềng An (sửa lỗi)")
    assert response.status_code == 201, response.content
    assert versions_of(chieng_an)[-1][0] == "Phường Chiềng An (sửa lỗi)"


def test_me_says_a_department_official_may_write(department_official):
    assert department_official.api().get("/api/accounts/me").json()["can_write"] is True


# Finding 5: lineage lookup -----------------------------------------------------------------------


def lookup(persona, q: str, **more):
    return persona.api().get("/api/units/lineage", {"q": q, **more})


def test_an_ambiguous_lineage_search_lists_no_commune_of_another_province(commune_official):
    # Eleven communes of other provinces are named Tân Lập; none lies in Phường Chiềng An.
    assert (
        UnitVersion.objects.filter(name="Xã Tân Lập").values("province_id").distinct().count() > 1
    )
    response = lookup(commune_official, "Tân Lập")
    missing = lookup(commune_official, "Không Có Nơi Nào")
    assert (response.status_code, missing.status_code) == (404, 404)
    assert response.json()["error"]["message"] == missing.json()["error"]["message"].replace(
        "Không Có Nơi Nào", "Tân Lập"
    )
    assert "(" not in response.json()["error"]["message"]  # no "Name (code)" listed


def test_an_ambiguous_lineage_search_lists_only_the_units_the_user_may_see(province_admin, son_la):
    response = lookup(province_admin, "Chiềng")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "ambiguous"
    codes = re.findall(r"\(([0-9A-Z-]+)\)", error["message"])
    assert codes
    provinces = set(
        UnitVersion.objects.filter(code__in=codes).values_list("province_id", flat=True)
    )
    assert provinces == {son_la.unit_id}


def test_a_lineage_search_finds_a_unit_in_scope_that_shares_its_name_with_others(ha_noi_admin):
    # Nationwide "Tân Lập" is ambiguous; within Hà Nội there is one.
    response = lookup(ha_noi_admin, "Tân Lập")
    assert response.status_code == 200, response.content
    assert response.json()["unit"]["name"] == "Xã Tân Lập"


def test_a_lineage_search_for_a_unit_outside_the_scope_answers_like_one_that_does_not_exist(
    ha_noi_admin, commune_official
):
    outside = lookup(ha_noi_admin, "03667")  # Phường Chiềng An, Sơn La
    missing = lookup(ha_noi_admin, "99999")
    assert (outside.status_code, missing.status_code) == (404, 404)
    assert outside.json()["error"]["message"] == missing.json()["error"]["message"].replace(
        "99999", "03667"
    )
    # A legacy commune that went into the ward is the ward official's to look up.
    assert lookup(commune_official, "Xã Chiềng Xôm", province="Sơn La").status_code == 200


# Finding 5: code clashes -------------------------------------------------------------------------


def create_division(persona, parent: UnitVersion, code: str):
    return persona.api().post(
        "/api/units",
        {
            "code": code,
            "name": "Tổ thử",
            "kind": "division",
            "parent_id": parent.unit_id,
            "valid_from": "2026-01-01",
        },
        content_type="application/json",
    )


def test_a_code_clash_does_not_name_a_holder_outside_the_scope(commune_official, chieng_an):
    committee = on_day(f"{chieng_an.code}-UBND")
    elsewhere = create_division(commune_official, committee, "00004")  # Phường Ba Đình, Hà Nội
    assert elsewhere.status_code == 400
    message = elsewhere.json()["error"]["message"]
    assert "Ba Đình" not in message
    assert "đơn vị khác" in message
    own = create_division(commune_official, committee, f"{chieng_an.code}-PVHXH")
    assert "Phòng Văn hóa - Xã hội phường Chiềng An" in own.json()["error"]["message"]


def test_a_plan_code_clash_names_no_holder_in_another_province(province_admin):
    head = "title: Thử mã\neffective_date: 2026-01-01\nsteps:\n"
    step = (
        "- action: consolidate\n  sources: ['03667']\n"
        "  target: {{code: '{code}', name: Phường Thử, kind: ward, parent: '14'}}\n"
    )

    def problems(code: str) -> list[str]:
        response = province_admin.api().post(
            "/api/plans/preview",
            {"file": SimpleUploadedFile("p.yaml", (head + step.format(code=code)).encode())},
        )
        assert response.status_code == 400, response.content
        return [p["message"] for p in response.json()["error"]["problems"]]

    elsewhere = problems("00004")  # Phường Ba Đình, Hà Nội
    assert not any("Ba Đình" in m for m in elsewhere)
    assert any("tỉnh khác" in m for m in elsewhere)
    assert any("Phường Tô Hiệu" in m for m in problems(on_day_name("Phường Tô Hiệu").code))


def on_day_name(name: str) -> UnitVersion:
    return selectors.versions_on(AFTER).get(name=name)


# Finding 5: plan ids -----------------------------------------------------------------------------


def plan_operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return sorted(
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if "{plan_id}" in path
    )


def plan_pages() -> list[str]:
    resolver = get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver) and str(pattern.pattern) == "plans/":
            for sub in pattern.url_patterns:
                # Whatever the converter (<int:...>, now <id:...>): an empty list tests nothing.
                if isinstance(sub, URLPattern) and re.search(r"<\w+:plan_id>", str(sub.pattern)):
                    found.append("/plans/" + re.sub(r"<\w+:plan_id>", "{id}", str(sub.pattern)))
    return sorted(found)


@pytest.mark.parametrize(
    "persona",
    ["province_admin", "ha_noi_admin", "commune_official", "observer", "department_official"],
)
def test_a_plan_outside_the_scope_answers_exactly_like_a_plan_that_does_not_exist(
    request, persona, ha_noi
):
    """On every endpoint and page that takes a plan id, whoever asks."""
    # A plan of Hà Nội's, outside every persona here (the Sơn La ones and Hà Nội's own aside).
    spec = planfile.load_yaml(
        "title: Phương án Hà Nội\neffective_date: 2026-01-01\nsteps:\n"
        "- {action: rename, unit: '00004', name: Phường Ba Đình Mới}\n"
    )
    plan = plans.plan_create(actor=None, spec=spec)
    if persona == "ha_noi_admin":
        # Hà Nội's administrator handles it: the comparison is for someone else's plan.
        plan.provinces = [selectors.resolve_province("Sơn La", day=AFTER).unit_id]
        plan.save(update_fields=["provinces"])
    who = request.getfixturevalue(persona)
    missing = plan.pk + 100_000
    client, browser = who.api(), who.browser()
    assert plan_operations() and plan_pages()
    for method, path in plan_operations():
        send = getattr(client, method)
        body: dict[str, object] = {"carrier": "child_units", "choices": {"1": "03667"}}
        if path.endswith("/groups"):
            body = {"carrier": "child_units", "unit_id": 1, "to": "03667"}
        kwargs = {"data": body, "content_type": "application/json"} if method == "post" else {}
        outside = send(path.replace("{plan_id}", str(plan.pk)), **kwargs)
        absent = send(path.replace("{plan_id}", str(missing)), **kwargs)
        assert outside.status_code == absent.status_code in {403, 404}, (method, path)
        assert outside.json()["error"]["message"].replace(str(plan.pk), "N") == absent.json()[
            "error"
        ]["message"].replace(str(missing), "N"), (method, path)
    for path in plan_pages():
        for method in ("get", "post"):
            outside = getattr(browser, method)(path.format(id=plan.pk))
            absent = getattr(browser, method)(path.format(id=missing))
            assert outside.status_code == absent.status_code, (method, path)
            if outside.status_code in {403, 404}:
                assert page_text(outside, plan.pk) == page_text(absent, missing), (method, path)


def page_text(response, plan_id: int) -> str:
    """The page with its id and its form tokens (new on every response) written out."""
    text = response.content.decode().replace(str(plan_id), "N")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
