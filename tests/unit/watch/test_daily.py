"""The daily upkeep: a summary queued once per channel, instance and day, whichever
replica looks, and marked late when queued well after its time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import pytest

from bot.adapters.store.store import Store
from bot.core.dms.errors import DmsUnavailable
from bot.core.dms.scheduled import ScheduledList, ScheduledTask
from bot.core.dms.source import Dms
from bot.core.records import DailySummary, Subscription, TaskRun
from bot.watch.daily import DailyUpkeep
from bot.watch.payload import DailySummaryRow, decode

SET_AT = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
NINE = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path}/d.db")
    opened.subscriptions.upsert.sync(Subscription("C1", "i-1", "prod", "all", None, "U1", SET_AT))
    opened.daily.set.sync(DailySummary("C1", "i-1", "09:00", "UTC", SET_AT))
    ended = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
    opened.runs.record.sync(
        [
            TaskRun("i-1", "a", "restart", "SUCCESS", ended - timedelta(minutes=3), ended, 180.0),
            TaskRun("i-1", "b", "restart", "FAILED", ended - timedelta(minutes=9), ended, 540.0),
        ]
    )
    yield opened
    opened.close()


class _Scheduled:
    """DMS's scheduled tasks: one soon, one later than a day, one already cancelled."""

    def __init__(self, *, fails: bool = False) -> None:
        self.fails = fails

    async def list_scheduled(self, instance_id: str) -> ScheduledList:
        if self.fails:
            raise DmsUnavailable("DMS is down")

        def task(task_id: str, hours: int, status: str = "CREATED") -> ScheduledTask:
            return ScheduledTask(
                task_id, "restartInstance", status, "", "", NINE + timedelta(hours=hours)
            )

        soon, late, cancelled = task("s1", 2), task("s2", 30), task("s3", 3, "CANCELLED")
        return ScheduledList(instance_id, (soon, late, cancelled))


def _upkeep(store: Store, now: datetime, *, fails: bool = False) -> DailyUpkeep:
    dms = cast(Dms, _Scheduled(fails=fails))
    return DailyUpkeep(store, dms, every=timedelta(seconds=1), clock=lambda: now)


def _rows(store: Store) -> list[DailySummaryRow]:
    rows = store.outbox.pending_for.sync("C1")
    found = [decode(r.kind, r.payload) for r in rows]
    return [r for r in found if isinstance(r, DailySummaryRow)]


async def test_nothing_before_its_time_then_once_whoever_looks(store: Store) -> None:
    assert await _upkeep(store, NINE - timedelta(seconds=1)).once() == 0
    first, second = _upkeep(store, NINE), _upkeep(store, NINE + timedelta(seconds=5))
    assert await first.once() == 1
    assert await second.once() == 0
    assert await first.once() == 0
    [row] = _rows(store)
    assert row.day == "2026-03-09"
    assert dict(row.counts) == {"SUCCESS": 1, "FAILED": 1}
    assert [t["id"] for t in row.failed] == ["b"]
    assert [s["took_s"] for s in row.slowest] == [540.0, 180.0]
    assert not row.late
    # The next 24 h's waiting changes only.
    assert row.scheduled == (
        {"name": "restartInstance", "at": (NINE + timedelta(hours=2)).isoformat()},
    )


async def test_scheduled_changes_that_cannot_be_read_are_said_to_be_unknown(store: Store) -> None:
    assert await _upkeep(store, NINE, fails=True).once() == 1
    [row] = _rows(store)
    assert row.scheduled is None


async def test_queued_long_after_its_time_it_is_late(store: Store) -> None:
    assert await _upkeep(store, NINE + timedelta(hours=2)).once() == 1
    [row] = _rows(store)
    assert row.late


async def test_a_paused_subscription_gets_no_summary(store: Store) -> None:
    assert store.subscriptions.pause.sync("C1", "i-1", "rule x")
    assert await _upkeep(store, NINE).once() == 0
    assert _rows(store) == []
