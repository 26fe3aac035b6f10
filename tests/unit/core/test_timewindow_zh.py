"""bot.core.grammar.window_parse in Simplified Chinese: windows read as their English twins, errors
quoting the Chinese as typed, and every WindowError in Chinese."""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

import pytest

import tests.unit.core.test_timewindow as english_tests
from bot.core.grammar.errors import WindowError
from bot.core.grammar.window import TimeWindow, parse_api_time
from bot.core.grammar.window_parse import parse_window
from bot.core.grammar.zh_write import to_zh

SHANGHAI = ZoneInfo("Asia/Shanghai")
APIA = ZoneInfo("Pacific/Apia")  # skipped 2011-12-30 entirely
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # the English tests' moment
CJK = re.compile(r"[\u4e00-\u9fff]")


def window(text: str, tz: tzinfo = SHANGHAI, now: datetime = NOW) -> TimeWindow:
    return parse_window(text, now=now, tz=tz)


def error(text: str, tz: tzinfo = UTC, now: datetime = NOW) -> WindowError:
    with pytest.raises(WindowError) as caught:
        parse_window(text, now=now, tz=tz)
    return caught.value


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
    assert window(chinese) == window(english)


@pytest.mark.parametrize(
    "text", ["最近一刻", "二〇二六年", "最近1个月", "本周", "前天", "最近半秒"]
)
def test_forms_without_an_english_twin_are_refused_not_misread(text: str) -> None:
    assert_chinese(error(text, SHANGHAI))


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
        window(text)
        return
    e = error(text, SHANGHAI)
    assert e.bad == bad
    assert (e.why and e.why.text("zh")) == why_zh
    assert_chinese(e)


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


def _inputs(test: object) -> list[str]:
    """The inputs of a parametrised English error test, walked here as they are."""
    return [row[0] for mark in getattr(test, "pytestmark", []) for row in mark.args[1]]


ENGLISH_BAD = _inputs(english_tests.test_errors_suggest_the_nearest_valid_form)
ENGLISH_BAD += _inputs(english_tests.test_errors_say_what_is_wrong_with_a_time)


def test_the_english_error_tables_are_found() -> None:
    assert len(ENGLISH_BAD) > 15


@pytest.mark.parametrize(
    ("text", "tz", "now"), [*((text, UTC, NOW) for text in ENGLISH_BAD), *RAISE_SITES]
)
def test_every_window_error_reads_in_chinese(text: str, tz: tzinfo, now: datetime) -> None:
    assert_chinese(error(text, tz, now), tz, now)


@pytest.mark.parametrize("text", ["2026", "20261327080000"])
def test_an_api_time_error_reads_in_chinese(text: str) -> None:
    with pytest.raises(WindowError) as caught:
        parse_api_time(text)
    assert_chinese(caught.value)


def test_the_english_message_is_unchanged() -> None:
    e = error("1hr")
    assert str(e) == e.text("en") == 'couldn\'t read "1hr" as a time window; try "last 1h"'
    assert e.text("zh") == "无法把“1hr”理解为时间范围；试试“最近1小时”"


def assert_chinese(e: WindowError, tz: tzinfo = SHANGHAI, now: datetime = NOW) -> None:
    zh = e.text("zh")
    assert e.text("en") == str(e)
    assert zh != str(e)
    assert CJK.search(zh)
    assert "\n" not in zh
    assert "couldn't" not in zh
    if e.why is not None:
        assert CJK.search(e.why.text("zh"))
        assert e.why.text("zh") in zh
    suggestion_zh = to_zh(e.suggestion)
    assert zh.endswith(f"试试“{suggestion_zh}”")
    if e.suggestion and not e.suggestion.isdigit():
        # Written in Chinese, the suggestion is still the window it suggests.
        assert parse_window(suggestion_zh, now=now, tz=tz) == parse_window(
            e.suggestion, now=now, tz=tz
        )
