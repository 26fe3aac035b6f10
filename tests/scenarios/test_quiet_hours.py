"""Quiet hours per subscription, end to end, on a bot clock the test moves.

During quiet hours what finishes is held and comes as one message when they end;
failures still come at once, unless the subscription says ``quiet all``.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.adapters.store.store import Store
from bot.core.quiet import quiet_hold
from bot.simulator.model import TaskRecord
from tests.scenarios.quiet_support import (
    CHANNEL,
    Watched,
    key_of,
    notifications,
    posted_keys,
    until,
    watched_bot,
)
from tests.scenarios.slack_harness import final_response, text_of


def _around_now() -> tuple[str, datetime]:
    """A UTC range from an hour ago to an hour from now, and its end."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    start, end = now - timedelta(hours=1), now + timedelta(hours=1)
    return f"{start:%H:%M}-{end:%H:%M}", end


async def _quiet_subscription(
    watched: Watched, name: str, words: str
) -> tuple[str, list[TaskRecord], Store, datetime]:
    iid, tasks = watched.add_instance(name, 12)
    assert {t.final_status for t in tasks} >= {"FAILED", "SUCCESS"}, "both outcomes needed"
    quiet, end = _around_now()
    bot = watched.bot
    await bot.sender.slash(
        f"subscribe {name} all quiet {quiet} UTC {words}".strip(),
        response_url=bot.slack.response_url("sub"),
    )
    confirmed = text_of(await final_response(bot.slack, "sub"))
    assert f"Quiet {quiet}" in confirmed
    store = Store.open(bot.database_url)
    await until(lambda: store.polling.has_baseline.sync(iid), what="the baseline poll")
    return iid, tasks, store, end


async def test_failures_come_through_the_rest_is_held_until_quiet_hours_end() -> None:
    async with watched_bot() as watched:
        bot = watched.bot
        iid, tasks, store, end = await _quiet_subscription(watched, "quiet-orders", "")
        try:
            await bot.sender.slash("subscriptions", response_url=bot.slack.response_url("list"))
            assert "quiet" in text_of(await final_response(bot.slack, "list"))
            failed = {key_of(t) for t in tasks if t.final_status == "FAILED"}
            others = {key_of(t) for t in tasks} - failed
            watched.sim_clock.set(tasks[-1].finished_at + timedelta(seconds=1))

            # Failures at once; the rest queued and held, not posted.
            await until(lambda: set(posted_keys(bot)) >= failed, what="the failures")

            def held() -> bool:
                pending = store.outbox.pending_for.sync(CHANNEL)
                return {p.key for p in pending if p.hold == quiet_hold(iid)} == others

            await until(held, what="the other tasks held")
            await asyncio.sleep(2.5)
            assert set(posted_keys(bot)) == failed
            posts_in_quiet = len(notifications(bot))

            # Quiet hours end: what they held comes as one message, once.
            watched.clock.move(end - datetime.now(UTC) + timedelta(minutes=1))
            await until(lambda: set(posted_keys(bot)) >= others, what="the held tasks")
            await asyncio.sleep(2.5)
            assert len(notifications(bot)) == posts_in_quiet + 1
            assert sorted(posted_keys(bot)) == sorted(failed | others)
            assert store.outbox.pending_for.sync(CHANNEL) == []
        finally:
            store.close()


async def test_quiet_all_holds_failures_too() -> None:
    async with watched_bot() as watched:
        bot = watched.bot
        iid, tasks, store, end = await _quiet_subscription(watched, "hushed-orders", "all")
        try:
            everything = {key_of(t) for t in tasks}
            watched.sim_clock.set(tasks[-1].finished_at + timedelta(seconds=1))

            def held() -> bool:
                pending = store.outbox.pending_for.sync(CHANNEL)
                return {p.key for p in pending if p.hold == quiet_hold(iid)} == everything

            await until(held, what="every finished task held")
            await asyncio.sleep(2.5)
            assert notifications(bot) == []
            watched.clock.move(end - datetime.now(UTC) + timedelta(minutes=1))
            await until(lambda: set(posted_keys(bot)) >= everything, what="the held tasks")
            await asyncio.sleep(2.5)
            assert len(notifications(bot)) == 1
            assert sorted(posted_keys(bot)) == sorted(everything)
        finally:
            store.close()
