"""Subscriptions, followed threads and the set of instances they make the bot watch."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.adapters.store import Store, Subscription
from bot.simulator.clock import ManualClock
from tests.unit.adapters.store.support import START


def _sub(channel: str = "C1", instance_id: str = "i-orders", **changes: object) -> Subscription:
    sub = Subscription(
        channel=channel,
        instance_id=instance_id,
        instance_name="prod-orders",
        scope="failed",
        name_glob=None,
        created_by="U-alice",
        created_at=START,
    )
    return replace(sub, **changes)  # type: ignore[arg-type]


def test_subscribing_twice_updates_instead_of_duplicating(store: Store) -> None:
    saved, created = store.subscriptions.upsert.sync(_sub())
    assert created
    assert saved == _sub()

    again, created = store.subscriptions.upsert.sync(
        _sub(
            scope="all",
            name_glob="reset*",
            language="zh",
            created_by="U-bob",
            created_at=START + timedelta(hours=1),
        )
    )
    assert not created
    # The settings follow the latest ask; who subscribed first, and when, stay.
    assert (again.scope, again.name_glob, again.language) == ("all", "reset*", "zh")
    assert (again.created_by, again.created_at) == ("U-alice", START)
    assert store.subscriptions.count.sync() == 1
    assert store.subscriptions.in_channel.sync("C1") == [again]


def test_concurrent_subscribes_create_one_subscription(store: Store) -> None:
    start = threading.Barrier(8)

    def subscribe(n: int) -> bool:
        start.wait(timeout=10)
        return store.subscriptions.upsert.sync(_sub(created_by=f"U-{n}"))[1]

    with ThreadPoolExecutor(8) as pool:
        created = list(pool.map(subscribe, range(8)))
    assert created.count(True) == 1
    assert store.subscriptions.count.sync() == 1


def test_unsubscribe_returns_what_was_removed(store: Store) -> None:
    store.subscriptions.upsert.sync(_sub())
    store.subscriptions.upsert.sync(_sub(channel="C2"))
    removed = store.subscriptions.delete.sync("C1", "i-orders")
    assert removed == _sub()
    assert store.subscriptions.delete.sync("C1", "i-orders") is None
    assert store.subscriptions.in_channel.sync("C1") == []
    assert [s.channel for s in store.subscriptions.for_instance.sync("i-orders")] == ["C2"]
    assert store.subscriptions.count.sync() == 1


def test_lists_by_channel_and_by_instance(store: Store) -> None:
    store.subscriptions.upsert.sync(_sub("C1", "i-a"))
    store.subscriptions.upsert.sync(_sub("C1", "i-b"))
    store.subscriptions.upsert.sync(_sub("C2", "i-a"))
    assert [s.instance_id for s in store.subscriptions.in_channel.sync("C1")] == ["i-a", "i-b"]
    assert [s.channel for s in store.subscriptions.for_instance.sync("i-a")] == ["C1", "C2"]
    assert store.subscriptions.for_instance.sync("i-nothing") == []
    assert store.subscriptions.count.sync() == 3


def test_an_unknown_scope_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="scope"):
        store.subscriptions.upsert.sync(_sub(scope="some"))
    assert store.subscriptions.count.sync() == 0


def test_following_adds_tasks_to_the_same_thread(store: Store, clock: ManualClock) -> None:
    until = START + timedelta(hours=2)
    first = store.threads.follow.sync(
        "C1", "111.1", "i-a", "prod-a", '{"v": 1}', ["t1", "t2"], until
    )
    assert (first.channel, first.message_ts, first.instance_id) == ("C1", "111.1", "i-a")
    assert (first.created_at, first.follow_until) == (START, until)
    assert store.threads.tasks.sync(first.id) == {"t1", "t2"}

    clock.advance(timedelta(minutes=5))
    again = store.threads.follow.sync(
        "C1", "111.1", "i-a", "prod-a", '{"v": 2}', iter(["t2", "t3"]), START + timedelta(hours=1)
    )
    assert again.id == first.id
    assert again.query == '{"v": 2}'
    assert again.follow_until == until  # following again never shortens the watch
    assert store.threads.tasks.sync(first.id) == {"t1", "t2", "t3"}
    assert store.threads.for_instance.sync("i-a") == [again]

    later = store.threads.follow.sync(
        "C1", "111.1", "i-a", "prod-a", "{}", [], START + timedelta(hours=3)
    )
    assert later.follow_until == START + timedelta(hours=3)


def test_one_message_can_follow_several_instances(store: Store) -> None:
    until = START + timedelta(hours=1)
    a = store.threads.follow.sync("C1", "111.1", "i-a", "prod-a", "{}", ["t1"], until)
    b = store.threads.follow.sync("C1", "111.1", "i-b", "prod-b", "{}", ["t1"], until)
    assert a.id != b.id
    assert store.threads.tasks.sync(a.id) == store.threads.tasks.sync(b.id) == {"t1"}


def test_unfollowing_counts_what_is_left_and_dropping_forgets(store: Store) -> None:
    thread = store.threads.follow.sync(
        "C1", "1.1", "i-a", "a", "{}", ["t1", "t2"], START + timedelta(hours=1)
    )
    assert store.threads.unfollow_task.sync(thread.id, "t1") == 1
    assert store.threads.unfollow_task.sync(thread.id, "t1") == 1  # already gone: nothing changes
    assert store.threads.unfollow_task.sync(thread.id, "t2") == 0
    store.threads.drop.sync(thread.id)
    assert store.threads.for_instance.sync("i-a") == []
    assert store.threads.tasks.sync(thread.id) == set()
    # A new thread never reuses a dropped thread's id.
    other = store.threads.follow.sync(
        "C1", "2.2", "i-a", "a", "{}", ["t9"], START + timedelta(hours=1)
    )
    assert other.id != thread.id
    store.threads.drop.sync(other.id)
    store.threads.drop.sync(other.id)  # twice is harmless


def test_expired_threads(store: Store) -> None:
    soon = store.threads.follow.sync(
        "C1", "1.1", "i-a", "a", "{}", ["t1"], START + timedelta(minutes=10)
    )
    late = store.threads.follow.sync(
        "C1", "2.2", "i-a", "a", "{}", ["t2"], START + timedelta(hours=1)
    )
    assert store.threads.expired.sync(START) == []
    assert store.threads.expired.sync(START + timedelta(minutes=10)) == [soon]
    assert store.threads.expired.sync(START + timedelta(days=1)) == [soon, late]


def test_watched_instances_follow_subscriptions_and_threads(store: Store) -> None:
    assert store.polling.watched_instances.sync() == set()
    store.subscriptions.upsert.sync(_sub("C1", "i-a"))
    store.subscriptions.upsert.sync(_sub("C2", "i-a"))
    thread = store.threads.follow.sync(
        "C3", "1.1", "i-b", "b", "{}", ["t1"], START + timedelta(hours=1)
    )
    assert store.polling.watched_instances.sync() == {"i-a", "i-b"}

    store.subscriptions.delete.sync("C1", "i-a")
    assert store.polling.watched_instances.sync() == {"i-a", "i-b"}  # C2 still subscribes
    store.subscriptions.delete.sync("C2", "i-a")
    store.threads.drop.sync(thread.id)
    assert store.polling.watched_instances.sync() == set()


def test_a_paused_subscription_reads_paused_everywhere_until_resumed(
    store: Store, clock: ManualClock
) -> None:
    store.subscriptions.upsert.sync(_sub())
    store.subscriptions.upsert.sync(_sub(channel="C2"))
    assert store.subscriptions.pause.sync("C1", "i-orders", "rule 2")
    # Replicas race to tell the channel: only the first pause counts.
    assert not store.subscriptions.pause.sync("C1", "i-orders", "rule 2")
    [paused] = store.subscriptions.in_channel.sync("C1")
    assert paused.paused
    assert paused.paused_at == START
    assert store.subscriptions.get.sync("C1", "i-orders") == paused
    assert [s.paused for s in store.subscriptions.for_instance.sync("i-orders")] == [True, False]
    assert [s.paused for s in store.subscriptions.all.sync()] == [True, False]
    # Subscribing again changes the settings, not the pause the rules put on it.
    again, created = store.subscriptions.upsert.sync(_sub(scope="all"))
    assert not created
    assert again.paused
    clock.advance(timedelta(minutes=5))
    assert store.subscriptions.resume.sync("C1", "i-orders")
    assert not store.subscriptions.resume.sync("C1", "i-orders")
    assert not store.subscriptions.in_channel.sync("C1")[0].paused


def test_pausing_needs_a_subscription_and_unsubscribing_forgets_the_pause(store: Store) -> None:
    assert not store.subscriptions.pause.sync("C1", "i-orders", "rule 1")  # nothing to pause
    assert store.subscriptions.get.sync("C1", "i-orders") is None
    store.subscriptions.upsert.sync(_sub())
    assert store.subscriptions.pause.sync("C1", "i-orders", "rule 1")
    assert store.subscriptions.delete.sync("C1", "i-orders") is not None
    # Subscribing anew (the rules allowing it) starts unpaused.
    fresh, created = store.subscriptions.upsert.sync(_sub())
    assert created
    assert not fresh.paused


def test_a_request_is_handled_once_within_its_time(store: Store, clock: ManualClock) -> None:
    ttl = timedelta(minutes=10)
    assert store.requests.first_sighting.sync("event:Ev1", ttl)
    assert not store.requests.first_sighting.sync(
        "event:Ev1", ttl
    )  # Slack's retry of the same event
    assert store.requests.first_sighting.sync("event:Ev2", ttl)
    clock.advance(ttl + timedelta(seconds=1))
    # Long after, the key is forgotten rather than kept forever (its row taken over).
    assert store.requests.first_sighting.sync("event:Ev1", ttl)
    with pytest.raises(ValueError, match="positive"):
        store.requests.first_sighting.sync("event:Ev3", timedelta(0))


def test_requests_past_their_time_are_pruned_apart_from_acks(
    store: Store, clock: ManualClock
) -> None:
    ttl = timedelta(minutes=10)
    for key in ("event:Ev1", "event:Ev2"):
        assert store.requests.first_sighting.sync(key, ttl)
    clock.advance(timedelta(minutes=5))
    assert store.requests.first_sighting.sync("event:Ev3", ttl)
    clock.advance(timedelta(minutes=6))  # Ev1 and Ev2 past their time, Ev3 not
    # A new request does not prune on its way: each ack is one short write.
    assert store.requests.first_sighting.sync("event:Ev4", ttl)
    assert store.requests.prune.sync(clock.now()) == 2
    assert store.requests.prune.sync(clock.now()) == 0
    # What was pruned is new again; what was not is still remembered.
    assert not store.requests.first_sighting.sync("event:Ev3", ttl)
    assert not store.requests.first_sighting.sync("event:Ev4", ttl)
    assert store.requests.first_sighting.sync("event:Ev1", ttl)
    with pytest.raises(ValueError, match="timezone-aware"):
        store.requests.prune.sync(clock.now().replace(tzinfo=None))


def test_racing_replicas_handle_a_request_once(store: Store) -> None:
    start = threading.Barrier(8)

    def handle(_: int) -> bool:
        start.wait(timeout=10)
        return store.requests.first_sighting.sync("command:v0=abc", timedelta(minutes=5))

    with ThreadPoolExecutor(8) as pool:
        assert sorted(pool.map(handle, range(8))) == [False] * 7 + [True]
