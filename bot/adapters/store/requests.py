"""Slack requests already handled, so a retried or replayed one is answered once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete

from bot.adapters.store.db import Repository, aware, offloaded
from bot.adapters.store.schema import handled_requests


class HandledRequests(Repository):
    @offloaded
    def first_sighting(self, key: str, ttl: timedelta) -> bool:
        """Record that the request ``key`` is being handled; ``True`` only the first time
        within ``ttl`` (on any replica), so a retried or replayed request is not
        answered twice. An expired key counts as new and is taken over here; the other
        expired keys are left to ``prune_handled``, off this path that runs before every
        ack."""
        if ttl <= timedelta(0):
            raise ValueError(f"ttl must be positive, got {ttl}")
        now = self._db.now()
        insert = self._db.insert(handled_requests).values(key=key, expires_at=now + ttl)
        stmt = insert.on_conflict_do_update(
            index_elements=["key"],
            set_={"expires_at": insert.excluded.expires_at},
            where=handled_requests.c.expires_at <= now,
        ).returning(handled_requests.c.key)
        with self._db.write() as conn:
            return conn.execute(stmt).first() is not None

    @offloaded
    def forget(self, key: str) -> None:
        """Let ``key`` be handled again: what it started failed, and may be retried."""
        with self._db.write() as conn:
            conn.execute(delete(handled_requests).where(handled_requests.c.key == key))

    @offloaded
    def prune(self, now: datetime) -> int:
        """Forget the handled requests whose time is up at ``now``; how many there were.

        Kept out of ``first_sighting``: a delete of every expired key inside each ack's
        write (SQLite has one writer at a time) made every Slack request wait for it.
        """
        stmt = delete(handled_requests).where(handled_requests.c.expires_at <= aware(now, "now"))
        with self._db.write() as conn:
            return int(conn.execute(stmt).rowcount)
