"""The demo's scheduled changes: one always outside the maintenance window, and one
inside it whenever the window comes within the hours the demo plans ahead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.dms.scheduled import in_window
from bot.simulator.scheduled import demo_times

BEGIN, END = "02:00:00", "06:00:00"
MIDNIGHT = datetime(2026, 3, 1, tzinfo=UTC)


def test_one_time_outside_and_one_inside_when_the_window_is_near() -> None:
    for step in range(24 * 12):  # every five minutes of a day
        anchor = MIDNIGHT + timedelta(minutes=5 * step, seconds=17)
        times = demo_times(anchor, BEGIN, END)
        assert all(anchor < at <= anchor + timedelta(hours=5) for at in times)
        verdicts = [in_window(at, BEGIN, END) for at in times]
        assert False in verdicts, anchor
        start = anchor.replace(second=0)  # the demo plans on the five minutes
        window_near = any(
            in_window(start + timedelta(minutes=20 * i), BEGIN, END) for i in range(1, 15)
        )
        assert (True in verdicts) == window_near, anchor
