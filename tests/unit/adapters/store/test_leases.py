"""Poll leases: which replica polls which instance."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from bot.adapters.store import Store
from bot.adapters.store.db import CHUNK
from bot.core.records import Subscription
from bot.simulator.clock import ManualClock
from tests.unit.adapters.store.support import START

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


def _watch(store: Store, *instance_ids: str) -> None:
    for instance_id in instance_ids:
        store.subscriptions.upsert.sync(
            Subscription("C1", instance_id, instance_id, "all", None, "U1", START)
        )


def test_many_leases_in_one_statement_take_only_the_free_expired_and_own(
    store: Store, clock: ManualClock
) -> None:
    assert store.polling.acquire_lease.sync("i-other", "replica-2", TTL)
    assert store.polling.acquire_lease.sync("i-dead", "replica-3", TTL / 2)
    assert store.polling.acquire_lease.sync("i-own", "replica-1", TTL / 2)
    clock.advance(TTL / 2)
    wanted = {"i-free", "i-other", "i-dead", "i-own"}
    assert store.polling.acquire_leases.sync(wanted, "replica-1", TTL) == {
        "i-free",
        "i-dead",
        "i-own",
    }
    assert store.polling.lease_owner.sync("i-other") == "replica-2"
    assert store.polling.acquire_leases.sync(set(), "replica-1", TTL) == set()
    with pytest.raises(ValueError, match="ttl"):
        store.polling.acquire_leases.sync({"i-x"}, "replica-1", timedelta(0))


def test_many_leases_are_released_only_for_their_owner(store: Store) -> None:
    assert store.polling.acquire_leases.sync({"i-a", "i-b"}, "replica-1", TTL) == {"i-a", "i-b"}
    assert store.polling.acquire_lease.sync("i-c", "replica-2", TTL)
    store.polling.release_leases.sync({"i-a", "i-c"}, "replica-1")
    owners = [store.polling.lease_owner.sync(i) for i in ("i-a", "i-b", "i-c")]
    assert owners == [None, "replica-1", "replica-2"]


def test_batches_larger_than_a_statement_are_split(store: Store) -> None:
    many = {f"i-{n:04d}" for n in range(CHUNK * 2 + 7)}
    assert store.polling.acquire_leases.sync(many, "replica-1", TTL) == many
    assert store.polling.acquire_leases.sync(many, "replica-2", TTL) == set()
    store.polling.release_leases.sync(many, "replica-1")
    assert store.polling.acquire_leases.sync(many, "replica-2", TTL) == many


def test_watched_leases_name_each_watched_instances_live_owner(
    store: Store, clock: ManualClock
) -> None:
    _watch(store, "i-a", "i-b", "i-c")
    assert store.polling.acquire_lease.sync("i-a", "replica-1", TTL)
    assert store.polling.acquire_lease.sync("i-b", "replica-2", TTL / 2)
    assert store.polling.acquire_lease.sync("i-unwatched", "replica-2", TTL)
    assert store.polling.watched_leases.sync() == {
        "i-a": "replica-1",
        "i-b": "replica-2",
        "i-c": None,
    }
    clock.advance(TTL / 2)
    assert store.polling.watched_leases.sync()["i-b"] is None


def test_heartbeats_count_the_live_replicas(store: Store, clock: ManualClock) -> None:
    assert store.polling.heartbeat.sync("replica-1", TTL) == 1
    assert store.polling.heartbeat.sync("replica-2", TTL / 2) == 2
    assert store.polling.heartbeat.sync("replica-1", TTL) == 2  # a renewal, not a third
    clock.advance(TTL / 2)
    assert store.polling.heartbeat.sync("replica-1", TTL) == 1  # replica-2 went quiet
    assert store.polling.heartbeat.sync("replica-3", TTL) == 2
    store.polling.leave.sync("replica-3")
    assert store.polling.heartbeat.sync("replica-1", TTL) == 1


def test_views_read_together_match_each_instances_view(store: Store, clock: ManualClock) -> None:
    store.polling.save_task_states.sync("i-a", {"t1": "EXECUTING", "t2": "SUCCESS"})
    store.polling.save_task_states.sync("i-b", {})
    store.polling.set_cursor.sync("i-a", clock.now())
    store.threads.follow.sync("C1", "1.1", "i-a", "a", "{}", ["t1"], clock.now() + TTL)
    ids = ["i-a", "i-b", "i-never"]
    views = store.polling.views.sync(ids)
    assert views == {i: store.polling.view.sync(i) for i in ids}
    assert views["i-a"].states == {"t1": "EXECUTING", "t2": "SUCCESS"}
    assert [t.instance_id for t in views["i-a"].threads] == ["i-a"]
    assert (views["i-b"].has_baseline, views["i-never"].has_baseline) == (True, False)
