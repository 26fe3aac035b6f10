"""The bot's durable state: subscriptions, followed threads, poll state, leases, outbox.

Every method is one short transaction on its own pooled connection, so the async bot
can call any of them through ``asyncio.to_thread`` from many tasks at once. Where
replicas race (leases, the outbox, subscribing), the decision is a single conditional
statement the database arbitrates, never a read followed by a write.

SQLite is for one machine (WAL lets a second process share the file); PostgreSQL is
for several replicas.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    Select,
    Table,
    case,
    create_engine,
    delete,
    event,
    func,
    literal,
    or_,
    select,
    union,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.sql.expression import ColumnElement, FromClause

from bot.adapters.store import migrations
from bot.adapters.store.errors import StoreError
from bot.adapters.store.schema import (
    UtcDateTime,
    followed_tasks,
    followed_threads,
    handled_requests,
    outbox,
    poll_cursors,
    poll_leases,
    subscription_pauses,
    subscriptions,
    task_states,
)
from bot.adapters.store.urls import engine_url, ensure_sqlite_folder, safe_url
from bot.core.clock import utc_now
from bot.core.records import (
    SCOPES,
    FollowedThread,
    NewOutboxRow,
    OutboxItem,
    Scope,
    Subscription,
)

log = logging.getLogger("kafka_tasks.store")

Clock = Callable[[], datetime]

# How long a SQLite writer waits for another to finish before "database is locked".
# Writes here take milliseconds; the wait only has to outlast a burst of them.
SQLITE_BUSY_TIMEOUT_S = 15.0
MIN_SQLITE = (3, 35)
# Slack errors are short; a traceback pasted in by a caller is not kept whole.
MAX_ERROR_CHARS = 2000
# A connection option telling the SQLite ``begin`` hook that the transaction writes.
_WRITES = "kafka_tasks_writes"
# Bounds the subscribe retry when a concurrent unsubscribe deletes the row in between.
_UPSERT_ATTEMPTS = 5


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), got {moment.isoformat()}")
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class PollView:
    cursor: datetime | None
    has_baseline: bool
    states: dict[str, str]
    threads: list[FollowedThread]


class Store:
    """The store over one SQLAlchemy engine. Create it with ``Store.open(url)``."""

    def __init__(self, engine: Engine, clock: Clock = utc_now) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{_WRITES: True})
        self._clock = clock
        self._postgres = engine.dialect.name == "postgresql"

    # -- lifecycle -----------------------------------------------------------------------

    @classmethod
    def open(cls, url: str, *, clock: Clock = utc_now) -> Store:
        """Connect, create or migrate the schema, and return the store.

        ``postgres://`` and ``postgresql://`` select PostgreSQL (psycopg 3); a
        ``sqlite:///path`` file is created with its folder on first use.
        """
        target = engine_url(url)
        ensure_sqlite_folder(target)
        engine = _create_engine(target)
        store = cls(engine, clock)
        try:
            with store._write() as conn:
                version = migrations.migrate(conn, _aware(clock(), "clock()"))
        except BaseException:
            engine.dispose()
            raise
        log.info("store ready: %s at schema version %d", safe_url(target), version)
        return store

    def close(self) -> None:
        """Close the pooled connections; the store must not be used afterwards."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._engine.dialect.name

    def schema_version(self) -> int:
        with self._read() as conn:
            return migrations.recorded_version(conn)

    # -- subscriptions -------------------------------------------------------------------

    def upsert_subscription(self, sub: Subscription) -> tuple[Subscription, bool]:
        """Subscribe a channel to an instance; ``True`` when the subscription is new.

        Subscribing again changes scope, name filter, language and the instance's
        display name, and keeps who subscribed first and when.
        """
        if sub.scope not in SCOPES:
            raise ValueError(f"scope must be one of {sorted(SCOPES)}, got {sub.scope!r}")
        values = {
            "channel": sub.channel,
            "instance_id": sub.instance_id,
            "instance_name": sub.instance_name,
            "scope": sub.scope,
            "name_glob": sub.name_glob,
            "created_by": sub.created_by,
            "created_at": _aware(sub.created_at, "created_at"),
            "language": sub.language,
        }
        same = (subscriptions.c.channel == sub.channel) & (
            subscriptions.c.instance_id == sub.instance_id
        )
        # Insert-or-nothing tells us unambiguously whether the row is new, which an
        # upsert's RETURNING does not on SQLite; the update then covers the other case.
        insert_new = (
            self._insert(subscriptions)
            .values(values)
            .on_conflict_do_nothing(index_elements=["channel", "instance_id"])
            .returning(*subscriptions.c)
        )
        update_existing = (
            update(subscriptions)
            .where(same)
            .values(
                instance_name=sub.instance_name,
                scope=sub.scope,
                name_glob=sub.name_glob,
                language=sub.language,
            )
            .returning(*subscriptions.c)
        )
        with self._write() as conn:
            for _ in range(_UPSERT_ATTEMPTS):
                row = conn.execute(insert_new).first()
                if row is not None:
                    return _subscription(row), True
                row = conn.execute(update_existing).first()
                if row is not None:
                    paused = conn.execute(_paused_at(sub.channel, sub.instance_id)).scalar()
                    return replace(_subscription(row), paused_at=paused), False
                # Someone unsubscribed between our two statements: try the insert again.
        raise StoreError(f"subscription {sub.channel}/{sub.instance_id} kept changing under us")

    def delete_subscription(self, channel: str, instance_id: str) -> Subscription | None:
        """Unsubscribe; the removed subscription, or ``None`` if there was none."""
        stmt = (
            delete(subscriptions)
            .where(subscriptions.c.channel == channel, subscriptions.c.instance_id == instance_id)
            .returning(*subscriptions.c)
        )
        with self._write() as conn:
            row = conn.execute(stmt).first()
            # A pause belongs to its subscription: subscribing again starts unpaused.
            conn.execute(_pause_of(channel, instance_id, delete(subscription_pauses)))
        return _subscription(row) if row is not None else None

    def subscriptions_in(self, channel: str) -> list[Subscription]:
        stmt = _with_pauses().where(subscriptions.c.channel == channel)
        with self._read() as conn:
            return [_subscription(row) for row in conn.execute(stmt.order_by(subscriptions.c.id))]

    def subscriptions_for(self, instance_id: str) -> list[Subscription]:
        stmt = _with_pauses().where(subscriptions.c.instance_id == instance_id)
        with self._read() as conn:
            return [_subscription(row) for row in conn.execute(stmt.order_by(subscriptions.c.id))]

    def subscription(self, channel: str, instance_id: str) -> Subscription | None:
        stmt = _with_pauses().where(
            subscriptions.c.channel == channel, subscriptions.c.instance_id == instance_id
        )
        with self._read() as conn:
            row = conn.execute(stmt).first()
        return _subscription(row) if row is not None else None

    def all_subscriptions(self) -> list[Subscription]:
        with self._read() as conn:
            rows = conn.execute(_with_pauses().order_by(subscriptions.c.id))
            return [_subscription(row) for row in rows]

    def pause_subscription(self, channel: str, instance_id: str, reason: str) -> bool:
        """Pause a subscription the access rules no longer allow.

        ``True`` only for the one caller that paused it (replicas race to tell the
        channel; exactly one does); ``False`` when it was paused already or is gone.
        """
        now = _aware(self._clock(), "clock()")
        exists = select(subscriptions.c.id).where(
            subscriptions.c.channel == channel, subscriptions.c.instance_id == instance_id
        )
        stmt = (
            self._insert(subscription_pauses)
            .from_select(
                ["channel", "instance_id", "paused_at", "reason"],
                select(
                    subscriptions.c.channel,
                    subscriptions.c.instance_id,
                    literal(now, UtcDateTime()),
                    literal(reason[:MAX_ERROR_CHARS]),
                ).where(subscriptions.c.id.in_(exists)),
            )
            .on_conflict_do_nothing(index_elements=["channel", "instance_id"])
            .returning(subscription_pauses.c.channel)
        )
        with self._write() as conn:
            return conn.execute(stmt).first() is not None

    def resume_subscription(self, channel: str, instance_id: str) -> bool:
        """Lift a pause; ``True`` only for the one caller that lifted it."""
        stmt = _pause_of(channel, instance_id, delete(subscription_pauses)).returning(
            subscription_pauses.c.channel
        )
        with self._write() as conn:
            return conn.execute(stmt).first() is not None

    def count_subscriptions(self) -> int:
        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(subscriptions)).scalar_one())

    # -- followed threads ----------------------------------------------------------------

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
        now = _aware(self._clock(), "clock()")
        insert = self._insert(followed_threads).values(
            channel=channel,
            message_ts=message_ts,
            instance_id=instance_id,
            instance_name=instance_name,
            query=query,
            created_at=now,
            follow_until=_aware(follow_until, "follow_until"),
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
        with self._write() as conn:
            thread = _thread(conn.execute(stmt).one())
            if ids:
                add = self._insert(followed_tasks).on_conflict_do_nothing(
                    index_elements=["thread_id", "task_id"]
                )
                conn.execute(add, [{"thread_id": thread.id, "task_id": i} for i in ids])
        return thread

    def threads_for(self, instance_id: str) -> list[FollowedThread]:
        with self._read() as conn:
            return [_thread(row) for row in conn.execute(_threads_of(instance_id))]

    def followed_tasks(self, thread_id: int) -> set[str]:
        stmt = select(followed_tasks.c.task_id).where(followed_tasks.c.thread_id == thread_id)
        with self._read() as conn:
            return set(conn.execute(stmt).scalars())

    def unfollow_task(self, thread_id: int, task_id: str) -> int:
        """Stop following one task in a thread; returns how many it still follows."""
        with self._write() as conn:
            conn.execute(
                delete(followed_tasks).where(
                    followed_tasks.c.thread_id == thread_id, followed_tasks.c.task_id == task_id
                )
            )
            remaining = select(func.count()).where(followed_tasks.c.thread_id == thread_id)
            return int(conn.execute(remaining).scalar_one())

    def drop_thread(self, thread_id: int) -> None:
        """Forget a thread and the tasks followed in it."""
        with self._write() as conn:
            # The foreign key cascades too; deleting explicitly does not depend on the
            # connection having enabled SQLite's foreign keys.
            conn.execute(delete(followed_tasks).where(followed_tasks.c.thread_id == thread_id))
            conn.execute(delete(followed_threads).where(followed_threads.c.id == thread_id))

    def expired_threads(self, now: datetime) -> list[FollowedThread]:
        """Threads whose ``follow_until`` is at or before ``now``."""
        stmt = (
            select(followed_threads)
            .where(followed_threads.c.follow_until <= _aware(now, "now"))
            .order_by(followed_threads.c.id)
        )
        with self._read() as conn:
            return [_thread(row) for row in conn.execute(stmt)]

    def watched_instances(self) -> set[str]:
        """Instances to poll: those with a subscription or a followed thread."""
        stmt = union(select(subscriptions.c.instance_id), select(followed_threads.c.instance_id))
        with self._read() as conn:
            return set(conn.execute(stmt).scalars())

    # -- last-seen task states and cursors -----------------------------------------------

    def task_states(self, instance_id: str) -> dict[str, str]:
        """Task id -> the status last seen for it on this instance."""
        with self._read() as conn:
            return {task_id: status for task_id, status in conn.execute(_states_of(instance_id))}

    def save_task_states(self, instance_id: str, states: Mapping[str, str]) -> None:
        """Record statuses (upserting each task) and mark the instance as baselined,
        all in one transaction; an empty mapping still records the baseline."""
        now = _aware(self._clock(), "clock()")
        upsert = self._insert(task_states)
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
        baseline = self._insert(poll_cursors).values(instance_id=instance_id, baseline_at=now)
        baseline = baseline.on_conflict_do_update(
            index_elements=["instance_id"],
            set_={"baseline_at": baseline.excluded.baseline_at},
            where=poll_cursors.c.baseline_at.is_(None),
        )
        with self._write() as conn:
            if rows:
                conn.execute(upsert, rows)
            conn.execute(baseline)

    def has_baseline(self, instance_id: str) -> bool:
        """Whether task states were ever saved for the instance (even none)."""
        stmt = select(poll_cursors.c.baseline_at).where(poll_cursors.c.instance_id == instance_id)
        with self._read() as conn:
            return conn.execute(stmt).scalar() is not None

    def poll_view(self, instance_id: str) -> PollView:
        """What one poll of the instance needs to know, read in one go (four separate
        reads cost the poller a round trip each, per instance, per cycle)."""
        with self._read() as conn:
            row = conn.execute(
                select(poll_cursors.c.cursor_at, poll_cursors.c.baseline_at).where(
                    poll_cursors.c.instance_id == instance_id
                )
            ).first()
            states = {task_id: status for task_id, status in conn.execute(_states_of(instance_id))}
            threads = [_thread(r) for r in conn.execute(_threads_of(instance_id))]
        return PollView(
            cursor=cast(datetime | None, row.cursor_at) if row else None,
            has_baseline=bool(row and row.baseline_at is not None),
            states=states,
            threads=threads,
        )

    def cursor(self, instance_id: str) -> datetime | None:
        """Where the last poll of the instance reached, or ``None`` if never polled."""
        stmt = select(poll_cursors.c.cursor_at).where(poll_cursors.c.instance_id == instance_id)
        with self._read() as conn:
            return cast(datetime | None, conn.execute(stmt).scalar())

    def set_cursor(self, instance_id: str, moment: datetime) -> None:
        self.set_cursors({instance_id: moment})

    def set_cursors(self, moments: Mapping[str, datetime]) -> None:
        """Several instances' cursors in one transaction: the poller writes a cycle's
        together, where a transaction per instance was a fifth of its CPU."""
        if not moments:
            return
        rows = [
            {"instance_id": instance_id, "cursor_at": _aware(moment, "moment")}
            for instance_id, moment in moments.items()
        ]
        stmt = self._insert(poll_cursors)
        stmt = stmt.on_conflict_do_update(
            index_elements=["instance_id"], set_={"cursor_at": stmt.excluded.cursor_at}
        )
        with self._write() as conn:
            conn.execute(stmt, rows)

    # -- poll leases ---------------------------------------------------------------------

    def acquire_lease(self, instance_id: str, owner: str, ttl: timedelta) -> bool:
        """Take, take over (when expired) or renew the lease to poll ``instance_id``.

        ``True`` when ``owner`` holds it for ``ttl`` from now; ``False`` when another
        owner's lease is still live. One statement decides: of any number of callers
        racing for a free or expired lease, exactly one gets it.
        """
        if ttl <= timedelta(0):
            raise ValueError(f"ttl must be positive, got {ttl}")
        now = _aware(self._clock(), "clock()")
        insert = self._insert(poll_leases).values(
            instance_id=instance_id, owner=owner, expires_at=now + ttl
        )
        # On PostgreSQL a racer blocked on the row re-checks this WHERE against the
        # winner's committed row, sees a live lease that is not its own, and updates
        # nothing; SQLite runs writers one at a time.
        stmt = insert.on_conflict_do_update(
            index_elements=["instance_id"],
            set_={"owner": insert.excluded.owner, "expires_at": insert.excluded.expires_at},
            where=or_(poll_leases.c.owner == owner, poll_leases.c.expires_at <= now),
        ).returning(poll_leases.c.owner)
        with self._write() as conn:
            return conn.execute(stmt).first() is not None

    def release_lease(self, instance_id: str, owner: str) -> None:
        """Give the lease up (at shutdown) so another replica need not wait for expiry;
        does nothing if ``owner`` no longer holds it."""
        stmt = delete(poll_leases).where(
            poll_leases.c.instance_id == instance_id, poll_leases.c.owner == owner
        )
        with self._write() as conn:
            conn.execute(stmt)

    def lease_owner(self, instance_id: str) -> str | None:
        """The owner of the live lease on ``instance_id``; ``None`` if free or expired."""
        stmt = select(poll_leases.c.owner).where(
            poll_leases.c.instance_id == instance_id,
            poll_leases.c.expires_at > _aware(self._clock(), "clock()"),
        )
        with self._read() as conn:
            return cast(str | None, conn.execute(stmt).scalar())

    # -- delivery outbox -----------------------------------------------------------------

    def enqueue(
        self, key: str, channel: str, thread_ts: str | None, kind: str, payload: str
    ) -> bool:
        """Claim a message for delivery under a unique ``key``.

        ``True`` only for the one caller whose row was inserted; any other with the
        same key, at any time (even after delivery), gets ``False``.
        """
        return key in self.enqueue_many([NewOutboxRow(key, channel, thread_ts, kind, payload)])

    def enqueue_many(self, rows: Sequence[NewOutboxRow]) -> set[str]:
        """Queue ``rows`` in one transaction, in the order given; the keys that were new.

        A deliverer sees all of them or none: the rows of one poll that may go out as a
        digest are never found half queued, the first one then posted alone. A key
        queued before (or earlier in ``rows``) is left as it is, as with ``enqueue``.
        """
        if not rows:
            return set()  # no write lock taken for nothing
        now = _aware(self._clock(), "clock()")
        new: set[str] = set()
        with self._write() as conn:
            for row in rows:
                stmt = (
                    self._insert(outbox)
                    .values(
                        key=row.key,
                        channel=row.channel,
                        thread_ts=row.thread_ts,
                        kind=row.kind,
                        payload=row.payload,
                        created_at=now,
                        attempts=0,
                        next_attempt_at=now,
                    )
                    .on_conflict_do_nothing(index_elements=["key"])
                    .returning(outbox.c.key)
                )
                if conn.execute(stmt).first() is not None:
                    new.add(row.key)
        return new

    def claim_due(
        self, owner: str, now: datetime, limit: int, claim_for: timedelta
    ) -> list[OutboxItem]:
        """Claim up to ``limit`` rows to deliver, oldest first, at most one per channel.

        Each channel offers only its oldest undelivered row (by id): if that row is not
        due yet or is claimed by anyone (``owner`` included, since it may still be
        posting it), the channel offers nothing, which is what keeps per-channel order
        through retries. A claim lasts ``claim_for``; after that another owner may take
        the row over.
        """
        if claim_for <= timedelta(0):
            raise ValueError(f"claim_for must be positive, got {claim_for}")
        if limit <= 0:
            return []
        now = _aware(now, "now")
        # Aliases keep the subqueries independent of the UPDATE's own ``outbox``.
        head, candidate = outbox.alias("head"), outbox.alias("candidate")
        heads = (
            select(func.min(head.c.id))
            .where(head.c.delivered_at.is_(None))
            .group_by(head.c.channel)
        )
        candidates = (
            select(candidate.c.id)
            .where(
                candidate.c.id.in_(heads),
                candidate.c.delivered_at.is_(None),
                candidate.c.next_attempt_at <= now,
                _unclaimed(candidate, now),
            )
            .order_by(candidate.c.id)
            .limit(limit)
        )
        if self._postgres:
            # Rows another replica is claiming right now are skipped rather than waited
            # for; when this lock is granted PostgreSQL re-checks the conditions above
            # on the newest row, so a row claimed or delivered meanwhile drops out.
            candidates = candidates.with_for_update(skip_locked=True)
        # MATERIALIZED: picked exactly once. As a plain IN subquery PostgreSQL may run
        # it again while updating, and each run skips the rows just claimed and picks
        # others, so more than ``limit`` rows came back.
        picked = candidates.cte("picked").prefix_with("MATERIALIZED")
        stmt = (
            update(outbox)
            .where(
                outbox.c.id.in_(select(picked.c.id)),
                outbox.c.delivered_at.is_(None),
                _unclaimed(outbox, now),
            )
            .values(claimed_by=owner, claimed_until=now + claim_for)
            .returning(*outbox.c)
        )
        with self._write() as conn:
            items = [_outbox_item(row) for row in conn.execute(stmt)]
        return sorted(items, key=lambda item: item.id)

    def note_attempt(self, item_id: int, owner: str) -> bool:
        """Count a delivery attempt before posting, so that after a crash mid-post the
        next claimer sees ``attempts > 0`` and can check Slack before posting again.
        ``False`` (and nothing counted) unless ``owner`` holds the row's claim."""
        stmt = (
            update(outbox)
            .where(
                outbox.c.id == item_id,
                outbox.c.claimed_by == owner,
                outbox.c.delivered_at.is_(None),
            )
            .values(attempts=outbox.c.attempts + 1)
        )
        with self._write() as conn:
            return conn.execute(stmt).rowcount > 0

    def mark_delivered(self, item_id: int, owner: str, ts: str | None) -> bool:
        """Record that Slack has the row's message (``ts`` is what Slack returned; may be
        ``None`` when the row is settled without a post of its own, e.g. folded into a
        digest or set aside). ``True`` when this call recorded it, ``False`` when the
        row was already delivered.

        Recorded whoever holds the claim: the message is in Slack either way, and
        recording it stops anyone posting it again.
        """
        stmt = (
            update(outbox)
            .where(outbox.c.id == item_id, outbox.c.delivered_at.is_(None))
            .values(
                delivered_at=_aware(self._clock(), "clock()"),
                delivered_ts=ts,
                claimed_by=None,
                claimed_until=None,
            )
        )
        with self._write() as conn:
            recorded = conn.execute(stmt).rowcount > 0
        if not recorded:
            log.info("outbox row %d was already delivered (marked again by %s)", item_id, owner)
        return recorded

    def mark_failed(self, item_id: int, owner: str, error: str, next_attempt_at: datetime) -> bool:
        """Count a failed attempt, keep the error, release the claim and schedule the
        next try. ``False`` (nothing changed) unless ``owner`` still holds the claim: a
        replica whose claim lapsed must not reschedule a row someone else now has."""
        stmt = (
            update(outbox)
            .where(
                outbox.c.id == item_id,
                outbox.c.claimed_by == owner,
                outbox.c.delivered_at.is_(None),
            )
            .values(
                attempts=outbox.c.attempts + 1,
                last_error=error[:MAX_ERROR_CHARS],
                next_attempt_at=_aware(next_attempt_at, "next_attempt_at"),
                claimed_by=None,
                claimed_until=None,
            )
        )
        with self._write() as conn:
            return conn.execute(stmt).rowcount > 0

    def outbox_depth(self) -> int:
        """How many rows are waiting to be delivered."""
        stmt = select(func.count()).select_from(outbox).where(outbox.c.delivered_at.is_(None))
        with self._read() as conn:
            return int(conn.execute(stmt).scalar_one())

    def release_claims(self, owner: str) -> int:
        """Give up every claim ``owner`` holds, as a replica does when it starts.

        Replica names are stable across restarts, so claims found under our name were
        made by a run of ours that died mid-delivery; waiting for them to lapse would
        stall those channels. Attempt counts stay, so each row is still checked against
        Slack before it is posted again."""
        stmt = (
            update(outbox)
            .where(outbox.c.claimed_by == owner, outbox.c.delivered_at.is_(None))
            .values(claimed_by=None, claimed_until=None)
        )
        with self._write() as conn:
            return int(conn.execute(stmt).rowcount)

    def pending_for(self, channel: str) -> list[OutboxItem]:
        """The channel's undelivered rows, oldest first."""
        stmt = (
            select(outbox)
            .where(outbox.c.channel == channel, outbox.c.delivered_at.is_(None))
            .order_by(outbox.c.id)
        )
        with self._read() as conn:
            return [_outbox_item(row) for row in conn.execute(stmt)]

    # -- Slack requests already handled -------------------------------------------------

    def first_sighting(self, key: str, ttl: timedelta) -> bool:
        """Record that the request ``key`` is being handled; ``True`` only the first time
        within ``ttl`` (on any replica), so a retried or replayed request is not
        answered twice. An expired key counts as new and is taken over here; the other
        expired keys are left to ``prune_handled``, off this path that runs before every
        ack."""
        if ttl <= timedelta(0):
            raise ValueError(f"ttl must be positive, got {ttl}")
        now = _aware(self._clock(), "clock()")
        insert = self._insert(handled_requests).values(key=key, expires_at=now + ttl)
        stmt = insert.on_conflict_do_update(
            index_elements=["key"],
            set_={"expires_at": insert.excluded.expires_at},
            where=handled_requests.c.expires_at <= now,
        ).returning(handled_requests.c.key)
        with self._write() as conn:
            return conn.execute(stmt).first() is not None

    def prune_handled(self, now: datetime) -> int:
        """Forget the handled requests whose time is up at ``now``; how many there were.

        Kept out of ``first_sighting``: a delete of every expired key inside each ack's
        write (SQLite has one writer at a time) made every Slack request wait for it.
        """
        stmt = delete(handled_requests).where(handled_requests.c.expires_at <= _aware(now, "now"))
        with self._write() as conn:
            return int(conn.execute(stmt).rowcount)

    # -- plumbing ------------------------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._engine.connect() as conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._writer.begin() as conn:
            yield conn

    def _insert(self, table: Table) -> postgresql.Insert | sqlite.Insert:
        # ON CONFLICT lives in each dialect's own insert(); the two share the same API.
        return postgresql.insert(table) if self._postgres else sqlite.insert(table)


def _create_engine(url: URL) -> Engine:
    # hide_parameters: a failed statement's text ends up in logs, and its parameters
    # are message payloads and Slack errors, not something a log reader needs.
    if url.get_backend_name() == "postgresql":
        # Replicas idle for minutes between polls; hosted PostgreSQL drops idle
        # connections, so check each one before use instead of failing a poll.
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)
    if sqlite3.sqlite_version_info < MIN_SQLITE:
        # RETURNING and MATERIALIZED arrived in 3.35; older builds fail mid-statement.
        raise StoreError(
            f"SQLite {sqlite3.sqlite_version} is too old: the store needs "
            f"{'.'.join(map(str, MIN_SQLITE))} or newer (or use PostgreSQL)"
        )
    engine = create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
        hide_parameters=True,
    )
    event.listen(engine, "connect", _sqlite_connected)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connected(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # The sqlite3 module's own BEGIN handling would start write transactions lazily, at
    # the first write, and a read-then-write transaction can then fail at once with
    # "database is locked" instead of waiting; so we issue BEGIN ourselves.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        # WAL: readers never block the writer, so a second process (or the bot's
        # threads) can read while a poll writes.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # IMMEDIATE takes the write lock up front, where the busy timeout applies.
    writes = conn.get_execution_options().get(_WRITES, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def _unclaimed(table: FromClause, now: datetime) -> ColumnElement[bool]:
    return or_(table.c.claimed_until.is_(None), table.c.claimed_until <= now)


def _states_of(instance_id: str) -> Select[Any]:
    return select(task_states.c.task_id, task_states.c.status).where(
        task_states.c.instance_id == instance_id
    )


def _threads_of(instance_id: str) -> Select[Any]:
    return (
        select(followed_threads)
        .where(followed_threads.c.instance_id == instance_id)
        .order_by(followed_threads.c.id)
    )


def _with_pauses() -> Select[Any]:
    """Subscriptions with their pause, if any: one statement, no second read."""
    pauses = subscription_pauses
    joined = subscriptions.outerjoin(
        pauses,
        (pauses.c.channel == subscriptions.c.channel)
        & (pauses.c.instance_id == subscriptions.c.instance_id),
    )
    return select(*subscriptions.c, pauses.c.paused_at).select_from(joined)


def _pause_of(channel: str, instance_id: str, stmt: Any) -> Any:
    return stmt.where(
        subscription_pauses.c.channel == channel,
        subscription_pauses.c.instance_id == instance_id,
    )


def _paused_at(channel: str, instance_id: str) -> Select[Any]:
    return cast(
        Select[Any], _pause_of(channel, instance_id, select(subscription_pauses.c.paused_at))
    )


def _subscription(row: Row[Any]) -> Subscription:
    m = row._mapping
    return Subscription(
        paused_at=m.get("paused_at"),
        channel=m["channel"],
        instance_id=m["instance_id"],
        instance_name=m["instance_name"],
        scope=cast(Scope, m["scope"]),
        name_glob=m["name_glob"],
        created_by=m["created_by"],
        created_at=m["created_at"],
        language=m["language"],
    )


def _thread(row: Row[Any]) -> FollowedThread:
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


def _outbox_item(row: Row[Any]) -> OutboxItem:
    m = row._mapping
    return OutboxItem(
        id=m["id"],
        key=m["key"],
        channel=m["channel"],
        thread_ts=m["thread_ts"],
        kind=m["kind"],
        payload=m["payload"],
        created_at=m["created_at"],
        attempts=m["attempts"],
        next_attempt_at=m["next_attempt_at"],
        delivered_at=m["delivered_at"],
        delivered_ts=m["delivered_ts"],
        last_error=m["last_error"],
    )
