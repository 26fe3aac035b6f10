"""bot.core.grammar.window_parse: every form of the grammar to exact UTC instants, DST,
windows written in Chinese as their English twins, errors said in each language, and
the properties every window keeps whatever the moment and the zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.core.grammar.errors import WindowError
from bot.core.grammar.window import (
    DEFAULT_WINDOW,
    TimeWindow,
    format_api_time,
    parse_api_time,
    zone_name,
)
from bot.core.grammar.window_parse import parse_window
from bot.core.grammar.zh_write import to_zh
from bot.i18n import LANGS, Lang
from tests.unit.core.grammar.said import assert_said, fix, quoted

SHANGHAI = ZoneInfo("Asia/Shanghai")  # UTC+8 all year
APIA = ZoneInfo("Pacific/Apia")  # skipped 2011-12-30 entirely
NEW_YORK = ZoneInfo("America/New_York")  # 2026: EDT from Mar 8, EST from Nov 1
BERLIN = ZoneInfo("Europe/Berlin")  # 2026: CEST from Mar 29, CET from Oct 25

# 12:00 UTC: 20:00 in Shanghai, 07:00 in New York, 13:00 in Berlin, all on Nov 27.
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


def window(text: str, tz: tzinfo = UTC, now: datetime = NOW) -> TimeWindow:
    return parse_window(text, now=now, tz=tz)


def outcome(text: str, now: datetime, tz: tzinfo) -> TimeWindow | WindowError:
    try:
        return parse_window(text, now=now, tz=tz)
    except WindowError as e:
        return e


def error(text: str, tz: tzinfo = UTC, now: datetime = NOW) -> WindowError:
    with pytest.raises(WindowError) as caught:
        parse_window(text, now=now, tz=tz)
    return caught.value


# --- last ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "length", "label"),
    [
        ("last 30m", timedelta(minutes=30), "last 30m"),
        ("last 1h", timedelta(hours=1), "last 1h"),
        ("last 2h30m", timedelta(hours=2, minutes=30), "last 2h30m"),
        ("last 7d", timedelta(days=7), "last 7d"),
        ("last 1w", timedelta(weeks=1), "last 7d"),
        ("last 90s", timedelta(seconds=90), "last 1m30s"),
        ("last 24h", timedelta(hours=24), "last 24h"),
        ("last 1d", timedelta(days=1), "last 24h"),
        ("last 45 mins", timedelta(minutes=45), "last 45m"),
        ("last 5min", timedelta(minutes=5), "last 5m"),
        ("last 2 hours", timedelta(hours=2), "last 2h"),
        ("last 1hr", timedelta(hours=1), "last 1h"),
        ("last 3 hrs", timedelta(hours=3), "last 3h"),
        ("last 2 days", timedelta(days=2), "last 2d"),
        ("last 2 weeks", timedelta(weeks=2), "last 14d"),
        ("last hour", timedelta(hours=1), "last 1h"),
        ("last day", timedelta(days=1), "last 24h"),
        ("last 1h 30m", timedelta(minutes=90), "last 1h30m"),
        ("  LAST   1H ", timedelta(hours=1), "last 1h"),
        ("last 90d", timedelta(days=90), "last 90d"),
    ],
)
def test_last_ends_now_and_spans_its_length(text: str, length: timedelta, label: str) -> None:
    w = window(text, SHANGHAI)
    assert (w.begin, w.end) == (NOW - length, NOW)
    assert w.label == label
    assert w.ends_now
    assert w.zone == "Asia/Shanghai"


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_empty_text_is_the_default_window(text: str) -> None:
    assert window(text) == window(DEFAULT_WINDOW)
    assert window(text).begin == NOW - timedelta(hours=24)
    assert window(text).label == "last 24h"


def test_last_across_a_dst_change_is_elapsed_time_not_wall_clock() -> None:
    # At 03:30 EDT on the spring-forward day, 3 hours ago was 23:30 EST the day before:
    # four hours by the wall clock, three by the real one, and a window is real time.
    now = datetime(2026, 3, 8, 3, 30, tzinfo=NEW_YORK)
    w = window("last 3h", NEW_YORK, now)
    assert w.begin == utc(2026, 3, 8, 4, 30)
    assert w.end == utc(2026, 3, 8, 7, 30)


@pytest.mark.parametrize(("text", "bad"), [("last 91d", "91d"), ("last 13w", "13w")])
def test_windows_over_90_days_are_refused_naming_the_maximum(text: str, bad: str) -> None:
    e = error(text)
    assert e.bad == bad
    assert "90 days" in str(e)
    assert e.suggestion == "last 90d"


def test_a_since_more_than_90_days_back_is_refused() -> None:
    e = error("since 2026-08-01")
    assert "90 days" in str(e)
    assert e.suggestion == "last 90d"


@pytest.mark.parametrize("text", ["last 0m", "last 0h0m", "last 0 days"])
def test_an_empty_last_is_refused(text: str) -> None:
    e = error(text)
    assert "longer than zero" in str(e)


def test_a_number_too_long_to_be_a_window_is_an_error_not_a_crash() -> None:
    assert error("last 99999999999999999999999999d").bad == "99999999999999999999999999d"
    assert error("last 999999999w").suggestion == "last 90d"


# --- since ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tz", "begin", "label"),
    [
        # 20:00 in Shanghai: 09:00 today has passed.
        ("since 09:00", SHANGHAI, utc(2026, 11, 27, 1, 0), "since 09:00"),
        ("since 9am", SHANGHAI, utc(2026, 11, 27, 1, 0), "since 09:00"),
        ("since 9 AM", SHANGHAI, utc(2026, 11, 27, 1, 0), "since 09:00"),
        ("since 9:30pm", SHANGHAI, utc(2026, 11, 26, 13, 30), "since 2026-11-26 21:30"),
        ("since 12am", SHANGHAI, utc(2026, 11, 26, 16, 0), "since 00:00"),
        ("since 12pm", SHANGHAI, utc(2026, 11, 27, 4, 0), "since 12:00"),
        ("since 09:00:30", SHANGHAI, utc(2026, 11, 27, 1, 0, 30), "since 09:00:30"),
        # 07:00 in New York: 09:00 today is still ahead, so it is yesterday's 09:00 EST.
        ("since 09:00", NEW_YORK, utc(2026, 11, 26, 14, 0), "since 2026-11-26 09:00"),
        ("since 2026-11-27 08:00", SHANGHAI, utc(2026, 11, 27, 0, 0), "since 08:00"),
        ("since 2026-11-27T08:00", SHANGHAI, utc(2026, 11, 27, 0, 0), "since 08:00"),
        ("since 2026-11-27", SHANGHAI, utc(2026, 11, 26, 16, 0), "since 00:00"),
        ("since 2026-11-20 08:00", NEW_YORK, utc(2026, 11, 20, 13, 0), "since 2026-11-20 08:00"),
        ("since yesterday", SHANGHAI, utc(2026, 11, 25, 16, 0), "since 2026-11-26 00:00"),
        ("since yesterday 18:00", SHANGHAI, utc(2026, 11, 26, 10, 0), "since 2026-11-26 18:00"),
    ],
)
def test_since_reads_naive_times_in_the_users_zone(
    text: str, tz: tzinfo, begin: datetime, label: str
) -> None:
    w = window(text, tz)
    assert (w.begin, w.end) == (begin, NOW)
    assert w.label == label
    assert w.ends_now
    assert w.zone == zone_name(tz)


def test_the_api_form_is_utc_whatever_the_users_zone() -> None:
    w = window("since 20261127080000", SHANGHAI)
    assert (w.begin, w.end) == (utc(2026, 11, 27, 8, 0), NOW)
    assert w.zone == "UTC"
    assert w.label == "since 08:00"
    assert window("20261127080000", NEW_YORK) == w


@pytest.mark.parametrize(
    ("text", "begin", "zone"),
    [
        ("since 09:00 UTC", utc(2026, 11, 27, 9, 0), "UTC"),
        ("since 09:00 utc", utc(2026, 11, 27, 9, 0), "UTC"),
        ("since 09:00Z", utc(2026, 11, 27, 9, 0), "UTC"),
        ("since 08:00 +08:00", utc(2026, 11, 27, 0, 0), "UTC+08:00"),
        ("since 08:00+0800", utc(2026, 11, 27, 0, 0), "UTC+08:00"),
        ("since 04:00 -05:00", utc(2026, 11, 27, 9, 0), "UTC-05:00"),
        ("since 2026-11-27T08:00+08:00", utc(2026, 11, 27, 0, 0), "UTC+08:00"),
        ("since 2026-11-27T08:00Z", utc(2026, 11, 27, 8, 0), "UTC"),
        ("since 09:00 Asia/Shanghai", utc(2026, 11, 27, 1, 0), "Asia/Shanghai"),
        ("since 09:00 asia/shanghai", utc(2026, 11, 27, 1, 0), "Asia/Shanghai"),
        ("since 2026-11-27 03:00 America/New_York", utc(2026, 11, 27, 8, 0), "America/New_York"),
    ],
)
def test_a_written_zone_overrides_the_users_zone(text: str, begin: datetime, zone: str) -> None:
    w = window(text, BERLIN)
    assert w.begin == begin
    assert w.zone == zone


@pytest.mark.parametrize("text", ["since 2026-11-28", "since 2026-11-27 13:00 UTC"])
def test_a_since_in_the_future_is_refused_with_the_latest_past_one(text: str) -> None:
    e = error(text)
    assert "future" in str(e)
    assert window(e.suggestion).end == NOW


def test_a_since_of_exactly_now_means_yesterday_at_that_time() -> None:
    # "since 12:00" at 12:00 would be an empty window; the latest 12:00 that has passed
    # is yesterday's.
    assert window("since 12:00").begin == utc(2026, 11, 26, 12, 0)


# --- from / to -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "begin", "end", "label"),
    [
        (
            "from 2026-11-27 08:00 to 10:00",
            utc(2026, 11, 27, 0, 0),
            utc(2026, 11, 27, 2, 0),
            "2026-11-27 08:00 → 10:00",
        ),
        (
            "from 2026-11-26 22:00 to 2026-11-27 02:00",
            utc(2026, 11, 26, 14, 0),
            utc(2026, 11, 26, 18, 0),
            "2026-11-26 22:00 → 2026-11-27 02:00",
        ),
        ("from 08:00 to 10:00", utc(2026, 11, 27, 0, 0), utc(2026, 11, 27, 2, 0), None),
        ("between 08:00 and 10:00", utc(2026, 11, 27, 0, 0), utc(2026, 11, 27, 2, 0), None),
        ("Between 8am AND 10am", utc(2026, 11, 27, 0, 0), utc(2026, 11, 27, 2, 0), None),
        ("from 2026-11-20 to 2026-11-22", utc(2026, 11, 19, 16), utc(2026, 11, 21, 16), None),
        (
            "from 2026-11-27T08:00 to 2026-11-27T09:30",
            utc(2026, 11, 27, 0, 0),
            utc(2026, 11, 27, 1, 30),
            "2026-11-27 08:00 → 09:30",
        ),
        ("from yesterday 22:00 to today 02:00", utc(2026, 11, 26, 14), utc(2026, 11, 26, 18), None),
        (
            "20261127080000 20261127100000",
            utc(2026, 11, 27, 8, 0),
            utc(2026, 11, 27, 10, 0),
            "2026-11-27 08:00 → 10:00",
        ),
        (
            "from 20261127080000 to 20261127100000",
            utc(2026, 11, 27, 8, 0),
            utc(2026, 11, 27, 10, 0),
            None,
        ),
    ],
)
def test_from_to_is_an_exact_closed_range(
    text: str, begin: datetime, end: datetime, label: str | None
) -> None:
    w = window(text, SHANGHAI)
    assert (w.begin, w.end) == (begin, end)
    assert not w.ends_now
    if label is not None:
        assert w.label == label


def test_a_zone_written_on_one_end_holds_for_both() -> None:
    for text in ("from 08:00 to 10:00 UTC", "from 08:00 UTC to 10:00"):
        w = window(text, SHANGHAI)
        assert (w.begin, w.end) == (utc(2026, 11, 27, 8), utc(2026, 11, 27, 10))
        assert w.zone == "UTC"


def test_a_bare_start_still_ahead_today_means_yesterday() -> None:
    # 07:00 in New York: 08:00-10:00 today has not happened yet.
    w = window("from 08:00 to 10:00", NEW_YORK)
    assert (w.begin, w.end) == (utc(2026, 11, 26, 13), utc(2026, 11, 26, 15))


def test_a_range_that_ends_before_it_begins_suggests_the_next_day() -> None:
    e = error("from 22:00 to 02:00", SHANGHAI)
    assert e.bad == "from 22:00 to 02:00"
    assert "ends before it begins" in str(e)
    assert e.suggestion == "from 2026-11-26 22:00 to 2026-11-27 02:00"
    w = window(e.suggestion, SHANGHAI)
    assert w.end - w.begin == timedelta(hours=4)


def test_a_range_without_an_end_suggests_the_hour_after() -> None:
    e = error("from 10:00")
    assert e.bad == "from 10:00"
    assert e.suggestion == "from 10:00 to 11:00"
    assert error("between 9am and", SHANGHAI).suggestion == "between 9am and 10:00"
    assert error("from 10:00 UTC", SHANGHAI).suggestion == "from 10:00 UTC to 11:00 UTC"


def test_a_range_starting_in_the_future_is_refused() -> None:
    assert "future" in str(error("from 2026-11-28 08:00 to 2026-11-28 09:00"))


# --- today / yesterday ---------------------------------------------------------------


def test_today_runs_from_local_midnight_to_now() -> None:
    w = window("today", SHANGHAI)
    assert (w.begin, w.end) == (utc(2026, 11, 26, 16), NOW)
    assert (w.label, w.ends_now) == ("today", True)
    assert window("Today UTC", SHANGHAI).begin == utc(2026, 11, 27)


def test_yesterday_is_the_whole_local_day_before() -> None:
    w = window("yesterday", NEW_YORK)
    assert (w.begin, w.end) == (utc(2026, 11, 26, 5), utc(2026, 11, 27, 5))
    assert (w.label, w.ends_now) == ("yesterday", False)


def test_today_at_the_stroke_of_midnight_points_to_yesterday() -> None:
    e = error("today", SHANGHAI, now=datetime(2026, 11, 27, 0, 0, tzinfo=SHANGHAI))
    assert e.suggestion == "yesterday"


def test_words_after_a_day_suggest_a_since() -> None:
    e = error("yesterday 18:00")
    assert e.suggestion == "since yesterday 18:00"


# --- DST: real 2026 changes in New York and Berlin -----------------------------------


@pytest.mark.parametrize(
    ("tz", "now", "begin", "end", "hours"),
    [
        # The day after spring-forward: yesterday had 23 hours.
        (
            NEW_YORK,
            datetime(2026, 3, 9, 12, tzinfo=NEW_YORK),
            utc(2026, 3, 8, 5),
            utc(2026, 3, 9, 4),
            23,
        ),
        (
            BERLIN,
            datetime(2026, 3, 30, 12, tzinfo=BERLIN),
            utc(2026, 3, 28, 23),
            utc(2026, 3, 29, 22),
            23,
        ),
        # The day after fall-back: yesterday had 25 hours.
        (
            NEW_YORK,
            datetime(2026, 11, 2, 12, tzinfo=NEW_YORK),
            utc(2026, 11, 1, 4),
            utc(2026, 11, 2, 5),
            25,
        ),
        (
            BERLIN,
            datetime(2026, 10, 26, 12, tzinfo=BERLIN),
            utc(2026, 10, 24, 22),
            utc(2026, 10, 25, 23),
            25,
        ),
    ],
)
def test_yesterday_across_a_dst_change_has_its_real_length(
    tz: tzinfo, now: datetime, begin: datetime, end: datetime, hours: int
) -> None:
    w = window("yesterday", tz, now)
    assert (w.begin, w.end) == (begin, end)
    assert w.end - w.begin == timedelta(hours=hours)


@pytest.mark.parametrize(
    ("tz", "now", "begin", "label"),
    [
        # 02:30 does not exist on a spring-forward day: it moves forward by the gap.
        (
            NEW_YORK,
            datetime(2026, 3, 8, 12, tzinfo=NEW_YORK),
            utc(2026, 3, 8, 7, 30),
            "since 03:30",
        ),
        (BERLIN, datetime(2026, 3, 29, 12, tzinfo=BERLIN), utc(2026, 3, 29, 1, 30), "since 03:30"),
    ],
)
def test_since_a_time_in_the_spring_forward_gap_resolves_forward(
    tz: tzinfo, now: datetime, begin: datetime, label: str
) -> None:
    w = window("since 02:30", tz, now)
    assert w.begin == begin
    assert w.label == label


@pytest.mark.parametrize(
    ("tz", "text", "now", "begin"),
    [
        # 01:30 happens twice in New York on Nov 1; the first is EDT (UTC-4).
        (
            NEW_YORK,
            "since 01:30",
            datetime(2026, 11, 1, 12, tzinfo=NEW_YORK),
            utc(2026, 11, 1, 5, 30),
        ),
        # 02:30 happens twice in Berlin on Oct 25; the first is CEST (UTC+2).
        (
            BERLIN,
            "since 02:30",
            datetime(2026, 10, 25, 12, tzinfo=BERLIN),
            utc(2026, 10, 25, 0, 30),
        ),
    ],
)
def test_an_ambiguous_time_takes_its_first_occurrence(
    tz: tzinfo, text: str, now: datetime, begin: datetime
) -> None:
    assert window(text, tz, now).begin == begin


def test_a_range_over_the_fall_back_hour_counts_the_repeated_hour() -> None:
    w = window("from 2026-11-01 00:00 to 2026-11-01 03:00", NEW_YORK, NOW)
    assert w.end - w.begin == timedelta(hours=4)


def test_today_on_a_spring_forward_day_starts_at_its_midnight() -> None:
    w = window("today", NEW_YORK, datetime(2026, 3, 8, 12, tzinfo=NEW_YORK))
    assert w.begin == utc(2026, 3, 8, 5)


# --- errors --------------------------------------------------------------------------


def test_an_error_message_quotes_the_bad_part_and_the_fix() -> None:
    e = error("1hr")
    assert (e.bad, e.suggestion) == ("1hr", "last 1h")
    assert str(e) == 'couldn\'t read "1hr" as a time window; try "last 1h"'
    assert e.text("en") == str(e)
    assert e.text("zh") == "无法把“1hr”理解为时间范围；试试“最近1小时”"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("text", "bad", "suggestion"),
    [
        ("lst 2h", "lst", "last 2h"),
        ("snice 09:00", "snice", "since 09:00"),
        ("yesterdy", "yesterdy", "yesterday"),
        ("last 1hor", "1hor", "last 1h"),
        ("last 2 horus", "2 horus", "last 2h"),
        ("LAST 1HOR", "1HOR", "last 1h"),
        ("90mins", "90mins", "last 1h30m"),
        ("09:00", "09:00", "since 09:00"),
        ("since 09:00 Asia/Shangai", "Asia/Shangai", "since 09:00 Asia/Shanghai"),
        ("today Mars/Base", "Mars/Base", "today UTC"),
        ("since", "since", "since 09:00"),
        ("last", "last", "last 1h"),
    ],
)
def test_errors_suggest_the_nearest_valid_form(
    text: str, bad: str, suggestion: str, lang: Lang
) -> None:
    e = error(text)
    assert (e.bad, e.suggestion) == (bad, suggestion)
    said = assert_said_here(e, lang)
    assert quoted(bad, lang) in said
    assert fix(suggestion, lang) in said


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("text", "bad", "why"),
    [
        ("since 25:00", "25:00", "the hour is out of range"),
        ("since 09:60", "09:60", "the minute is out of range"),
        ("since 13pm", "13pm", "the hour must be 1–12"),
        ("since 9", "9", "minutes or am/pm"),
        ("since 2026-02-30", "2026-02-30", "no such date"),
        ("since 20261327080000", "20261327080000", "no such date"),
        ("since 09:00 +15:00", "+15:00", "offset is out of range"),
        ("since 09:00Z UTC", "09:00Z UTC", "two time zones"),
    ],
)
def test_errors_say_what_is_wrong_with_a_time(text: str, bad: str, why: str, lang: Lang) -> None:
    e = error(text)
    assert e.bad == bad
    assert why in str(e)
    assert_said_here(e, lang)
    window(e.suggestion)  # and what it suggests works


def test_since_25_00_suggests_since_09_00() -> None:
    assert error("since 25:00").suggestion == "since 09:00"


def test_a_very_long_bad_part_is_shortened_in_the_message_only() -> None:
    e = error("x" * 500)
    assert e.bad == "x" * 500
    assert len(str(e)) < 150


def test_control_characters_are_escaped_in_the_message() -> None:
    e = error("since 09:00\x00")
    assert "\x00" not in str(e)
    assert "\\x00" in str(e)


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_window("last 1h", now=datetime(2026, 11, 27), tz=UTC)


# --- in Chinese ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chinese", "english"),
    [
        ("最近1小时", "last 1h"),
        ("最近 2 小时 30 分钟", "last 2h30m"),
        ("近两周", "last 2w"),
        ("过去３天", "last 3d"),
        ("半小时内", "last 30m"),
        ("今天", "today"),
        ("昨天 Asia/Tokyo", "yesterday Asia/Tokyo"),
        ("自 9:30 起", "since 09:30"),
        ("凌晨2点以来", "since 02:00"),
        ("中午12点以来", "since 12:00"),
        ("中午1点以来", "since 13:00"),
        ("晚上12点以来", "since 00:00"),
        ("9点15分30秒以来", "since 09:15:30"),
        ("自 2026-11-26 起", "since 2026-11-26"),
        ("2026年11月26日以来", "since 2026-11-26"),
        ("从 08:00 到 10:00", "from 08:00 to 10:00"),
        ("从2026年11月26日22点到2026年11月27日2点", "from 2026-11-26 22:00 to 2026-11-27 02:00"),
        ("10:00到11:00之间", "between 10:00 and 11:00"),
    ],
)
def test_a_chinese_window_is_its_english_twin(chinese: str, english: str) -> None:
    assert window(chinese, SHANGHAI) == window(english, SHANGHAI)


@pytest.mark.parametrize(
    "text", ["最近一刻", "二〇二六年", "最近1个月", "本周", "前天", "最近半秒"]
)
def test_forms_without_an_english_twin_are_refused_not_misread(text: str) -> None:
    assert_said_here(error(text, SHANGHAI), "zh")


@pytest.mark.parametrize(
    ("text", "bad", "why_zh"),
    [
        ("最近91天", "91天", "时间范围最长 90 天"),
        ("最近", "最近", "缺少时长"),
        ("自 25点 起", "25点 起", "小时超出范围（00–23）"),
        ("自 9点60分 起", "9点60分 起", "分钟超出范围（00–59）"),
        ("从 10:00", None, None),  # 从 without 到 is "since": a window, not an error
        ("从 10:00 到 09:00", "从 10:00 到 09:00", "结束时间早于开始时间"),
        ("自 2026年2月30日 起", "2026年2月30日 起", "没有这个日期"),
        ("今天 火星/基地", "今天 火星/基地", None),
    ],
)
def test_an_error_quotes_the_window_as_typed(
    text: str, bad: str | None, why_zh: str | None
) -> None:
    if bad is None:
        window(text, SHANGHAI)
        return
    e = error(text, SHANGHAI)
    assert e.bad == bad
    assert (e.why and e.why.text("zh")) == why_zh
    assert_said_here(e, "zh")


# Every raise site in bot.core.grammar.window_parse, beyond the English tables walked below.
RAISE_SITES: list[tuple[str, tzinfo, datetime]] = [
    ("since 0001-01-01", SHANGHAI, NOW),  # out of range
    ("last", UTC, NOW),
    ("last 1hor", UTC, NOW),
    ("last 91d", UTC, NOW),
    ("last 0m", UTC, NOW),
    ("since", UTC, NOW),
    ("since 2026-11-28", UTC, NOW),
    ("from to 10:00", UTC, NOW),
    ("from 10:00", UTC, NOW),
    ("from 2026-11-28 10:00 to 11:00", UTC, NOW),
    ("from 10:00 to 09:00", UTC, NOW),
    ("today Mars/Base", UTC, NOW),
    ("today +15:00", UTC, NOW),
    ("yesterday 18:00", UTC, NOW),
    ("today", SHANGHAI, datetime(2026, 11, 27, tzinfo=SHANGHAI)),
    ("yesterday", APIA, datetime(2011, 12, 31, 12, tzinfo=APIA)),  # an empty window
    ("lst 2h", UTC, NOW),
    ("since 09:00Z UTC", UTC, NOW),
    ("since 20261327080000", UTC, NOW),
    ("since 2026-02-30", UTC, NOW),
    ("since 13pm", UTC, NOW),
    ("since 9", UTC, NOW),
    ("since 25:00", UTC, NOW),
    ("since 09:60", UTC, NOW),
    ("since 09:00:60", UTC, NOW),
    ("since 09:00 +15:00", UTC, NOW),
    ("since 09:00 Asia/Shangai", UTC, NOW),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("text", "tz", "now"), RAISE_SITES)
def test_every_raise_site_says_its_error_in_each_language(
    text: str, tz: tzinfo, now: datetime, lang: Lang
) -> None:
    assert_said_here(error(text, tz, now), lang, tz, now)


def assert_said_here(e: WindowError, lang: Lang, tz: tzinfo = SHANGHAI, now: datetime = NOW) -> str:
    """``assert_said``, and in Chinese a suggestion that is still the window it suggests."""
    said = assert_said(e, lang)
    suggestion_zh = to_zh(e.suggestion)
    if lang == "zh" and e.suggestion and not e.suggestion.isdigit():
        assert parse_window(suggestion_zh, now=now, tz=tz) == parse_window(
            e.suggestion, now=now, tz=tz
        )
    return said


# --- properties ----------------------------------------------------------------------

ZONES = st.sampled_from(
    [
        UTC,
        SHANGHAI,
        NEW_YORK,
        BERLIN,
        ZoneInfo("Australia/Lord_Howe"),  # a 30-minute DST change
        ZoneInfo("Asia/Kolkata"),
        ZoneInfo("Pacific/Chatham"),  # +12:45 / +13:45
        ZoneInfo("America/Santiago"),  # changes at midnight
        ZoneInfo("America/St_Johns"),
    ]
)
ANY_ZONE = st.one_of(ZONES, st.timezones())
NOWS = st.datetimes(
    min_value=datetime(2001, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
)
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@st.composite
def clocks(draw: st.DrawFn) -> str:
    hour, minute = draw(st.integers(0, 23)), draw(st.integers(0, 59))
    if draw(st.booleans()):
        return f"{hour:02d}:{minute:02d}"
    half = "am" if hour < 12 else "pm"
    return f"{hour % 12 or 12}:{minute:02d}{half}"


@st.composite
def valid_windows(draw: st.DrawFn, now: datetime, tz: tzinfo) -> str:
    """Texts that name a past window of at most 90 days, in every form."""
    local_today = now.astimezone(tz).date()
    day = (local_today - timedelta(days=draw(st.integers(1, 60)))).isoformat()
    clock = draw(clocks())
    stamp = format_api_time(now - timedelta(seconds=draw(st.integers(1, 80 * 86400))))
    unit = draw(st.sampled_from(sorted(UNITS)))
    amount = draw(st.integers(1, 90 * 86400 // UNITS[unit]))
    return draw(
        st.sampled_from(
            [
                f"last {amount}{unit}",
                f"since {clock}",
                f"since {day} {clock}",
                f"since {day}",
                f"since {stamp}",
                stamp,
                f"from {day} {clock} to {day} 23:59",
                f"between {day} and {day} 12:00",
                "today",
                "yesterday",
                "",
            ]
        )
    )


@settings(deadline=None)
@given(now=NOWS, tz=ANY_ZONE, data=st.data())
def test_every_window_begins_before_it_ends_and_round_trips_the_api_form(
    now: datetime, tz: tzinfo, data: st.DataObject
) -> None:
    w = outcome(data.draw(valid_windows(now, tz)), now, tz)
    if isinstance(w, WindowError):
        # The only valid-looking texts that may fail: a start still ahead, a range a DST
        # change turned backwards, and "today" at the stroke of midnight.
        assert any(word in str(w) for word in ("future", "ends before", "begun", "empty"))
        return
    assert w.begin < w.end
    assert w.end - w.begin <= timedelta(days=90)
    assert w.begin.tzinfo is UTC
    assert w.end.tzinfo is UTC
    params = w.api_params()
    begin, end = parse_api_time(params["begin_time"]), parse_api_time(params["end_time"])
    assert begin <= w.begin < begin + timedelta(seconds=1)
    assert end - timedelta(seconds=1) < w.end <= end


@settings(deadline=None)
@given(
    now=st.datetimes(
        min_value=datetime(2001, 1, 1), max_value=datetime(2090, 1, 1), timezones=ANY_ZONE
    ),
    tz=ANY_ZONE,
    unit=st.sampled_from(sorted(UNITS)),
    data=st.data(),
)
def test_last_n_ends_exactly_now_and_spans_exactly_n(
    now: datetime, tz: tzinfo, unit: str, data: st.DataObject
) -> None:
    amount = data.draw(st.integers(1, 90 * 86400 // UNITS[unit]))
    w = parse_window(f"last {amount}{unit}", now=now, tz=tz)
    # Compared in UTC: PEP 495 makes an ambiguous local time unequal to every instant in
    # another zone, even the same one.
    assert w.end == now.astimezone(UTC)
    assert w.end - w.begin == timedelta(seconds=amount * UNITS[unit])
    # The label is canonical and reads back as the same window.
    assert parse_window(w.label, now=now, tz=tz) == w


@settings(deadline=None)
@given(now=NOWS, tz=ZONES, data=st.data())
def test_a_since_label_reads_back_as_the_same_window(
    now: datetime, tz: tzinfo, data: st.DataObject
) -> None:
    day = now.astimezone(tz).date() - timedelta(days=data.draw(st.integers(0, 30)))
    text = data.draw(st.sampled_from([f"since {data.draw(clocks())}", f"since {day}"]))
    w = outcome(text, now, tz)
    assume(isinstance(w, TimeWindow))  # "since 00:00" at midnight is in the future
    assert isinstance(w, TimeWindow)
    assert parse_window(w.label, now=now, tz=tz) == w


WINDOW_WORDS = st.sampled_from(
    [
        "last", "since", "from", "to", "between", "and", "today", "yesterday", "1h", "30m",
        "2h30m", "7d", "91d", "0m", "hour", "hr", "09:00", "9am", "12pm", "25:00", "2026-11-27",
        "2026-11-27T08:00", "2026-02-30", "20261127080000", "20261327080000", "UTC", "Z",
        "+08:00", "-0500", "Asia/Shanghai", "Mars/Base", "lst", "snice", "x", ":", "-", "",
    ]
)  # fmt: skip


@settings(deadline=None, max_examples=300)
@given(
    now=NOWS,
    tz=ZONES,
    text=st.one_of(st.text(max_size=60), st.lists(WINDOW_WORDS, max_size=6).map(" ".join)),
)
def test_any_text_is_a_window_or_an_error_whose_suggestion_works(
    now: datetime, tz: tzinfo, text: str
) -> None:
    w = outcome(text, now, tz)
    if isinstance(w, WindowError):
        assert w.bad.strip()
        assert "\n" not in str(w)
        assert f'try "{w.suggestion}"' in str(w)
        w = parse_window(w.suggestion, now=now, tz=tz)
    assert w.begin < w.end
