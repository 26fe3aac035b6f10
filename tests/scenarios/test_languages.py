"""English and Simplified Chinese end to end: the asker's Slack locale picks the answer's
language, a subscription's setting picks its notifications' language, and the same
commands read in both."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.store.store import Store
from bot.core import actions
from bot.simulator import ManualClock
from tests.fakes.slack import Call
from tests.scenarios.slack_harness import (
    RunningBot,
    buttons_of,
    final_response,
    running_bot,
    text_of,
)

CHINESE_USER, ENGLISH_USER = "U0ZHANG", "U0SMITH"
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
async def bot() -> AsyncIterator[RunningBot]:
    clock = ManualClock(datetime.now(UTC))
    fast = {"KAFKA_TASKS_POLL_FAST": "1", "KAFKA_TASKS_POLL_SLOW": "1"}
    async with running_bot(clock=clock, extra=fast) as running:
        running.slack.set_user(CHINESE_USER, locale="zh-CN", tz="Asia/Shanghai")
        running.slack.set_user(ENGLISH_USER, locale="en-US")
        yield running


async def ask(bot: RunningBot, text: str, *, user: str, name: str) -> Call:
    reply = await bot.sender.slash(text, user=user, response_url=bot.slack.response_url(name))
    assert reply.status_code == 200
    return await final_response(bot.slack, name)


def labels(call: Call) -> list[str]:
    return [str(b["text"]["text"]) for found in buttons_of(call).values() for b in found]


async def test_a_chinese_locale_user_gets_a_chinese_answer_to_a_chinese_command(
    bot: RunningBot,
) -> None:
    answer = await ask(bot, "prod-orders 最近6小时", user=CHINESE_USER, name="zh")
    text = text_of(answer)
    assert "prod-orders" in text
    assert "过去 6 小时" in text
    assert "个任务" in text
    assert "last 6h" not in text
    # The buttons speak Chinese too, and still do what they do in English.
    assert "刷新" in labels(answer)
    assert actions.REFRESH in buttons_of(answer)


async def test_the_same_command_in_english_gives_the_same_tasks_in_english(
    bot: RunningBot,
) -> None:
    chinese = await ask(bot, "prod-orders 最近6小时 失败", user=ENGLISH_USER, name="en-zh")
    english = await ask(bot, "prod-orders last 6h status failed", user=ENGLISH_USER, name="en")
    # The locale decides the language, not the words typed.
    assert not HAN.search(text_of(english))
    task_ids = {str(b["value"]) for b in buttons_of(english).get(actions.DETAILS, [])}
    assert task_ids == {str(b["value"]) for b in buttons_of(chinese).get(actions.DETAILS, [])}


async def test_a_bad_command_is_explained_in_the_askers_language(bot: RunningBot) -> None:
    chinese = text_of(await ask(bot, "prod-orders 最近1小", user=CHINESE_USER, name="bad-zh"))
    assert HAN.search(chinese)
    assert "“1小”" in chinese  # quoted as typed
    assert "试试“最近" in chinese  # with a Chinese command to try instead
    english = text_of(await ask(bot, "prod-orders last 1hr", user=ENGLISH_USER, name="bad-en"))
    assert not HAN.search(english)
    assert "last 1h" in english


async def test_notifications_speak_the_language_their_subscription_asked_for(
    bot: RunningBot,
) -> None:
    # An English speaker subscribes the channel in Chinese: the setting wins.
    confirmed = text_of(
        await ask(bot, "订阅 prod-orders 全部 语言 中文", user=ENGLISH_USER, name="sub")
    )
    assert "prod-orders" in confirmed
    iid = bot.sim.state.find_instances("prod-orders", exact=True)[0].instance_id
    store = Store.open(bot.database_url)
    try:
        assert [s.language for s in store.subscriptions.in_channel.sync("C123")] == ["zh"]
        deadline = time.monotonic() + 30
        while not store.polling.has_baseline.sync(iid):
            assert time.monotonic() < deadline, "no baseline poll"
            await asyncio.sleep(0.1)
    finally:
        store.close()
    assert isinstance(bot.sim.clock, ManualClock)
    bot.sim.clock.advance(timedelta(days=1))
    # What the channel sees: wait (bounded) for the notifications to reach Slack.
    posted = await posted_in(bot, "C123")
    for call in posted:
        assert HAN.search(text_of(call)), text_of(call)


async def posted_in(bot: RunningBot, channel: str, *, within: float = 30) -> list[Call]:
    deadline = time.monotonic() + within
    while True:
        calls = bot.slack.calls_to("chat.postMessage", ok=True)
        posted = [c for c in calls if c.args["channel"] == channel]
        if posted:
            return posted
        assert time.monotonic() < deadline, f"nothing was posted in {channel} in {within:.0f} s"
        await asyncio.sleep(0.1)
