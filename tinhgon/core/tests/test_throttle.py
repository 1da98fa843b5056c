import datetime as dt

import pytest
from django.utils import timezone

from tinhgon.core import throttle
from tinhgon.core.models import ThrottleCount

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 3, 2, 5, 0, tzinfo=dt.UTC)


@pytest.fixture
def now(monkeypatch):
    moment = {"at": NOON}
    monkeypatch.setattr(timezone, "now", lambda: moment["at"])
    return moment


def test_attempts_past_the_limit_are_refused_and_counted_in_the_database(now):
    answers = [throttle.take(["address:a"], 3, seconds=600) for _ in range(4)]
    assert answers == [False, False, False, True]
    assert ThrottleCount.objects.get(key="address:a").count == 4


def test_one_key_over_its_limit_refuses_even_when_the_other_is_under_it(now):
    for _ in range(3):
        throttle.take(["code:x"], 3, seconds=600)
    assert throttle.take(["address:b", "code:x"], 3, seconds=600) is True
    assert ThrottleCount.objects.get(key="address:b").count == 1


def test_a_new_window_starts_counting_again_once_the_last_one_ended(now):
    for _ in range(5):
        throttle.take(["address:a"], 3, seconds=600)
    now["at"] = NOON + dt.timedelta(seconds=601)
    assert throttle.take(["address:a"], 3, seconds=600) is False
    row = ThrottleCount.objects.get(key="address:a")
    assert row.count == 1 and row.window_ends == now["at"] + dt.timedelta(seconds=600)


def test_a_legitimate_attempt_is_given_back_but_never_below_zero(now):
    throttle.take(["address:a"], 3, seconds=600)
    throttle.give_back(["address:a"])
    throttle.give_back(["address:a"])
    assert ThrottleCount.objects.get(key="address:a").count == 0


def test_purge_deletes_only_ended_windows(now):
    throttle.take(["old"], 3, seconds=60)
    now["at"] = NOON + dt.timedelta(seconds=120)
    throttle.take(["fresh"], 3, seconds=60)
    assert throttle.purge() == 1
    assert list(ThrottleCount.objects.values_list("key", flat=True)) == ["fresh"]
