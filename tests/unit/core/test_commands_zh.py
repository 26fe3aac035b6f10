"""bot.core.grammar.commands in Simplified Chinese: every command as its English twin,
mixed scripts, no spaces, full-width forms, the subscription language, every error in Chinese."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tests.unit.core.test_commands as english_tests
from bot.core.grammar.commands import (
    Command,
    Help,
    ListInstances,
    ListSubscriptions,
    Subscribe,
    TaskLookup,
    TasksQuery,
    Unsubscribe,
    parse_command,
)
from bot.core.grammar.errors import CommandError
from bot.core.grammar.window_parse import parse_window
from bot.core.grammar.zh_write import to_zh
from bot.i18n import Lang

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
UUID = "3F2504E0-4F89-11D3-9A0C-0305E82C3301"
TASK = "8abfa7b372160bfd0172165864064079"
CJK = re.compile(r"[\u4e00-\u9fff]")


def parse(text: str, tz: tzinfo = SHANGHAI) -> Command:
    return parse_command(text, now=NOW, tz=tz)


def error(text: str) -> CommandError:
    with pytest.raises(CommandError) as caught:
        parse(text)
    return caught.value


def assert_same_command(chinese: Command, english: Command) -> None:
    """Equal but for the window as typed, which keeps the Chinese and still reads back
    as the same window (Refresh reads it again)."""
    if isinstance(chinese, TasksQuery) and isinstance(english, TasksQuery):
        assert parse_window(chinese.window_text, now=NOW, tz=SHANGHAI) == chinese.window
        chinese = replace(chinese, window_text=english.window_text)
    assert chinese == english


# --- every command as its English twin -----------------------------------------------

TWINS = [
    # windows: last
    ("prod-orders 最近1小时", "prod-orders last 1h"),
    ("prod-orders 最近 1 小时", "prod-orders last 1h"),
    ("prod-orders 最近一小时", "prod-orders last 1h"),
    ("prod-orders 最近一个小时", "prod-orders last 1h"),
    ("prod-orders 最近30分钟", "prod-orders last 30m"),
    ("prod-orders 最近 30 分钟", "prod-orders last 30m"),
    ("prod-orders 最近三十分钟", "prod-orders last 30m"),
    ("prod-orders 最近半小时", "prod-orders last 30m"),
    ("prod-orders 过去两小时", "prod-orders last 2h"),
    ("prod-orders 最近两个半小时", "prod-orders last 2h30m"),
    ("prod-orders 最近2小时30分钟", "prod-orders last 2h30m"),
    ("prod-orders 最近90秒", "prod-orders last 90s"),
    ("prod-orders 最近二十四小时", "prod-orders last 24h"),
    ("prod-orders 最近2天", "prod-orders last 2d"),
    ("prod-orders 过去7天", "prod-orders last 7d"),
    ("prod-orders 最近九十天", "prod-orders last 90d"),
    ("prod-orders 近一周", "prod-orders last 1w"),
    ("prod-orders 最近两个星期", "prod-orders last 2w"),
    ("prod-orders 1小时内", "prod-orders last 1h"),
    ("prod-orders 最近1小时内", "prod-orders last 1h"),
    ("prod-orders 一天半以内", "prod-orders last 36h"),
    # windows: days
    ("prod-orders 今天", "prod-orders today"),
    ("prod-orders 今日", "prod-orders today"),
    ("prod-orders 昨天", "prod-orders yesterday"),
    ("prod-orders 昨天 UTC", "prod-orders yesterday UTC"),
    # windows: since
    ("prod-orders 自 09:00 起", "prod-orders since 09:00"),
    ("prod-orders 自09:00起", "prod-orders since 09:00"),
    ("prod-orders 从09:00开始", "prod-orders since 09:00"),
    ("prod-orders 09:00以来", "prod-orders since 09:00"),
    ("prod-orders 9点以来", "prod-orders since 09:00"),
    ("prod-orders 九点之后", "prod-orders since 09:00"),
    ("prod-orders 上午9点半以来", "prod-orders since 09:30"),
    ("prod-orders 下午3点起", "prod-orders since 15:00"),
    ("prod-orders 晚上8点15分以后", "prod-orders since 20:15"),
    ("prod-orders 自 2026-11-27 08:00 起", "prod-orders since 2026-11-27 08:00"),
    ("prod-orders 2026年11月27日8点以来", "prod-orders since 2026-11-27 08:00"),
    ("prod-orders 自昨天18:00起", "prod-orders since yesterday 18:00"),
    ("prod-orders 自 09:00 +08:00 起", "prod-orders since 09:00 +08:00"),
    ("prod-orders 自 09:00 Asia/Shanghai 起", "prod-orders since 09:00 Asia/Shanghai"),
    ("prod-orders 自 20261127080000 起", "prod-orders since 20261127080000"),
    # windows: ranges
    ("prod-orders 从 2026-11-20 10:00 到 12:00", "prod-orders from 2026-11-20 10:00 to 12:00"),
    ("prod-orders 从10:00到11:00", "prod-orders from 10:00 to 11:00"),
    ("prod-orders 10:00到11:00", "prod-orders from 10:00 to 11:00"),
    ("prod-orders 10:00 至 11:00 之间", "prod-orders between 10:00 and 11:00"),
    ("prod-orders 自 08:00 到 10:00 UTC", "prod-orders from 08:00 to 10:00 UTC"),
    ("prod-orders 上午8点到10点半", "prod-orders from 08:00 to 10:30"),
    (
        "prod-orders 20261127080000 到 20261127100000",
        "prod-orders 20261127080000 20261127100000",
    ),
    # statuses
    ("prod-orders 失败", "prod-orders failed"),
    ("prod-orders 已失败", "prod-orders failed"),
    ("prod-orders 运行中", "prod-orders running"),
    ("prod-orders 进行中", "prod-orders running"),
    ("prod-orders 失败 运行中", "prod-orders failed running"),
    ("prod-orders 状态 失败", "prod-orders status failed"),
    ("prod-orders 状态 成功", "prod-orders status success"),
    ("prod-orders 状态 失败,运行中", "prod-orders status failed,running"),
    ("prod-orders 状态 失败, 成功", "prod-orders status failed, success"),
    ("prod-orders 状态 失败、已取消、已删除", "prod-orders status failed,cancelled,deleted"),
    ("prod-orders 状态:执行中", "prod-orders status:executing"),
    ("prod-orders 状态 已创建", "prod-orders status created"),
    # name, page, task
    ("prod-orders 名称 reassign*", "prod-orders name reassign*"),
    ("prod-orders 名字 reassign*", "prod-orders name reassign*"),
    ("prod-orders 任务名 reassign*", "prod-orders name reassign*"),
    ("prod-orders 名称:restart*", "prod-orders name:restart*"),
    ("prod-orders 名称 失败", "prod-orders name 失败"),  # a glob is taken as typed
    ("prod-orders 第2页", "prod-orders page 2"),
    ("prod-orders 第二页", "prod-orders page 2"),
    ("prod-orders 第 2 页", "prod-orders page 2"),
    ("prod-orders 页码 2", "prod-orders page 2"),
    (f"prod-orders 任务 {TASK}", f"prod-orders task {TASK}"),
    (f"prod-orders 任务ID {TASK}", f"prod-orders task {TASK}"),
    # other commands
    ("实例", "instances"),
    ("实例列表", "instances"),
    ("帮助", "help"),
    ("？", "?"),
    ("订阅 prod-orders", "subscribe prod-orders"),
    ("订阅 prod-orders 失败", "subscribe prod-orders failed"),
    ("订阅 prod-orders 全部", "subscribe prod-orders all"),
    ("订阅 prod-orders 失败 名称 restart*", "subscribe prod-orders failed name restart*"),
    ("订阅 prod-orders 失败 语言 中文", "subscribe prod-orders failed lang zh"),
    ("订阅 prod-orders 语言 英文", "subscribe prod-orders lang en"),
    ("取消订阅 prod-orders", "unsubscribe prod-orders"),
    ("退订 prod-orders", "unsubscribe prod-orders"),
    ("订阅列表", "subscriptions"),
    # mixed scripts, in any order
    ("prod-orders last 1小时 失败", "prod-orders last 1h failed"),
    ("prod-orders 最近 1h failed", "prod-orders last 1h failed"),
    ("prod-orders failed 最近1h", "prod-orders last 1h failed"),
    ("prod-orders 失败 since 09:00", "prod-orders failed since 09:00"),
    ("prod-orders 第2页 status failed 过去7天", "prod-orders page 2 status failed last 7d"),
    ("subscribe prod-orders 失败 lang 中文", "subscribe prod-orders failed lang zh"),
    ("prod-orders@cn-north-4 最近1小时", "prod-orders@cn-north-4 last 1h"),
    (f"{UUID} 最近1小时", f"{UUID} last 1h"),
    # without spaces
    ("prod-orders最近1小时失败", "prod-orders last 1h failed"),
    ("prod-orders最近1小时失败的任务", "prod-orders last 1h failed"),
    ("prod-orders昨天第2页名称 restart*", "prod-orders yesterday page 2 name restart*"),
    ("prod-orders状态失败,运行中", "prod-orders status failed,running"),
    (f"prod-orders任务{TASK}", f"prod-orders task {TASK}"),
    ("订阅prod-orders失败语言中文", "subscribe prod-orders failed lang zh"),
    ("取消订阅prod-orders", "unsubscribe prod-orders"),
    # words people put around a command
    ("查看 prod-orders 最近1小时", "prod-orders last 1h"),
    ("请显示 prod-orders 最近1小时失败的任务", "prod-orders last 1h failed"),
    ("prod-orders 最近1小时失败了吗?", "prod-orders last 1h failed"),
    ("prod-orders 的任务", "prod-orders"),
    # full-width forms (NFKC) and Slack markup
    ("prod-orders　最近１小时", "prod-orders last 1h"),
    ("ｐｒｏｄ－ｏｒｄｅｒｓ　ｌａｓｔ　１ｈ", "prod-orders last 1h"),
    ("prod-orders 状态：失败，运行中", "prod-orders status:failed,running"),
    ("prod-orders 自 ０９：００ 起", "prod-orders since 09:00"),
    ("prod-orders，最近１小时，失败", "prod-orders last 1h failed"),
    ("prod-orders 第２页", "prod-orders page 2"),
    ("<@U0BOT|kafka-tasks> prod-orders 最近1小时", "prod-orders last 1h"),
]


@pytest.mark.parametrize(("chinese", "english"), TWINS)
def test_a_chinese_command_is_its_english_twin(chinese: str, english: str) -> None:
    assert_same_command(parse(chinese), parse(english))


def test_the_window_is_kept_as_typed_in_chinese() -> None:
    q = parse("prod-orders最近1小时失败")
    assert isinstance(q, TasksQuery)
    assert q.window_text == "最近1小时"
    assert q.window.label == "last 1h"
    # Filters may stand inside the window, as in English; the window keeps its own words.
    q = parse("prod-orders 最近 失败 1小时")
    assert isinstance(q, TasksQuery)
    assert q.window_text == "最近 1小时"
    assert q.statuses == {"FAILED"}


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("帮助", Help()),
        ("实例", ListInstances()),
        ("订阅列表", ListSubscriptions()),
        ("取消订阅 prod-orders", Unsubscribe("prod-orders")),
        (f"prod-orders 任务 {TASK}", TaskLookup("prod-orders", TASK)),
        ("订阅 prod-orders 失败 语言 中文", Subscribe("prod-orders", "failed", None, "zh")),
    ],
)
def test_chinese_commands(text: str, command: Command) -> None:
    assert parse(text) == command


# --- the subscription language -------------------------------------------------------


def test_a_subscription_without_a_language_leaves_it_to_the_caller() -> None:
    assert Subscribe("prod-orders", "all", None).lang is None
    assert parse("subscribe prod-orders failed") == Subscribe("prod-orders", "failed", None)
    assert parse("订阅 prod-orders 失败") == Subscribe("prod-orders", "failed", None, None)


@pytest.mark.parametrize(
    ("words", "lang"),
    [
        ("lang zh", "zh"),
        ("lang en", "en"),
        ("LANG ZH", "zh"),
        ("lang:zh", "zh"),
        ("lang=en", "en"),
        ("lang chinese", "zh"),
        ("lang English", "en"),
        ("lang 中文", "zh"),
        ("语言 中文", "zh"),
        ("语言 简体中文", "zh"),
        ("语言 汉语", "zh"),
        ("语言:英文", "en"),
        ("语言 英语", "en"),
        ("语言 en", "en"),
        ("语言中文", "zh"),
    ],
)
def test_a_subscription_takes_a_language(words: str, lang: Lang) -> None:
    failed = Subscribe("prod-orders", "failed", None, lang)
    assert parse(f"subscribe prod-orders failed {words}") == failed
    named = Subscribe("prod-orders", "all", "restart*", lang)
    assert parse(f"subscribe prod-orders {words} name restart*") == named


@pytest.mark.parametrize(
    ("text", "bad", "suggestion"),
    [
        ("subscribe prod-orders lang", "lang", "subscribe prod-orders lang zh"),
        ("subscribe prod-orders lang fr", "fr", "subscribe prod-orders lang zh"),
        ("subscribe prod-orders lang eng", "eng", "subscribe prod-orders lang en"),
        ("subscribe prod-orders lang zh lang en", "lang", "subscribe prod-orders lang zh"),
        ("subscribe prod-orders langg zh", "langg", "subscribe prod-orders lang zh"),
        ("订阅 prod-orders 语言 日文", "日文", "subscribe prod-orders lang zh"),
        ("订阅 prod-orders 语言", "语言", "subscribe prod-orders lang zh"),
    ],
)
def test_a_bad_language_is_an_error(text: str, bad: str, suggestion: str) -> None:
    e = error(text)
    assert (e.bad, e.suggestion) == (bad, suggestion)


def test_only_subscriptions_take_a_language() -> None:
    assert error("prod-orders lang zh").bad == "lang zh"
    assert error("prod-orders lang:zh").bad == "lang:zh"


# --- errors in Chinese ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "bad", "suggestion_zh"),
    [
        ("prod-orders 最近91天", "91天", "最近90天"),
        ("prod-orders 最近0分钟", "0分钟", "最近1小时"),
        ("prod-orders 最近1个月", "1个月", None),
        ("prod-orders 自 25点 起", "25点 起", "自 09:00 起"),
        ("prod-orders 自 2026-02-30 起", "2026-02-30 起", None),
        ("prod-orders 第0页", "第0页", "第1页"),
        ("prod-orders 第2页 第3页", "第3页", "第2页"),
        ("prod-orders 成功", "成功", "状态 成功"),
        ("prod-orders 状态 完成", "完成", None),
        ("prod-orders 状态", "状态", "状态 失败"),
        ("prod-orders 名称", "名称", "名称 modify*"),
        ("prod-orders 任务 a b", "a b", "prod-orders 任务 <任务ID>"),
        ("最近1小时", "最近", "<实例> 最近1小时"),
        ("订单 最近1小时", "订单", "prod-orders 最近1小时"),
        ("订阅", "订阅", "订阅 prod-orders 失败"),
        ("订阅 prod-orders 失败 全部", "全部", "订阅 prod-orders 失败"),
        ("订阅 prod-orders 最近", "最近", None),
        ("取消订阅", "取消订阅", "取消订阅 prod-orders"),
        ("实例列表 prod", "prod", "实例列表"),
    ],
)
def test_an_error_quotes_the_chinese_as_typed_and_suggests_in_chinese(
    text: str, bad: str, suggestion_zh: str | None
) -> None:
    e = error(text)
    assert e.bad == bad
    assert f'"{bad}"' in str(e)
    assert f"“{bad}”" in e.text("zh")
    if suggestion_zh is not None:
        assert to_zh(e.suggestion) == suggestion_zh
        assert f"试试“{suggestion_zh}”" in e.text("zh")
    assert_chinese(e)


def test_the_english_message_is_unchanged_and_the_chinese_one_reads_naturally() -> None:
    e = error("prod-orders 1hr")
    assert str(e) == e.text("en") == 'couldn\'t read "1hr" as a time window; try "last 1h"'
    assert e.text("zh") == "无法把“1hr”理解为时间范围；试试“最近1小时”"
    e = error("prod-orders since 25:00")
    assert e.text("zh") == "无法理解“25:00”：小时超出范围（00–23）；试试“自 09:00 起”"


# Every raise site in bot.core.grammar.commands, beyond the English tables walked below.
RAISE_SITES = [
    "prod-orders " + "last " * 1000,
    "subscibe prod-orders failed",
    "prod-orders success",
    "prod-orders executing since 09:00",
    "prod-orders 1hr",
    "prod-orders task",
    "prod-orders task a b",
    "prod-orders task ../etc",
    "prod-orders last 1h task x",
    "prod-orders status",
    "prod-orders status faild",
    "prod-orders name",
    "prod-orders page 0",
    "prod-orders page 2 page 3",
    "subscribe",
    "subscribe failed",
    "subscribe prod-orders faild",
    "subscribe prod-orders failed all",
    "subscribe db-1 name a name b",
    "subscribe prod-orders lang",
    "subscribe prod-orders lang fr",
    "subscribe prod-orders lang zh lang en",
    "unsubscribe",
    "unsubscribe a b",
    "last 1h",
    "prod/orders last 1h",
    "instances prod",
    "subscriptions all",
]


def _inputs(test: object) -> list[str]:
    """The inputs of a parametrised test's table: the English error tests, walked here
    as they are, so that each new bad input there is checked in Chinese too."""
    marks = getattr(test, "pytestmark", [])
    return [row[0] for mark in marks for row in mark.args[1]]


ENGLISH_BAD = _inputs(english_tests.test_errors_quote_the_bad_part_and_suggest_a_form)
ENGLISH_BAD += _inputs(english_tests.test_a_window_error_keeps_its_bad_part_and_suggestion)


def test_the_english_error_tables_are_found() -> None:
    assert len(ENGLISH_BAD) > 25
    assert "prod-orders status faild" in ENGLISH_BAD


@pytest.mark.parametrize("text", ENGLISH_BAD + RAISE_SITES)
def test_every_error_reads_in_chinese(text: str) -> None:
    assert_chinese(error(text))


def assert_chinese(e: CommandError) -> None:
    """Chinese, one line, quoting the bad part, with a reason wherever English gives one
    and a suggestion that, written in Chinese, reads as the same command."""
    zh = e.text("zh")
    assert e.text("en") == str(e)
    assert zh != str(e)
    assert CJK.search(zh)
    assert "\n" not in zh
    assert "couldn't" not in zh
    assert "try" not in zh.replace(e.suggestion, "")
    if e.why is not None:
        assert CJK.search(e.why.text("zh"))
        assert e.why.text("zh") in zh
    suggestion_zh = to_zh(e.suggestion)
    assert zh.endswith(f"试试“{suggestion_zh}”")
    assert_reads_the_same(e.suggestion, suggestion_zh)


def assert_reads_the_same(english: str, chinese: str) -> None:
    """A suggestion in Chinese reads as the English one: whole, or after an instance.
    One with a placeholder to fill in (<instance>, <task-id>) is not a command yet."""
    if "<" in english:
        return
    for prefix in ("", "prod-orders "):
        try:
            expected = parse(prefix + english)
        except CommandError:
            continue
        assert_same_command(parse(prefix + chinese), expected)
        return


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
