"""The planner's refusals read as the official's language writes: Vietnamese dates dd/mm/yyyy."""

from __future__ import annotations

import pytest
from django.utils import translation

from tinhgon.core.errors import DomainError
from tinhgon.reorg import engine, planfile

pytestmark = pytest.mark.django_db

PLAN = """title: Phương án thử
effective_date: 2026-01-01
steps:
- action: absorb
  sources: ['99999']
  into: '03670'
"""


def _messages(language: str) -> list[str]:
    with translation.override(language), pytest.raises(DomainError) as caught:
        engine.run(planfile.load_yaml(PLAN), apply=False)
    return [problem.message for problem in caught.value.problems]


def test_a_unit_not_found_on_the_plan_date_is_told_with_a_vietnamese_date():
    messages = _messages("vi")
    assert any("01/01/2026" in m for m in messages), messages
    assert not any("2026-01-01" in m for m in messages), messages
