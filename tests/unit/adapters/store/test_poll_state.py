"""Last-seen task states, baselines and per-instance cursors."""

from __future__ import annotations

from datetime import timedelta, timezone

from bot.adapters.store import Store
from bot.simulator.clock import ManualClock
from tests.unit.adapters.store.support import START


def test_task_states_round_trip_and_update(store: Store) -> None:
    assert store.task_states("i-a") == {}
    store.save_task_states("i-a", {"t1": "EXECUTING", "t2": "CREATED"})
    store.save_task_states("i-a", {"t1": "SUCCESS", "t3": "FAILED"})
    assert store.task_states("i-a") == {"t1": "SUCCESS", "t2": "CREATED", "t3": "FAILED"}
    assert store.task_states("i-b") == {}


def test_many_task_states_in_one_save(store: Store) -> None:
    states = {f"task-{n:05d}": "SUCCESS" if n % 3 else "FAILED" for n in range(2000)}
    store.save_task_states("i-a", states)
    assert store.task_states("i-a") == states


def test_baseline_is_recorded_even_for_an_instance_without_tasks(store: Store) -> None:
    assert not store.has_baseline("i-empty")
    store.save_task_states("i-empty", {})
    assert store.has_baseline("i-empty")
    assert store.task_states("i-empty") == {}
    assert not store.has_baseline("i-other")


def test_baseline_survives_cursor_moves(store: Store, clock: ManualClock) -> None:
    store.set_cursor("i-a", START)
    assert not store.has_baseline("i-a")  # polled is not baselined
    store.save_task_states("i-a", {"t1": "SUCCESS"})
    store.set_cursor("i-a", START + timedelta(minutes=1))
    assert store.has_baseline("i-a")
    assert store.cursor("i-a") == START + timedelta(minutes=1)


def test_cursor_round_trips_as_aware_utc(store: Store) -> None:
    assert store.cursor("i-a") is None
    moment = START + timedelta(microseconds=123456)
    store.set_cursor("i-a", moment)
    assert store.cursor("i-a") == moment
    beijing = moment.astimezone(timezone(timedelta(hours=8)))
    store.set_cursor("i-a", beijing + timedelta(seconds=30))
    saved = store.cursor("i-a")
    assert saved == moment + timedelta(seconds=30)
    assert saved is not None
    assert saved.utcoffset() == timedelta(0)
    assert store.cursor("i-b") is None


def test_a_cycles_cursors_are_written_together_new_and_moved(store: Store) -> None:
    store.set_cursor("i-a", START)
    store.set_cursors({"i-a": START + timedelta(minutes=1), "i-b": START + timedelta(minutes=2)})
    assert store.cursor("i-a") == START + timedelta(minutes=1)
    assert store.cursor("i-b") == START + timedelta(minutes=2)
    store.set_cursors({})  # a cycle that polled nothing writes nothing
    assert store.cursor("i-a") == START + timedelta(minutes=1)
