"""Poll leases: which replica polls which instance."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from bot.adapters.store import Store
from bot.simulator.clock import ManualClock

TTL = timedelta(seconds=30)


def test_a_live_lease_keeps_others_out(store: Store, clock: ManualClock) -> None:
    assert store.polling.lease_owner.sync("i-a") is None
    assert store.polling.acquire_lease.sync("i-a", "replica-1", TTL)
    assert store.polling.lease_owner.sync("i-a") == "replica-1"
    clock.advance(TTL - timedelta(seconds=1))
    assert not store.polling.acquire_lease.sync("i-a", "replica-2", TTL)
    assert store.polling.lease_owner.sync("i-a") == "replica-1"
    # Leases are per instance.
    assert store.polling.acquire_lease.sync("i-b", "replica-2", TTL)


def test_an_expired_lease_is_taken_over(store: Store, clock: ManualClock) -> None:
    assert store.polling.acquire_lease.sync("i-a", "replica-1", TTL)
    clock.advance(TTL)
    assert store.polling.lease_owner.sync("i-a") is None
    assert store.polling.acquire_lease.sync("i-a", "replica-2", TTL)
    assert store.polling.lease_owner.sync("i-a") == "replica-2"
    # The old holder, back from a pause, is now the one kept out.
    assert not store.polling.acquire_lease.sync("i-a", "replica-1", TTL)


def test_the_owner_renews_its_lease(store: Store, clock: ManualClock) -> None:
    assert store.polling.acquire_lease.sync("i-a", "replica-1", TTL)
    for _ in range(3):
        clock.advance(TTL - timedelta(seconds=5))
        assert store.polling.acquire_lease.sync("i-a", "replica-1", TTL)
    # Renewed each time, so still live well past the first TTL.
    assert not store.polling.acquire_lease.sync("i-a", "replica-2", TTL)
    assert store.polling.lease_owner.sync("i-a") == "replica-1"


def test_release_frees_the_lease_only_for_its_owner(store: Store) -> None:
    assert store.polling.acquire_lease.sync("i-a", "replica-1", TTL)
    store.polling.release_lease.sync("i-a", "replica-2")
    assert store.polling.lease_owner.sync("i-a") == "replica-1"
    store.polling.release_lease.sync("i-a", "replica-1")
    assert store.polling.lease_owner.sync("i-a") is None
    assert store.polling.acquire_lease.sync("i-a", "replica-2", TTL)


def test_a_ttl_must_be_positive(store: Store) -> None:
    with pytest.raises(ValueError, match="ttl"):
        store.polling.acquire_lease.sync("i-a", "replica-1", timedelta(0))


@pytest.mark.parametrize("expired", [False, True], ids=["free", "expired"])
def test_threads_racing_for_a_lease_get_one_winner(
    store: Store, clock: ManualClock, expired: bool
) -> None:
    if expired:
        assert store.polling.acquire_lease.sync("i-a", "dead-replica", TTL)
        clock.advance(TTL + timedelta(seconds=1))
    start = threading.Barrier(8)

    def race(n: int) -> bool:
        start.wait(timeout=10)
        return store.polling.acquire_lease.sync("i-a", f"replica-{n}", TTL)

    with ThreadPoolExecutor(8) as pool:
        won = list(pool.map(race, range(8)))
    assert won.count(True) == 1
    assert store.polling.lease_owner.sync("i-a") == f"replica-{won.index(True)}"
