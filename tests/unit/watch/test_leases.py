"""Each replica's share of the poll leases: spread, handed on when one leaves, made room
for when one joins, and never one instance held by two."""

from __future__ import annotations

import asyncio
import math
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.store import Store
from bot.core.records import Subscription
from bot.simulator.clock import ManualClock
from bot.watch.leases import Leases

TTL = timedelta(seconds=90)
START = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
INSTANCES = 103


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def store(tmp_path: Path, clock: ManualClock) -> Iterator[Store]:
    with Store.open(f"sqlite:///{tmp_path / 'leases.db'}", clock=clock.now) as store:
        for n in range(INSTANCES):
            store.subscriptions.upsert.sync(
                Subscription("C1", f"i-{n:03d}", f"i-{n:03d}", "all", None, "U1", START)
            )
        yield store


def _replica(store: Store, clock: ManualClock, name: str) -> Leases:
    return Leases(store.polling, name, TTL, clock.now)


def _cycle(replicas: list[Leases], clock: ManualClock, step: timedelta) -> dict[str, set[str]]:
    """One settle of each replica, one after another, then the clock moves on."""
    held = {}
    for replica in replicas:
        asyncio.run(replica.settle())
        held[replica._owner] = replica.held
    clock.advance(step)
    return held


def _check(held: dict[str, set[str]], live: int) -> None:
    counts = Counter(i for instances in held.values() for i in instances)
    assert max(counts.values(), default=1) == 1, "an instance held by two replicas"
    fair = INSTANCES / live
    assert all(len(h) <= math.ceil(fair) for h in held.values()), held


def test_replicas_spread_the_leases_and_each_holds_its_own_from_then_on(
    store: Store, clock: ManualClock
) -> None:
    replicas = [_replica(store, clock, f"replica-{n}") for n in range(3)]
    step = timedelta(seconds=10)
    # The first to look sees itself alone and takes all; within a few cycles each
    # replica holds a fair share.
    assert len(_cycle(replicas, clock, step)["replica-0"]) == INSTANCES
    for _ in range(2):
        held = _cycle(replicas, clock, step)
        _check(held, 3)
    assert sum(len(h) for h in held.values()) == INSTANCES
    # ceil(103 / 3) = 35 at most each; the last replica takes what is left.
    assert sorted(len(h) for h in held.values()) == [33, 35, 35]
    # Settled: the same instances stay with the same replica, renewed in time.
    for _ in range(20):
        assert _cycle(replicas, clock, step) == held


def test_a_killed_replicas_instances_go_to_the_others_once_its_leases_expire(
    store: Store, clock: ManualClock
) -> None:
    replicas = [_replica(store, clock, f"replica-{n}") for n in range(4)]
    step = timedelta(seconds=10)
    for _ in range(3):
        held = _cycle(replicas, clock, step)
    killed, survivors = replicas[0], replicas[1:]
    orphans = held[killed._owner]
    assert orphans
    took: set[str] = set()
    for n in range(int(2 * TTL / step)):
        held = _cycle(survivors, clock, step)
        _check(held, 3)
        took = set().union(*held.values())
        if n * step < TTL / 2:  # its leases are still live: nobody takes them
            assert not took & orphans
    assert took == {f"i-{n:03d}" for n in range(INSTANCES)}


def test_a_joining_replica_is_given_room_and_a_leaving_one_hands_over_at_once(
    store: Store, clock: ManualClock
) -> None:
    step = timedelta(seconds=10)
    replicas = [_replica(store, clock, f"replica-{n}") for n in range(2)]
    for _ in range(2):
        _cycle(replicas, clock, step)
    replicas.append(_replica(store, clock, "replica-new"))
    # Two cycles: the others give back what is over the new share; the new one takes it.
    for _ in range(2):
        held = _cycle(replicas, clock, step)
    _check(held, 3)
    assert len(held["replica-new"]) == INSTANCES - 2 * math.ceil(INSTANCES / 3)
    assert sum(len(h) for h in held.values()) == INSTANCES
    leaving = replicas.pop(0)
    asyncio.run(leaving.release_all())
    assert leaving.held == set()
    held = _cycle(replicas, clock, step)
    assert sum(len(h) for h in held.values()) == INSTANCES
    _check(held, 2)


def test_a_lease_lost_to_another_is_not_polled(store: Store, clock: ManualClock) -> None:
    one = _replica(store, clock, "replica-1")
    asyncio.run(one.settle())
    assert one.live("i-000")
    clock.advance(TTL)  # a stall: the lease lapses
    assert not one.live("i-000")
    assert store.polling.acquire_lease.sync("i-000", "replica-2", TTL)
    asyncio.run(one.settle())
    assert "i-000" not in one.held
    assert not one.live("i-000")
