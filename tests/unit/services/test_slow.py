"""SlowTasks: runs recorded once, judged against their own name's others, cached, and
never failing the answer or poll that asks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.adapters.store.store import Store
from bot.core.dms.models import Task
from bot.services.slow import SlowTasks, run_of

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _task(
    task_id: str, minutes: float, *, name: str = "restartInstance", status: str = "SUCCESS"
) -> Task:
    return Task(
        id=task_id,
        name=name,
        user_name="",
        user_id="",
        status=status,
        created_at=NOW - timedelta(minutes=minutes),
        updated_at=NOW,
    )


async def test_a_run_far_past_its_usual_is_noted(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path}/s.db", clock=lambda: NOW)
    try:
        slow = SlowTasks(store, clock=lambda: NOW)
        usual = [_task(f"u{n}", 10) for n in range(5)]
        await slow.record("i-1", usual)
        assert await slow.slow("i-1", [_task("s", 21)]) != {}
        assert await slow.slow("i-1", [_task("ok", 20)]) == {}
        # Another name's history says nothing about this one.
        assert await slow.slow("i-1", [_task("x", 99, name="extendInstance")]) == {}
        # Itself excluded: a slow run recorded is still judged against the others only.
        await slow.record("i-1", [_task("s", 21)])
        note = (await slow.slow("i-1", [_task("s", 21)]))["s"]
        assert (note.took_s, note.usual_s) == (21 * 60, 10 * 60)
    finally:
        store.close()


async def test_a_store_that_fails_never_fails_the_caller(tmp_path: Path) -> None:
    class Broken:
        async def record(self, *_: object) -> int:
            raise RuntimeError("database gone")

        async def recent_seconds(self, *_: object) -> list[tuple[str, float]]:
            raise RuntimeError("database gone")

    store = Store.open(f"sqlite:///{tmp_path}/s.db", clock=lambda: NOW)
    try:
        store.runs = Broken()  # type: ignore[assignment]
        slow = SlowTasks(store, clock=lambda: NOW)
        await slow.record("i-1", [_task("a", 1)])
        assert await slow.slow("i-1", [_task("a", 1)]) == {}
    finally:
        store.close()


def test_running_tasks_and_tasks_without_an_end_are_no_runs() -> None:
    assert run_of("i-1", _task("r", 5, status="EXECUTING")) is None
    run = run_of("i-1", _task("d", 5))
    assert run is not None
    assert run.seconds == 300
