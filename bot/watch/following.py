"""Followed answers: replies in their threads as their tasks end, an edit of the answer
to its newest summary, and a closing note when following them runs out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from bot.adapters.store.store import Store
from bot.core.dms.errors import DmsError
from bot.core.dms.models import Task
from bot.core.dms.source import Dms
from bot.core.records import FollowedThread, ThreadQuery
from bot.watch.options import WatchOptions
from bot.watch.payload import ParentUpdate, ThreadClosed, ThreadReply, encode
from bot.watch.progress import ProgressEdits


class Following:
    def __init__(
        self, dms: Dms, store: Store, options: WatchOptions, clock: Callable[[], datetime]
    ) -> None:
        self._dms = dms
        self._store = store
        self._options = options
        self._clock = clock
        self._progress = ProgressEdits(
            dms, every=options.progress_every.total_seconds(), clock=clock
        )

    async def updates(
        self,
        threads: Sequence[FollowedThread],
        followed: dict[int, set[str]],
        tasks: Sequence[Task],
    ) -> int:
        """Replies for followed tasks that have ended. A thread follows only tasks that
        were in progress when its answer was given, so any end seen now is news to it,
        whether or not the instance had been looked at before."""
        by_id = {t.id: t for t in tasks}
        queued = 0
        edited: set[int] = set()
        for thread in threads:
            done = [by_id[t] for t in sorted(followed.get(thread.id, ())) if t in by_id]
            done = [t for t in done if t.terminal]
            if not done:
                continue
            edited.add(thread.id)
            query = thread.thread_query
            root = query.thread_ts or thread.message_ts
            for task in done:
                reply = ThreadReply(**_in_thread(thread, query), task=task.to_api())
                key = f"thread:{thread.id}:{task.id}:{task.status}"
                if await self._store.outbox.enqueue(
                    key, thread.channel, root, reply.kind, encode(reply)
                ):
                    queued += 1
            # One edit of the parent per cycle brings its summary up to date.
            parent = ParentUpdate(
                **_in_thread(thread, query), message_ts=thread.message_ts, state=query.state
            )
            key = f"parent:{thread.id}:" + ",".join(f"{t.id}={t.status}" for t in done)
            if await self._store.outbox.enqueue(
                key, thread.channel, None, parent.kind, encode(parent)
            ):
                queued += 1
            remaining = 0
            for task in done:
                remaining = await self._store.threads.unfollow_task(thread.id, task.id)
            if remaining == 0:
                await self._store.threads.drop(thread.id)
        return queued + await self._progress_edits(threads, followed, tasks, edited)

    async def _progress_edits(
        self,
        threads: Sequence[FollowedThread],
        followed: dict[int, set[str]],
        tasks: Sequence[Task],
        edited: set[int],
    ) -> int:
        """Parents edited as their running scale-outs move (``bot.watch.progress``)."""
        queued = 0
        for thread, key in await self._progress.due(threads, followed, tasks, edited=edited):
            query = thread.thread_query
            parent = ParentUpdate(
                **_in_thread(thread, query), message_ts=thread.message_ts, state=query.state
            )
            if await self._store.outbox.enqueue(
                key, thread.channel, None, parent.kind, encode(parent)
            ):
                queued += 1
        return queued

    async def close_expired(self) -> int:
        """Close the threads followed for long enough, noting the tasks still running;
        how many notes were queued."""
        queued = 0
        expired = await self._store.threads.expired(self._clock())
        for thread in expired:
            still: set[str] = await self._store.threads.tasks(thread.id)
            query = thread.thread_query
            running: list[dict[str, Any]] = []
            for task_id in sorted(still):
                # Best effort: the note names the tasks; an id stands in for a lost name.
                try:
                    running.append((await self._dms.get_task(thread.instance_id, task_id)).to_api())
                except DmsError:
                    running.append({"id": task_id, "name": task_id, "status": "EXECUTING"})
            closed = ThreadClosed(
                **_in_thread(thread, query),
                still_running=tuple(running),
                hours=self._options.follow_for.total_seconds() / 3600,
            )
            root = query.thread_ts or thread.message_ts
            if await self._store.outbox.enqueue(
                f"closed:{thread.id}", thread.channel, root, closed.kind, encode(closed)
            ):
                queued += 1
            await self._store.threads.drop(thread.id)
        return queued


def _in_thread(thread: FollowedThread, query: ThreadQuery) -> dict[str, Any]:
    """What every row of a followed thread carries: where it is, in which language, and
    who asked (delivery asks the access rules again on their behalf)."""
    return {
        "instance_id": thread.instance_id,
        "instance_name": thread.instance_name,
        "thread_id": thread.id,
        # The language of whoever asked the question the thread follows.
        "lang": query.lang,
        "user": query.user,
    }
