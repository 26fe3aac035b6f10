"""Snooze from a notification, end to end: the real bot on a clock the test moves, the
simulator's tasks finishing when told, and signed presses from the fake Slack.

While a channel's notifications about an instance are snoozed, what finishes is held
(queued, not dropped) and arrives as one message when the snooze ends or is undone,
once. The same across a SIGKILL: ``test_a_snooze_across_a_sigkill_delivers_once``.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.adapters.store.store import Store
from bot.core import actions
from bot.core.actions import SnoozeRef
from bot.core.quiet import snooze_hold
from bot.simulator.model import TaskRecord
from tests.scenarios.process_harness import HeldSlack, bot_process, simulator_process
from tests.scenarios.process_harness import until as until_async
from tests.scenarios.quiet_support import (
    CHANNEL,
    Watched,
    elements,
    key_of,
    message_text,
    notifications,
    posted_keys,
    posted_message,
    until,
    watched_bot,
)
from tests.scenarios.slack_harness import BOT_TOKEN, final_response, running_bot, text_of
from tests.scenarios.test_crash_exactly_once import baseline_running, drained_and_quiet, subscribe


async def _subscribed(
    watched: Watched, name: str, running: int
) -> tuple[str, list[TaskRecord], Store]:
    iid, tasks = watched.add_instance(name, running)
    bot = watched.bot
    await bot.sender.slash(f"subscribe {name} all", response_url=bot.slack.response_url("sub"))
    assert name in text_of(await final_response(bot.slack, "sub"))
    store = Store.open(bot.database_url)
    await until(lambda: store.polling.has_baseline.sync(iid), what="the baseline poll")
    return iid, tasks, store


async def _first_notification(watched: Watched, first: TaskRecord) -> dict[str, Any]:
    """Finishes the instance's first task; the notification the channel got for it."""
    watched.sim_clock.set(first.finished_at + timedelta(seconds=1))
    bot = watched.bot
    await until(lambda: notifications(bot), what="the first notification")
    return posted_message(bot, key_of(first))


async def _press_snooze(watched: Watched, notice: dict[str, Any], choice: str) -> dict[str, Any]:
    """Chooses ``choice`` in the notification's snooze menu; the channel's announcement."""
    [menu] = elements(notice, "static_select")
    assert menu["action_id"] == actions.SNOOZE
    [option] = [o for o in menu["options"] if json.loads(o["value"])["s"] == choice]
    bot = watched.bot
    before = len(bot.slack.messages(CHANNEL))
    await bot.sender.action(
        actions.SNOOZE,
        option["value"],
        channel=CHANNEL,
        message=notice,
        menu=True,
        response_url=bot.slack.response_url("snooze"),
    )
    await until(lambda: len(bot.slack.messages(CHANNEL)) > before, what="the snooze announcement")
    return bot.slack.messages(CHANNEL)[-1]


async def test_finished_tasks_are_held_while_snoozed_and_come_as_one_message_at_its_end() -> None:
    async with watched_bot() as watched:
        bot = watched.bot
        iid, tasks, store = await _subscribed(watched, "snooze-orders", 6)
        try:
            first, rest = tasks[0], tasks[1:]
            notice = await _press_snooze(watched, await _first_notification(watched, first), "1h")
            said = message_text(notice)
            # The channel is told who snoozed what until when, with Undo.
            assert "<@U123>" in said
            assert "snoozed" in said
            assert "snooze-orders" in said
            assert [b["action_id"] for b in elements(notice, "button")] == [actions.UNSNOOZE]
            await bot.sender.slash("subscriptions", response_url=bot.slack.response_url("list"))
            assert "snoozed until" in text_of(await final_response(bot.slack, "list"))

            # Everything else finishes while snoozed: held, not posted, not dropped.
            watched.sim_clock.set(rest[-1].finished_at + timedelta(seconds=1))
            held = {key_of(t) for t in rest}

            def all_held() -> bool:
                pending = store.outbox.pending_for.sync(CHANNEL)
                return {p.key for p in pending if p.hold == snooze_hold(iid)} == held

            await until(all_held, what="the finished tasks held")
            await asyncio.sleep(2.5)
            assert posted_keys(bot) == [key_of(first)]

            # The snooze ends: one message for everything it held, once.
            watched.clock.move(timedelta(hours=1, minutes=1))
            await until(lambda: set(posted_keys(bot)) >= held, what="the held tasks")
            await asyncio.sleep(2.5)
            calls = notifications(bot)
            assert len(calls) == 2, [text_of(c) for c in calls]
            assert sorted(posted_keys(bot)) == sorted([key_of(first), *held])
            assert "Held while notifications were snoozed" in text_of(calls[-1])
            assert len(elements(calls[-1], "static_select")) == 1
            assert store.outbox.pending_for.sync(CHANNEL) == []
        finally:
            store.close()


async def test_undo_ends_the_snooze_and_what_it_held_comes_at_once() -> None:
    async with watched_bot() as watched:
        bot = watched.bot
        _, tasks, store = await _subscribed(watched, "undo-orders", 5)
        try:
            first, rest = tasks[0], tasks[1:]
            notice = await _press_snooze(
                watched, await _first_notification(watched, first), "morning"
            )
            [snooze] = store.snoozes.in_channel.sync(CHANNEL, datetime.now(UTC))
            assert snooze.until - datetime.now(UTC) > timedelta(hours=8)
            watched.sim_clock.set(rest[-1].finished_at + timedelta(seconds=1))
            held = {key_of(t) for t in rest}

            def all_held() -> bool:
                return {p.key for p in store.outbox.pending_for.sync(CHANNEL)} == held

            await until(all_held, what="the finished tasks held")
            [undo] = elements(notice, "button")
            await bot.sender.action(
                actions.UNSNOOZE,
                undo["value"],
                channel=CHANNEL,
                message=notice,
                response_url=bot.slack.response_url("undo"),
            )
            await until(lambda: set(posted_keys(bot)) >= held, what="the held tasks after Undo")
            # The announcement now says who ended it; the snooze is gone.
            edited = message_text(bot.slack.message(CHANNEL, notice["ts"]))
            assert "ended the snooze" in edited
            assert store.snoozes.in_channel.sync(CHANNEL, datetime.now(UTC)) == []
            await asyncio.sleep(2.5)
            assert len(notifications(bot)) == 2
            assert sorted(posted_keys(bot)) == sorted([key_of(first), *held])
        finally:
            store.close()


async def test_a_snooze_across_a_sigkill_delivers_the_held_tasks_once_at_its_end(
    tmp_path: Path,
) -> None:
    channel = "C_SNOOZE"
    database_url = f"sqlite:///{tmp_path / 'bot.db'}"
    async with simulator_process(tmp_path) as sim, HeldSlack(bot_token=BOT_TOKEN) as slack:
        instance_id = await sim.add_instance("snoozed-orders", tasks=0, span_hours=1, running=4)
        store = await asyncio.to_thread(Store.open, database_url)
        try:
            await asyncio.to_thread(subscribe, store, channel, instance_id, "snoozed-orders")
            async with bot_process(
                tmp_path,
                sim_url=sim.url,
                slack_api_url=slack.api_url,
                database_url=database_url,
                extra={"KAFKA_TASKS_POLL_FAST": "1", "KAFKA_TASKS_POLL_SLOW": "1"},
            ) as bot:
                await bot.start()
                running = await baseline_running(store, instance_id)
                assert len(running) == 4
                # The process keeps real time: a snooze that ends 20 s from now.
                ends = datetime.now(UTC) + timedelta(seconds=20)
                ends_at = time.monotonic() + 20
                await store.snoozes.snooze(channel, instance_id, ends, "U123")
                await sim.advance(timedelta(hours=3, minutes=15).total_seconds())
                keys = {f"sub:{channel}:{task}:" for task in running}

                async def held() -> bool:
                    pending = await store.outbox.pending_for(channel)
                    return len([p for p in pending if p.hold]) == len(running)

                await until_async(held, what="the finished tasks held", alive=bot.child.check_alive)
                await bot.kill()
                assert datetime.now(UTC) < ends, "the kill came after the snooze ended"
                assert slack.calls_to("chat.postMessage") == []
                await bot.start()
                await drained_and_quiet(store, slack, bot)
                logs = bot.log_tails()
        finally:
            await asyncio.to_thread(store.close)

    [post] = slack.calls_to("chat.postMessage", ok=True)
    assert post.at >= ends_at - 0.5, logs
    covers = str(post.args["metadata"]["event_payload"]["covers"]).split(",")
    assert len(covers) == len(set(covers)) == len(running), logs
    assert {k.rsplit(":", 1)[0] + ":" for k in covers} == keys, logs


RULES = """
[access]
default = "deny"

[[access.rules]]
description = "anyone may look at orders in the lobby"
channels = ["C0LOBBY"]
actions = ["query"]

[[access.rules]]
description = "on-call may subscribe anywhere"
users = ["U0CAROL"]
actions = ["subscribe"]
"""


async def test_a_snooze_is_judged_at_the_press_as_subscribing_there(tmp_path: Path) -> None:
    config = tmp_path / "kafka-tasks.toml"
    config.write_text(RULES, encoding="utf-8")
    async with running_bot(extra={"KAFKA_TASKS_CONFIG": str(config)}) as bot:
        for user in ("U0BOB", "U0CAROL"):
            bot.slack.set_user(user)
        [instance] = bot.sim.state.find_instances("prod-orders", exact=True)
        value = SnoozeRef(instance.instance_id, "prod-orders", "1h").encode()
        store = Store.open(bot.database_url)
        try:
            # Bob may look at orders in the lobby, not subscribe it: refused, to him alone.
            await bot.sender.action(
                actions.SNOOZE,
                value,
                user="U0BOB",
                channel="C0LOBBY",
                menu=True,
                response_url=bot.slack.response_url("bob"),
            )
            refused = text_of(await final_response(bot.slack, "bob"))
            assert "snoozed" not in refused
            assert store.snoozes.in_channel.sync("C0LOBBY", datetime.now(UTC)) == []
            assert bot.slack.messages("C0LOBBY") == []
            # Carol may: the lobby is told.
            await bot.sender.action(
                actions.SNOOZE,
                value,
                user="U0CAROL",
                channel="C0LOBBY",
                menu=True,
                response_url=bot.slack.response_url("carol"),
            )
            [snooze] = await until(
                lambda: store.snoozes.in_channel.sync("C0LOBBY", datetime.now(UTC)),
                what="Carol's snooze",
            )
            assert snooze.by_user == "U0CAROL"
            await until(lambda: bot.slack.messages("C0LOBBY"), what="the lobby told")
            assert "<@U0CAROL>" in message_text(bot.slack.messages("C0LOBBY")[-1])
        finally:
            store.close()
