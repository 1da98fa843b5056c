"""The engine on small plans over Sơn La's post-2025 apparatus (template units included)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from tinhgon.accounts.models import Membership, Role
from tinhgon.carriers.models import RecordMove
from tinhgon.conftest import db_checksum, make_persona, unit
from tinhgon.core.errors import DomainError
from tinhgon.reorg import engine, planfile, services
from tinhgon.reorg.models import Plan
from tinhgon.units import selectors
from tinhgon.units import services as unit_services
from tinhgon.units.kinds import Kind, Level
from tinhgon.units.models import UnitLink

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 1, 1)


def plan(steps: str, *, effective: str = "2026-01-01") -> planfile.PlanSpec:
    text = f"title: Thử nghiệm\neffective_date: {effective}\nlegal_basis: {{number: 01/NQ-HĐND}}\nsteps:\n{steps}"
    return planfile.load_yaml(text)


MERGE_TWO_WARDS = """
- action: consolidate
  sources: ['03646', '03667']
  target: {code: '03999', name: Phường Tô Chiềng, kind: ward, parent: '14'}
"""


def agencies_of(version, day=DAY):
    return {
        v.kind: v
        for v in selectors.versions_on(day)
        .filter(admin_unit_id=version.unit_id)
        .exclude(unit_id=version.unit_id)
    }


def test_consolidating_two_wards_consolidates_their_agencies_into_the_new_wards():
    to_hieu, chieng_an = unit("Phường Tô Hiệu"), unit("Phường Chiềng An")
    old_committees = {
        unit_id
        for unit_id in (
            agencies_of(to_hieu, dt.date(2025, 12, 31))["peoples_committee"].unit_id,
            agencies_of(chieng_an, dt.date(2025, 12, 31))["peoples_committee"].unit_id,
        )
    }
    outcome = engine.run(plan(MERGE_TWO_WARDS), apply=True)
    new = selectors.resolve("Phường Tô Chiềng", day=DAY)
    assert (new.kind, new.level, new.valid_from) == (Kind.WARD, Level.COMMUNE, DAY)
    organs = agencies_of(new)
    committee = organs["peoples_committee"]
    assert committee.name == "Ủy ban nhân dân phường Tô Chiềng"
    assert committee.code == "03999-UBND"
    assert committee.parent_id == new.unit_id
    offices = selectors.versions_on(DAY).filter(parent_id=committee.unit_id, kind=Kind.OFFICE)
    assert offices.count() == 4
    links = UnitLink.objects.filter(successor_id=committee.unit_id)
    assert set(links.values_list("predecessor_id", flat=True)) == old_committees
    assert (
        not selectors.versions_on(DAY)
        .filter(unit_id__in=[to_hieu.unit_id, chieng_an.unit_id])
        .exists()
    )
    assert outcome.report["steps"][0]["derived"]


def test_officials_and_divisions_follow_their_units_to_the_successors():
    chieng_an = unit("Phường Chiềng An")
    committee = agencies_of(chieng_an, dt.date(2025, 12, 31))["peoples_committee"]
    division = unit_services.unit_create(
        actor=None,
        code="03667-UBND-TCV",
        name="Tổ công vụ",
        kind=Kind.DIVISION,
        parent_id=committee.unit_id,
        valid_from=dt.date(2025, 9, 1),
    )
    official = make_persona("official-of-chieng-an", chieng_an.unit_id, Role.UNIT_OFFICIAL)
    outcome = engine.run(plan(MERGE_TWO_WARDS), apply=True)
    new = selectors.resolve("Phường Tô Chiềng", day=DAY)
    moved_division = selectors.version_on(division.unit_id, DAY)
    assert moved_division.parent_id == agencies_of(new)["peoples_committee"].unit_id
    assert moved_division.admin_unit_id == new.unit_id
    assert (
        selectors.version_on(division.unit_id, dt.date(2025, 12, 31)).admin_unit_id
        == chieng_an.unit_id
    )
    memberships = Membership.objects.filter(user=official.user).order_by("id")
    assert [(m.unit_id, m.valid_to) for m in memberships] == [
        (chieng_an.unit_id, dt.date(2025, 12, 31)),
        (new.unit_id, None),
    ]
    assert outcome.report["carriers"]["child_units"] == 1
    assert outcome.plan is not None
    assert RecordMove.objects.filter(
        plan_ref=outcome.plan.pk,
        carrier="memberships",
        from_unit_id=chieng_an.unit_id,
        record_id=memberships[0].pk,
    ).exists()
    assert official.api().get(f"/api/units/{new.unit_id}").status_code == 200


def test_a_preview_changes_nothing():
    chieng_an = unit("Phường Chiềng An")
    make_persona("someone", chieng_an.unit_id, Role.UNIT_OFFICIAL)
    open_members = Membership.objects.filter(
        unit_id=chieng_an.unit_id, valid_to__isnull=True
    ).count()
    before = db_checksum()
    report = engine.run(plan(MERGE_TWO_WARDS), apply=False).report
    assert report["units_opened"] > 1 and report["carriers"]["memberships"] == open_members
    assert db_checksum() == before


def test_a_failure_in_the_middle_of_apply_leaves_the_database_as_it_was():
    make_persona("someone-else", unit("Phường Chiềng An").unit_id, Role.UNIT_OFFICIAL)
    before = db_checksum()
    with pytest.raises(RuntimeError, match="injected"):
        engine.run(plan(MERGE_TWO_WARDS), apply=True, inject_failure="after_write")
    assert db_checksum() == before


def test_an_applied_plan_cannot_be_applied_again():
    spec = plan(MERGE_TWO_WARDS)
    engine.run(spec, apply=True)
    before = db_checksum()
    with pytest.raises(DomainError) as caught:
        engine.run(spec, apply=True)
    assert caught.value.code == "already_applied"
    assert db_checksum() == before


def test_absorbing_a_ward_into_another_merges_matching_agencies():
    to_hieu, chieng_an = unit("Phường Tô Hiệu"), unit("Phường Chiềng An")
    engine.run(plan("- {action: absorb, sources: ['03646'], into: '03667'}"), apply=True)
    assert selectors.version_on(chieng_an.unit_id, DAY).name == "Phường Chiềng An"
    old_committee = agencies_of(to_hieu, dt.date(2025, 12, 31))["peoples_committee"]
    link = UnitLink.objects.get(predecessor_id=old_committee.unit_id)
    assert link.successor_id == agencies_of(chieng_an)["peoples_committee"].unit_id
    assert link.event == "absorb"


def test_dissolving_a_department_hands_its_units_to_the_receiver():
    home = selectors.versions_on(DAY).get(code="14-SNV")
    division = unit_services.unit_create(
        actor=None,
        code="14-SNV-P1",
        name="Phòng Công chức",
        kind=Kind.DIVISION,
        parent_id=home.unit_id,
        valid_from=dt.date(2025, 9, 1),
    )
    engine.run(plan("- {action: dissolve, unit: 14-SNV, receiver: 14-VP}"), apply=True)
    office = selectors.versions_on(DAY).get(code="14-VP")
    assert selectors.version_on(division.unit_id, DAY).parent_id == office.unit_id
    assert not selectors.versions_on(DAY).filter(code="14-SNV").exists()


def test_splitting_a_commune_opens_the_targets_and_routes_to_the_default():
    commune = (
        selectors.versions_on(DAY)
        .filter(
            kind=Kind.COMMUNE,
            province_id=unit("Sơn La", level=Level.PROVINCE, province=None).unit_id,
        )
        .first()
    )
    assert commune is not None
    steps = f"""
- action: split
  unit: '{commune.code}'
  default: new:90001
  targets:
    - {{code: '90001', name: Xã Bắc Thử, kind: commune, parent: '14', share: 60}}
    - {{code: '90002', name: Xã Nam Thử, kind: commune, parent: '14', share: 40}}
"""
    official = make_persona("split-official", commune.unit_id, Role.UNIT_OFFICIAL)
    engine.run(plan(steps), apply=True)
    north, south = (
        selectors.resolve("Xã Bắc Thử", day=DAY),
        selectors.resolve("Xã Nam Thử", day=DAY),
    )
    links = {
        link.successor_id: link.is_default
        for link in UnitLink.objects.filter(predecessor_id=commune.unit_id)
    }
    assert links == {north.unit_id: True, south.unit_id: False}
    assert (
        Membership.objects.get(user=official.user, valid_to__isnull=True).unit_id == north.unit_id
    )


def test_a_rename_and_a_move_keep_identities_and_set_the_placement():
    chieng_an, to_hieu = unit("Phường Chiềng An"), unit("Phường Tô Hiệu")
    office = selectors.versions_on(DAY).get(code="03667-PVHXH")
    target = agencies_of(to_hieu)["peoples_committee"]
    steps = f"""
- {{action: rename, unit: '03667', name: Phường Chiềng An Mới}}
- {{action: move, unit: 03667-PVHXH, parent: '{target.code}'}}
"""
    engine.run(plan(steps), apply=True)
    assert selectors.version_on(chieng_an.unit_id, DAY).name == "Phường Chiềng An Mới"
    moved = selectors.version_on(office.unit_id, DAY)
    assert (moved.parent_id, moved.admin_unit_id) == (target.unit_id, to_hieu.unit_id)


def test_an_approved_future_plan_is_applied_on_its_date_and_only_once():
    draft = services.plan_create(actor=None, spec=plan(MERGE_TWO_WARDS, effective="2027-01-01"))
    services.plan_approve(actor=None, plan=draft)
    assert services.plans_apply_due(actor=None, today=dt.date(2026, 12, 31)) == ([], {})
    applied, refused = services.plans_apply_due(actor=None, today=dt.date(2027, 1, 1))
    assert ([p.pk for p in applied], refused) == ([draft.pk], {})
    assert services.plans_apply_due(actor=None, today=dt.date(2027, 1, 2)) == ([], {})
    draft.refresh_from_db()
    assert draft.status == Plan.Status.APPLIED


def test_the_scheduled_job_reports_a_plan_that_no_longer_fits_and_applies_the_others():
    stale = services.plan_create(actor=None, spec=plan(MERGE_TWO_WARDS, effective="2027-01-01"))
    services.plan_approve(actor=None, plan=stale)
    rename = "- {action: rename, unit: '03670', name: Phường Chiềng Cơi Mới}"
    fine = services.plan_create(actor=None, spec=plan(rename, effective="2027-01-01"))
    services.plan_approve(actor=None, plan=fine)
    # The registry moved on: one of the wards the first plan merges is closed by another plan.
    engine.run(plan(MERGE_TWO_WARDS.replace("03999", "03998"), effective="2026-06-01"), apply=True)
    applied, refused = services.plans_apply_due(actor=None, today=dt.date(2027, 1, 1))
    assert [p.pk for p in applied] == [fine.pk]
    assert list(refused) == [stale.pk] and refused[stale.pk].code == "invalid_plan"


def test_plan_files_round_trip_through_yaml_and_excel():
    spec = plan(
        MERGE_TWO_WARDS + "- {action: dissolve, unit: 14-SNV, receiver: 14-VP}\n" + SPLIT_SON_LA
    )
    assert [s.action for s in spec.steps] == ["consolidate", "dissolve", "split"]
    again = planfile.load_yaml(planfile.dump_yaml(spec))
    assert engine.checksum(again) == engine.checksum(spec)
    from_excel = planfile.load_excel(planfile.write_excel(spec))
    assert engine.checksum(from_excel) == engine.checksum(spec)


def test_preview_in_english_names_the_steps():
    with translation.override("en"):
        report = engine.run(plan(MERGE_TWO_WARDS), apply=False).report
    step = report["steps"][0]
    assert step["opened"] == ["03999 Phường Tô Chiềng"]
    assert sorted(step["closed"]) == ["03646 Phường Tô Hiệu", "03667 Phường Chiềng An"]


def _upload(client, content: str, path: str = "/api/plans"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(path, {"file": SimpleUploadedFile("plan.yaml", content.encode())})


PLAN_TEXT = "title: Hợp nhất phường\neffective_date: 2026-01-01\nsteps:\n" + MERGE_TWO_WARDS


def second_admin(son_la_id: int):
    """Another administrator of Sơn La: the author of a plan does not approve it."""
    return make_persona("second-province-admin", son_la_id, Role.PROVINCE_ADMIN)


def test_a_provincial_administrator_stores_previews_approves_and_applies_a_plan(
    province_admin, son_la
):
    api = province_admin.api()
    created = _upload(api, PLAN_TEXT)
    assert created.status_code == 201, created.content
    plan_id = created.json()["id"]
    before = db_checksum()
    preview = api.get(f"/api/plans/{plan_id}/preview").json()
    assert preview["units_opened"] >= 1 and "carriers" in preview
    assert db_checksum() == before
    workbook = api.get(f"/api/plans/{plan_id}/preview", {"format": "xlsx"})
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    approver = second_admin(son_la.unit_id)
    assert approver.api().post(f"/api/plans/{plan_id}/approve").json()["status"] == "approved"
    applied = api.post(f"/api/plans/{plan_id}/apply")
    assert applied.json()["status"] == "applied"
    again = api.post(f"/api/plans/{plan_id}/apply")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_applied"


def test_a_commune_official_cannot_reorganize(commune_official):
    response = _upload(commune_official.api(), PLAN_TEXT)
    assert response.status_code == 403


def test_a_provincial_administrator_cannot_reorganize_another_province(province_admin):
    text = "title: Ngoài tỉnh\neffective_date: 2026-01-01\nsteps:\n- {action: rename, unit: '00004', name: Phường Ba Đình Mới}\n"
    response = _upload(province_admin.api(), text, "/api/plans/preview")
    assert response.status_code == 403


def test_a_bad_plan_file_gets_errors_with_step_line_and_field(province_admin):
    response = _upload(
        province_admin.api(),
        "title: x\neffective_date: 2026-01-01\nsteps:\n- {action: dissolve, unit: 14-SNV}\n",
    )
    assert response.status_code == 400
    problem = response.json()["error"]["problems"][0]
    assert (problem["step"], problem["field"], problem["line"]) == (1, "receiver", 4)


def test_the_lineage_endpoint_finds_todays_commune_from_a_legacy_name(province_admin):
    body = (
        province_admin.api()
        .get("/api/units/lineage", {"q": "Xã Chiềng Xôm", "province": "Sơn La"})
        .json()
    )
    assert body["unit"]["valid_to"] == "2025-06-30"
    assert [c["name"] for c in body["current"]] == ["Phường Chiềng An"]


def test_the_plan_pages_upload_preview_approve_and_apply(province_admin, son_la):
    from django.core.files.uploadedfile import SimpleUploadedFile

    browser = province_admin.browser()
    response = browser.post(
        "/plans/", {"file": SimpleUploadedFile("plan.yaml", PLAN_TEXT.encode())}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Phường Tô Chiềng" in page and "Ủy ban nhân dân phường Tô Chiềng" in page
    plan = Plan.objects.latest("id")
    second_admin(son_la.unit_id).browser().post(f"/plans/{plan.pk}/approve/")
    browser.post(f"/plans/{plan.pk}/apply/")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPLIED
    assert selectors.resolve("Phường Tô Chiềng", day=DAY).valid_from == DAY


def test_a_commune_official_cannot_open_the_plan_pages(commune_official):
    assert commune_official.browser().get("/plans/").status_code == 403


SPLIT_SON_LA = """
- action: split
  unit: '14'
  default: new:T1
  targets:
    - {code: T1, name: Tỉnh Sơn La Bắc, kind: province}
    - {code: T2, name: Tỉnh Sơn La Nam, kind: province}
"""


def test_splitting_a_province_needs_a_decision_for_each_commune_before_apply():
    son_la = unit("Sơn La", level=Level.PROVINCE, province=None)
    communes = list(
        selectors.versions_on(DAY)
        .filter(parent_id=son_la.unit_id, level=Level.COMMUNE)
        .order_by("code")
    )
    draft = services.plan_create(actor=None, spec=plan(SPLIT_SON_LA))
    report = services.plan_preview(actor=None, spec=services.spec_of(draft), plan=draft)
    assert sorted(report["needs_decision"]["child_units"]) == sorted(c.unit_id for c in communes)
    services.plan_approve(actor=None, plan=draft)
    before = db_checksum()
    with pytest.raises(DomainError) as caught:
        services.plan_apply(actor=None, spec=services.spec_of(draft), plan=draft)
    assert caught.value.code == "needs_decision"
    assert db_checksum() == before
    # The preview shows where they would go by default, and that each needs a decision.
    assert report["steps"][0]["moves"] == {"child_units": len(communes)}
    north = {c.unit_id: "new:T1" for c in communes[:40]}
    south = {c.unit_id: "new:T2" for c in communes[40:]}
    with pytest.raises(DomainError):
        services.decisions_record(
            actor=None, plan=draft, carrier="child_units", choices={communes[0].unit_id: "03667"}
        )
    services.decisions_record(actor=None, plan=draft, carrier="child_units", choices=north | south)
    # Deciding changed what the approved plan does: it is a draft again, to approve again.
    assert (draft.status, draft.approved_at) == (Plan.Status.DRAFT, None)
    with pytest.raises(DomainError):
        services.plan_apply(actor=None, spec=services.spec_of(draft), plan=draft)
    services.plan_approve(actor=None, plan=draft)
    services.plan_apply(actor=None, spec=services.spec_of(draft), plan=draft)
    t1, t2 = selectors.resolve("Sơn La Bắc", day=DAY), selectors.resolve("Sơn La Nam", day=DAY)
    after = {
        v.unit_id: v
        for v in selectors.versions_on(DAY).filter(unit_id__in=[c.unit_id for c in communes])
    }
    assert {after[u].parent_id for u in north} == {t1.unit_id}
    assert {after[u].parent_id for u in south} == {t2.unit_id}
    assert {after[u].province_id for u in south} == {t2.unit_id}
    committee = selectors.versions_on(DAY).get(
        admin_unit_id=communes[-1].unit_id, kind=Kind.PEOPLES_COMMITTEE
    )
    assert committee.province_id == t2.unit_id


def test_decisions_are_made_on_the_plan_page(province_admin, son_la):
    from django.core.files.uploadedfile import SimpleUploadedFile

    browser = province_admin.browser()
    text = "title: Tách tỉnh Sơn La\neffective_date: 2026-01-01\nsteps:\n" + SPLIT_SON_LA
    browser.post("/plans/", {"file": SimpleUploadedFile("split.yaml", text.encode())})
    plan = Plan.objects.latest("id")
    page = browser.get(f"/plans/{plan.pk}/").content.decode()
    assert "Phường Chiềng An (03667)" in page and "Tỉnh Sơn La Nam" in page
    son_la = unit("Sơn La", level=Level.PROVINCE, province=None)
    communes = selectors.versions_on(DAY).filter(parent_id=son_la.unit_id, level=Level.COMMUNE)
    form = {f"choice:child_units:{c.unit_id}": "new:T2" for c in communes}
    browser.post(f"/plans/{plan.pk}/decide/", form)
    second_admin(son_la.unit_id).browser().post(f"/plans/{plan.pk}/approve/")
    browser.post(f"/plans/{plan.pk}/apply/")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPLIED
    south = selectors.resolve("Sơn La Nam", day=DAY)
    assert set(
        selectors.versions_on(DAY)
        .filter(unit_id__in=[c.unit_id for c in communes])
        .values_list("parent_id", flat=True)
    ) == {south.unit_id}


def test_the_preview_of_a_provincial_plan_shows_the_figures_of_that_province():
    report = engine.run(plan(MERGE_TWO_WARDS), apply=False).report
    assert report["figures_before"]["area"] == "Tỉnh Sơn La"
    before = report["figures_before"]["administrative_units"]["commune_level"]
    assert report["figures_after"]["administrative_units"]["commune_level"] == before - 1 == 74


def test_a_unit_renamed_on_the_date_its_parent_dissolves_follows_the_receiver():
    steps = """
- {action: rename, unit: 03667-PVHXH, name: Phòng Văn hóa và Thông tin phường Chiềng An}
- {action: dissolve, unit: 03667-UBND, receiver: 14-UBND}
"""
    engine.run(plan(steps), apply=True)
    office = selectors.resolve("Phòng Văn hóa và Thông tin phường Chiềng An", day=DAY)
    assert office.parent_id == selectors.versions_on(DAY).get(code="14-UBND").unit_id
    assert office.valid_from == DAY
