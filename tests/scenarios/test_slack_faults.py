"""Slack rate-limits (429 with Retry-After) and fails (500) for a stretch while a
channel's notifications are being delivered: nothing is lost, the channel reads them
in the order they were queued, and the retries stop once everything is delivered.

Two layers retry: slack_sdk's own handlers (bot/main/app.py) repeat a call a few times,
then the outbox schedules the row again with its own backoff. Only the end state is
asserted, plus that every Retry-After was waited out.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool

from bot.adapters.store.schema import outbox
from bot.adapters.store.store import Store
from bot.adapters.store.urls import engine_url
from bot.core.records import Subscription
from bot.simulator import ManualClock
from tests.fakes.slack import Call
from tests.scenarios.slack_harness import RunningBot, running_bot

CHANNEL = "C0FAULTS"
SETTINGS = {
    "KAFKA_TASKS_POLL_FAST": "1",
    "KAFKA_TASKS_POLL_SLOW": "1",
    # Above the ten tasks that finish together: one message each, not a digest.
    "KAFKA_TASKS_DIGEST_AFTER": "40",
}
# The bad stretch, in the order Slack answers: rate limits and server errors mixed.
FAULTS: list[tuple[int, int]] = [(429, 2), (500, 2), (429, 2), (500, 2)]  # (status, times)
RETRY_AFTER_S = 1.0
WAIT_S = 40.0


async def until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Polls ``check`` until it is true, or fails after WAIT_S."""
    deadline = time.monotonic() + WAIT_S
    while True:
        if await check():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


def key_of(call: Call) -> str:
    return str(call.args["metadata"]["event_payload"]["key"])


def outbox_rows(database_url: str) -> list[tuple[int, str, int, str | None]]:
    """(id, key, attempts, last_error) of every outbox row, in id order."""
    engine = create_engine(engine_url(database_url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(outbox.c.id, outbox.c.key, outbox.c.attempts, outbox.c.last_error).order_by(
                    outbox.c.id
                )
            )
            return [(int(i), str(k), int(a), e) for i, k, a, e in rows]
    finally:
        engine.dispose()


async def test_rate_limits_and_server_errors_lose_nothing_and_keep_the_order() -> None:
    clock = ManualClock(datetime.now(UTC))
    async with running_bot(clock=clock, extra=SETTINGS) as bot:
        await _run(bot, clock)


async def _run(bot: RunningBot, clock: ManualClock) -> None:
    iid = bot.sim.state.add_instance("slack-faults", 0, span=timedelta(hours=1), running=10)
    finishing = bot.sim.state.timeline(iid) or ()
    assert len(finishing) == 10
    store = Store.open(bot.database_url)
    try:
        store.subscriptions.upsert.sync(
            Subscription(
                channel=CHANNEL,
                instance_id=iid,
                instance_name="slack-faults",
                scope="all",
                name_glob=None,
                created_by="U123",
                created_at=clock.now(),
            )
        )

        async def baselined() -> bool:
            return await store.polling.has_baseline(iid)

        await until(baselined, "the baseline poll")

        for status, times in FAULTS:
            retry_after = RETRY_AFTER_S if status == 429 else None
            bot.slack.fail_next(
                "chat.postMessage", status=status, retry_after=retry_after, times=times
            )
        injected = sum(times for _, times in FAULTS)
        # Every running task ends: ten rows queued by one poll, into the bad stretch.
        clock.advance(timedelta(days=1))
        expected = {f"sub:{CHANNEL}:{t.id}:{t.final_status}" for t in finishing}

        async def delivered() -> bool:
            depth = await store.outbox.depth()
            keys = {key_of(c) for c in bot.slack.calls_to("chat.postMessage", ok=True)}
            return depth == 0 and expected <= keys

        await until(delivered, "all ten delivered after the faults")
        settled = len(bot.slack.calls_to("chat.postMessage"))
        # Several delivery rounds and poll cycles later, nothing more is tried.
        await asyncio.sleep(3)
        calls = bot.slack.calls_to("chat.postMessage")
        assert len(calls) == settled, "retries went on after delivery"

        ok = [c for c in calls if c.ok]
        failed = [c for c in calls if not c.ok]
        # Nothing lost, nothing twice, and every injected failure was met.
        assert sorted(key_of(c) for c in ok) == sorted(expected)
        assert len(failed) == injected
        assert Counter(c.status for c in failed) == {429: 4, 500: 4}
        # The order they were queued in is the order the channel reads them.
        rows = outbox_rows(bot.database_url)
        queued = [key for _, key, _, _ in rows if key in expected]
        assert [key_of(c) for c in ok] == queued
        shown = [
            m["metadata"]["event_payload"]["key"]
            for m in bot.slack.messages(CHANNEL)
            if m.get("metadata")
        ]
        assert shown == queued
        # Retry-After was waited out each time before Slack was called again.
        for before, after in itertools.pairwise(calls):
            if before.status == 429:
                assert after.at - before.at >= RETRY_AFTER_S - 0.05
        # The outbox saw the failures that got past slack_sdk's own retries on the
        # first row only; every row behind it waited and went out on the first try.
        head, *rest = [(attempts, error) for _, key, attempts, error in rows if key in expected]
        assert head[0] > 1
        assert head[1] is not None
        assert all(attempts == 1 and error is None for attempts, error in rest)
        stretch = failed[-1].at - failed[0].at
        print(
            f"\nslack faults: {len(calls)} chat.postMessage calls ({len(failed)} refused: "
            f"{dict(Counter(c.status for c in failed))}), bad stretch {stretch:.1f} s, "
            f"first post after the faults {ok[0].at - failed[0].at:.1f} s after the first "
            f"refusal, last {ok[-1].at - failed[0].at:.1f} s; outbox attempts on the head "
            f"row {head[0]} (last error {head[1]!r}), the other {len(rest)} rows 1 each; "
            f"conversations.history checks {len(bot.slack.calls_to('conversations.history'))}"
        )
    finally:
        store.close()


async def test_a_refused_response_url_is_retried_then_the_reply_goes_ephemerally() -> None:
    from tests.scenarios.slack_harness import running_bot as plain_bot

    async with plain_bot() as bot:
        # Slack's response_url throttles once: retried after Retry-After, answer arrives.
        bot.slack.fail_next("response_url", status=429, retry_after=1)
        await bot.sender.slash("prod-orders last 1h", response_url=bot.slack.response_url("r1"))
        delivered = await bot.slack.wait_for("response_url", 2, timeout=15)
        assert delivered[-1].status == 200
        # A response_url that refuses for good (an expired one): the answer is posted
        # ephemerally to the asker instead of being lost.
        bot.slack.fail_next("response_url", status=404, error="expired_url", times=5)
        await bot.sender.slash("prod-orders last 1h", response_url=bot.slack.response_url("r2"))
        [fallback] = await bot.slack.wait_for("chat.postEphemeral", 1, timeout=15)
        assert fallback.args["user"] == "U123"
        assert "prod-orders" in str(fallback.args.get("text"))
