"""Deadlines read as people write them: a step closing at midnight Vietnam time ends with the day before."""

from __future__ import annotations

import datetime as dt

from verifier.messages import VN_TZ, deadline_time, local_time


def test_a_midnight_deadline_is_the_end_of_the_previous_day():
    midnight = dt.datetime(2026, 11, 29, 0, 0, tzinfo=VN_TZ)
    assert deadline_time(midnight) == "hết ngày 28/11/2026"
    assert deadline_time(midnight.astimezone(dt.UTC).isoformat()) == "hết ngày 28/11/2026"  # the same moment in UTC


def test_any_other_moment_reads_as_local_time():
    t = dt.datetime(2027, 1, 10, 17, 0, tzinfo=VN_TZ)
    assert deadline_time(t) == local_time(t) == "10/01/2027 17:00 (UTC+07:00)"
    assert deadline_time(None) == "—"
