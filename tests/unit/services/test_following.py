"""Following an answer's running tasks: what is stored is read back as the answer's query,
its thread, its language and who asked, for the replies posted as each task ends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.adapters.store.store import Store
from bot.core.actions import QueryState
from bot.core.records import ThreadQuery
from bot.services.following import Follow, Following
from tests.unit.services.fakes import DEV, NOW, ORDERS, TEAM

STATE = QueryState(
    instance=ORDERS.instance_id,
    window_text="last 6h",
    begin=NOW - timedelta(hours=6),
    end=NOW,
    zone="Asia/Shanghai",
    statuses=frozenset({"EXECUTING"}),
    name_glob="restart*",
    page=2,
)


def running(*task_ids: str) -> Follow:
    """An answer in Chinese with ``task_ids`` in progress."""
    return Follow(ORDERS.instance_id, ORDERS.name, STATE, frozenset(task_ids), "zh", DEV)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path}/following.db")
    yield opened
    opened.close()


async def test_a_followed_answer_is_stored_with_its_query_readable_back(store: Store) -> None:
    following = Following(store, clock=lambda: NOW, follow_for=timedelta(hours=6))
    await following.follow(
        running("task-0001", "task-0002"), channel=TEAM, message_ts="1.000", thread_ts=None
    )
    [thread] = await store.threads.for_instance(ORDERS.instance_id)
    assert (thread.channel, thread.message_ts, thread.instance_name) == (
        TEAM,
        "1.000",
        ORDERS.name,
    )
    assert thread.follow_until == NOW + timedelta(hours=6)
    assert await store.threads.tasks(thread.id) == {"task-0001", "task-0002"}

    query = thread.thread_query
    # No thread yet: replies start one under the answer itself.
    assert query == ThreadQuery(state=STATE.encode(), thread_ts="1.000", lang="zh", user=DEV)
    assert query.state is not None
    assert QueryState.decode(query.state) == STATE


async def test_an_answer_posted_in_a_thread_is_replied_to_in_that_thread(store: Store) -> None:
    following = Following(store, clock=lambda: NOW)
    await following.follow(
        running("task-0001"), channel=TEAM, message_ts="2.000", thread_ts="1.000"
    )
    [thread] = await store.threads.for_instance(ORDERS.instance_id)
    assert thread.message_ts == "2.000"
    assert thread.thread_query.thread_ts == "1.000"


async def test_following_the_same_answer_again_adds_tasks_and_only_extends(
    store: Store,
) -> None:
    now = NOW
    following = Following(store, clock=lambda: now, follow_for=timedelta(hours=6))
    await following.follow(running("task-0001"), channel=TEAM, message_ts="1.0", thread_ts=None)
    now = NOW + timedelta(hours=1)
    await following.follow(running("task-0002"), channel=TEAM, message_ts="1.0", thread_ts=None)
    [thread] = await store.threads.for_instance(ORDERS.instance_id)
    assert await store.threads.tasks(thread.id) == {"task-0001", "task-0002"}
    assert thread.follow_until == NOW + timedelta(hours=7)

    shorter = Following(store, clock=lambda: NOW, follow_for=timedelta(minutes=5))
    await shorter.follow(running("task-0003"), channel=TEAM, message_ts="1.0", thread_ts=None)
    [thread] = await store.threads.for_instance(ORDERS.instance_id)
    assert thread.follow_until == NOW + timedelta(hours=7)


async def test_without_a_store_nothing_is_followed() -> None:
    await Following(None).follow(
        running("task-0001"), channel=TEAM, message_ts="1.0", thread_ts=None
    )
