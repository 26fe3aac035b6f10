"""Subscriptions and status threads end to end: the real bot, the simulator on a clock
the test moves, and the fake Slack reading what was posted."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.adapters.store.store import Store
from bot.i18n.labels import task_label
from bot.simulator import ManualClock
from tests.scenarios.slack_harness import RunningBot, final_response, running_bot, text_of

FAST = {"KAFKA_TASKS_POLL_FAST": "1", "KAFKA_TASKS_POLL_SLOW": "1"}


@pytest.fixture
async def bot() -> AsyncIterator[RunningBot]:
    clock = ManualClock(datetime.now(UTC))
    async with running_bot(clock=clock, extra=FAST) as running:
        yield running


async def until(check: Callable[[], Any], *, what: str = "") -> Any:
    """Polls ``check`` (in a thread: it may use the store) until it is truthy, or 30 s."""
    deadline = time.monotonic() + 30
    while True:
        result = await asyncio.to_thread(check)
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        await asyncio.sleep(0.1)


async def slash(bot: RunningBot, text: str, name: str) -> str:
    await bot.sender.slash(text, response_url=bot.slack.response_url(name))
    return text_of(await final_response(bot.slack, name))


def instance_id(bot: RunningBot, name: str) -> str:
    return bot.sim.state.find_instances(name, exact=True)[0].instance_id


async def test_subscribe_confirms_updates_lists_and_unsubscribes(bot: RunningBot) -> None:
    first = await slash(bot, "subscribe prod-orders failed", "s1")
    assert "prod-orders" in first
    assert "FAILED" in first or "fail" in first.lower()
    again = await slash(bot, "subscribe prod-orders all name restart*", "s2")
    assert "Updated" in again
    assert "restart*" in again
    listed = await slash(bot, "subscriptions", "s3")
    assert "prod-orders" in listed
    # The maker by their Slack name, not a <@U…> mention that would ping them.
    assert "user.u123" in listed
    assert "<@U123>" not in listed
    store = Store.open(bot.database_url)
    try:
        subs = store.subscriptions.in_channel.sync("C123")
        assert len(subs) == 1
        assert (subs[0].scope, subs[0].name_glob) == ("all", "restart*")
        gone = await slash(bot, "unsubscribe prod-orders", "s4")
        assert "prod-orders" in gone
        assert store.subscriptions.in_channel.sync("C123") == []
    finally:
        store.close()


async def test_every_task_that_finishes_is_posted_once(bot: RunningBot) -> None:
    await slash(bot, "subscribe prod-orders all", "sub")
    iid = instance_id(bot, "prod-orders")
    store = Store.open(bot.database_url)
    try:
        await until(lambda: store.polling.has_baseline.sync(iid), what="the baseline poll")
        running = {
            t
            for t, s in store.polling.task_states.sync(iid).items()
            if s in ("CREATED", "EXECUTING")
        }
        assert running, "the demo data has tasks in progress"
        assert isinstance(bot.sim.clock, ManualClock)
        bot.sim.clock.advance(timedelta(days=1))
        timeline = {t.id: t for t in bot.sim.state.timeline(iid) or ()}
        now = bot.sim.clock.now()
        finished = {
            t for t in running if timeline[t].status_at(now) not in ("CREATED", "EXECUTING")
        }
        assert finished == running

        def delivered() -> bool:
            rows = store.outbox.pending_for.sync("C123")
            keys = {f"sub:C123:{t}:{timeline[t].status_at(now)}" for t in finished}
            return not rows and keys <= _posted_keys(bot)

        await until(delivered, what="every finished task delivered")
        # A few more cycles: nothing is posted twice.
        await asyncio.sleep(2.5)
        posts = [c for c in bot.slack.calls_to("chat.postMessage") if c.args["channel"] == "C123"]
        keys = [c.args["metadata"]["event_payload"]["key"] for c in posts]
        assert len(keys) == len(set(keys))
        mentioned = "\n".join(text_of(c) for c in posts)
        for task_id in finished:
            # Named as people read it ("Enable public IP" for bindInstancePublicIp).
            assert task_label(timeline[task_id].name, "en") in mentioned
    finally:
        store.close()


def _posted_keys(bot: RunningBot) -> set[str]:
    """The outbox keys Slack has messages for (a digest names every row it covers)."""
    found: set[str] = set()
    for call in bot.slack.calls_to("chat.postMessage", ok=True):
        meta = (call.args.get("metadata") or {}).get("event_payload") or {}
        found.add(str(meta.get("key")))
        found.update(k for k in str(meta.get("covers") or "").split(",") if k)
    return found


async def test_running_tasks_in_a_visible_answer_are_followed_in_its_thread(
    bot: RunningBot,
) -> None:
    await bot.sender.mention("<@U0BOT> prod-orders last 6h", ts="1700000000.000500")
    [answer] = await bot.slack.wait_for("chat.postMessage", 1)
    iid = instance_id(bot, "prod-orders")
    store = Store.open(bot.database_url)
    try:
        [thread] = await until(
            lambda: store.threads.for_instance.sync(iid), what="the thread to be followed"
        )
        followed = store.threads.tasks.sync(thread.id)
        assert followed
        assert isinstance(bot.sim.clock, ManualClock)
        bot.sim.clock.advance(timedelta(days=1))

        def replies() -> list[dict[str, Any]]:
            found = bot.slack.replies("C123", "1700000000.000500")
            bot_replies = [m for m in found if m["ts"] != answer.args.get("ts")]
            return bot_replies if len(bot_replies) >= len(followed) + 1 else []

        posted = await until(replies, what="a thread reply per followed task")
        texts = "\n".join(str(m.get("text")) for m in posted)
        timeline = {t.id: t for t in bot.sim.state.timeline(iid) or ()}
        for task_id in followed:
            assert task_label(timeline[task_id].name, "en") in texts
        # The parent summary was edited to match.
        assert await bot.slack.wait_for("chat.update", 1)
    finally:
        store.close()


async def test_the_subscribe_button_on_an_answer_subscribes_the_channel(bot: RunningBot) -> None:
    from bot.core import actions
    from tests.scenarios.slack_harness import buttons_of

    await bot.sender.slash("prod-orders last 1h", response_url=bot.slack.response_url("a"))
    answer = await final_response(bot.slack, "a")
    [button] = buttons_of(answer)[actions.SUBSCRIBE]
    await bot.sender.action(
        actions.SUBSCRIBE,
        button["value"],
        ephemeral=True,
        response_url=bot.slack.response_url("sub"),
    )
    confirmed = text_of(await final_response(bot.slack, "sub"))
    assert "prod-orders" in confirmed
    store = Store.open(bot.database_url)
    try:
        [sub] = store.subscriptions.in_channel.sync("C123")
        assert (sub.instance_name, sub.scope, sub.created_by) == ("prod-orders", "failed", "U123")
    finally:
        store.close()
