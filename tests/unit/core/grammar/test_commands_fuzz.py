"""Any text at all, typed or pasted into Slack: a command or a clear error, and a reply.

Hypothesis mixes the grammar's own words and real instance names with what Slack and
people actually send: mentions, channel and link markup, HTML entities, emoji, CJK
and right-to-left text, control characters, NUL and inputs up to 20,000 characters,
and the grammar's Chinese words, numerals, clocks and full-width forms in any mixture,
with and without spaces. The parser may only ever return a command or raise
``CommandError`` (``WindowError`` for a window alone), with a Chinese message too; a real
``Conversation`` (on the simulator, over loopback) must answer each input with a
non-empty message that Slack would accept, and quote what it could not read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.adapters.dms.client import DmsClient
from bot.adapters.store.store import Store
from bot.core.dms.accounts import Credentials
from bot.core.dms.errors import AmbiguousInstance, UnknownInstance
from bot.core.dms.source import ClientOptions
from bot.core.grammar.commands import Command, Subscribe, TasksQuery, Unsubscribe, parse_command
from bot.core.grammar.errors import CommandError, WindowError
from bot.core.grammar.window import TimeWindow
from bot.core.grammar.window_parse import parse_window
from bot.services.ask import Ask
from bot.services.conversation import Conversation
from bot.services.reply import Reply
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Simulator
from bot.views.kit import Message
from bot.views.limits import check_message, escape
from tests.conftest import SIMULATOR_START

DEMO = Credentials(DEMO_AK, DEMO_SK, DEMO_PROJECT_ID)
INSTANCES = [
    "prod-orders", "prod-payments", "staging-orders", "prod-orders-dr", "orders", "PAYMENTS",
    "prod-ordrs", "no-such-instance", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "a" * 64,
    "a" * 65, "prod.orders_1", "-dash-first",
]  # fmt: skip
GRAMMAR = [
    "subscribe", "unsubscribe", "subscriptions", "instances", "help", "?", "task", "status",
    "name", "page", "failed", "running", "all", "ok", "success", "executing", "cancelled",
    "faild", "failed,success", "failed,", "status:failed", "page=2", "name=modify*", "2", "0",
    "-1", "999999", "1e3", "modify*", "[!a]*", "last", "since", "from", "to", "between",
    "and", "today", "yesterday", "1h", "30m", "2h30m", "7d", "91d", "0m", "1hr", "09:00",
    "25:00", "9am", "2026-11-27", "2026-11-27T08:00", "20261127080000", "99999999999999",
    "UTC", "+08:00", "Asia/Shanghai", "Mars/Olympus", "f" * 32, "../..", "%2F",
]  # fmt: skip
SLACK = [
    "<@U123>", "<@U0BOT|kafka-tasks>", "<@W123|name>", "<#C123|general>", "<#C123>",
    "<http://x|y>", "<https://example.com/a?b=c&amp;d=e>", "<mailto:a@b.c|a@b.c>", "<!here>",
    "<!channel>", "<!everyone>", "<!subteam^S123|@oncall>",
    "<!date^1392734382^{date_short}|Feb 18, 2014>", "&amp;", "&lt;", "&gt;", "&amp;lt;",
    "&lt;@U123&gt;", "&#39;", "<", ">", "&", "<>", "<|>", "<@>", "<#|>", "<<@U1>>",
    "`prod-orders`", "*bold*", "_it_", "~st~", "```code```", ":fire:",
]  # fmt: skip
UNICODE = [
    "🔥", "👩‍💻", "🇨🇳", "订单", "生产环境", "最近1小时", "שלום", "مرحبا", "\u202e", "\u200b",
    "\u200d", "e\u0301", "１ｈ", "ｐｒｏｄ", "١٢", "٣h", "𝟙h", "Ⅷ", "\ufeff", "\ufffd", "ß", "İ",
    "ﬁ", "Ω", "\u00a0", "\u3000", "\U0010ffff",
]  # fmt: skip
# The grammar's Chinese (bot.core.grammar.zh_read): words, numerals, lengths, clocks, dates,
# particles, full-width forms and Chinese punctuation, and near misses of each.
CHINESE = [
    "最近", "过去", "近", "自", "从", "自从", "到", "至", "起", "以来", "开始", "之后", "内",
    "以内", "之间", "今天", "今日", "昨天", "前天", "本周", "失败", "已失败", "成功", "运行中",
    "进行中", "执行中", "已创建", "已删除", "已取消", "完成", "状态", "状态:", "名称", "名称=",
    "名字", "任务名", "页", "页码", "第", "第2页", "第二页", "第零页", "任务", "任务ID",
    "任务编号", "实例", "实例列表", "帮助", "订阅", "取消订阅", "退订", "订阅列表", "全部", "所有",
    "语言", "中文", "英文", "简体中文", "日文", "的", "了", "吗", "请", "查看", "后台任务", "一",
    "两", "十", "二十四", "九十", "一百零五", "千千千", "〇", "半", "个", "1小时", "一个小时",
    "两个半小时", "半小时", "半秒", "一天半", "30分钟", "90秒", "7天", "一周", "两个星期",
    "999999999周", "1个月", "小时", "分钟", "天", "9点", "九点半", "下午3点15分", "晚上12点",
    "凌晨2点", "中午1点", "25点", "9点60分", "9时30分", "2026年11月27日", "2026年2月30日",
    "11月27日", "１小时", "０９：００", "，", "、", "。", "：", "？", "！", "（", "）", "\u3000",
    "ｐｒｏｄ－ｏｒｄｅｒｓ",
]  # fmt: skip
CONTROL = [
    "\x00", "\x01", "\x07", "\x08", "\t", "\n", "\r\n", "\x0b", "\x0c", "\x1b[31m", "\x7f",
    "\x85", "\u2028", "\u2029", "\x1c",
]  # fmt: skip

TOKENS = st.one_of(
    st.sampled_from(GRAMMAR),
    st.sampled_from(INSTANCES),
    st.sampled_from(SLACK),
    st.sampled_from(UNICODE),
    st.sampled_from(CONTROL),
    st.sampled_from(CHINESE),
    st.text(max_size=12),
)
SEPARATORS = st.sampled_from([" ", " ", " ", "", "  ", "\t", "\n", ",", "\u00a0"])
PHRASES = st.lists(st.tuples(TOKENS, SEPARATORS), max_size=14).map(
    lambda parts: "".join(token + sep for token, sep in parts)
)

REAL = ["prod-orders", "prod-payments", "staging-orders", "PAYMENTS", "orders"]
WINDOWS = [
    "", "last 1h", "last 30m", "last 7d", "last 2h30m", "since 09:00", "today", "yesterday",
    "from 08:00 to 10:00", "since 2026-11-26 08:00", "20261126000000",
]  # fmt: skip
# Any run of non-space characters, emoji and CJK included, is a name glob.
GLOBS = st.text(st.characters(exclude_categories=["Z", "Cc"]), min_size=1, max_size=30)
FILTERS = st.lists(
    st.one_of(
        st.sampled_from(["failed", "running", "status success,failed", "status ok", "page 2"]),
        GLOBS.map(lambda glob: f"name {glob}"),
    ),
    max_size=3,
    unique=True,
)
# Markup Slack may put anywhere in the text; the grammar reads past it.
NOISE = st.lists(st.sampled_from(["<@U123>", "<@U0BOT|kafka-tasks>", "<!here>", "\n"]), max_size=2)


def _query(instance: str, window: str, filters: list[str], noise: list[str]) -> str:
    return " ".join([*noise, instance, window, *filters])


# Commands that read, with adversarial text where the grammar allows any: these reach DMS.
VALID = st.one_of(
    st.builds(_query, st.sampled_from(REAL), st.sampled_from(WINDOWS), FILTERS, NOISE),
    st.tuples(st.sampled_from(REAL), st.text(max_size=40)).map(" task ".join),
    st.tuples(
        st.sampled_from(["subscribe", "unsubscribe"]),
        st.sampled_from(REAL),
        st.sampled_from(["", "failed", "all", "name modify*"]),
    ).map(" ".join),
    st.sampled_from(["instances", "subscriptions", "help", "help windows", "<@U0BOT>"]),
    # The same commands in Chinese, glued or spaced.
    st.builds(
        lambda instance, window, filters, sep: sep.join([instance, window, *filters]),
        st.sampled_from(REAL),
        st.sampled_from(["", "最近1小时", "过去7天", "自 09:00 起", "09:00以来", "今天", "昨天"]),
        st.lists(st.sampled_from(["失败", "运行中", "状态 成功,失败", "第2页"]), max_size=2),
        st.sampled_from(["", " "]),
    ),
    st.tuples(
        st.sampled_from(["订阅", "取消订阅"]),
        st.sampled_from(REAL),
        st.sampled_from(["", "失败", "全部", "失败 语言 中文", "语言 英文"]),
    ).map(" ".join),
)


def _long(head: str, filler: str, length: int) -> str:
    return (head + " " + filler * (length // len(filler) + 1))[:length]


TEXTS = st.one_of(
    VALID,
    st.text(max_size=200),
    PHRASES,
    st.tuples(st.sampled_from(INSTANCES), PHRASES).map(" ".join),
    # A mention's text: the bot's own mention first, as Slack sends it.
    PHRASES.map(lambda phrase: "<@U0BOT> " + phrase),
    st.builds(
        _long,
        st.one_of(PHRASES, st.sampled_from(INSTANCES)),
        st.one_of(TOKENS.filter(bool), st.text(min_size=1, max_size=3)),
        st.integers(min_value=900, max_value=20_000),
    ),
)
ZONES = st.sampled_from(
    [UTC, ZoneInfo("Asia/Shanghai"), ZoneInfo("America/St_Johns"), ZoneInfo("Pacific/Kiritimati")]
)
NOWS = st.sampled_from(
    [SIMULATOR_START, datetime(2026, 3, 8, 7, 30, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)]
)


def quoted(bad: str) -> str:
    """The start of ``bad`` as an error quotes it: one line, control characters escaped."""
    one_line = " ".join(bad.split())
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in one_line)[:20]


def parsed(text: str, now: datetime, tz: tzinfo) -> Command | CommandError:
    try:
        return parse_command(text, now=now, tz=tz)
    except CommandError as exc:
        return exc


async def is_instance(dms: DmsClient, word: str) -> bool:
    try:
        await dms.resolve(word)
    except UnknownInstance:
        return False
    except AmbiguousInstance:
        return True
    return True


def assert_sendable(message: Message) -> None:
    """Non-empty, every Block Kit limit kept, and serialisable by slack_sdk."""
    assert message.text.strip()
    assert message.blocks
    blocks = message.block_dicts()
    assert check_message(blocks, message.text) == []


@settings(max_examples=400, deadline=None)
@given(text=TEXTS, now=NOWS, tz=ZONES)
def test_the_parser_returns_a_command_or_raises_a_command_error_that_quotes_the_bad_part(
    text: str, now: datetime, tz: tzinfo
) -> None:
    result = parsed(text, now, tz)  # anything but CommandError escapes and fails the test
    event(type(result).__name__)
    if isinstance(result, CommandError):
        message = str(result)
        assert message
        assert "\n" not in message
        assert result.bad.strip()
        assert quoted(result.bad) in message
        # The quote is clipped: a 20,000-character input is not echoed whole.
        assert len(message) - len(result.suggestion) <= 300


@pytest.fixture
async def dms(simulator: Simulator) -> AsyncIterator[DmsClient]:
    options = ClientOptions(max_attempts=1)
    async with DmsClient.create(simulator.url, DEMO, options=options, where="fuzz") as client:
        yield client


@pytest.fixture
def conversation(dms: DmsClient, tmp_path: Path) -> Iterator[Conversation]:
    store = Store.open(f"sqlite:///{tmp_path}/fuzz.db")
    yield Conversation.of(dms, store=store, clock=lambda: SIMULATOR_START, note="fuzz")
    store.close()


@settings(
    max_examples=100,
    deadline=None,
    # The simulator and the store are shared by the examples on purpose: set up once.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    # Half of them commands that read, so that many reach DMS and the answer views.
    text=st.sampled_from([VALID, TEXTS]).flatmap(lambda texts: texts),
    tz=ZONES,
    shareable=st.booleans(),
    asker=st.sampled_from([Ask(), Ask(user="U1", channel="C1", via="slash")]),
)
async def test_every_input_gets_a_reply_slack_accepts_and_never_an_exception(
    conversation: Conversation,
    dms: DmsClient,
    text: str,
    tz: tzinfo,
    shareable: bool,
    asker: Ask,
) -> None:
    assert_sendable(conversation.looking_up(text))
    expected = parsed(text, SIMULATOR_START, tz)
    reply = await conversation.answer(text, dataclasses.replace(asker, tz=tz, shareable=shareable))

    assert isinstance(reply, Reply)
    event(f"{type(expected).__name__}: {'answered' if reply.ok else 'error reply'}")
    assert_sendable(reply.message)
    assert "Something went wrong on our side" not in reply.message.text, "an exception escaped"
    if isinstance(expected, CommandError):
        assert not reply.ok
        assert reply.delivery == "ephemeral"
        if expected.instance is not None and not await is_instance(dms, expected.instance):
            # The words after a first word that names no instance: that is said instead.
            named = f'No Kafka instance named "{escape(expected.instance)}"'
            assert named in reply.message.text
        else:
            assert escape(quoted(expected.bad)) in reply.message.text
    elif isinstance(expected, TasksQuery | Subscribe | Unsubscribe) and not reply.ok:
        # Unknown or ambiguous instance, or a subscription outside Slack: said, with
        # the name it was about; an id is taken on trust and DMS says it has none.
        assert reply.delivery == "ephemeral"
        if asker.in_slack or isinstance(expected, TasksQuery):
            text = reply.message.text
            assert expected.instance in text or "This instance does not exist" in text


# Chinese words glued to each other, to ASCII and to numbers as people type them.
CHINESE_TOKENS = st.one_of(
    st.sampled_from(CHINESE),
    st.sampled_from(CHINESE),
    st.sampled_from(GRAMMAR),
    st.sampled_from(REAL),
    st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80), max_size=3),
    st.integers(0, 100).map(str),
)
CHINESE_PHRASES = st.lists(
    st.tuples(CHINESE_TOKENS, st.sampled_from(["", "", " ", ",", "，", "、", "\u3000"])),
    max_size=10,
).map(lambda parts: "".join(token + sep for token, sep in parts))


@settings(max_examples=500, deadline=None)
@given(
    text=st.one_of(
        CHINESE_PHRASES,
        st.tuples(st.sampled_from(REAL), CHINESE_PHRASES).map("".join),
        st.tuples(st.sampled_from([*REAL, "订阅", "取消订阅"]), CHINESE_PHRASES).map(" ".join),
    ),
    now=NOWS,
    tz=ZONES,
)
def test_any_mixture_of_chinese_is_a_command_or_an_error_in_both_languages(
    text: str, now: datetime, tz: tzinfo
) -> None:
    result = parsed(text, now, tz)
    event(type(result).__name__)
    if isinstance(result, CommandError):
        assert_both_languages(result)
    elif isinstance(result, TasksQuery):
        # What Refresh reads again is the same window.
        assert parse_window(result.window_text, now=now, tz=tz) == result.window


@settings(max_examples=300, deadline=None)
@given(text=CHINESE_PHRASES, now=NOWS, tz=ZONES)
def test_any_mixture_of_chinese_is_a_window_or_a_window_error(
    text: str, now: datetime, tz: tzinfo
) -> None:
    try:
        result: TimeWindow | WindowError = parse_window(text, now=now, tz=tz)
    except WindowError as exc:
        result = exc
    event(type(result).__name__)
    if isinstance(result, WindowError):
        assert_both_languages(result)
    else:
        assert result.begin < result.end


def assert_both_languages(error: CommandError | WindowError) -> None:
    """One line in each language, quoting the bad part, with a reason in Chinese wherever
    the English gives one."""
    assert result_line(str(error))
    assert quoted(error.bad) in str(error)
    zh = error.text("zh")
    assert result_line(zh)
    assert quoted(error.bad) in zh
    assert zh != str(error)
    if error.why is not None:
        assert error.why.text("zh") in zh


def result_line(message: str) -> bool:
    return bool(message) and "\n" not in message
