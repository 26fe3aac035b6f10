"""Finding finished tasks: no replay on a new watcher, no repeats, filters respected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.dms.models import Task
from bot.watch.transitions import Finished, finished_tasks, still_running, wants

T0 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def task(task_id: str, status: str, *, name: str = "restartInstance", ended_min: int = 5) -> Task:
    stamp = (T0 + timedelta(minutes=ended_min)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return Task.from_api(
        {
            "id": task_id,
            "name": name,
            "status": status,
            "created_at": T0.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "updated_at": stamp,
        }
    )


def test_baseline_reports_nothing_even_when_tasks_have_finished() -> None:
    assert finished_tasks({}, [task("a", "SUCCESS"), task("b", "FAILED")], baseline=True) == []


def test_running_then_finished_is_reported_once() -> None:
    seen = {"a": "EXECUTING"}
    first = finished_tasks(seen, [task("a", "FAILED")], baseline=False)
    assert [f.task.id for f in first] == ["a"]
    assert first[0].previous == "EXECUTING"
    assert finished_tasks({"a": "FAILED"}, [task("a", "FAILED")], baseline=False) == []


def test_a_task_that_started_and_finished_between_looks_is_reported() -> None:
    found = finished_tasks({"old": "SUCCESS"}, [task("new", "SUCCESS")], baseline=False)
    assert [f.task.id for f in found] == ["new"]
    assert found[0].previous is None


def test_terminal_to_terminal_is_not_news_and_running_tasks_are_not_reported() -> None:
    seen = {"a": "SUCCESS", "b": "CREATED"}
    assert (
        finished_tasks(seen, [task("a", "DELETED"), task("b", "EXECUTING")], baseline=False) == []
    )


def test_filters_scope_glob_and_subscription_time() -> None:
    failed = Finished(task("a", "FAILED", name="restartInstance"), "EXECUTING")
    ok = Finished(task("b", "SUCCESS", name="createTopic"), "EXECUTING")
    since = T0
    assert wants("failed", None, since, failed)
    assert not wants("failed", None, since, ok)
    assert wants("all", None, since, ok)
    assert wants("all", "restart*", since, failed)
    assert not wants("all", "restart*", since, ok)
    # Finished five minutes after T0: news to a subscription made at T0, history to one
    # made ten minutes later.
    assert not wants("all", None, T0 + timedelta(minutes=10), ok)


def test_running_tasks_that_left_the_window_are_followed_by_id() -> None:
    seen = {"a": "EXECUTING", "b": "SUCCESS", "c": "CREATED"}
    assert still_running(seen, [task("c", "EXECUTING")]) == {"a"}
