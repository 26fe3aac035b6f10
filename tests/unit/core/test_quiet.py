"""Quiet hours and snoozes as time arithmetic: zones, ranges over midnight, DST."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.core.quiet import (
    QuietHours,
    hold_for,
    quiet_hold,
    quiet_until,
    read_range,
    snooze_hold,
    snooze_until,
    zone_of,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NIGHT = QuietHours(time(22), time(8), "Asia/Shanghai")


def local(zone: ZoneInfo, year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(UTC)


def test_ranges_read_as_typed() -> None:
    assert read_range("22:00-08:00") == (time(22), time(8))
    assert read_range("9:30-17:05") == (time(9, 30), time(17, 5))
    for bad in ("22:00", "24:00-08:00", "22:00-08:60", "08:00-08:00", "22-08", "x"):
        assert read_range(bad) is None, bad


def test_a_range_over_midnight_holds_until_the_next_morning() -> None:
    # 23:30 Shanghai: quiet until 08:00 the next day.
    assert quiet_until(NIGHT, local(SHANGHAI, 2026, 3, 1, 23, 30)) == local(SHANGHAI, 2026, 3, 2, 8)
    # 03:00 Shanghai: the same night, same end.
    assert quiet_until(NIGHT, local(SHANGHAI, 2026, 3, 2, 3)) == local(SHANGHAI, 2026, 3, 2, 8)
    assert quiet_until(NIGHT, local(SHANGHAI, 2026, 3, 2, 22)) == local(SHANGHAI, 2026, 3, 3, 8)
    # The end itself, and the day between, are not quiet.
    assert quiet_until(NIGHT, local(SHANGHAI, 2026, 3, 2, 8)) is None
    assert quiet_until(NIGHT, local(SHANGHAI, 2026, 3, 2, 12)) is None
    assert quiet_until(NIGHT, local(SHANGHAI, 2026, 3, 2, 21, 59)) is None


def test_a_range_within_a_day() -> None:
    lunch = QuietHours(time(12), time(13, 30), "UTC")
    noon = datetime(2026, 3, 2, 12, 10, tzinfo=UTC)
    assert quiet_until(lunch, noon) == datetime(2026, 3, 2, 13, 30, tzinfo=UTC)
    assert quiet_until(lunch, noon - timedelta(minutes=11)) is None
    assert quiet_until(lunch, datetime(2026, 3, 2, 13, 30, tzinfo=UTC)) is None


def test_failures_come_through_unless_everything_is_quiet() -> None:
    at = local(SHANGHAI, 2026, 3, 1, 23)
    assert NIGHT.held_until(at, failed=True) is None
    assert NIGHT.held_until(at, failed=False) == local(SHANGHAI, 2026, 3, 2, 8)
    everything = QuietHours(time(22), time(8), "Asia/Shanghai", everything=True)
    assert everything.held_until(at, failed=True) == local(SHANGHAI, 2026, 3, 2, 8)


def test_quiet_hours_across_daylight_saving_changes() -> None:
    night = QuietHours(time(22), time(8), "Europe/Berlin")
    # Clocks go forward on 2026-03-29 at 02:00: the night is an hour shorter in UTC.
    spring = quiet_until(night, local(BERLIN, 2026, 3, 28, 23))
    assert spring == datetime(2026, 3, 29, 6, tzinfo=UTC)  # 08:00 CEST
    # Clocks go back on 2026-10-25 at 03:00: 08:00 is in winter time.
    autumn = quiet_until(night, local(BERLIN, 2026, 10, 24, 23))
    assert autumn == datetime(2026, 10, 25, 7, tzinfo=UTC)  # 08:00 CET
    # A range that ends at a clock the spring night skips still ends, after now.
    skipped = QuietHours(time(1), time(2, 30), "Europe/Berlin")
    at = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 CET
    until = quiet_until(skipped, at)
    assert until is not None
    assert until > at


def test_zones_as_stored() -> None:
    assert zone_of("UTC") is UTC
    assert zone_of("UTC+08:00") == timezone(timedelta(hours=8))
    assert zone_of("-05:30") == timezone(-timedelta(hours=5, minutes=30))
    assert zone_of("Asia/Shanghai") == SHANGHAI
    assert zone_of("Not/AZone") is UTC
    fixed = QuietHours(time(22), time(8), "UTC+08:00")
    assert quiet_until(fixed, local(SHANGHAI, 2026, 3, 1, 23)) == local(SHANGHAI, 2026, 3, 2, 8)


def test_snoozes_end_in_the_pressers_zone() -> None:
    now = datetime(2026, 3, 1, 18, tzinfo=UTC)  # 02:00 on the 2nd in Shanghai
    assert snooze_until("1h", now, SHANGHAI) == now + timedelta(hours=1)
    assert snooze_until("4h", now, SHANGHAI) == now + timedelta(hours=4)
    assert snooze_until("morning", now, SHANGHAI) == local(SHANGHAI, 2026, 3, 3, 9)
    assert snooze_until("morning", now, UTC) == datetime(2026, 3, 2, 9, tzinfo=UTC)
    # The morning after the clocks go forward is 09:00 summer time.
    spring = local(BERLIN, 2026, 3, 28, 20)
    assert snooze_until("morning", spring, BERLIN) == datetime(2026, 3, 29, 7, tzinfo=UTC)
    with pytest.raises(ValueError, match="unknown snooze choice"):
        snooze_until("forever", now, UTC)


def test_what_holds_a_task_back_and_until_when() -> None:
    at = local(SHANGHAI, 2026, 3, 1, 23)
    morning = local(SHANGHAI, 2026, 3, 2, 8)
    assert hold_for("i1", at, failed=False) is None
    assert hold_for("i1", at, failed=False, quiet=NIGHT) == (quiet_hold("i1"), morning)
    assert hold_for("i1", at, failed=True, quiet=NIGHT) is None
    soon, late = at + timedelta(hours=1), morning + timedelta(hours=1)
    assert hold_for("i1", at, failed=True, snoozed_until=soon, quiet=NIGHT) == (
        snooze_hold("i1"),
        soon,
    )
    # Both in force: the later end holds it.
    assert hold_for("i1", at, failed=False, snoozed_until=soon, quiet=NIGHT) == (
        quiet_hold("i1"),
        morning,
    )
    assert hold_for("i1", at, failed=False, snoozed_until=late, quiet=NIGHT) == (
        snooze_hold("i1"),
        late,
    )
    # A snooze over holds nothing.
    assert hold_for("i1", at, failed=False, snoozed_until=at) is None


def test_a_stored_zone_that_names_a_folder_reads_as_utc() -> None:
    # ZoneInfo("America") raises IsADirectoryError, not ZoneInfoNotFoundError.
    assert zone_of("America") is UTC
    assert zone_of("") is UTC
    assert zone_of("Japan").utcoffset(datetime(2026, 6, 1)) == timedelta(hours=9)
