"""A followed answer edited as its running scale-outs move: its bar, percent and step
kept current in the channel, within Slack's update rate.

Each busy poll asks DMS how far the thread's followed scale-outs have got; the parent is
edited (through the same ``ParentUpdate`` outbox rows as when a task ends, so each edit
is queued once) only when what its rows show has changed, and at most once per
``WatchOptions.progress_every`` per message. What was last shown is kept in memory: a
restart, or another replica taking the instance over, starts again from what it sees.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.dms.models import Task
from bot.core.dms.source import Dms
from bot.core.records import FollowedThread
from bot.core.timeline.records import reports_progress
from bot.services.progress import progress_of
from bot.views.progress import progress_mark

# What one thread's parent shows of its scale-outs: per task id, (percent, step).
Marks = Mapping[str, tuple[int | None, str]]


@dataclass(frozen=True)
class _Seen:
    instance_id: str
    marks: Marks
    edited_at: datetime | None


class ProgressEdits:
    def __init__(self, dms: Dms, *, every: float, clock: Callable[[], datetime]) -> None:
        self._dms = dms
        self._every = every
        self._clock = clock
        self._seen: dict[int, _Seen] = {}

    async def due(
        self,
        threads: Sequence[FollowedThread],
        followed: Mapping[int, Collection[str]],
        tasks: Sequence[Task],
        *,
        edited: Collection[int] = (),
    ) -> list[tuple[FollowedThread, str]]:
        """The threads whose parent to edit for progress, each with its row's key.

        ``edited``: threads whose parent this cycle edits anyway (a task ended); that
        edit shows the newest progress too, and starts their wait for the next one.
        """
        now = self._clock()
        self._forget_gone(threads)
        by_id = {task.id: task for task in tasks}
        wanted: list[tuple[FollowedThread, str]] = []
        for thread in threads:
            seen = self._seen.get(thread.id)
            moving = [
                by_id[task_id]
                for task_id in sorted(followed.get(thread.id, ()))
                if task_id in by_id and reports_progress(by_id[task_id])
            ]
            if not moving:
                self._seen.pop(thread.id, None)
                continue
            if thread.id in edited:
                marks = seen.marks if seen is not None else {}
                self._seen[thread.id] = _Seen(thread.instance_id, marks, now)
                continue
            if seen is not None and self._too_soon(seen.edited_at, now):
                continue
            found = await progress_of(self._dms, thread.instance_id, moving, fresh=True)
            marks = {task_id: progress_mark(p) for task_id, p in sorted(found.items())}
            if seen is None or not marks or marks == seen.marks:
                # First sight (the answer showed it when posted), or nothing new: kept
                # to compare with, no edit.
                edited_at = None if seen is None else seen.edited_at
                self._seen[thread.id] = _Seen(thread.instance_id, marks or {}, edited_at)
                continue
            self._seen[thread.id] = _Seen(thread.instance_id, marks, now)
            wanted.append((thread, _key(thread, marks)))
        return wanted

    def _too_soon(self, edited_at: datetime | None, now: datetime) -> bool:
        return edited_at is not None and (now - edited_at).total_seconds() < self._every

    def _forget_gone(self, threads: Sequence[FollowedThread]) -> None:
        """Threads of these instances no longer followed are forgotten."""
        live = {thread.id for thread in threads}
        instances = {thread.instance_id for thread in threads}
        for thread_id, seen in list(self._seen.items()):
            if seen.instance_id in instances and thread_id not in live:
                del self._seen[thread_id]


def _key(thread: FollowedThread, marks: Marks) -> str:
    """The outbox key of one progress edit: the same progress is queued once."""
    shown = ",".join(f"{task_id}={percent}:{step}" for task_id, (percent, step) in marks.items())
    return f"parent:{thread.id}:progress:{shown}"
