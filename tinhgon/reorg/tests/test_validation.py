"""Refused plans: every error names the step and the field, and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from tinhgon.conftest import db_checksum
from tinhgon.core.errors import DomainError, Problem
from tinhgon.reorg import engine, planfile
from tinhgon.units import selectors
from tinhgon.units import services as unit_services
from tinhgon.units.kinds import Kind

pytestmark = pytest.mark.django_db

HEAD = "title: Phương án thử\neffective_date: 2026-01-01\nsteps:\n"


def problems_of(steps: str, head: str = HEAD) -> list[Problem]:
    before = db_checksum()
    with translation.override("en"), pytest.raises(DomainError) as caught:
        engine.run(planfile.load_yaml(head + steps), apply=True)
    assert db_checksum() == before
    return caught.value.problems


def refused(steps: str, head: str = HEAD) -> list[tuple[int | None, str | None]]:
    return [(p.step, p.field) for p in problems_of(steps, head)]


def test_a_unit_not_open_on_the_effective_date_is_refused():
    # 03664 was Xã Chiềng Xôm, closed on 2025-06-30.
    problems = refused("""
- action: consolidate
  sources: ['03646', '03664']
  target: {code: '03998', name: Phường Thử, kind: ward, parent: '14'}
""")
    assert problems == [(1, "sources[2]")]


def test_a_unit_used_by_two_steps_is_refused():
    problems = refused("""
- action: consolidate
  sources: ['03646', '03667']
  target: {code: '03998', name: Phường Thử, kind: ward, parent: '14'}
- action: absorb
  sources: ['03667']
  into: '03670'
""")
    assert problems == [(2, "sources[1]")]


def test_a_cycle_is_refused():
    problems = refused("""
- {action: move, unit: 14-SNV, parent: 14-STC}
- {action: move, unit: 14-STC, parent: 14-SNV}
""")
    assert {step for step, field in problems} == {1, 2}
    assert {field for step, field in problems} == {"parent"}


def test_a_split_whose_shares_do_not_cover_the_unit_is_refused():
    problems = refused("""
- action: split
  unit: '03646'
  default: new:93997
  targets:
    - {code: '93997', name: Phường Một, kind: ward, parent: '14', share: 60}
    - {code: '93996', name: Phường Hai, kind: ward, parent: '14', share: 30}
""")
    assert problems == [(1, "targets")]


def test_a_dissolution_with_no_receiver_is_refused():
    assert refused("- {action: dissolve, unit: 14-SNV}\n") == [(1, "receiver")]


def test_a_receiver_that_closes_in_the_same_plan_is_refused():
    problems = refused("""
- {action: dissolve, unit: 14-SNV, receiver: 14-STC}
- {action: dissolve, unit: 14-STC, receiver: 14-VP}
""")
    assert problems == [(1, "receiver")]


def test_an_unknown_action_is_refused():
    assert refused("- {action: merge, unit: '03646'}\n") == [(1, "action")]


def test_an_unknown_kind_is_refused():
    problems = refused("""
- {action: dissolve, unit: 14-SNV, receiver: 14-VP}
- action: consolidate
  sources: ['03646']
  target: {code: '93995', name: Phường Ba, kind: hamlet, parent: '14'}
""")
    assert problems == [(2, "target.kind")]


def test_a_new_code_that_an_open_unit_keeps_is_refused():
    problems = refused("""
- action: consolidate
  sources: ['03646']
  target: {code: '03667', name: Phường Trùng Mã, kind: ward, parent: '14'}
""")
    assert problems == [(1, "target.code")]


def test_errors_point_at_the_line_of_the_step():
    with pytest.raises(DomainError) as caught:
        planfile.load_yaml(HEAD + "- {action: dissolve}\n- {action: split, unit: '03646'}\n")
    lines = {(p.step, p.field): p.line for p in caught.value.problems}
    assert lines[(1, "unit")] == 4
    assert lines[(2, "targets")] == 5


def test_a_file_that_is_not_yaml_names_its_line():
    with pytest.raises(DomainError) as caught:
        planfile.load_yaml("title: x\nsteps: [\n  - {action: ")
    assert caught.value.problems[0].line is not None


def test_an_excel_plan_without_its_sheets_is_refused():
    from tinhgon.units.excel import write_template

    with pytest.raises(DomainError, match="plan"):
        planfile.load_excel(write_template())


# -- placement: the rules of the unit services (units.services.placement_for) ------------------
# Before the 2025 reform: Thành phố Sơn La (116) holds 12 wards and communes; Xã Mường Chiên
# (03682) is a commune of Huyện Quỳnh Nhai.
LEGACY_HEAD = "title: Phương án cũ\neffective_date: 2025-06-01\nsteps:\n"


def test_a_new_commune_under_a_ward_is_refused_in_the_words_of_the_unit_services():
    ward = selectors.versions_on(dt.date(2026, 1, 1)).get(code="03667")
    with translation.override("en"), pytest.raises(DomainError) as service:
        unit_services.placement_for(kind=Kind.COMMUNE, parent=ward)  # what unit_create asks
    problems = problems_of("""
- action: consolidate
  sources: ['03646']
  target: {code: '93990', name: Xã Thử, kind: commune, parent: '03667'}
""")
    assert [(p.step, p.field) for p in problems] == [(1, "target.parent")]
    assert problems[0].message == service.value.message == "A Commune cannot hang under a Ward."


def test_a_new_ward_under_a_new_ward_of_the_same_plan_is_refused():
    problems = refused("""
- action: split
  unit: '03646'
  default: new:93991
  targets:
    - {code: '93991', name: Phường Một, kind: ward, parent: '14'}
    - {code: '93992', name: Phường Hai, kind: ward, parent: 'new:93991'}
""")
    assert problems == [(1, "target.parent")]


def test_a_new_agency_needs_a_parent_and_a_new_province_has_none():
    problems = problems_of("""
- action: consolidate
  sources: [14-SNV]
  target: {code: 14-SNV2, name: Sở Nội vụ mới, kind: department}
- action: consolidate
  sources: ['03646']
  target: {code: '93993', name: Tỉnh Thử, kind: province, parent: '14'}
""")
    assert [(p.step, p.field, p.message) for p in problems] == [
        (1, "target.parent", "An agency must have a parent."),
        (2, "target.parent", "A province-level unit has no parent."),
    ]


def test_a_ward_moved_under_another_ward_or_under_an_office_is_refused():
    problems = refused("""
- {action: move, unit: '03646', parent: '03667'}
- {action: move, unit: '03670', parent: 03667-PVHXH}
""")
    assert problems == [(1, "parent"), (2, "parent")]


def test_a_ward_reclassified_as_a_province_is_refused_under_its_province():
    problems = problems_of("- {action: reclassify, unit: '03646', kind: province}\n")
    assert [(p.step, p.field, p.message) for p in problems] == [
        (1, "kind", "A province-level unit has no parent.")
    ]


def test_a_reclassification_across_categories_is_refused_in_the_words_of_the_unit_services():
    problems = problems_of("- {action: reclassify, unit: '03646', kind: office}\n")
    assert [(p.step, p.field, p.message) for p in problems] == [
        (
            1,
            "kind",
            "A Ward cannot become a Commune office: the category changes (Administrative unit).",
        )
    ]


def test_a_city_reclassified_as_a_ward_is_refused_for_each_unit_under_it():
    problems = problems_of("- {action: reclassify, unit: '116', kind: ward}\n", LEGACY_HEAD)
    assert {(p.step, p.field) for p in problems} == {(1, "kind")}
    assert len(problems) == 12
    assert "Phường Chiềng Lề: A Ward cannot hang under a Ward." in [p.message for p in problems]


def test_the_units_of_a_district_cannot_follow_it_into_a_commune_that_absorbs_it():
    problems = problems_of("- {action: absorb, sources: ['116'], into: '03682'}\n", LEGACY_HEAD)
    assert {(p.step, p.field) for p in problems} == {(1, "into")}
    assert len(problems) == 12
    assert "Phường Tô Hiệu: A Ward cannot hang under a Commune." in [p.message for p in problems]


def test_a_city_reclassified_as_a_district_keeps_its_wards():
    report = engine.run(
        planfile.load_yaml(
            LEGACY_HEAD + "- {action: reclassify, unit: '116', kind: urban_district}\n"
        ),
        apply=False,
    ).report
    assert report["units_changed"] == 1


def test_a_change_to_a_unit_whose_version_starts_on_the_effective_date_is_refused():
    chieng_an = selectors.resolve("Phường Chiềng An", day=dt.date(2026, 1, 1))
    unit_services.unit_change(
        actor=None, unit_id=chieng_an.unit_id, effective=dt.date(2026, 1, 1), name="Phường Mới"
    )
    assert refused("- {action: rename, unit: '03667', name: Phường Mới Hơn}") == [(1, "unit")]


def test_a_rename_to_a_code_another_open_unit_keeps_is_refused():
    assert refused("- {action: rename, unit: '03667', code: '03646'}") == [(1, "code")]
