"""Followed threads: answers whose in-progress tasks the bot reports on as they end."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, case, delete, func, select

from bot.adapters.store.db import Repository, aware, offloaded
from bot.adapters.store.schema import followed_tasks, followed_threads
from bot.core.records import FollowedThread


class Threads(Repository):
    @offloaded
    def follow(
        self,
        channel: str,
        message_ts: str,
        instance_id: str,
        instance_name: str,
        query: str,
        task_ids: Iterable[str],
        follow_until: datetime,
    ) -> FollowedThread:
        """Follow tasks in the thread of ``message_ts``, adding to any already followed.

        Following the same message again keeps its id, replaces ``query`` (the answer's
        newest state) and only ever extends ``follow_until``.
        """
        ids = sorted(set(task_ids))
        insert = self._db.insert(followed_threads).values(
            channel=channel,
            message_ts=message_ts,
            instance_id=instance_id,
            instance_name=instance_name,
            query=query,
            created_at=self._db.now(),
            follow_until=aware(follow_until, "follow_until"),
        )
        new = insert.excluded
        stmt = insert.on_conflict_do_update(
            index_elements=["channel", "message_ts", "instance_id"],
            set_={
                "instance_name": new.instance_name,
                "query": new.query,
                "follow_until": case(
                    (new.follow_until > followed_threads.c.follow_until, new.follow_until),
                    else_=followed_threads.c.follow_until,
                ),
            },
        ).returning(*followed_threads.c)
        with self._db.write() as conn:
            thread = thread_of(conn.execute(stmt).one())
            if ids:
                add = self._db.insert(followed_tasks).on_conflict_do_nothing(
                    index_elements=["thread_id", "task_id"]
                )
                conn.execute(add, [{"thread_id": thread.id, "task_id": i} for i in ids])
        return thread

    @offloaded
    def for_instance(self, instance_id: str) -> list[FollowedThread]:
        with self._db.read() as conn:
            return [thread_of(row) for row in conn.execute(threads_of(instance_id))]

    @offloaded
    def tasks(self, thread_id: int) -> set[str]:
        """The task ids still followed in the thread."""
        stmt = select(followed_tasks.c.task_id).where(followed_tasks.c.thread_id == thread_id)
        with self._db.read() as conn:
            return set(conn.execute(stmt).scalars())

    @offloaded
    def unfollow_task(self, thread_id: int, task_id: str) -> int:
        """Stop following one task in a thread; returns how many it still follows."""
        with self._db.write() as conn:
            conn.execute(
                delete(followed_tasks).where(
                    followed_tasks.c.thread_id == thread_id, followed_tasks.c.task_id == task_id
                )
            )
            remaining = select(func.count()).where(followed_tasks.c.thread_id == thread_id)
            return int(conn.execute(remaining).scalar_one())

    @offloaded
    def drop(self, thread_id: int) -> None:
        """Forget a thread and the tasks followed in it."""
        with self._db.write() as conn:
            # The foreign key cascades too; deleting explicitly does not depend on the
            # connection having enabled SQLite's foreign keys.
            conn.execute(delete(followed_tasks).where(followed_tasks.c.thread_id == thread_id))
            conn.execute(delete(followed_threads).where(followed_threads.c.id == thread_id))

    @offloaded
    def expired(self, now: datetime) -> list[FollowedThread]:
        """Threads whose ``follow_until`` is at or before ``now``."""
        stmt = (
            select(followed_threads)
            .where(followed_threads.c.follow_until <= aware(now, "now"))
            .order_by(followed_threads.c.id)
        )
        with self._db.read() as conn:
            return [thread_of(row) for row in conn.execute(stmt)]


def threads_of(instance_id: str) -> Select[Any]:
    return (
        select(followed_threads)
        .where(followed_threads.c.instance_id == instance_id)
        .order_by(followed_threads.c.id)
    )


def thread_of(row: Row[Any]) -> FollowedThread:
    m = row._mapping
    return FollowedThread(
        id=m["id"],
        channel=m["channel"],
        message_ts=m["message_ts"],
        instance_id=m["instance_id"],
        instance_name=m["instance_name"],
        query=m["query"],
        created_at=m["created_at"],
        follow_until=m["follow_until"],
    )
