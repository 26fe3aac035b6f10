"""bot.core.grammar.zh_write: the grammar's English written in Chinese (for the
suggestions of Chinese errors), reading back as the very same command."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.grammar.commands import Command, TasksQuery, parse_command
from bot.core.grammar.window_parse import parse_window
from bot.core.grammar.zh_write import to_zh

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
UUID = "3F2504E0-4F89-11D3-9A0C-0305E82C3301"
TASK = "8abfa7b372160bfd0172165864064079"
CJK = re.compile(r"[\u4e00-\u9fff]")


def parse(text: str) -> Command:
    return parse_command(text, now=NOW, tz=SHANGHAI)


def assert_same_command(chinese: Command, english: Command) -> None:
    """Equal but for the window as typed, which keeps the Chinese and still reads back
    as the same window (Refresh reads it again)."""
    if isinstance(chinese, TasksQuery) and isinstance(english, TasksQuery):
        assert parse_window(chinese.window_text, now=NOW, tz=SHANGHAI) == chinese.window
        chinese = replace(chinese, window_text=english.window_text)
    assert chinese == english


# --- suggestions written in Chinese --------------------------------------------------


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("last 1h", "最近1小时"),
        ("last 2h30m", "最近2小时30分钟"),
        ("last 90d", "最近90天"),
        ("last 1w", "最近1周"),
        ("since 09:00", "自 09:00 起"),
        ("since 9am", "自 09:00 起"),
        ("since 12:30pm", "自 12:30 起"),
        ("since yesterday 18:00", "自 昨天 18:00 起"),
        ("since 2026-11-26 08:00 UTC+08:00", "自 2026-11-26 08:00 UTC+08:00 起"),
        ("from 10:00 to 11:00", "从 10:00 到 11:00"),
        ("between 10:00 and 11:00", "从 10:00 到 11:00"),
        ("today UTC", "今天 UTC"),
        ("yesterday", "昨天"),
        ("20261127080000", "20261127080000"),
        ("status failed", "状态 失败"),
        ("status failed,running,ok,canceled", "状态 失败,运行中,成功,已取消"),
        ("page 2", "第2页"),
        ("name modify*", "名称 modify*"),
        ("prod-orders failed since 09:00", "prod-orders 失败 自 09:00 起"),
        ("<instance> last 1h", "<实例> 最近1小时"),
        ("prod-orders task <task-id>", "prod-orders 任务 <任务ID>"),
        ("subscribe prod-orders failed lang zh", "订阅 prod-orders 失败 语言 中文"),
        ("subscribe all all", "订阅 all 全部"),  # an instance named like a word stays
        ("subscribe <instance> failed", "订阅 <实例> 失败"),
        ("unsubscribe help", "取消订阅 help"),
        ("instances", "实例列表"),
        ("subscriptions", "订阅列表"),
        ("help", "帮助"),
        ("all last 1h", "all 最近1小时"),
    ],
)
def test_to_zh(english: str, chinese: str) -> None:
    assert to_zh(english) == chinese


ENGLISH_WINDOWS = [
    "", "last 1h", "last 30m", "last 2h30m", "last 7d", "last 1w", "last 90s", "today",
    "yesterday", "today UTC", "since 09:00", "since 9am", "since 11:45pm",
    "since 2026-11-26", "since 2026-11-26 08:00", "since yesterday 18:00",
    "since 09:00 Asia/Shanghai", "since 09:00 +05:30", "from 08:00 to 10:00",
    "from 2026-11-20 22:00 to 2026-11-21 02:00", "between 08:00 and 10:00 UTC",
    "20261127080000", "20261127080000 20261127100000",
]  # fmt: skip
ENGLISH_FILTERS = [
    "failed", "running", "status success,failed", "status ok", "status cancelled",
    "page 3", "name restart*",
]  # fmt: skip


@settings(deadline=None)
@given(
    instance=st.sampled_from(["prod-orders", UUID, "all", "db-1@cn-north-4"]),
    window=st.sampled_from(ENGLISH_WINDOWS),
    filters=st.lists(st.sampled_from(ENGLISH_FILTERS), max_size=3, unique=True),
    data=st.data(),
)
def test_any_query_written_in_chinese_by_to_zh_is_the_same_query(
    instance: str, window: str, filters: list[str], data: st.DataObject
) -> None:
    parts = data.draw(st.permutations([window, *filters]))
    english = " ".join([instance, *filter(None, parts)])
    assert_same_command(parse(to_zh(english)), parse(english))


@pytest.mark.parametrize(
    "english",
    [
        "subscribe prod-orders",
        "subscribe prod-orders failed name restart* lang zh",
        "subscribe prod-orders all lang en",
        "unsubscribe prod-orders",
        "subscriptions",
        "instances",
        f"prod-orders task {TASK}",
    ],
)
def test_other_commands_written_in_chinese_are_the_same(english: str) -> None:
    chinese = to_zh(english)
    assert CJK.search(chinese)
    assert parse(chinese) == parse(english)
