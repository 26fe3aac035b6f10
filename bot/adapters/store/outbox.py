"""The delivery outbox: messages queued for Slack under unique keys, claimed by one
replica at a time and kept until Slack has accepted them."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, Select, exists, func, or_, select, update
from sqlalchemy.sql.expression import ColumnElement, FromClause

from bot.adapters.store.db import MAX_ERROR_CHARS, Repository, aware, offloaded
from bot.adapters.store.schema import outbox, outbox_holds
from bot.core.records import NewOutboxRow, OutboxItem

log = logging.getLogger("kafka_tasks.store")


class Outbox(Repository):
    @offloaded
    def enqueue(
        self, key: str, channel: str, thread_ts: str | None, kind: str, payload: str
    ) -> bool:
        """Claim a message for delivery under a unique ``key``.

        ``True`` only for the one caller whose row was inserted; any other with the
        same key, at any time (even after delivery), gets ``False``.
        """
        return key in self.enqueue_many.sync([NewOutboxRow(key, channel, thread_ts, kind, payload)])

    @offloaded
    def enqueue_many(self, rows: Sequence[NewOutboxRow]) -> set[str]:
        """Queue ``rows`` in one transaction, in the order given; the keys that were new.

        A deliverer sees all of them or none: the rows of one poll that may go out as a
        digest are never found half queued, the first one then posted alone. A key
        queued before (or earlier in ``rows``) is left as it is, as with ``enqueue``.
        """
        if not rows:
            return set()  # no write lock taken for nothing
        now = self._db.now()
        new: set[str] = set()
        with self._db.write() as conn:
            for row in rows:
                stmt = (
                    self._db.insert(outbox)
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
                    .returning(outbox.c.id)
                )
                inserted = conn.execute(stmt).scalar()
                if inserted is None:
                    continue
                new.add(row.key)
                if row.hold is not None and row.held_until is not None:
                    conn.execute(
                        outbox_holds.insert().values(
                            outbox_id=inserted,
                            hold=row.hold,
                            held_until=aware(row.held_until, "held_until"),
                        )
                    )
        return new

    @offloaded
    def known(self, keys: Sequence[str]) -> set[str]:
        """Which of ``keys`` were queued before, delivered or not: lets a caller skip
        the work of a row whose key is taken (the key itself still decides)."""
        if not keys:
            return set()
        stmt = select(outbox.c.key).where(outbox.c.key.in_(list(keys)))
        with self._db.read() as conn:
            return set(conn.execute(stmt).scalars())

    @offloaded
    def hold_until(self, channel: str, hold: str, until: datetime) -> int:
        """Move the end of ``hold`` in ``channel`` to ``until`` (a snooze extended, or
        lifted: then ``until`` is now); how many undelivered rows it holds."""
        with self._db.write() as conn:
            return move_hold(conn, channel, hold, aware(until, "until"))

    @offloaded
    def hold(self, item_id: int, owner: str, hold: str, until: datetime) -> bool:
        """Hold a claimed row back until ``until`` under ``hold`` (a snooze set after it
        was queued), and give up the claim: it goes out with the rest of that hold.
        ``False`` (nothing changed) unless ``owner`` still holds the claim."""
        release = (
            update(outbox)
            .where(
                outbox.c.id == item_id,
                outbox.c.claimed_by == owner,
                outbox.c.delivered_at.is_(None),
            )
            .values(claimed_by=None, claimed_until=None)
        )
        values = {"hold": hold, "held_until": aware(until, "until")}
        held = (
            self._db.insert(outbox_holds)
            .values(outbox_id=item_id, **values)
            .on_conflict_do_update(index_elements=["outbox_id"], set_=values)
        )
        with self._db.write() as conn:
            if conn.execute(release).rowcount == 0:
                return False
            conn.execute(held)
        return True

    @offloaded
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
        now = aware(now, "now")
        # Aliases keep the subqueries independent of the UPDATE's own ``outbox``.
        head, candidate = outbox.alias("head"), outbox.alias("candidate")
        heads = (
            select(func.min(head.c.id))
            .where(head.c.delivered_at.is_(None), ~_held(head, now))
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
        if self._db.postgres:
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
        with self._db.write() as conn:
            items = [_outbox_item(row) for row in conn.execute(stmt)]
            holds = _holds_of(conn, [item.id for item in items])
        items = [_with_hold(item, holds) for item in items]
        return sorted(items, key=lambda item: item.id)

    @offloaded
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
        with self._db.write() as conn:
            return conn.execute(stmt).rowcount > 0

    @offloaded
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
                delivered_at=self._db.now(),
                delivered_ts=ts,
                claimed_by=None,
                claimed_until=None,
            )
        )
        with self._db.write() as conn:
            recorded = conn.execute(stmt).rowcount > 0
        if not recorded:
            log.info("outbox row %d was already delivered (marked again by %s)", item_id, owner)
        return recorded

    @offloaded
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
                next_attempt_at=aware(next_attempt_at, "next_attempt_at"),
                claimed_by=None,
                claimed_until=None,
            )
        )
        with self._db.write() as conn:
            return conn.execute(stmt).rowcount > 0

    @offloaded
    def depth(self) -> int:
        """How many rows are waiting to be delivered."""
        stmt = select(func.count()).select_from(outbox).where(outbox.c.delivered_at.is_(None))
        with self._db.read() as conn:
            return int(conn.execute(stmt).scalar_one())

    @offloaded
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
        with self._db.write() as conn:
            return int(conn.execute(stmt).rowcount)

    @offloaded
    def pending_for(self, channel: str) -> list[OutboxItem]:
        """The channel's undelivered rows, oldest first."""
        joined = outbox.outerjoin(outbox_holds, outbox_holds.c.outbox_id == outbox.c.id)
        stmt: Select[Any] = (
            select(*outbox.c, outbox_holds.c.hold, outbox_holds.c.held_until)
            .select_from(joined)
            .where(outbox.c.channel == channel, outbox.c.delivered_at.is_(None))
            .order_by(outbox.c.id)
        )
        with self._db.read() as conn:
            return [_outbox_item(row) for row in conn.execute(stmt)]


def move_hold(conn: Connection, channel: str, hold: str, until: datetime) -> int:
    """Within the caller's transaction: ``hold``'s undelivered rows in ``channel`` now
    held until ``until``; how many."""
    rows = select(outbox.c.id).where(outbox.c.channel == channel, outbox.c.delivered_at.is_(None))
    stmt = (
        update(outbox_holds)
        .where(outbox_holds.c.hold == hold, outbox_holds.c.outbox_id.in_(rows))
        .values(held_until=until)
    )
    return int(conn.execute(stmt).rowcount)


def _holds_of(conn: Connection, ids: list[int]) -> dict[int, tuple[str, datetime]]:
    if not ids:
        return {}
    stmt = select(outbox_holds).where(outbox_holds.c.outbox_id.in_(ids))
    return {row.outbox_id: (row.hold, row.held_until) for row in conn.execute(stmt)}


def _with_hold(item: OutboxItem, holds: dict[int, tuple[str, datetime]]) -> OutboxItem:
    if item.id not in holds:
        return item
    hold, until = holds[item.id]
    return replace(item, hold=hold, held_until=until)


def _held(table: FromClause, now: datetime) -> ColumnElement[bool]:
    """A row held back (a snooze, quiet hours): no channel's head until its hold ends,
    so the channel's other messages go on being posted, in order, around it."""
    return exists().where(outbox_holds.c.outbox_id == table.c.id, outbox_holds.c.held_until > now)


def _unclaimed(table: FromClause, now: datetime) -> ColumnElement[bool]:
    return or_(table.c.claimed_until.is_(None), table.c.claimed_until <= now)


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
        hold=m.get("hold"),
        held_until=m.get("held_until"),
    )
