"""What names a Slack request however often it comes, and remembering it was handled."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.slack.handled_requests import HandledRequests, pruning, request_key
from bot.adapters.store.db import Offloaded
from bot.adapters.store.store import Store
from bot.simulator.clock import ManualClock

SIGNED = {"x-slack-signature": ["v0=abc"], "x-slack-request-timestamp": ["1764200000"]}


@pytest.mark.parametrize(
    ("body", "headers", "key"),
    [
        # An event, retried (signed afresh, with retry headers): the same event_id.
        (
            {"type": "event_callback", "event_id": "Ev1"},
            {**SIGNED, "x-slack-retry-num": ["1"]},
            "event:Ev1",
        ),
        ({"type": "event_callback", "event_id": "Ev1"}, {}, "event:Ev1"),  # Socket Mode
        # A command or a click over HTTP: the exact signed request.
        ({"command": "/kafka-tasks", "trigger_id": "1.2.3"}, SIGNED, "signed:1764200000:v0=abc"),
        # The same in Socket Mode: what the payload says it is.
        ({"command": "/kafka-tasks", "trigger_id": "1.2.3"}, {}, "trigger:1.2.3"),
        (
            {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_ts": "17.1"}]},
            {},
            "action:U1:17.1",
        ),
        ({"type": "url_verification"}, {}, None),
    ],
)
def test_a_request_is_named_by_what_stays_the_same_when_it_comes_again(
    body: dict[str, Any], headers: dict[str, list[str]], key: str | None
) -> None:
    assert request_key(body, headers) == key


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path}/handled.db")
    yield opened
    opened.close()


async def test_without_a_store_a_key_is_remembered_in_memory() -> None:
    handled = HandledRequests(None)
    assert await handled.first_sighting("event:Ev1")
    assert not await handled.first_sighting("event:Ev1")
    assert await handled.first_sighting("event:Ev2")


async def test_with_a_store_every_replica_sees_the_same_keys(store: Store) -> None:
    one, two = HandledRequests(store), HandledRequests(store)
    assert await one.first_sighting("event:Ev1")
    assert not await two.first_sighting("event:Ev1")
    assert not await one.first_sighting("event:Ev1")


async def test_a_store_that_fails_lets_the_request_be_handled(
    store: Store, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    handled = HandledRequests(store, remember_for=timedelta(minutes=5))

    def broken(key: str, ttl: timedelta) -> bool:
        raise RuntimeError("database is gone")

    monkeypatch.setattr(store.requests, "first_sighting", Offloaded(broken))
    assert await handled.first_sighting("event:Ev1")
    assert "could not check whether this Slack request was handled before" in caplog.text


async def test_requests_past_their_time_are_forgotten_by_a_task_of_its_own(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ManualClock(datetime.now(UTC))
    store = Store.open(f"sqlite:///{tmp_path}/handled.db", clock=clock.now)
    try:
        handled = HandledRequests(store, remember_for=timedelta(minutes=10))
        assert await handled.first_sighting("event:Ev1")
        clock.advance(timedelta(minutes=11))
        assert await handled.first_sighting("event:Ev2")
        pruned: list[int] = []
        # Set from the store's thread, where pruning runs it.
        third_try = threading.Event()
        prune = store.requests.prune.sync

        def counted(now: datetime) -> int:
            if not pruned:
                pruned.append(-1)
                raise RuntimeError("database is gone")  # the first try fails: logged
            pruned.append(prune(now))
            if len(pruned) == 3:
                third_try.set()
            return pruned[-1]

        monkeypatch.setattr(store.requests, "prune", Offloaded(counted))
        stop = asyncio.Event()
        task = asyncio.create_task(
            pruning(store, stop, every=timedelta(milliseconds=10), clock=clock.now)
        )
        assert await asyncio.to_thread(third_try.wait, 10)
        stop.set()
        await asyncio.wait_for(task, timeout=5)
        # Tried again after the failure: the expired key was forgotten once, and the
        # fresh one is still remembered.
        assert pruned[:3] == [-1, 1, 0]
        assert "could not forget the Slack requests past their time" in caplog.text
        assert not await handled.first_sighting("event:Ev2")
        assert await handled.first_sighting("event:Ev1")
    finally:
        store.close()
