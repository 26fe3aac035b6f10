"""Access rules hold when a notification is delivered, not only when it was set up.

A channel subscribes while the rules allow it; the bot restarts with rules that forbid
it (a deploy with a new kafka-tasks.toml): the channel is told once that the
subscription is paused, `subscriptions` shows it paused, and nothing about the
instance is posted there. Restarted with rules that allow it again, the channel is told
it resumed and gets the tasks that finish from then on. One simulator outlives the
three runs, as the cloud outlives a deploy; the store is the same file.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.adapters.store.store import Store
from bot.simulator import ManualClock, Simulator, SimulatorConfig
from tests.fakes.slack import Call
from tests.scenarios.slack_harness import RunningBot, final_response, running_bot, text_of

PAY = "C0PAY"
ALICE = "U0ALICE"
FAST = {"KAFKA_TASKS_POLL_FAST": "1", "KAFKA_TASKS_POLL_SLOW": "1"}
DENY_PAY = f"""
[access]
default = "allow"

[[access.rules]]
description = "the ledger stays out of the payments channel"
effect = "deny"
channels = ["{PAY}"]
instances = ["pay-ledger"]
"""


def rules(tmp_path: Path, name: str, text: str) -> dict[str, str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return {**FAST, "KAFKA_TASKS_CONFIG": str(path)}


async def ask(bot: RunningBot, text: str, name: str) -> str:
    reply = await bot.sender.slash(
        text, user=ALICE, channel=PAY, response_url=bot.slack.response_url(name)
    )
    assert reply.status_code == 200
    return text_of(await final_response(bot.slack, name))


def posts_in(bot: RunningBot, channel: str) -> list[Call]:
    return [
        c for c in bot.slack.calls_to("chat.postMessage", ok=True) if c.args["channel"] == channel
    ]


async def until(condition_met: object, what: str, *, within: float = 30) -> None:
    assert callable(condition_met)
    deadline = time.monotonic() + within
    while not condition_met():
        assert time.monotonic() < deadline, f"waited {within:.0f} s for {what}"
        await asyncio.sleep(0.05)


def terminal_ids(store: Store, instance_id: str) -> set[str]:
    done = {"SUCCESS", "FAILED", "CANCELLED", "DELETED"}
    return {
        task
        for task, status in store.polling.task_states.sync(instance_id).items()
        if status in done
    }


async def test_a_subscription_the_rules_now_forbid_is_paused_then_resumes(tmp_path: Path) -> None:
    clock = ManualClock(datetime.now(UTC))
    db = f"sqlite:///{tmp_path}/bot.db"
    async with Simulator(SimulatorConfig(), clock=clock) as sim:
        iid = sim.state.add_instance("pay-ledger", task_count=5, running=6)
        timeline = sim.state.timeline(iid)
        assert timeline is not None
        running = sorted(
            (t for t in timeline if t.finished_at > clock.now()), key=lambda t: t.finished_at
        )
        first, rest = running[:3], running[3:]
        store = Store.open(db)
        try:
            # Allowed: the channel subscribes, and the instance gets its baseline.
            async with running_bot(simulator=sim, database_url=db, extra=FAST) as bot:
                confirmed = await ask(bot, "subscribe pay-ledger all", "sub")
                assert "pay-ledger" in confirmed
                await until(lambda: store.polling.has_baseline.sync(iid), "the baseline poll")

            # Forbidden: told once, listed as paused, and silent while tasks finish.
            denied = rules(tmp_path, "deny.toml", DENY_PAY)
            async with running_bot(simulator=sim, database_url=db, extra=denied) as bot:
                await until(lambda: posts_in(bot, PAY), "the paused notice")
                [notice] = posts_in(bot, PAY)
                assert "paused" in text_of(notice)
                assert "pay-ledger" in text_of(notice)
                listed = await ask(bot, "subscriptions", "list")
                assert "paused: the access rules no longer allow it" in listed
                clock.set(first[-1].finished_at + timedelta(seconds=1))
                ended = {t.id for t in first}
                await until(lambda: ended <= terminal_ids(store, iid), "the polls to see them end")
                await asyncio.sleep(1.5)  # a delivery round or more
                assert posts_in(bot, PAY) == [notice]  # nothing about the tasks
                assert store.outbox.depth.sync() == 0
                [paused] = store.subscriptions.in_channel.sync(PAY)
                assert paused.paused

            # Allowed again: told it resumed; what ends from now on is posted.
            async with running_bot(simulator=sim, database_url=db, extra=FAST) as bot:
                await until(lambda: posts_in(bot, PAY), "the resumed notice")
                assert "back on" in text_of(posts_in(bot, PAY)[0])
                clock.set(rest[-1].finished_at + timedelta(seconds=1))
                await until(lambda: len(posts_in(bot, PAY)) >= 1 + len(rest), "the notifications")
                await asyncio.sleep(1.5)
                posted = " ".join(text_of(c) for c in posts_in(bot, PAY)[1:])
                assert len(posts_in(bot, PAY)) == 1 + len(rest)
                assert "paused" not in posted
                [resumed] = store.subscriptions.in_channel.sync(PAY)
                assert not resumed.paused
        finally:
            store.close()
