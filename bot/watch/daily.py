"""Daily summaries: each channel's, once a day, at its time in its zone.

Every replica runs this upkeep; whichever sees a summary's time pass counts the day
from the finished runs the poller kept (``task_runs``) and queues the row under the key
``daily:<channel>:<instance>:<day>``. The outbox's unique key is what makes it once:
another replica, or this one after a restart, queuing the same day finds the key taken.
A day whose time passed while no replica ran is queued when one starts, saying so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime, time, timedelta

from bot.adapters.store.store import Store
from bot.core.clock import utc_now
from bot.core.daily import DailyAt, Due, due
from bot.core.dms.models import Task, TaskStatus
from bot.core.dms.source import Dms
from bot.core.records import DailySummary, NewOutboxRow, Subscription, TaskRun
from bot.services.slow import SlowTasks
from bot.watch.payload import DailySummaryRow, encode

log = logging.getLogger("kafka_tasks.daily")

# A day's runs read for its summary, at most; failures named, and slowest runs shown.
MAX_DAY_RUNS = 5000
MAX_FAILED = 20
SLOWEST = 3
# Scheduled changes looked ahead to, and listed at most.
UPCOMING = timedelta(hours=24)
MAX_UPCOMING = 20
# Keys known to be queued, remembered so a quiet day asks the store nothing.
_REMEMBERED = 10_000


class DailyUpkeep:
    def __init__(
        self,
        store: Store,
        dms: Dms,
        *,
        every: timedelta,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._dms = dms
        self._every = every
        self._clock = clock
        self._slow = SlowTasks(store, clock=clock)
        self._queued: set[str] = set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.once()
            except Exception:
                # The next look retries: a summary is late, never lost.
                log.exception("daily summaries failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._every.total_seconds())

    async def once(self) -> int:
        """Queue every summary due now and not queued yet; how many this call queued."""
        now = self._clock()
        schedules = await self._store.daily.all()
        if not schedules:
            return 0
        wanted: dict[str, tuple[DailySummary, Due]] = {}
        for schedule in schedules:
            found = due(_daily_at(schedule), now, schedule.since)
            if found is not None:
                key = f"daily:{schedule.channel}:{schedule.instance_id}:{found.day.isoformat()}"
                if key not in self._queued:
                    wanted[key] = (schedule, found)
        if not wanted:
            return 0
        taken = await self._store.outbox.known(sorted(wanted))
        self._remember(taken)
        queued = 0
        for key in sorted(set(wanted) - taken):
            schedule, found = wanted[key]
            sub = await self._store.subscriptions.get(schedule.channel, schedule.instance_id)
            if sub is None or sub.paused:
                continue  # gone, or refused by the access rules: nothing is sent
            row = await self._row(key, schedule, sub, found, now=now)
            if await self._store.outbox.enqueue_many([row]):
                queued += 1
                log.info("queued the daily summary %s", key)
            self._remember({key})
        return queued

    async def _row(
        self, key: str, schedule: DailySummary, sub: Subscription, found: Due, *, now: datetime
    ) -> NewOutboxRow:
        runs = await self._store.runs.ended_between(
            sub.instance_id, found.begin, found.end, MAX_DAY_RUNS
        )
        failed = [r for r in runs if r.status == TaskStatus.FAILED]
        payload = DailySummaryRow(
            instance_id=sub.instance_id,
            instance_name=sub.instance_name,
            lang=sub.language,
            day=found.covers.isoformat(),
            zone=schedule.zone,
            at=found.at.isoformat(),
            late=found.late(now),
            counts=dict(Counter(r.status for r in runs).most_common()),
            failed=tuple(_task(r).to_api() for r in failed[-MAX_FAILED:]),
            more_failed=max(0, len(failed) - MAX_FAILED),
            slowest=tuple(await self._slowest(sub.instance_id, runs)),
            scheduled=await self._upcoming(sub.instance_id, now),
        )
        return NewOutboxRow(key, sub.channel, None, payload.kind, encode(payload))

    async def _slowest(self, instance_id: str, runs: list[TaskRun]) -> list[dict[str, object]]:
        timed = sorted(
            (r for r in runs if r.seconds is not None), key=lambda r: r.seconds or 0, reverse=True
        )
        found: list[dict[str, object]] = []
        for run in timed[:SLOWEST]:
            usual = await self._slow.usual(instance_id, run.name, but=run.task_id)
            found.append({"name": run.name, "took_s": run.seconds, "usual_s": usual})
        return found

    async def _upcoming(self, instance_id: str, now: datetime) -> tuple[dict[str, str], ...] | None:
        """What DMS has scheduled on the instance for the next 24 h; None when it cannot
        be read (the summary goes out anyway, and says so)."""
        try:
            listing = await self._dms.list_scheduled(instance_id)
        except Exception:
            log.warning("could not read the scheduled tasks of %s", instance_id, exc_info=True)
            return None
        until = now + UPCOMING
        return tuple(
            {"name": task.name, "at": task.schedule_at.isoformat()}
            for task in listing.waiting
            if task.schedule_at is not None and now <= task.schedule_at < until
        )[:MAX_UPCOMING]

    def _remember(self, keys: set[str]) -> None:
        if len(self._queued) > _REMEMBERED:
            self._queued.clear()
        self._queued |= keys


def _daily_at(schedule: DailySummary) -> DailyAt:
    hour, _, minute = schedule.clock.partition(":")
    return DailyAt(time(int(hour), int(minute or 0)), schedule.zone)


def _task(run: TaskRun) -> Task:
    return Task(
        id=run.task_id,
        name=run.name,
        user_name="",
        user_id="",
        status=run.status,
        created_at=run.started_at,
        updated_at=run.ended_at,
    )
