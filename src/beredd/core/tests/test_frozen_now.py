"""The root ``frozen_now`` fixture: a marked test runs on a fixed clock, the fixtures it uses too, and can move it."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone


@pytest.fixture
def built_at() -> dt.datetime:
    return timezone.now()


@pytest.mark.frozen_now
def test_a_marked_test_and_its_fixtures_run_at_the_frozen_moment(built_at: dt.datetime, frozen_now: Any) -> None:
    assert timezone.localdate() == dt.date(2026, 6, 17) and timezone.localtime().hour == 12
    assert built_at.date() == dt.date(2026, 6, 17)
    frozen_now.shift(dt.timedelta(days=1))
    assert timezone.localdate() == dt.date(2026, 6, 18)


@pytest.mark.frozen_now(dt.datetime(2026, 3, 28, 23, 30, tzinfo=dt.UTC), tick=False)
def test_the_marker_chooses_the_moment_and_may_stop_the_clock() -> None:
    assert timezone.localtime().isoformat() == "2026-03-29T00:30:00+01:00"  # the night Sweden moves to summer time
    assert timezone.now() == timezone.now()


def test_an_unmarked_test_runs_on_the_real_clock(frozen_now: Any) -> None:
    assert frozen_now is None and timezone.now().year >= 2026
