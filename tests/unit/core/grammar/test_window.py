"""bot.core.grammar.window: the window object and the API's own forms of a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest

from bot.core.grammar.errors import WindowError
from bot.core.grammar.window import TimeWindow, format_api_time, parse_api_time, zone_name
from bot.core.grammar.window_parse import parse_window
from bot.i18n import LANGS, Lang
from tests.unit.core.grammar.said import assert_said

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


def window(text: str, tz: tzinfo = UTC, now: datetime = NOW) -> TimeWindow:
    return parse_window(text, now=now, tz=tz)


def test_format_and_parse_api_time() -> None:
    moment = datetime(2026, 11, 27, 16, 5, 9, 999999, tzinfo=SHANGHAI)
    assert format_api_time(moment) == "20261127080509"
    assert parse_api_time("20261127080509") == utc(2026, 11, 27, 8, 5, 9)
    assert format_api_time(utc(999, 1, 2, 3, 4, 5)) == "09990102030405"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "text",
    [
        "2026",
        "2026112708050",
        "202611270805090",
        "2026-11-27",
        "",
        "20261327080000",
        "２０２６１１２７０８０５０９",
    ],
)
def test_parse_api_time_refuses_anything_but_14_digits_of_a_real_time(
    text: str, lang: Lang
) -> None:
    with pytest.raises(WindowError) as caught:
        parse_api_time(text)
    assert caught.value.bad == text
    assert_said(caught.value, lang)
    parse_api_time(caught.value.suggestion)


def test_api_params_floor_the_begin_and_ceil_the_end() -> None:
    w = TimeWindow(
        utc(2026, 11, 27, 8, 0, 0, 500000),
        utc(2026, 11, 27, 10, 0, 0, 200000),
        "x",
        "UTC",
        ends_now=False,
    )
    assert w.api_params() == {"begin_time": "20261127080000", "end_time": "20261127100001"}
    whole = w.with_end(utc(2026, 11, 27, 10))
    assert whole.api_params()["end_time"] == "20261127100000"


def test_contains_is_inclusive_at_both_ends() -> None:
    w = window("from 20261127080000 to 20261127100000")
    assert w.contains(utc(2026, 11, 27, 8))
    assert w.contains(utc(2026, 11, 27, 10))
    assert not w.contains(utc(2026, 11, 27, 7, 59, 59, 999999))
    assert not w.contains(utc(2026, 11, 27, 10, 0, 0, 1))
    assert w.contains(datetime(2026, 11, 27, 17, tzinfo=SHANGHAI))


def test_with_end_keeps_begin_and_label_and_refuses_an_empty_window() -> None:
    w = window("last 1h")
    later = w.with_end(NOW + timedelta(seconds=15))
    assert (later.begin, later.label, later.end) == (w.begin, w.label, NOW + timedelta(seconds=15))
    with pytest.raises(ValueError, match="begin before it ends"):
        w.with_end(w.begin)


def test_a_window_is_stored_in_utc_whatever_it_was_built_with() -> None:
    w = TimeWindow(datetime(2026, 11, 27, 8, tzinfo=SHANGHAI), NOW, "x", "UTC", ends_now=True)
    assert w.begin.tzinfo is UTC
    assert w.begin == utc(2026, 11, 27, 0)
    assert w == TimeWindow(utc(2026, 11, 27, 0), NOW, "x", "UTC", ends_now=True)


@pytest.mark.parametrize(
    ("tz", "name"),
    [
        (UTC, "UTC"),
        (SHANGHAI, "Asia/Shanghai"),
        (ZoneInfo("UTC"), "UTC"),
        (timezone(timedelta(hours=8)), "UTC+08:00"),
        (timezone(-timedelta(hours=5, minutes=30)), "UTC-05:30"),
    ],
)
def test_zone_name(tz: tzinfo, name: str) -> None:
    assert zone_name(tz) == name


def test_a_fixed_offset_zone_name_reads_back_as_that_zone() -> None:
    w = window("since 09:00 UTC+05:30")
    assert w.zone == "UTC+05:30"
    assert w.begin == utc(2026, 11, 27, 3, 30)
