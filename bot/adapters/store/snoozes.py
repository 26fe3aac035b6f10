"""Snoozes: a channel's notifications about one instance held until a moment.

A snooze and the rows it holds change together: snoozing again moves the end of what
is held already, and lifting it (Undo) lets what it held go out now, as one digest.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, select

from bot.adapters.store.db import Repository, aware, chunks, offloaded
from bot.adapters.store.outbox import move_hold
from bot.adapters.store.schema import snoozes
from bot.core.quiet import snooze_hold
from bot.core.records import Snooze


class Snoozes(Repository):
    @offloaded
    def snooze(self, channel: str, instance_id: str, until: datetime, by_user: str) -> Snooze:
        """Snooze (or snooze again, to a new end) the channel's notifications about the
        instance; rows held by an earlier snooze now end with this one."""
        until = aware(until, "until")
        values = {"until": until, "by_user": by_user}
        stmt = (
            self._db.insert(snoozes)
            .values(channel=channel, instance_id=instance_id, **values)
            .on_conflict_do_update(index_elements=["channel", "instance_id"], set_=values)
        )
        with self._db.write() as conn:
            conn.execute(stmt)
            move_hold(conn, channel, snooze_hold(instance_id), until)
        return Snooze(channel, instance_id, until, by_user)

    @offloaded
    def lift(self, channel: str, instance_id: str) -> Snooze | None:
        """End the snooze now; what it held goes out at once. The snooze that was in
        force, or None when there was none (lifted already, or over)."""
        now = self._db.now()
        stmt = (
            delete(snoozes)
            .where(snoozes.c.channel == channel, snoozes.c.instance_id == instance_id)
            .returning(*snoozes.c)
        )
        with self._db.write() as conn:
            row = conn.execute(stmt).first()
            move_hold(conn, channel, snooze_hold(instance_id), now)
        if row is None:
            return None
        found = _snooze(row)
        return found if found.until > now else None

    @offloaded
    def in_force(self, instance_id: str, now: datetime) -> dict[str, Snooze]:
        """The instance's snoozes in force at ``now``, by channel."""
        stmt = select(snoozes).where(
            snoozes.c.instance_id == instance_id, snoozes.c.until > aware(now, "now")
        )
        with self._db.read() as conn:
            return {row.channel: _snooze(row) for row in conn.execute(stmt)}

    @offloaded
    def in_channel(self, channel: str, now: datetime) -> list[Snooze]:
        """The channel's snoozes in force at ``now``, soonest end first: ``in_channels``
        of the one channel."""
        return self.in_channels.sync([channel], now)

    @offloaded
    def in_channels(self, channels: Iterable[str], now: datetime) -> list[Snooze]:
        """The snoozes in force at ``now`` in any of ``channels``: one read for many
        channels (the Home tab's), by channel, then soonest end first."""
        now = aware(now, "now")
        found: list[Snooze] = []
        with self._db.read() as conn:
            for chunk in chunks(sorted(set(channels))):
                stmt = (
                    select(snoozes)
                    .where(snoozes.c.channel.in_(chunk), snoozes.c.until > now)
                    .order_by(snoozes.c.channel, snoozes.c.until, snoozes.c.instance_id)
                )
                found += [_snooze(row) for row in conn.execute(stmt)]
        return found


def _snooze(row: Row[Any]) -> Snooze:
    m = row._mapping
    return Snooze(
        channel=m["channel"], instance_id=m["instance_id"], until=m["until"], by_user=m["by_user"]
    )
