"""The daily summary end to end: the real bot (two replicas, restarts) on a clock the
test moves, the simulator, and the fake Slack reading what was posted."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from bot.adapters.store.store import Store
from bot.core.records import TaskRun
from bot.simulator import ManualClock, Simulator, SimulatorConfig
from bot.simulator.scheduled import ScheduledRecord
from tests.scenarios.slack_harness import RunningBot, running_bot, text_of
from tests.scenarios.test_watching import FAST, slash

CHANNEL = "C123"


def _posts(*bots: RunningBot) -> list[str]:
    return [
        text_of(call)
        for bot in bots
        for call in bot.slack.calls_to("chat.postMessage", ok=True)
        if call.args["channel"] == CHANNEL and "Daily summary" in text_of(call)
    ]


async def _until(check: object, what: str) -> None:
    for _ in range(300):
        if callable(check) and check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _runs(instance_id: str, day: datetime) -> list[TaskRun]:
    """What the poller would have kept of that day: three runs, one failed."""

    def run(task_id: str, name: str, status: str, hour: int, minutes: int) -> TaskRun:
        ended = day + timedelta(hours=hour)
        started = ended - timedelta(minutes=minutes)
        return TaskRun(instance_id, task_id, name, status, started, ended, minutes * 60.0)

    return [
        run("t-1", "restartInstance", "SUCCESS", 3, 4),
        run("t-2", "extendInstance", "FAILED", 11, 41),
        run("t-3", "restartInstance", "SUCCESS", 20, 5),
        # The day after: not in that day's summary.
        run("t-4", "restartInstance", "FAILED", 25, 1),
    ]


async def test_the_summary_comes_once_at_its_time_across_replicas_and_restarts(
    tmp_path: Path,
) -> None:
    start = datetime.now(UTC).replace(microsecond=0)
    clock = ManualClock(start)
    db = f"sqlite:///{tmp_path}/bot.db"
    today = datetime.combine(start.date(), time(0), tzinfo=UTC)
    async with Simulator(SimulatorConfig(), clock=clock) as sim:
        # An instance of its own, with no tasks: the day's runs are the test's.
        iid = sim.state.add_instance("daily-ops", 0, span=timedelta(hours=1))
        # A restart DMS will run two hours after the first summary's time.
        nine = today + timedelta(days=1, hours=9)
        planned = ScheduledRecord(
            id="plan-1",
            name="restartInstance",
            user_name="li.wei",
            user_id="u-1",
            params="{}",
            created_at=start,
            schedule_at=nine + timedelta(hours=2),
            updated_at=start,
            duration=timedelta(minutes=5),
        )
        sim.state.add_scheduled(iid, planned)
        store = Store.open(db)
        try:
            async with running_bot(
                simulator=sim, database_url=db, extra=FAST, bot_clock=clock.now
            ) as first:
                said = await slash(first, "subscribe daily-ops all daily 09:00 UTC", "sub")
                assert "Daily summary at 09:00 UTC" in said
                store.runs.record.sync(_runs(iid, today))
                async with running_bot(
                    simulator=sim, database_url=db, extra=FAST, bot_clock=clock.now
                ) as second:
                    # Nothing before its time.
                    await asyncio.sleep(2)
                    assert _posts(first, second) == []
                    clock.set(today + timedelta(days=1, hours=9, seconds=5))
                    await _until(lambda: _posts(first, second), "the summary")
                    await asyncio.sleep(3)  # more looks by both replicas: still one
                    [summary] = _posts(first, second)
            assert f"for {today.date().isoformat()}" in summary
            assert "3 finished: 1 Failed" in summary or "3 finished: 2 Succeeded" in summary
            assert "Scale out" in summary or "Scale instance" in summary  # the failure, by name
            assert "took 41m 00s" in summary  # the slowest first
            assert "Sent late" not in summary
            assert "Scheduled for the next 24 h" in summary
            assert "Restart instance" in summary

            # A restart the same day: nothing again.
            async with running_bot(
                simulator=sim, database_url=db, extra=FAST, bot_clock=clock.now
            ) as again:
                await asyncio.sleep(3)
                assert _posts(again) == []

            # Down over the next two summaries' times: the latest is sent late, once.
            clock.set(today + timedelta(days=3, hours=12))
            async with running_bot(
                simulator=sim, database_url=db, extra=FAST, bot_clock=clock.now
            ) as late:
                await _until(lambda: _posts(late), "the late summary")
                await asyncio.sleep(3)
                [missed] = _posts(late)
            covered = (today + timedelta(days=2)).date().isoformat()
            assert f"for {covered}" in missed
            assert "Sent late: the bot was not running at 09:00 UTC" in missed
            assert "No tasks finished" in missed
            assert "Nothing is scheduled for the next 24 h." in missed  # it ran, long ago
            async with running_bot(
                simulator=sim, database_url=db, extra=FAST, bot_clock=clock.now
            ) as after:
                await asyncio.sleep(3)
                assert _posts(after) == []
        finally:
            store.close()


async def test_chinese_daily_summary_and_unsubscribing_stops_it(tmp_path: Path) -> None:
    start = datetime.now(UTC).replace(microsecond=0)
    clock = ManualClock(start)
    db = f"sqlite:///{tmp_path}/bot.db"
    async with Simulator(SimulatorConfig(), clock=clock) as sim:
        store = Store.open(db)
        try:
            async with running_bot(
                simulator=sim, database_url=db, extra=FAST, bot_clock=clock.now
            ) as bot:
                said = await slash(bot, "订阅 prod-orders 每天 08:30 Asia/Shanghai", "sub")
                assert "08:30 Asia/Shanghai" in said
                [daily] = store.daily.all.sync()
                assert (daily.clock, daily.zone) == ("08:30", "Asia/Shanghai")
                await slash(bot, "unsubscribe prod-orders", "unsub")
                assert store.daily.all.sync() == []
                clock.advance(timedelta(days=1))
                await asyncio.sleep(2)
                assert not [
                    c for c in bot.slack.calls_to("chat.postMessage") if "每日摘要" in text_of(c)
                ]
        finally:
            store.close()
