"""Poll state: which instances to poll, where each poll reached, the task states last
seen, and the leases that let one replica at a time poll an instance."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Select, and_, delete, func, or_, select, union

from bot.adapters.store.db import Repository, aware, chunks, offloaded
from bot.adapters.store.schema import (
    followed_threads,
    poll_cursors,
    poll_leases,
    poll_replicas,
    subscriptions,
    task_states,
)
from bot.adapters.store.threads import thread_of
from bot.core.records import FollowedThread


@dataclass(frozen=True)
class PollView:
    cursor: datetime | None
    has_baseline: bool
    states: dict[str, str]
    threads: list[FollowedThread]


class Polling(Repository):
    @offloaded
    def watched_instances(self) -> set[str]:
        """Instances to poll: those with a subscription or a followed thread."""
        stmt = union(select(subscriptions.c.instance_id), select(followed_threads.c.instance_id))
        with self._db.read() as conn:
            return set(conn.execute(stmt).scalars())

    @offloaded
    def watched_leases(self) -> dict[str, str | None]:
        """Each instance to poll -> the owner of its live lease (``None``: free or
        expired), in one read: what a replica needs to work out its share each cycle."""
        watched = union(
            select(subscriptions.c.instance_id), select(followed_threads.c.instance_id)
        ).subquery()
        live = and_(
            poll_leases.c.instance_id == watched.c.instance_id,
            poll_leases.c.expires_at > self._db.now(),
        )
        stmt = select(watched.c.instance_id, poll_leases.c.owner).select_from(
            watched.outerjoin(poll_leases, live)
        )
        with self._db.read() as conn:
            return {instance_id: owner for instance_id, owner in conn.execute(stmt)}

    # -- last-seen task states and cursors -----------------------------------------------

    @offloaded
    def task_states(self, instance_id: str) -> dict[str, str]:
        """Task id -> the status last seen for it on this instance."""
        with self._db.read() as conn:
            return {task_id: status for task_id, status in conn.execute(_states_of(instance_id))}

    @offloaded
    def save_task_states(self, instance_id: str, states: Mapping[str, str]) -> None:
        """Record statuses (upserting each task) and mark the instance as baselined,
        all in one transaction; an empty mapping still records the baseline."""
        now = self._db.now()
        upsert = self._db.insert(task_states)
        upsert = upsert.on_conflict_do_update(
            index_elements=["instance_id", "task_id"],
            set_={"status": upsert.excluded.status, "updated_at": upsert.excluded.updated_at},
            # Unchanged rows are left alone: less to write, and updated_at stays the
            # moment the status last changed.
            where=task_states.c.status != upsert.excluded.status,
        )
        # Sorted, so two writers (a lease changing hands mid-poll) lock rows in the same
        # order on PostgreSQL and cannot deadlock.
        rows = [
            {"instance_id": instance_id, "task_id": task_id, "status": status, "updated_at": now}
            for task_id, status in sorted(states.items())
        ]
        baseline = self._db.insert(poll_cursors).values(instance_id=instance_id, baseline_at=now)
        baseline = baseline.on_conflict_do_update(
            index_elements=["instance_id"],
            set_={"baseline_at": baseline.excluded.baseline_at},
            where=poll_cursors.c.baseline_at.is_(None),
        )
        with self._db.write() as conn:
            if rows:
                conn.execute(upsert, rows)
            conn.execute(baseline)

    @offloaded
    def has_baseline(self, instance_id: str) -> bool:
        """Whether task states were ever saved for the instance (even none)."""
        stmt = select(poll_cursors.c.baseline_at).where(poll_cursors.c.instance_id == instance_id)
        with self._db.read() as conn:
            return conn.execute(stmt).scalar() is not None

    @offloaded
    def view(self, instance_id: str) -> PollView:
        """What one poll of the instance needs to know, read in one go (four separate
        reads cost the poller a round trip each, per instance, per cycle)."""
        return self.views.sync([instance_id])[instance_id]

    @offloaded
    def views(self, instance_ids: Collection[str]) -> dict[str, PollView]:
        """``view`` for many instances at once: three statements per few hundred
        instances, where a read per instance was most of an idle poll's store work."""
        cursors: dict[str, Any] = {}
        states: dict[str, dict[str, str]] = {i: {} for i in instance_ids}
        threads: dict[str, list[FollowedThread]] = {i: [] for i in instance_ids}
        with self._db.read() as conn:
            for chunk in chunks(sorted(instance_ids)):
                for row in conn.execute(
                    select(poll_cursors).where(poll_cursors.c.instance_id.in_(chunk))
                ):
                    cursors[row.instance_id] = row
                for instance_id, task_id, status in conn.execute(
                    select(
                        task_states.c.instance_id, task_states.c.task_id, task_states.c.status
                    ).where(task_states.c.instance_id.in_(chunk))
                ):
                    states[instance_id][task_id] = status
                for row in conn.execute(
                    select(followed_threads)
                    .where(followed_threads.c.instance_id.in_(chunk))
                    .order_by(followed_threads.c.id)
                ):
                    threads[row.instance_id].append(thread_of(row))
        return {
            i: PollView(
                cursor=cast(datetime | None, cursors[i].cursor_at) if i in cursors else None,
                has_baseline=i in cursors and cursors[i].baseline_at is not None,
                states=states[i],
                threads=threads[i],
            )
            for i in instance_ids
        }

    @offloaded
    def cursor(self, instance_id: str) -> datetime | None:
        """Where the last poll of the instance reached, or ``None`` if never polled."""
        stmt = select(poll_cursors.c.cursor_at).where(poll_cursors.c.instance_id == instance_id)
        with self._db.read() as conn:
            return cast(datetime | None, conn.execute(stmt).scalar())

    @offloaded
    def set_cursors(self, moments: Mapping[str, datetime]) -> None:
        """Several instances' cursors in one transaction: the poller writes a cycle's
        together, where a transaction per instance was a fifth of its CPU."""
        if not moments:
            return
        rows = [
            {"instance_id": instance_id, "cursor_at": aware(moment, "moment")}
            for instance_id, moment in moments.items()
        ]
        stmt = self._db.insert(poll_cursors)
        stmt = stmt.on_conflict_do_update(
            index_elements=["instance_id"], set_={"cursor_at": stmt.excluded.cursor_at}
        )
        with self._db.write() as conn:
            conn.execute(stmt, rows)

    @offloaded
    def set_cursor(self, instance_id: str, moment: datetime) -> None:
        self.set_cursors.sync({instance_id: moment})

    # -- poll leases ---------------------------------------------------------------------

    @offloaded
    def acquire_lease(self, instance_id: str, owner: str, ttl: timedelta) -> bool:
        """Take, take over (when expired) or renew the lease to poll ``instance_id``.

        ``True`` when ``owner`` holds it for ``ttl`` from now; ``False`` when another
        owner's lease is still live. One statement decides: of any number of callers
        racing for a free or expired lease, exactly one gets it.
        """
        with self._db.write() as conn:
            return bool(self._acquire(conn, [instance_id], owner, ttl))

    @offloaded
    def acquire_leases(self, instance_ids: Collection[str], owner: str, ttl: timedelta) -> set[str]:
        """``acquire_lease`` for many instances in one transaction: the ones ``owner``
        now holds for ``ttl``. Each row is still decided by the one conditional upsert."""
        with self._db.write() as conn:
            held: set[str] = set()
            for chunk in chunks(sorted(instance_ids)):
                held |= self._acquire(conn, chunk, owner, ttl)
            return held

    def _acquire(
        self, conn: Connection, instance_ids: Sequence[str], owner: str, ttl: timedelta
    ) -> set[str]:
        if ttl <= timedelta(0):
            raise ValueError(f"ttl must be positive, got {ttl}")
        if not instance_ids:
            return set()
        now = self._db.now()
        # Sorted by the callers: two replicas racing for overlapping sets lock the rows
        # in the same order on PostgreSQL, so they wait for each other, never deadlock.
        insert = self._db.insert(poll_leases).values(
            [{"instance_id": i, "owner": owner, "expires_at": now + ttl} for i in instance_ids]
        )
        # On PostgreSQL a racer blocked on the row re-checks this WHERE against the
        # winner's committed row, sees a live lease that is not its own, and updates
        # nothing; SQLite runs writers one at a time.
        stmt = insert.on_conflict_do_update(
            index_elements=["instance_id"],
            set_={"owner": insert.excluded.owner, "expires_at": insert.excluded.expires_at},
            where=or_(poll_leases.c.owner == owner, poll_leases.c.expires_at <= now),
        ).returning(poll_leases.c.instance_id)
        return set(conn.execute(stmt).scalars())

    @offloaded
    def release_lease(self, instance_id: str, owner: str) -> None:
        """Give the lease up (at shutdown) so another replica need not wait for expiry;
        does nothing if ``owner`` no longer holds it."""
        stmt = delete(poll_leases).where(
            poll_leases.c.instance_id == instance_id, poll_leases.c.owner == owner
        )
        with self._db.write() as conn:
            conn.execute(stmt)

    @offloaded
    def release_leases(self, instance_ids: Collection[str], owner: str) -> None:
        """``release_lease`` for many instances in one transaction."""
        with self._db.write() as conn:
            for chunk in chunks(sorted(instance_ids)):
                conn.execute(
                    delete(poll_leases).where(
                        poll_leases.c.instance_id.in_(chunk), poll_leases.c.owner == owner
                    )
                )

    # -- replicas --------------------------------------------------------------------------

    @offloaded
    def heartbeat(self, owner: str, ttl: timedelta) -> int:
        """Record ``owner`` as watching for ``ttl`` from now; returns how many replicas
        are watching now, ``owner`` included. Only the fair share of leases each
        replica takes depends on it: a wrong count unbalances, never double-polls."""
        now = self._db.now()
        insert = self._db.insert(poll_replicas).values(owner=owner, expires_at=now + ttl)
        stmt = insert.on_conflict_do_update(
            index_elements=["owner"], set_={"expires_at": insert.excluded.expires_at}
        )
        live = (
            select(func.count()).select_from(poll_replicas).where(poll_replicas.c.expires_at > now)
        )
        with self._db.write() as conn:
            conn.execute(stmt)
            return max(1, int(conn.execute(live).scalar() or 0))

    @offloaded
    def leave(self, owner: str) -> None:
        """``owner`` stops watching (a clean stop): the others count it out at once."""
        with self._db.write() as conn:
            conn.execute(delete(poll_replicas).where(poll_replicas.c.owner == owner))

    @offloaded
    def lease_owner(self, instance_id: str) -> str | None:
        """The owner of the live lease on ``instance_id``; ``None`` if free or expired."""
        stmt = select(poll_leases.c.owner).where(
            poll_leases.c.instance_id == instance_id,
            poll_leases.c.expires_at > self._db.now(),
        )
        with self._db.read() as conn:
            return cast(str | None, conn.execute(stmt).scalar())


def _states_of(instance_id: str) -> Select[Any]:
    return select(task_states.c.task_id, task_states.c.status).where(
        task_states.c.instance_id == instance_id
    )
