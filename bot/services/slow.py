"""Slow tasks: each finished task's run time kept, and a run judged against its usual.

The one home of "took 41 min, usually 12": the poller records runs as it sees tasks
finish and asks about them for its notifications; answers ask about the rows they show.
The lookup reads at most ``MAX_RUNS`` rows per task name, is cached for a few minutes,
and never fails its caller: a note is a courtesy, an answer is not.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta

from bot.adapters.cache import SingleFlightCache
from bot.adapters.store.store import Store
from bot.core.clock import utc_now
from bot.core.dms.models import Task
from bot.core.durations import LOOKBACK, MAX_RUNS, SlowRun, slow_run, usual_of
from bot.core.records import TaskRun

log = logging.getLogger("kafka_tasks.slow")

# Task names kept in the cache, and for how long each is trusted.
CACHE_SIZE = 1000
CACHE_FOR = timedelta(minutes=5)
# An answer asks about at most this many task names (one store read each, when cold).
NAMES_LOOKED_UP = 20

_Runs = list[tuple[str, float]]


def run_of(instance_id: str, task: Task) -> TaskRun | None:
    """A finished task as the run it records; ``None`` while it runs or without an end."""
    if not task.terminal or task.updated_at is None or not task.id:
        return None
    took = task.duration(task.updated_at)
    return TaskRun(
        instance_id=instance_id,
        task_id=task.id,
        name=task.name,
        status=task.status,
        started_at=task.created_at,
        ended_at=task.updated_at,
        seconds=None if took is None else max(0.0, took.total_seconds()),
    )


class SlowTasks:
    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], datetime] = utc_now,
        cache_for: timedelta = CACHE_FOR,
    ) -> None:
        self._store = store
        self._clock = clock
        # The project's one cache: answers arriving together for one instance share one
        # store read per task name instead of queueing dozens behind the acks' own reads.
        self._cache: SingleFlightCache[tuple[str, str], _Runs] = SingleFlightCache(
            ttl=cache_for.total_seconds(),
            maxsize=CACHE_SIZE,
            timer=lambda: self._clock().timestamp(),
        )

    async def record(self, instance_id: str, tasks: Iterable[Task]) -> None:
        """Keep the runs of these finished tasks (once each, however often seen)."""
        runs = [run for task in tasks if (run := run_of(instance_id, task)) is not None]
        if not runs:
            return
        try:
            await self._store.runs.record(runs)
        except Exception:
            # The notifications matter more than the statistics: never fail a poll for it.
            log.warning("could not record the run times of %s", instance_id, exc_info=True)
            return
        for name in {run.name for run in runs}:
            self._cache.invalidate((instance_id, name))

    async def slow(self, instance_id: str, tasks: Iterable[Task]) -> Mapping[str, SlowRun]:
        """Task id -> how slow it was, for the finished ``tasks`` that ran far longer
        than usual. Empty when the store cannot be read."""
        runs = [run for task in tasks if (run := run_of(instance_id, task)) is not None]
        names = sorted({run.name for run in runs if run.seconds is not None})
        found: dict[str, SlowRun] = {}
        try:
            asked = names[:NAMES_LOOKED_UP]
            read = await asyncio.gather(*(self._runs(instance_id, name) for name in asked))
            samples = dict(zip(asked, read, strict=True))
        except Exception:
            log.warning("could not read the usual run times on %s", instance_id, exc_info=True)
            return found
        for run in runs:
            sample = samples.get(run.name)
            if sample is None:
                continue
            # Judged against its own kind's other runs, never itself.
            others = [seconds for task_id, seconds in sample if task_id != run.task_id]
            note = slow_run(run.seconds, others)
            if note is not None:
                found[run.task_id] = note
        return found

    async def usual(self, instance_id: str, name: str, *, but: str = "") -> float | None:
        """What the name's runs usually take (the median), without the run ``but``;
        ``None`` without enough runs, or when the store cannot be read."""
        try:
            sample = await self._runs(instance_id, name)
        except Exception:
            log.warning("could not read the usual run times on %s", instance_id, exc_info=True)
            return None
        found = usual_of([seconds for task_id, seconds in sample if task_id != but])
        return None if found is None else found.median_s

    async def _runs(self, instance_id: str, name: str) -> _Runs:
        async def read() -> _Runs:
            since = self._clock() - LOOKBACK
            runs: _Runs = await self._store.runs.recent_seconds(instance_id, name, since, MAX_RUNS)
            return runs

        runs, _ = await self._cache.get((instance_id, name), read)
        return runs
