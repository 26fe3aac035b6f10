"""Subscriptions and their pauses: which channels hear about which instances."""

from __future__ import annotations

from dataclasses import replace
from datetime import time
from typing import Any, cast

from sqlalchemy import Row, Select, delete, func, literal, select, update

from bot.adapters.store.db import MAX_ERROR_CHARS, Repository, aware, offloaded
from bot.adapters.store.errors import StoreError
from bot.adapters.store.schema import (
    UtcDateTime,
    daily_summaries,
    snoozes,
    subscription_pauses,
    subscription_quiet,
    subscriptions,
)
from bot.core.quiet import QuietHours
from bot.core.records import SCOPES, Scope, Subscription

# Bounds the subscribe retry when a concurrent unsubscribe deletes the row in between.
_UPSERT_ATTEMPTS = 5


class Subscriptions(Repository):
    @offloaded
    def upsert(self, sub: Subscription) -> tuple[Subscription, bool]:
        """Subscribe a channel to an instance; ``True`` when the subscription is new.

        Subscribing again changes scope, name filter, language, quiet hours and the
        instance's display name, and keeps who subscribed first and when.
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
            "created_at": aware(sub.created_at, "created_at"),
            "language": sub.language,
        }
        same = (subscriptions.c.channel == sub.channel) & (
            subscriptions.c.instance_id == sub.instance_id
        )
        # Insert-or-nothing tells us unambiguously whether the row is new, which an
        # upsert's RETURNING does not on SQLite; the update then covers the other case.
        insert_new = (
            self._db.insert(subscriptions)
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
        with self._db.write() as conn:
            for _ in range(_UPSERT_ATTEMPTS):
                row = conn.execute(insert_new).first()
                if row is not None:
                    _save_quiet(conn, sub)
                    return replace(_subscription(row), quiet=sub.quiet), True
                row = conn.execute(update_existing).first()
                if row is not None:
                    _save_quiet(conn, sub)
                    paused = conn.execute(_paused_at(sub.channel, sub.instance_id)).scalar()
                    saved = replace(_subscription(row), paused_at=paused, quiet=sub.quiet)
                    return saved, False
                # Someone unsubscribed between our two statements: try the insert again.
        raise StoreError(f"subscription {sub.channel}/{sub.instance_id} kept changing under us")

    @offloaded
    def delete(self, channel: str, instance_id: str) -> Subscription | None:
        """Unsubscribe; the removed subscription, or ``None`` if there was none."""
        stmt = (
            delete(subscriptions)
            .where(subscriptions.c.channel == channel, subscriptions.c.instance_id == instance_id)
            .returning(*subscriptions.c)
        )
        with self._db.write() as conn:
            row = conn.execute(stmt).first()
            # A pause, quiet hours, a snooze and a daily summary belong to their
            # subscription, and go with it in the same transaction: one left behind
            # would come back (a snooze silently holding) on subscribing again.
            for table in (subscription_pauses, subscription_quiet, snoozes, daily_summaries):
                conn.execute(
                    delete(table).where(
                        table.c.channel == channel, table.c.instance_id == instance_id
                    )
                )
        return _subscription(row) if row is not None else None

    @offloaded
    def in_channel(self, channel: str) -> list[Subscription]:
        stmt = _with_pauses().where(subscriptions.c.channel == channel)
        with self._db.read() as conn:
            return [_subscription(row) for row in conn.execute(stmt.order_by(subscriptions.c.id))]

    @offloaded
    def for_instance(self, instance_id: str) -> list[Subscription]:
        stmt = _with_pauses().where(subscriptions.c.instance_id == instance_id)
        with self._db.read() as conn:
            return [_subscription(row) for row in conn.execute(stmt.order_by(subscriptions.c.id))]

    @offloaded
    def get(self, channel: str, instance_id: str) -> Subscription | None:
        stmt = _with_pauses().where(
            subscriptions.c.channel == channel, subscriptions.c.instance_id == instance_id
        )
        with self._db.read() as conn:
            row = conn.execute(stmt).first()
        return _subscription(row) if row is not None else None

    @offloaded
    def all(self) -> list[Subscription]:
        with self._db.read() as conn:
            rows = conn.execute(_with_pauses().order_by(subscriptions.c.id))
            return [_subscription(row) for row in rows]

    @offloaded
    def pause(self, channel: str, instance_id: str, reason: str) -> bool:
        """Pause a subscription the access rules no longer allow.

        ``True`` only for the one caller that paused it (replicas race to tell the
        channel; exactly one does); ``False`` when it was paused already or is gone.
        """
        now = self._db.now()
        exists = select(subscriptions.c.id).where(
            subscriptions.c.channel == channel, subscriptions.c.instance_id == instance_id
        )
        stmt = (
            self._db.insert(subscription_pauses)
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
        with self._db.write() as conn:
            return conn.execute(stmt).first() is not None

    @offloaded
    def resume(self, channel: str, instance_id: str) -> bool:
        """Lift a pause; ``True`` only for the one caller that lifted it."""
        stmt = _pause_of(channel, instance_id, delete(subscription_pauses)).returning(
            subscription_pauses.c.channel
        )
        with self._db.write() as conn:
            return conn.execute(stmt).first() is not None

    @offloaded
    def count(self) -> int:
        with self._db.read() as conn:
            return int(conn.execute(select(func.count()).select_from(subscriptions)).scalar_one())


def _with_pauses() -> Select[Any]:
    """Subscriptions with their pause and quiet hours, if any: one statement."""
    pauses, quiet = subscription_pauses, subscription_quiet
    joined = subscriptions.outerjoin(
        pauses,
        (pauses.c.channel == subscriptions.c.channel)
        & (pauses.c.instance_id == subscriptions.c.instance_id),
    ).outerjoin(
        quiet,
        (quiet.c.channel == subscriptions.c.channel)
        & (quiet.c.instance_id == subscriptions.c.instance_id),
    )
    columns = (quiet.c.start_at, quiet.c.end_at, quiet.c.zone, quiet.c.everything)
    return select(*subscriptions.c, pauses.c.paused_at, *columns).select_from(joined)


def _save_quiet(conn: Any, sub: Subscription) -> None:
    """The subscription's quiet hours as given: none given, none kept."""
    conn.execute(_quiet_of(sub.channel, sub.instance_id, delete(subscription_quiet)))
    if sub.quiet is None:
        return
    q = sub.quiet
    conn.execute(
        subscription_quiet.insert().values(
            channel=sub.channel,
            instance_id=sub.instance_id,
            start_at=f"{q.start:%H:%M}",
            end_at=f"{q.end:%H:%M}",
            zone=q.zone,
            everything=q.everything,
        )
    )


def _quiet_of(channel: str, instance_id: str, stmt: Any) -> Any:
    return stmt.where(
        subscription_quiet.c.channel == channel,
        subscription_quiet.c.instance_id == instance_id,
    )


def _quiet(m: Any) -> QuietHours | None:
    if m.get("start_at") is None:
        return None
    return QuietHours(
        start=time.fromisoformat(m["start_at"]),
        end=time.fromisoformat(m["end_at"]),
        zone=m["zone"],
        everything=bool(m["everything"]),
    )


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
        quiet=_quiet(m),
        channel=m["channel"],
        instance_id=m["instance_id"],
        instance_name=m["instance_name"],
        scope=cast(Scope, m["scope"]),
        name_glob=m["name_glob"],
        created_by=m["created_by"],
        created_at=m["created_at"],
        language=m["language"],
    )
