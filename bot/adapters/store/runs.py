"""Finished tasks' run times, and the channels' daily summaries that read them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, select

from bot.adapters.store.db import Repository, aware, chunks, offloaded
from bot.adapters.store.schema import daily_summaries, subscriptions, task_runs
from bot.core.records import DailySummary, TaskRun


class TaskRuns(Repository):
    @offloaded
    def record(self, runs: Sequence[TaskRun]) -> int:
        """Keep these runs; one row per task, so a run seen again (a repeated poll, a
        second replica) is kept once. Returns how many were new."""
        if not runs:
            return 0
        new = 0
        with self._db.write() as conn:
            for run in runs:
                stmt = (
                    self._db.insert(task_runs)
                    .values(
                        instance_id=run.instance_id,
                        task_id=run.task_id,
                        name=run.name,
                        status=run.status,
                        started_at=run.started_at,
                        ended_at=aware(run.ended_at, "ended_at"),
                        seconds=run.seconds,
                    )
                    .on_conflict_do_nothing(index_elements=["instance_id", "task_id"])
                    .returning(task_runs.c.task_id)
                )
                if conn.execute(stmt).first() is not None:
                    new += 1
        return new

    @offloaded
    def recent_seconds(
        self, instance_id: str, name: str, since: datetime, limit: int
    ) -> list[tuple[str, float]]:
        """(task id, seconds) of the name's newest runs ended from ``since``, at most
        ``limit`` of them: bounded however often the task runs."""
        stmt = (
            select(task_runs.c.task_id, task_runs.c.seconds)
            .where(
                task_runs.c.instance_id == instance_id,
                task_runs.c.name == name,
                task_runs.c.ended_at >= aware(since, "since"),
                task_runs.c.seconds.is_not(None),
            )
            .order_by(task_runs.c.ended_at.desc())
            .limit(limit)
        )
        with self._db.read() as conn:
            return [(str(r.task_id), float(r.seconds)) for r in conn.execute(stmt)]

    @offloaded
    def ended_between(
        self, instance_id: str, begin: datetime, end: datetime, limit: int
    ) -> list[TaskRun]:
        """The instance's runs that ended in [begin, end), oldest first, at most ``limit``."""
        stmt = (
            select(*task_runs.c)
            .where(
                task_runs.c.instance_id == instance_id,
                task_runs.c.ended_at >= aware(begin, "begin"),
                task_runs.c.ended_at < aware(end, "end"),
            )
            .order_by(task_runs.c.ended_at, task_runs.c.task_id)
            .limit(limit)
        )
        with self._db.read() as conn:
            return [_run(row) for row in conn.execute(stmt)]


class DailySummaries(Repository):
    @offloaded
    def set(self, summary: DailySummary) -> None:
        """Set (or change) a channel's daily summary of an instance."""
        values = {
            "channel": summary.channel,
            "instance_id": summary.instance_id,
            "at_clock": summary.clock,
            "zone": summary.zone,
            "since": aware(summary.since, "since"),
        }
        stmt = (
            self._db.insert(daily_summaries)
            .values(values)
            .on_conflict_do_update(
                index_elements=["channel", "instance_id"],
                set_={"at_clock": summary.clock, "zone": summary.zone, "since": values["since"]},
            )
        )
        with self._db.write() as conn:
            conn.execute(stmt)

    @offloaded
    def clear(self, channel: str, instance_id: str) -> bool:
        stmt = delete(daily_summaries).where(
            daily_summaries.c.channel == channel, daily_summaries.c.instance_id == instance_id
        )
        with self._db.write() as conn:
            return bool(conn.execute(stmt).rowcount)

    @offloaded
    def all(self) -> list[DailySummary]:
        """Every daily summary whose subscription is still there."""
        joined = daily_summaries.join(
            subscriptions,
            (subscriptions.c.channel == daily_summaries.c.channel)
            & (subscriptions.c.instance_id == daily_summaries.c.instance_id),
        )
        stmt = (
            select(*daily_summaries.c)
            .select_from(joined)
            .order_by(daily_summaries.c.channel, daily_summaries.c.instance_id)
        )
        with self._db.read() as conn:
            return [_summary(row) for row in conn.execute(stmt)]

    @offloaded
    def in_channels(self, channels: Iterable[str]) -> list[DailySummary]:
        """The daily summaries of ``channels``, by channel and instance: one read for
        many channels (the Home tab's)."""
        found: list[DailySummary] = []
        with self._db.read() as conn:
            for chunk in chunks(sorted(set(channels))):
                stmt = (
                    select(*daily_summaries.c)
                    .where(daily_summaries.c.channel.in_(chunk))
                    .order_by(daily_summaries.c.channel, daily_summaries.c.instance_id)
                )
                found += [_summary(row) for row in conn.execute(stmt)]
        return found

    @offloaded
    def get(self, channel: str, instance_id: str) -> DailySummary | None:
        stmt = select(*daily_summaries.c).where(
            daily_summaries.c.channel == channel, daily_summaries.c.instance_id == instance_id
        )
        with self._db.read() as conn:
            row = conn.execute(stmt).first()
        return _summary(row) if row is not None else None


def _run(row: Row[Any]) -> TaskRun:
    m = row._mapping
    return TaskRun(
        instance_id=m["instance_id"],
        task_id=m["task_id"],
        name=m["name"],
        status=m["status"],
        started_at=m["started_at"],
        ended_at=m["ended_at"],
        seconds=None if m["seconds"] is None else float(m["seconds"]),
    )


def _summary(row: Row[Any]) -> DailySummary:
    m = row._mapping
    return DailySummary(
        channel=m["channel"],
        instance_id=m["instance_id"],
        clock=m["at_clock"],
        zone=m["zone"],
        since=m["since"],
    )
