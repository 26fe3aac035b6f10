"""Finished tasks' run times and the channels' daily summaries."""

from __future__ import annotations

from datetime import timedelta

from bot.adapters.store import Store, Subscription
from bot.core.records import DailySummary, TaskRun
from tests.unit.adapters.store.support import START


def _run(task_id: str, minutes: float, *, name: str = "restart", ended_after: int = 0) -> TaskRun:
    ended = START + timedelta(hours=ended_after)
    return TaskRun(
        instance_id="i-1",
        task_id=task_id,
        name=name,
        status="SUCCESS",
        started_at=ended - timedelta(minutes=minutes),
        ended_at=ended,
        seconds=minutes * 60,
    )


def test_a_run_is_kept_once_however_often_it_is_recorded(store: Store) -> None:
    assert store.runs.record.sync([_run("t1", 10), _run("t2", 12)]) == 2
    assert store.runs.record.sync([_run("t1", 10), _run("t3", 11)]) == 1
    found = store.runs.recent_seconds.sync("i-1", "restart", START - timedelta(days=1), 10)
    assert sorted(found) == [("t1", 600.0), ("t2", 720.0), ("t3", 660.0)]


def test_recent_runs_are_bounded_newest_first_and_by_name(store: Store) -> None:
    store.runs.record.sync([_run(f"t{i}", i + 1, ended_after=i) for i in range(6)])
    store.runs.record.sync([_run("other", 99, name="extend")])
    newest = store.runs.recent_seconds.sync("i-1", "restart", START, 3)
    assert [task_id for task_id, _ in newest] == ["t5", "t4", "t3"]
    since = store.runs.recent_seconds.sync("i-1", "restart", START + timedelta(hours=4), 10)
    assert [task_id for task_id, _ in since] == ["t5", "t4"]


def test_runs_ended_in_a_day(store: Store) -> None:
    store.runs.record.sync([_run(f"t{i}", 1, ended_after=i * 10) for i in range(4)])
    day = store.runs.ended_between.sync(
        "i-1", START + timedelta(hours=5), START + timedelta(hours=25), 10
    )
    assert [r.task_id for r in day] == ["t1", "t2"]
    assert day[0].ended_at == START + timedelta(hours=10)


def test_daily_summaries_are_set_changed_and_follow_their_subscription(store: Store) -> None:
    summary = DailySummary("C1", "i-1", "09:00", "Asia/Shanghai", START)
    store.daily.set.sync(summary)
    # No subscription yet: nothing to summarize.
    assert store.daily.all.sync() == []
    sub = Subscription("C1", "i-1", "prod", "all", None, "U1", START)
    store.subscriptions.upsert.sync(sub)
    assert store.daily.all.sync() == [summary]
    store.daily.set.sync(DailySummary("C1", "i-1", "18:30", "UTC", START + timedelta(days=1)))
    assert store.daily.get.sync("C1", "i-1") == DailySummary(
        "C1", "i-1", "18:30", "UTC", START + timedelta(days=1)
    )
    assert store.daily.clear.sync("C1", "i-1") is True
    assert store.daily.clear.sync("C1", "i-1") is False
    assert store.daily.all.sync() == []


def test_daily_summaries_of_many_channels_in_one_read(store: Store) -> None:
    for channel, instance_id, clock in (("C2", "i-1", "08:00"), ("C1", "i-2", "09:00")):
        store.daily.set.sync(DailySummary(channel, instance_id, clock, "UTC", START))
    store.daily.set.sync(DailySummary("C3", "i-1", "10:00", "UTC", START))  # not asked
    found = store.daily.in_channels.sync(["C1", "C2", "C9"])
    assert [(d.channel, d.instance_id, d.clock) for d in found] == [
        ("C1", "i-2", "09:00"),
        ("C2", "i-1", "08:00"),
    ]
    assert store.daily.in_channels.sync([]) == []


def test_known_keys_of_the_outbox(store: Store) -> None:
    assert store.outbox.enqueue.sync("k1", "C1", None, "x", "{}")
    assert store.outbox.known.sync(["k1", "k2"]) == {"k1"}
    assert store.outbox.known.sync([]) == set()
