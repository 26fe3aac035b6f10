"""Last-seen task states, baselines and per-instance cursors."""

from __future__ import annotations

from datetime import timedelta, timezone

from bot.adapters.store import Store
from bot.simulator.clock import ManualClock
from tests.unit.adapters.store.support import START


def test_task_states_round_trip_and_update(store: Store) -> None:
    assert store.polling.task_states.sync("i-a") == {}
    store.polling.save_task_states.sync("i-a", {"t1": "EXECUTING", "t2": "CREATED"})
    store.polling.save_task_states.sync("i-a", {"t1": "SUCCESS", "t3": "FAILED"})
    assert store.polling.task_states.sync("i-a") == {
        "t1": "SUCCESS",
        "t2": "CREATED",
        "t3": "FAILED",
    }
    assert store.polling.task_states.sync("i-b") == {}


def test_many_task_states_in_one_save(store: Store) -> None:
    states = {f"task-{n:05d}": "SUCCESS" if n % 3 else "FAILED" for n in range(2000)}
    store.polling.save_task_states.sync("i-a", states)
    assert store.polling.task_states.sync("i-a") == states


def test_baseline_is_recorded_even_for_an_instance_without_tasks(store: Store) -> None:
    assert not store.polling.has_baseline.sync("i-empty")
    store.polling.save_task_states.sync("i-empty", {})
    assert store.polling.has_baseline.sync("i-empty")
    assert store.polling.task_states.sync("i-empty") == {}
    assert not store.polling.has_baseline.sync("i-other")


def test_baseline_survives_cursor_moves(store: Store, clock: ManualClock) -> None:
    store.polling.set_cursor.sync("i-a", START)
    assert not store.polling.has_baseline.sync("i-a")  # polled is not baselined
    store.polling.save_task_states.sync("i-a", {"t1": "SUCCESS"})
    store.polling.set_cursor.sync("i-a", START + timedelta(minutes=1))
    assert store.polling.has_baseline.sync("i-a")
    assert store.polling.cursor.sync("i-a") == START + timedelta(minutes=1)


def test_cursor_round_trips_as_aware_utc(store: Store) -> None:
    assert store.polling.cursor.sync("i-a") is None
    moment = START + timedelta(microseconds=123456)
    store.polling.set_cursor.sync("i-a", moment)
    assert store.polling.cursor.sync("i-a") == moment
    beijing = moment.astimezone(timezone(timedelta(hours=8)))
    store.polling.set_cursor.sync("i-a", beijing + timedelta(seconds=30))
    saved = store.polling.cursor.sync("i-a")
    assert saved == moment + timedelta(seconds=30)
    assert saved is not None
    assert saved.utcoffset() == timedelta(0)
    assert store.polling.cursor.sync("i-b") is None


def test_a_cycles_cursors_are_written_together_new_and_moved(store: Store) -> None:
    store.polling.set_cursor.sync("i-a", START)
    store.polling.set_cursors.sync(
        {"i-a": START + timedelta(minutes=1), "i-b": START + timedelta(minutes=2)}
    )
    assert store.polling.cursor.sync("i-a") == START + timedelta(minutes=1)
    assert store.polling.cursor.sync("i-b") == START + timedelta(minutes=2)
    store.polling.set_cursors.sync({})  # a cycle that polled nothing writes nothing
    assert store.polling.cursor.sync("i-a") == START + timedelta(minutes=1)
