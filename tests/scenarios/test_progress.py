"""Progress of a running scale-out end to end: the real bot, the simulator's demo
scale-out on prod-orders (20 min into its hour when the clock starts), a clock the test
moves, and the fake Slack reading what was posted and edited."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

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

FAST = {
    "KAFKA_TASKS_POLL_FAST": "1",
    "KAFKA_TASKS_POLL_SLOW": "1",
    "KAFKA_TASKS_PROGRESS_EVERY": "1",
}
CHANNEL, CHINESE_USER = "C123", "U0ZHANG"
BAR = re.compile(r"`[▓░]{10}` (\d{1,3})%")


@pytest.fixture
async def bot() -> AsyncIterator[RunningBot]:
    clock = ManualClock(datetime.now(UTC))
    async with running_bot(clock=clock, extra=FAST) as running:
        running.slack.set_user(CHINESE_USER, locale="zh-CN", tz="Asia/Shanghai")
        yield running


async def until(check: Callable[[], Any], *, what: str) -> Any:
    deadline = time.monotonic() + 30
    while True:
        result = await asyncio.to_thread(check)
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


def percents(text: str) -> list[int]:
    return [int(p) for p in BAR.findall(text)]


def sim_clock(bot: RunningBot) -> ManualClock:
    assert isinstance(bot.sim.clock, ManualClock)
    return bot.sim.clock


async def test_an_answer_and_its_details_show_the_scale_out_in_both_languages(
    bot: RunningBot,
) -> None:
    await bot.sender.slash("prod-orders last 1h", response_url=bot.slack.response_url("en"))
    answer = await final_response(bot.slack, "en")
    text = text_of(answer)
    # 20 minutes into an hour, in its disk expansion, 40 minutes to go.
    [percent] = percents(text)
    assert 30 <= percent <= 40
    assert "disk expansion" in text
    assert re.search(r"about (39|40) min left", text)
    # Details of the scale-out's row: the bar, and each step with its state.
    [details] = [
        b
        for b in buttons_of(answer)[actions.DETAILS]
        if "Scale instance" in _row_of(answer, b["value"])
    ]
    await bot.sender.action(
        actions.DETAILS, details["value"], ephemeral=True, response_url=bot.slack.response_url("d")
    )
    shown = text_of(await final_response(bot.slack, "d"))
    assert percents(shown)
    assert "✓ pre-check → ▶ disk expansion → ○ post-check" in shown

    await bot.sender.slash(
        "prod-orders 最近1小时", user=CHINESE_USER, response_url=bot.slack.response_url("zh")
    )
    chinese = text_of(await final_response(bot.slack, "zh"))
    assert percents(chinese)
    assert "磁盘扩容" in chinese
    assert re.search(r"约剩 (39|40) 分钟", chinese)


def _row_of(answer: Call, value: str) -> str:
    for block in answer.args.get("blocks") or []:
        if (block.get("accessory") or {}).get("value") == value:
            return str(block["text"]["text"])
    return ""


async def test_a_followed_parent_is_edited_as_the_scale_out_moves_then_ends(
    bot: RunningBot,
) -> None:
    ts = "1700000000.000700"
    await bot.sender.mention("<@U0BOT> prod-orders last 1h", ts=ts)
    [answer] = await bot.slack.wait_for("chat.postMessage", 1)
    [first] = percents(text_of(answer))
    iid = bot.sim.state.find_instances("prod-orders", exact=True)[0].instance_id
    store = Store.open(bot.database_url)
    try:
        [thread] = await until(
            lambda: store.threads.for_instance.sync(iid), what="the followed thread"
        )
        # The answer, posted in the mention's thread: the message its edits name.
        parent = thread.message_ts
        # The watcher has looked at the scale-out once (what the answer shows) ...
        asked = bot.sim.stats.count("show_progress")
        await until(
            lambda: bot.sim.stats.count("show_progress") > asked, what="the watcher's first look"
        )
        assert not bot.slack.calls_to("chat.update"), "no edit while nothing moved"
        # ... then 15 minutes pass: the parent is edited with the new percent.
        sim_clock(bot).advance(timedelta(minutes=15))

        def moved() -> list[int]:
            edits = [c for c in bot.slack.calls_to("chat.update") if c.args["ts"] == parent]
            return [p for c in edits for p in percents(text_of(c))]

        later = await until(moved, what="the parent edited with the new progress")
        assert max(later) >= first + 20

        # The scale-out ends: a reply in the thread, and the parent without a bar.
        sim_clock(bot).advance(timedelta(hours=1))
        replies = await until(lambda: _replies(bot, ts, parent), what="the thread reply")
        assert all("Succeeded" in str(reply["text"]) for reply in replies)

        def final_parent() -> str:
            edits = [c for c in bot.slack.calls_to("chat.update") if c.args["ts"] == parent]
            last = text_of(edits[-1]) if edits else ""
            return last if edits and not percents(last) and "Scale instance" in last else ""

        assert "disk expansion" not in await until(final_parent, what="the parent without bar")
    finally:
        store.close()


def _replies(bot: RunningBot, ts: str, parent: str) -> list[dict[str, Any]]:
    """The replies about the scale-out in the thread (other followed tasks end too), the
    answer it follows (its parent) aside."""
    return [
        m
        for m in bot.slack.replies(CHANNEL, ts)
        if m["ts"] not in (ts, parent) and "Scale instance" in str(m["text"])
    ]
