"""A task that took far longer than its usual says so: in its notification, in an
answer's row and in its Details (the real bot, the simulator, the fake Slack)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.store.store import Store
from bot.simulator import ManualClock
from bot.simulator.model import TaskRecord
from tests.scenarios.slack_harness import RunningBot, running_bot, text_of
from tests.scenarios.test_watching import FAST, slash, until

NOTE = "took 6m 00s, usually 2m 00s"


@pytest.fixture
async def bot() -> AsyncIterator[RunningBot]:
    clock = ManualClock(datetime.now(UTC))
    async with running_bot(clock=clock, extra=FAST) as running:
        yield running


def _run(task_id: str, minutes: int, ended: datetime) -> TaskRecord:
    return TaskRecord(
        id=task_id,
        name="restartInstance",
        user_name="li.wei",
        user_id="u-1",
        params="{}",
        created_at=ended - timedelta(minutes=minutes),
        started_at=ended - timedelta(minutes=minutes),
        finished_at=ended,
        final_status="SUCCESS",
    )


def _now(bot: RunningBot) -> datetime:
    """The simulator's clock brought to the bot's: tasks end after the subscription."""
    clock = bot.sim.clock
    assert isinstance(clock, ManualClock)
    clock.set(datetime.now(UTC))
    return clock.now()


def _posts(bot: RunningBot) -> list[str]:
    return [
        text_of(c) for c in bot.slack.calls_to("chat.postMessage") if c.args["channel"] == "C123"
    ]


async def test_a_slow_run_is_noted_in_notification_row_and_details(bot: RunningBot) -> None:
    iid = bot.sim.state.add_instance("slow-ops", 0, span=timedelta(hours=1))
    await slash(bot, "subscribe slow-ops all", "sub")
    store = Store.open(bot.database_url)
    try:
        await until(lambda: store.polling.has_baseline.sync(iid), what="the baseline poll")
        ended = _now(bot) - timedelta(milliseconds=100)
        for n in range(5):
            bot.sim.state.add_task(iid, _run(f"usual-{n}", 2, ended))

        def recorded(count: int) -> bool:
            since = ended - timedelta(days=1)
            runs = store.runs.recent_seconds.sync(iid, "restartInstance", since, 100)
            return len(runs) >= count

        await until(lambda: recorded(5), what="the usual runs recorded")
        await until(lambda: not store.outbox.pending_for.sync("C123"), what="their digest")
        assert not any(NOTE in text for text in _posts(bot))

        ended = _now(bot) - timedelta(milliseconds=100)
        bot.sim.state.add_task(iid, _run("slow-1", 6, ended))
        await until(lambda: any(NOTE in text for text in _posts(bot)), what="the slow note")
        # Recorded once, however many polls saw it.
        await until(lambda: recorded(6), what="the slow run recorded")
    finally:
        store.close()

    answer = await slash(bot, "slow-ops last 1h", "answer")
    assert answer.count(NOTE) == 1  # the slow row; the usual ones show no note
    details = await slash(bot, "slow-ops task slow-1", "details")
    assert NOTE in details
    usual = await slash(bot, "slow-ops task usual-0", "usual")
    assert "usually" not in usual
