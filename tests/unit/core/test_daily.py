"""When a daily summary is due and which local day it covers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.core.daily import DailyAt, due, zone_of

NINE_SHANGHAI = DailyAt(time(9, 0), "Asia/Shanghai")
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def test_due_from_its_local_time_on_and_covers_the_local_day_before() -> None:
    # 01:00 UTC is 09:00 in Shanghai.
    before = due(NINE_SHANGHAI, datetime(2026, 3, 10, 0, 59, tzinfo=UTC), LONG_AGO)
    assert before is not None
    assert before.day == date(2026, 3, 9)
    at_time = due(NINE_SHANGHAI, datetime(2026, 3, 10, 1, 0, tzinfo=UTC), LONG_AGO)
    assert at_time is not None
    assert at_time.day == date(2026, 3, 10)
    assert at_time.covers == date(2026, 3, 9)
    assert at_time.at == datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
    # Shanghai's midnights, in UTC.
    assert at_time.begin == datetime(2026, 3, 8, 16, 0, tzinfo=UTC)
    assert at_time.end == datetime(2026, 3, 9, 16, 0, tzinfo=UTC)


def test_a_day_with_a_clock_change_is_23_hours_long() -> None:
    berlin = DailyAt(time(9, 0), "Europe/Berlin")
    found = due(berlin, datetime(2026, 3, 30, 12, 0, tzinfo=UTC), LONG_AGO)
    assert found is not None
    assert found.covers == date(2026, 3, 29)
    assert found.end - found.begin == timedelta(hours=23)


def test_nothing_is_due_for_a_time_before_the_schedule_was_set() -> None:
    set_at = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    assert due(NINE_SHANGHAI, set_at + timedelta(hours=1), set_at) is None
    nxt = due(NINE_SHANGHAI, set_at + timedelta(days=1), set_at)
    assert nxt is not None
    assert nxt.day == date(2026, 3, 11)


def test_late_is_well_past_its_time() -> None:
    found = due(NINE_SHANGHAI, datetime(2026, 3, 10, 1, 0, tzinfo=UTC), LONG_AGO)
    assert found is not None
    assert not found.late(found.at + timedelta(minutes=1))
    assert found.late(found.at + timedelta(hours=3))


def test_a_zone_name_this_build_cannot_read_is_utc() -> None:
    assert zone_of("Mars/Olympus_Mons") == UTC
    assert zone_of("UTC+08:00").utcoffset(None) == timedelta(hours=8)
    assert DailyAt(time(9, 5), "UTC").text() == "09:05 UTC"


def test_a_zone_name_without_a_slash_is_still_its_zone() -> None:
    # zone_name() stores "Japan" for ZoneInfo("Japan") (a DEFAULT_TZ may be one): the
    # summary is due at 09:00 Tokyo, not 09:00 UTC.
    assert DailyAt(time(9), "Japan").tz.utcoffset(datetime(2026, 6, 1)) == timedelta(hours=9)
