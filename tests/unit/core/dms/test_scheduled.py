"""Scheduled tasks as DMS lists them, and the maintenance window check."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.dms.scheduled import ScheduledList, ScheduledTask, in_window


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 27, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "begin", "end", "inside"),
    [
        (at(3), "02:00:00", "06:00:00", True),
        (at(6), "02:00:00", "06:00:00", False),  # the end is not in it
        (at(1, 59), "02:00:00", "06:00:00", False),
        (at(23), "22:00:00", "02:00:00", True),  # past midnight
        (at(1), "22:00:00", "02:00:00", True),
        (at(12), "22:00:00", "02:00:00", False),
    ],
)
def test_in_window(moment: datetime, begin: str, end: str, inside: bool) -> None:
    assert in_window(moment, begin, end) is inside


def test_an_unknown_window_is_none() -> None:
    assert in_window(at(3), "", "") is None
    assert in_window(at(3), "2am", "06:00:00") is None


def test_read_from_the_api_whatever_the_time_format() -> None:
    iso = ScheduledTask.from_api(
        {
            "id": "a1",
            "name": "restartInstance",
            "status": "created",
            "schedule_at": "2026-11-27T05:00:00.000Z",
        }
    )
    assert iso.schedule_at == at(5)
    assert iso.waiting
    millis = ScheduledTask.from_api(
        {"id": "a2", "status": "CREATED", "schedule_at": "1795582800000"}
    )
    assert millis.schedule_at is not None
    odd = ScheduledTask.from_api({"id": "a3", "status": "SUCCESS", "schedule_at": {"x": 1}})
    assert odd.schedule_at is None
    assert not odd.waiting


def test_waiting_soonest_first_those_without_a_time_last() -> None:
    tasks = (
        ScheduledTask("late", "x", "CREATED", "", "", at(9)),
        ScheduledTask("none", "x", "CREATED", "", "", None),
        ScheduledTask("done", "x", "SUCCESS", "", "", at(1)),
        ScheduledTask("soon", "x", "CREATED", "", "", at(4)),
    )
    assert [t.id for t in ScheduledList("i", tasks).waiting] == ["soon", "late", "none"]


@pytest.mark.parametrize("begin", ["02:00:00+08:00", "02:00:00Z", "02:00:00-00:30"])
def test_a_window_sent_with_a_zone_is_read_not_a_crash(begin: str) -> None:
    # ShowInstance documents HH:mm:ss; a zone on one end must not fail the listing.
    assert in_window(at(3), begin, "06:00:00") in (True, False, None)


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-01:00", "²", "9999-01-01T00:00:00Z"])
def test_a_schedule_time_out_of_range_is_unknown(value: str) -> None:
    task = ScheduledTask.from_api({"id": "a1", "status": "CREATED", "schedule_at": value})
    assert task.schedule_at is None
