"""Which tasks finished since the last look, and who should hear about each.

Pure functions over what the store remembers and what DMS shows now, so the rules
(no replay of history, no repeats, filters) are tested without a server.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.core.answer import name_matches
from bot.core.dms.models import Task, TaskStatus

Scope = Literal["failed", "all"]


@dataclass(frozen=True)
class Finished:
    """A task seen in a terminal status for the first time."""

    task: Task
    previous: str | None  # the status last seen, None when the task is new to us


def finished_tasks(
    last_seen: Mapping[str, str], tasks: Iterable[Task], *, baseline: bool
) -> list[Finished]:
    """Tasks now terminal that were last seen in progress, or never seen at all.

    On the baseline look (nothing remembered yet for the instance) nothing is reported:
    a new watcher starts from what is there, it does not replay history.
    """
    if baseline:
        return []
    found = []
    for task in tasks:
        if not task.terminal:
            continue
        before = last_seen.get(task.id)
        if before is None or before != task.status:
            if before is not None and before not in (TaskStatus.CREATED, TaskStatus.EXECUTING):
                # Terminal to another terminal status (e.g. SUCCESS -> DELETED): the
                # task had already finished and been reported once.
                continue
            found.append(Finished(task, before))
    return found


def wants(scope: Scope, name_glob: str | None, since: datetime, finished: Finished) -> bool:
    """Whether a subscription made at ``since`` with these filters wants this task."""
    task = finished.task
    if scope == "failed" and task.status != TaskStatus.FAILED:
        return False
    if not name_matches(task.name, name_glob):
        return False
    # A task that finished before the subscription existed is history, not news.
    ended = task.updated_at
    return ended is None or ended >= since


def still_running(last_seen: Mapping[str, str], shown: Sequence[Task]) -> set[str]:
    """Ids remembered as in progress that the current look no longer shows: they left
    the polled window while running and must be followed one by one."""
    visible = {t.id for t in shown}
    return {
        task_id
        for task_id, status in last_seen.items()
        if status in (TaskStatus.CREATED, TaskStatus.EXECUTING) and task_id not in visible
    }
