"""Exactly once through crashes: the bot as a process, SIGKILLed at random moments.

The issue's test: 200 task transitions, the bot killed with SIGKILL at least five
times at random moments and restarted each time, and every finished task notified
exactly once. Everything the bot posted, in every one of its lives, reaches the same
fake Slack in this process, so a duplicate made before a kill is still counted.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.adapters.dms.client import DmsClient
from bot.adapters.store.store import Store
from bot.core.grammar.window import TimeWindow
from bot.core.records import Subscription
from tests.scenarios.process_harness import (
    BotProcess,
    HeldSlack,
    bot_process,
    simulator_process,
    until,
)
from tests.scenarios.slack_harness import BOT_TOKEN

SEED = 20261127
RUNNING = 200
STEPS = 10
# A bulk instance's running tasks end 2 min to 3 h after it is added (plus the second
# or two some take to start): ten steps of 19 minutes cover all of them.
STEP = timedelta(minutes=19)
KILLS = 6
IN_PROGRESS = frozenset({"CREATED", "EXECUTING"})
# Polls every second so a step takes seconds. DIGEST_AFTER: more tasks than this
# finishing in one poll are folded into one digest message, whose metadata carries one
# outbox key for all of them; under it every finished task is its own message with its
# own key, which is what lets "each task exactly once" be counted. 40 is the most the
# settings accept (KAFKA_TASKS_DIGEST_AFTER=1000 stops the bot at start-up), and no
# step here finishes more than that (checked below).
DIGEST_AFTER = 40
WATCH_ENV = {
    "KAFKA_TASKS_POLL_FAST": "1",
    "KAFKA_TASKS_POLL_SLOW": "1",
    "KAFKA_TASKS_DIGEST_AFTER": str(DIGEST_AFTER),
}
# No new post for this long after the outbox is empty: the bot has nothing left to say.
QUIET_S = 3.0
# What the delivery logs when a restart finds a row's message already in Slack.
SKIPPED = "was posted before a restart"


def subscribe(store: Store, channel: str, instance_id: str, name: str) -> None:
    # Straight into the store: the subscribe command has its own tests; here it would
    # only add a Slack round trip before the part under test.
    store.subscriptions.upsert.sync(
        Subscription(
            channel=channel,
            instance_id=instance_id,
            instance_name=name,
            scope="all",
            name_glob=None,
            created_by="U123",
            created_at=datetime.now(UTC),
        )
    )


def posted_keys(slack: HeldSlack, channel: str) -> list[str]:
    """The outbox key of every message Slack accepted for ``channel``, repeats kept."""
    return [
        str(call.args["metadata"]["event_payload"]["key"])
        for call in slack.calls_to("chat.postMessage", ok=True)
        if call.args.get("channel") == channel
    ]


def button_values(blocks: list[dict[str, Any]]) -> Iterator[str]:
    for block in blocks:
        for element in [block.get("accessory"), *(block.get("elements") or [])]:
            if isinstance(element, dict) and "value" in element:
                yield str(element["value"])


async def baseline_running(store: Store, instance_id: str) -> set[str]:
    """Waits for the bot's first look at the instance; the tasks it saw in progress."""

    async def recorded() -> bool:
        return await store.polling.has_baseline(instance_id)

    await until(recorded, what="the baseline poll")
    states = await store.polling.task_states(instance_id)
    return {task_id for task_id, status in states.items() if status in IN_PROGRESS}


async def drained_and_quiet(store: Store, slack: HeldSlack, bot: BotProcess) -> None:
    """Until the outbox is empty and no post has arrived for QUIET_S seconds."""

    async def empty() -> bool:
        return await store.outbox.depth() == 0

    await until(empty, what="an empty outbox", alive=bot.child.check_alive)
    deadline = time.monotonic() + 30
    while True:
        seen = len(slack.calls_to("chat.postMessage"))
        await asyncio.sleep(QUIET_S)
        if len(slack.calls_to("chat.postMessage")) == seen:
            return
        if time.monotonic() > deadline:
            raise AssertionError("the bot kept posting after its outbox was empty")


async def terminal_statuses(dms: DmsClient, instance_id: str, ids: set[str]) -> dict[str, str]:
    """Each task's status as DMS gives it, one signed GET per task."""
    gate = asyncio.Semaphore(16)

    async def one(task_id: str) -> tuple[str, str]:
        async with gate:
            task = await dms.get_task(instance_id, task_id)
        assert task.terminal, f"task {task_id} is still {task.status}"
        return task_id, task.status

    return dict(await asyncio.gather(*(one(t) for t in sorted(ids))))


@dataclass(frozen=True)
class Kill:
    step: int
    moment: str
    life: int
    at_s: float
    # Of the tasks the step finished: how many the outbox held, and Slack had, when
    # the process died; shows whether the kill hit before, in or after the poll.
    queued_in_step: int
    posted_in_step: int
    due_in_step: int

    def __str__(self) -> str:
        return (
            f"step {self.step + 1} at {self.at_s:5.1f} s: life {self.life} killed "
            f"{self.moment}; of the step's {self.due_in_step} finished tasks "
            f"{self.queued_in_step} queued, {self.posted_in_step} posted"
        )


def plan_kills(rng: random.Random) -> dict[int, str]:
    """Which steps get a kill, and when: right after the clock moves (the poll may be
    running, or not started) or in the middle of the step's deliveries."""
    steps = sorted(rng.sample(range(STEPS), KILLS))
    moments = ["after advance", "mid-delivery"] * (KILLS // 2)
    rng.shuffle(moments)
    return dict(zip(steps, moments, strict=True))


async def test_sigkill_at_random_moments_every_finished_task_is_notified_once(
    tmp_path: Path,
) -> None:
    channel = "C_CRASH"
    rng = random.Random(SEED)
    plan = plan_kills(rng)
    database_url = f"sqlite:///{tmp_path / 'bot.db'}"
    async with simulator_process(tmp_path) as sim, HeldSlack(bot_token=BOT_TOKEN) as slack:
        # A few finished tasks beside the running ones: history the bot must not replay.
        instance_id = await sim.add_instance(
            "crash-orders", tasks=5, span_hours=24, running=RUNNING
        )
        added_at = await sim.now()
        store = await asyncio.to_thread(Store.open, database_url)
        try:
            await asyncio.to_thread(subscribe, store, channel, instance_id, "crash-orders")
            async with (
                bot_process(
                    tmp_path,
                    sim_url=sim.url,
                    slack_api_url=slack.api_url,
                    database_url=database_url,
                    extra=WATCH_ENV,
                ) as bot,
                sim.dms() as dms,
            ):
                started = time.monotonic()
                await bot.start()
                running = await baseline_running(store, instance_id)
                assert len(running) == RUNNING, f"{len(running)} tasks in progress at baseline"
                # The running tasks were created at most 40 minutes before the instance.
                window = TimeWindow(
                    begin=added_at - timedelta(hours=1),
                    end=added_at + timedelta(minutes=1),
                    label="the running tasks",
                    zone="UTC",
                    ends_now=False,
                )
                kills: list[Kill] = []
                due: set[str] = set()

                async def delivered() -> bool:
                    return due <= set(posted_keys(slack, channel))

                async def crash(step: int, moment: str, step_due: set[str]) -> None:
                    life = await bot.kill()
                    posted = step_due & set(posted_keys(slack, channel))
                    pending = await store.outbox.pending_for(channel)
                    queued = posted | {item.key for item in pending}
                    kill = Kill(
                        step=step,
                        moment=moment,
                        life=life.number,
                        at_s=time.monotonic() - started,
                        queued_in_step=len(step_due & queued),
                        posted_in_step=len(posted),
                        due_in_step=len(step_due),
                    )
                    kills.append(kill)
                    print(kill)
                    await bot.start()

                for step in range(STEPS):
                    posts_before = len(slack.calls_to("chat.postMessage", ok=True))
                    await sim.advance(STEP.total_seconds())
                    listing = await dms.list_tasks(instance_id, window, fresh=True)
                    step_due = {
                        f"sub:{channel}:{t.id}:{t.status}"
                        for t in listing.tasks
                        if t.id in running and t.terminal
                    } - due
                    due |= step_due
                    assert len(step_due) <= DIGEST_AFTER, (
                        f"step {step + 1} finishes {len(step_due)} tasks: they would be one digest"
                    )
                    moment = plan.get(step)
                    if moment == "mid-delivery" and len(step_due) < 2:
                        moment = "after advance"  # no "some but not all" of one post
                    if moment == "after advance":
                        delay = rng.uniform(0.0, 1.0)
                        await asyncio.sleep(delay)
                        await crash(step, f"{delay:.2f} s after the advance", step_due)
                    elif moment == "mid-delivery":
                        some = rng.randint(1, len(step_due) - 1)
                        await slack.wait_for(
                            "chat.postMessage", posts_before + some, timeout=30, ok=True
                        )
                        await crash(step, f"after post {some} of the step", step_due)
                    try:
                        await until(
                            delivered,
                            what=f"step {step + 1}'s posts",
                            alive=bot.child.check_alive,
                        )
                    except AssertionError as exc:
                        kills_so_far = "\n".join(map(str, kills))
                        raise AssertionError(f"{exc}\n{kills_so_far}\n{bot.log_tails()}") from None
                await drained_and_quiet(store, slack, bot)
                elapsed = time.monotonic() - started
                finished = await terminal_statuses(dms, instance_id, running)
                # Rows a killed life had posted that a later life found in Slack's history.
                saved = sum(
                    (tmp_path / f"bot-{life.number}.log").read_text().count(SKIPPED)
                    for life in bot.lives
                )
                account = (
                    f"{len(kills)} kills in {elapsed:.1f} s; {saved} post(s) found in "
                    "history after a restart instead of being posted again:\n"
                    + "\n".join(map(str, kills))
                    + f"\nlogs:\n{bot.log_tails()}"
                )
        finally:
            await asyncio.to_thread(store.close)

    print(account.splitlines()[0])
    assert len(kills) >= 5, account
    expected = {f"sub:{channel}:{task_id}:{status}" for task_id, status in finished.items()}
    keys = posted_keys(slack, channel)
    repeated = {key: n for key, n in Counter(keys).items() if n > 1}
    assert not repeated, f"posted more than once: {repeated}\n{account}"
    assert set(keys) == expected, (
        f"missing: {sorted(expected - set(keys))}, unexpected: {sorted(set(keys) - expected)}"
        f"\n{account}"
    )
    assert len(keys) == RUNNING == len(expected), account
    assert len(slack.messages(channel)) == RUNNING, account
    # The message says which task it is about, not only its metadata: its Details button.
    for call in slack.calls_to("chat.postMessage", ok=True):
        task_id = str(call.args["metadata"]["event_payload"]["key"]).split(":")[2]
        assert any(task_id in v for v in button_values(call.args["blocks"])), call.args


async def test_a_post_slack_took_but_the_killed_bot_never_recorded_is_not_repeated(
    tmp_path: Path,
) -> None:
    channel = "C_HELD"
    database_url = f"sqlite:///{tmp_path / 'bot.db'}"
    async with simulator_process(tmp_path) as sim, HeldSlack(bot_token=BOT_TOKEN) as slack:
        instance_id = await sim.add_instance("held-orders", tasks=0, span_hours=1, running=3)
        store = await asyncio.to_thread(Store.open, database_url)
        try:
            await asyncio.to_thread(subscribe, store, channel, instance_id, "held-orders")
            async with bot_process(
                tmp_path,
                sim_url=sim.url,
                slack_api_url=slack.api_url,
                database_url=database_url,
                extra=WATCH_ENV,
            ) as bot:
                await bot.start()
                running = await baseline_running(store, instance_id)
                assert len(running) == 3
                # Slack stores the first post, then keeps its "ok" back for two seconds:
                # the kill lands in that window.
                slack.hold_next("chat.postMessage", 2.0)
                await sim.advance(timedelta(hours=3, minutes=15).total_seconds())
                await asyncio.wait_for(slack.holding.wait(), timeout=30)
                await bot.kill()
                [held] = slack.calls_to("chat.postMessage")
                held_key = str(held.args["metadata"]["event_payload"]["key"])
                assert [m["metadata"] for m in slack.messages(channel)] == [held.args["metadata"]]
                pending = {item.key: item for item in await store.outbox.pending_for(channel)}
                # The window under test: Slack has the message, the outbox still owes it.
                assert held_key in pending, "the row was marked before the kill"
                assert pending[held_key].attempts >= 1
                reads_before = len(slack.calls_to("conversations.history"))
                await bot.start()
                await drained_and_quiet(store, slack, bot)
                logs = bot.log_tails()
        finally:
            await asyncio.to_thread(store.close)

    keys = posted_keys(slack, channel)
    assert keys.count(held_key) == 1, f"{keys}\n{logs}"
    assert len(keys) == len(set(keys)) == 3, f"{keys}\n{logs}"
    # The restarted bot looked for the message (by its metadata) instead of posting it.
    reads = slack.calls_to("conversations.history")[reads_before:]
    assert reads, logs
    assert all(r.args.get("channel") == channel for r in reads)
    assert SKIPPED in logs
