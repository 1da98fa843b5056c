from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tinhgon.workdays.calendar import VIETNAM


class FrozenClock:
    """timezone.now() answers `at` until the test moves it."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def set(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at.astimezone(dt.UTC)


@pytest.fixture
def clock(monkeypatch):
    frozen = FrozenClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM))  # a Monday
    monkeypatch.setattr(timezone, "now", frozen.now)
    return frozen
