"""bot.core.grammar.commands: the one grammar for slash text, mentions and the shell,
in English and in Chinese (each command as its English twin, mixed scripts, no spaces,
full-width forms), and every error said in each language."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
from bot.core.grammar.vocabulary import STATUSES
from bot.core.grammar.window_parse import parse_window
from bot.core.grammar.zh_write import to_zh
from bot.i18n import LANGS, Lang
from tests.unit.core.grammar.said import assert_said, fix, quoted

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
UUID = "3F2504E0-4F89-11D3-9A0C-0305E82C3301"
TASK = "8abfa7b372160bfd0172165864064079"


def parse(text: str, tz: tzinfo = SHANGHAI) -> Command:
    return parse_command(text, now=NOW, tz=tz)


def query(text: str) -> TasksQuery:
    command = parse(text)
    assert isinstance(command, TasksQuery)
    return command


def error(text: str) -> CommandError:
    with pytest.raises(CommandError) as caught:
        parse(text)
    return caught.value


# --- task queries --------------------------------------------------------------------


def test_an_instance_alone_asks_for_the_default_window() -> None:
    q = query("prod-orders")
    assert q == TasksQuery(
        instance="prod-orders",
        window=parse_window("", now=NOW, tz=SHANGHAI),
        window_text="",
        statuses=frozenset(),
        name_glob=None,
        page=1,
    )
    assert q.window.begin == NOW - timedelta(hours=24)


def test_the_window_is_read_in_the_users_zone() -> None:
    q = query("prod-orders since 09:00")
    assert q.window.begin == datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
    assert q.window_text == "since 09:00"
    assert q.window.zone == "Asia/Shanghai"
    assert parse("prod-orders since 09:00", tz=UTC) != q


@pytest.mark.parametrize(
    ("text", "window_text"),
    [
        ("prod-orders last 1h", "last 1h"),
        ("prod-orders LAST 2h30m", "LAST 2h30m"),
        ("prod-orders from 2026-11-27 08:00 to 10:00", "from 2026-11-27 08:00 to 10:00"),
        ("prod-orders between 08:00 and 10:00 UTC", "between 08:00 and 10:00 UTC"),
        ("prod-orders yesterday", "yesterday"),
        ("prod-orders 20261127080000 20261127100000", "20261127080000 20261127100000"),
    ],
)
def test_the_words_left_after_the_filters_are_the_window(text: str, window_text: str) -> None:
    q = query(text)
    assert q.window_text == window_text
    assert q.window == parse_window(window_text, now=NOW, tz=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "statuses"),
    [
        ("prod-orders failed", {"FAILED"}),
        ("prod-orders running", {"CREATED", "EXECUTING"}),
        ("prod-orders failed running", {"FAILED", "CREATED", "EXECUTING"}),
        ("prod-orders status failed", {"FAILED"}),
        ("prod-orders status FAILED,success", {"FAILED", "SUCCESS"}),
        ("prod-orders status failed, success", {"FAILED", "SUCCESS"}),
        ("prod-orders status ok", {"SUCCESS"}),
        ("prod-orders status canceled", {"CANCELLED"}),
        ("prod-orders status cancelled,deleted", {"CANCELLED", "DELETED"}),
        ("prod-orders status created,executing", {"CREATED", "EXECUTING"}),
        ("prod-orders status running", {"CREATED", "EXECUTING"}),
        ("prod-orders status:failed", {"FAILED"}),
        ("prod-orders status=success", {"SUCCESS"}),
        ("prod-orders failed status success", {"FAILED", "SUCCESS"}),
    ],
)
def test_status_filters(text: str, statuses: set[str]) -> None:
    q = query(text)
    assert q.statuses == statuses
    assert q.window_text == ""


def test_filters_come_in_any_order_around_the_window() -> None:
    expected = query("prod-orders failed since 09:00")
    assert expected.statuses == {"FAILED"}
    assert expected.window_text == "since 09:00"
    assert query("prod-orders since 09:00 failed") == expected

    q = query("prod-orders name modify* page 2 last 7d status failed")
    assert (q.name_glob, q.page, q.window_text) == ("modify*", 2, "last 7d")
    assert q.statuses == {"FAILED"}
    assert query("prod-orders page 2 status failed last 7d name modify*") == q
    assert query("prod-orders last 7d page=2 name:modify* failed") == q


def test_a_name_glob_is_kept_as_typed() -> None:
    assert query("prod-orders name *Retention*").name_glob == "*Retention*"


def test_instance_ids_and_names_are_kept_as_typed() -> None:
    assert query(f"{UUID} last 1h").instance == UUID
    assert query("Prod.Orders_2 last 1h").instance == "Prod.Orders_2"


def test_a_task_lookup() -> None:
    assert parse("prod-orders task 8abfa7b2-7f8b") == TaskLookup("prod-orders", "8abfa7b2-7f8b")
    assert parse(f"{UUID} TASK abc") == TaskLookup(UUID, "abc")


# --- other commands ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("", Help()),
        ("   ", Help()),
        ("?", Help()),
        ("help", Help()),
        ("HELP", Help()),
        ("help window", Help("window")),
        ("help Subscribe", Help("subscribe")),
        ("instances", ListInstances()),
        ("Instances", ListInstances()),
        ("subscriptions", ListSubscriptions()),
        ("subscribe prod-orders", Subscribe("prod-orders", "all", None)),
        ("subscribe prod-orders failed", Subscribe("prod-orders", "failed", None)),
        ("subscribe prod-orders ALL", Subscribe("prod-orders", "all", None)),
        (
            "subscribe prod-orders failed name modify*",
            Subscribe("prod-orders", "failed", "modify*"),
        ),
        (
            "subscribe prod-orders name modify* failed",
            Subscribe("prod-orders", "failed", "modify*"),
        ),
        (f"subscribe {UUID}", Subscribe(UUID, "all", None)),
        ("unsubscribe prod-orders", Unsubscribe("prod-orders")),
        # The same commands in Chinese.
        ("帮助", Help()),
        ("实例", ListInstances()),
        ("订阅列表", ListSubscriptions()),
        ("取消订阅 prod-orders", Unsubscribe("prod-orders")),
        (f"prod-orders 任务 {TASK}", TaskLookup("prod-orders", TASK)),
        ("订阅 prod-orders 失败 语言 中文", Subscribe("prod-orders", "failed", None, "zh")),
    ],
)
def test_commands(text: str, command: Command) -> None:
    assert parse(text) == command


# --- errors --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("text", "bad", "suggestion"),
    [
        ("prod-orders status faild", "faild", "status failed"),
        ("prod-orders status succes", "succes", "status success"),
        ("prod-orders status failed,runing", "runing", "status running"),
        ("prod-orders status", "status", "status failed"),
        ("prod-orders page 0", "0", "page 1"),
        ("prod-orders page -1", "-1", "page 1"),
        ("prod-orders page two", "two", "page 1"),
        ("prod-orders page", "page", "page 1"),
        ("prod-orders page 2 page 3", "page", "page 2"),
        ("prod-orders name", "name", "name modify*"),
        ("prod-orders task", "task", "prod-orders task <task-id>"),
        ("prod-orders task a b", "a b", "prod-orders task <task-id>"),
        ("prod-orders task ../etc", "../etc", "prod-orders task <task-id>"),
        # What DMS would refuse as an id (bot.core.dms.ids) is quoted, not looked up.
        ("prod-orders task -8abfa7b2", "-8abfa7b2", "prod-orders task <task-id>"),
        ("prod-orders task _8abfa7b2", "_8abfa7b2", "prod-orders task <task-id>"),
        ("prod-orders last 1h task x", "task", "prod-orders task <task-id>"),
        ("last 1h", "last", "<instance> last 1h"),
        ("failed since 09:00", "failed", "<instance> failed since 09:00"),
        ("prod/orders last 1h", "prod/orders", "prod-orders last 1h"),
        ("subscibe prod-orders failed", "subscibe", "subscribe prod-orders failed"),
        ("subscribe", "subscribe", "subscribe prod-orders failed"),
        ("subscribe failed", "failed", "subscribe <instance> failed"),
        ("subscribe prod-orders faild", "faild", "subscribe prod-orders failed"),
        ("subscribe db-1 failed all", "all", "subscribe db-1 failed"),
        ("subscribe db-1 name a name b", "name", "subscribe db-1 name modify*"),
        ("unsubscribe", "unsubscribe", "unsubscribe prod-orders"),
        ("unsubscribe a b", "a b", "unsubscribe prod-orders"),
        ("instances prod", "prod", "instances"),
        ("subscriptions all", "all", "subscriptions"),
    ],
)
def test_errors_quote_the_bad_part_and_suggest_a_form(
    text: str, bad: str, suggestion: str, lang: Lang
) -> None:
    e = error(text)
    assert (e.bad, e.suggestion) == (bad, suggestion)
    said = assert_said_here(e, lang)
    assert quoted(bad, lang) in said
    assert fix(suggestion, lang) in said


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("text", "bad", "suggestion"),
    [
        ("prod-orders 1hr", "1hr", "last 1h"),
        ("prod-orders lst 2h", "lst", "last 2h"),
        ("prod-orders last 91d", "91d", "last 90d"),
        ("prod-orders failed since 25:00", "25:00", "since 09:00"),
        ("prod-orders from 10:00", "from 10:00", "from 10:00 to 11:00"),
    ],
)
def test_a_window_error_keeps_its_bad_part_and_suggestion(
    text: str, bad: str, suggestion: str, lang: Lang
) -> None:
    e = error(text)
    assert (e.bad, e.suggestion) == (bad, suggestion)
    said = assert_said_here(e, lang)
    assert quoted(bad, lang) in said
    assert fix(suggestion, lang) in said


def test_a_window_error_message_is_the_windows_own() -> None:
    assert str(error("prod-orders 1hr")) == 'couldn\'t read "1hr" as a time window; try "last 1h"'
    assert "the hour is out of range" in str(error("prod-orders since 25:00"))


@pytest.mark.parametrize(
    ("text", "first"),
    [("asdf qwer zxcv", "asdf"), ("detials 2", "detials"), ("prod-orders qwer", "prod-orders")],
)
def test_a_window_error_names_the_first_word_for_the_caller_to_check(text: str, first: str) -> None:
    # Only DMS knows whether the first word is an instance; the caller asks it.
    assert error(text).instance == first


def test_errors_not_about_what_follows_an_instance_name_no_first_word() -> None:
    assert error("last 1h").instance is None
    assert error("prod-orders task").instance is None
    assert error("subscibe prod-orders failed").instance is None


def test_a_very_long_command_is_refused_in_one_short_line() -> None:
    e = error("prod-orders " + "last " * 1000)
    assert "at most" in str(e)
    assert len(str(e)) < 200


def test_control_characters_in_an_instance_are_an_error() -> None:
    e = error("prod\x00orders last 1h")
    assert e.bad == "prod\x00orders"
    assert "\x00" not in str(e)


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
    assert_said_here(e, "zh")


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


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("text", RAISE_SITES)
def test_every_raise_site_says_its_error_in_each_language(text: str, lang: Lang) -> None:
    assert_said_here(error(text), lang)


def assert_said_here(e: CommandError, lang: Lang) -> str:
    """``assert_said``, and in Chinese no English "try" left and a suggestion that,
    written in Chinese, reads as the same command."""
    said = assert_said(e, lang)
    if lang == "zh":
        assert "try" not in said.replace(e.suggestion, "")
        assert_reads_the_same(e.suggestion, to_zh(e.suggestion))
    return said


def assert_same_command(chinese: Command, english: Command) -> None:
    """Equal but for the window as typed, which keeps the Chinese and still reads back
    as the same window (Refresh reads it again)."""
    if isinstance(chinese, TasksQuery) and isinstance(english, TasksQuery):
        assert parse_window(chinese.window_text, now=NOW, tz=SHANGHAI) == chinese.window
        chinese = replace(chinese, window_text=english.window_text)
    assert chinese == english


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


# --- properties ----------------------------------------------------------------------

VOCABULARY = st.sampled_from(
    [
        "prod-orders", UUID, "subscribe", "unsubscribe", "subscriptions", "instances", "help",
        "?", "task", "status", "name", "page", "failed", "running", "all", "ok", "faild",
        "failed,success", "status:failed", "page=2", "2", "0", "modify*", "last", "since",
        "from", "to", "between", "and", "today", "yesterday", "1h", "1hr", "91d", "09:00",
        "25:00", "2026-11-27", "20261127080000", "UTC", "Asia/Shanghai", "<@U1>",
        "<#C1|ops>", "&amp;", "<http://x|y>", ",", "", "\x00", "é",
    ]
)  # fmt: skip
NOWS = st.datetimes(
    min_value=datetime(2001, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
)
ZONES = st.sampled_from([UTC, SHANGHAI, ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")])


def outcome(text: str, now: datetime, tz: tzinfo) -> Command | CommandError:
    try:
        return parse_command(text, now=now, tz=tz)
    except CommandError as e:
        return e


@settings(deadline=None, max_examples=300)
@given(
    text=st.one_of(
        st.text(max_size=100),
        st.lists(VOCABULARY, max_size=8).map(" ".join),
        st.text(min_size=1000, max_size=1500),
    ),
    now=NOWS,
    tz=ZONES,
)
def test_any_text_is_a_command_or_a_one_line_command_error(
    text: str, now: datetime, tz: tzinfo
) -> None:
    result = outcome(text, now, tz)
    if isinstance(result, CommandError):
        assert result.bad.strip()
        assert result.suggestion
        assert "\n" not in str(result)
        assert f'try "{result.suggestion}"' in str(result)
    else:
        if isinstance(result, TasksQuery):
            assert result.window.begin < result.window.end
            assert result.statuses <= set(STATUSES)
            assert result.page >= 1


INSTANCES = st.one_of(
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,30}", fullmatch=True), st.uuids().map(str)
)
FILTERS = st.sampled_from(
    [
        ("failed", {"FAILED"}),
        ("running", {"CREATED", "EXECUTING"}),
        ("status success,deleted", {"SUCCESS", "DELETED"}),
        ("status ok", {"SUCCESS"}),
    ]
)


RESERVED = {
    *("last", "since", "from", "between", "today", "yesterday", "task", "status", "name"),
    *("page", "failed", "running", "subscribe", "unsubscribe", "subscriptions", "instances"),
    "help",
}


@settings(deadline=None)
@given(
    instance=INSTANCES.filter(lambda name: name.lower() not in RESERVED),
    status=st.one_of(st.none(), FILTERS),
    glob=st.one_of(st.none(), st.from_regex(r"[A-Za-z*?]{1,20}", fullmatch=True)),
    page=st.one_of(st.none(), st.integers(1, 999)),
    window=st.sampled_from(["", "last 1h", "since 09:00", "yesterday", "from 08:00 to 10:00"]),
    shuffler=st.randoms(use_true_random=False),
)
def test_a_query_means_the_same_whatever_the_order_of_its_filters(
    instance: str,
    status: tuple[str, set[str]] | None,
    glob: str | None,
    page: int | None,
    window: str,
    shuffler: random.Random,
) -> None:
    parts = [window] if window else []
    parts += [status[0]] if status else []
    parts += [f"name {glob}"] if glob else []
    parts += [f"page {page}"] if page else []
    shuffler.shuffle(parts)
    q = query(" ".join([instance, *parts]))
    assert q.instance == instance
    assert q.statuses == (status[1] if status else set())
    assert q.name_glob == glob
    assert q.page == (page or 1)
    assert q.window_text == window
    assert q.window == parse_window(window, now=NOW, tz=SHANGHAI)
