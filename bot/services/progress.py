"""How far the running scale-outs of an answer have got: asked of DMS a few at a time,
within a short wait, and left out where DMS does not answer, so that progress never
fails or holds back the answer it is part of."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping

from bot.core.dms.errors import DmsError
from bot.core.dms.models import Task
from bot.core.dms.source import Dms
from bot.core.timeline.records import Progress, reports_progress

log = logging.getLogger("kafka_tasks.progress")

# An instance rarely runs more than one scale-out; more than this are shown without.
MOST_ASKED = 10
# Progress is an extra: an answer does not wait longer than this for it.
PROGRESS_WAIT = 3.0


async def progress_of(
    dms: Dms,
    instance_id: str,
    tasks: Iterable[Task],
    *,
    fresh: bool = False,
    wait: float = PROGRESS_WAIT,
) -> Mapping[str, Progress]:
    """The progress of each running scale-out among ``tasks`` that DMS reports, by id."""
    wanted = [task.id for task in tasks if reports_progress(task)][:MOST_ASKED]
    if not wanted:
        return {}
    gate = asyncio.Semaphore(max(1, dms.options.concurrency))

    async def one(task_id: str) -> Progress | None:
        async with gate:
            try:
                return await asyncio.wait_for(
                    dms.task_progress(instance_id, task_id, fresh=fresh), wait
                )
            except (DmsError, TimeoutError) as exc:
                log.info("no progress for task %s of %s: %s", task_id, instance_id, exc)
                return None

    found = await asyncio.gather(*(one(task_id) for task_id in wanted))
    return {p.task_id: p for p in found if p is not None}


async def one_progress(dms: Dms, instance_id: str, task: Task) -> Progress | None:
    """A single task's progress (for its Details), or None."""
    return (await progress_of(dms, instance_id, (task,), fresh=True)).get(task.id)
