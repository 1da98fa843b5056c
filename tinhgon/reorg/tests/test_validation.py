"""Refused plans: every error names the step and the field, and nothing is written."""

from __future__ import annotations

import pytest
from django.utils import translation

from tinhgon.conftest import db_checksum
from tinhgon.core.errors import DomainError
from tinhgon.reorg import engine, planfile

pytestmark = pytest.mark.django_db

HEAD = "title: Phương án thử\neffective_date: 2026-01-01\nsteps:\n"


def refused(steps: str) -> list[tuple[int | None, str | None]]:
    before = db_checksum()
    with translation.override("en"), pytest.raises(DomainError) as caught:
        engine.run(planfile.load_yaml(HEAD + steps), apply=True)
    assert db_checksum() == before
    return [(p.step, p.field) for p in caught.value.problems]


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
