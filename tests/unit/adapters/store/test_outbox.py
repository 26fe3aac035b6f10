"""The delivery outbox: claimed once, delivered in order per channel, kept until sent."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from bot.adapters.store import NewOutboxRow, OutboxItem, Store
from bot.simulator.clock import ManualClock
from tests.unit.adapters.store.support import START

CLAIM = timedelta(seconds=60)


def _keys(items: list[OutboxItem]) -> list[str]:
    return [item.key for item in items]


def test_the_same_key_is_enqueued_once(store: Store) -> None:
    assert store.outbox.enqueue.sync("sub:1/task:9/FAILED", "C1", None, "task_finished", '{"a": 1}')
    assert not store.outbox.enqueue.sync(
        "sub:1/task:9/FAILED", "C1", None, "task_finished", '{"a": 2}'
    )
    assert store.outbox.depth.sync() == 1
    [item] = store.outbox.pending_for.sync("C1")
    assert (item.key, item.payload, item.attempts) == ("sub:1/task:9/FAILED", '{"a": 1}', 0)
    assert (item.created_at, item.next_attempt_at, item.delivered_at) == (START, START, None)


def test_a_delivered_key_is_still_not_enqueued_again(store: Store) -> None:
    assert store.outbox.enqueue.sync("k", "C1", "1.1", "thread_reply", "{}")
    [item] = store.outbox.claim_due.sync("r1", START, 10, CLAIM)
    assert item.thread_ts == "1.1"
    assert store.outbox.mark_delivered.sync(item.id, "r1", "171.000200")
    assert store.outbox.depth.sync() == 0
    assert not store.outbox.enqueue.sync("k", "C1", "1.1", "thread_reply", "{}")
    assert store.outbox.depth.sync() == 0


def test_threads_enqueuing_one_key_claim_it_once(store: Store) -> None:
    start = threading.Barrier(8)

    def claim(n: int) -> bool:
        start.wait(timeout=10)
        return store.outbox.enqueue.sync(
            "sub:7/task:3/SUCCESS", "C1", None, "task_finished", f"{n}"
        )

    with ThreadPoolExecutor(8) as pool:
        claimed = list(pool.map(claim, range(8)))
    assert claimed.count(True) == 1
    assert store.outbox.depth.sync() == 1


def test_claim_offers_the_oldest_row_of_each_channel(store: Store) -> None:
    for key, channel in [("a1", "CA"), ("b1", "CB"), ("a2", "CA"), ("c1", "CC"), ("b2", "CB")]:
        store.outbox.enqueue.sync(key, channel, None, "task_finished", "{}")
    assert _keys(store.outbox.claim_due.sync("r1", START, 2, CLAIM)) == ["a1", "b1"]  # oldest first
    assert _keys(store.outbox.claim_due.sync("r1", START, 10, CLAIM)) == [
        "c1"
    ]  # heads still claimed
    assert store.outbox.claim_due.sync("r2", START, 10, CLAIM) == []


def test_a_claim_is_never_given_to_two_owners(store: Store) -> None:
    for channel in range(6):
        for n in range(3):
            store.outbox.enqueue.sync(f"C{channel}-{n}", f"C{channel}", None, "task_finished", "{}")
    start = threading.Barrier(8)

    def claim(n: int) -> list[str]:
        start.wait(timeout=10)
        return _keys(store.outbox.claim_due.sync(f"replica-{n}", START, 100, CLAIM))

    with ThreadPoolExecutor(8) as pool:
        claimed = [key for keys in pool.map(claim, range(8)) for key in keys]
    # Every channel's head, each exactly once, and nothing behind a head.
    assert sorted(claimed) == [f"C{channel}-0" for channel in range(6)]


def test_a_failed_head_holds_back_its_channel(store: Store, clock: ManualClock) -> None:
    for key, channel in [("a1", "CA"), ("a2", "CA"), ("b1", "CB")]:
        store.outbox.enqueue.sync(key, channel, None, "task_finished", "{}")
    a1, b1 = store.outbox.claim_due.sync("r1", START, 10, CLAIM)
    retry_at = START + timedelta(seconds=30)
    assert store.outbox.mark_failed.sync(a1.id, "r1", "ratelimited", retry_at)
    assert store.outbox.mark_delivered.sync(b1.id, "r1", "1.1")

    # a2 is due, but a1 is older and not: nothing for CA until a1 goes out.
    assert store.outbox.claim_due.sync("r1", START + timedelta(seconds=29), 10, CLAIM) == []
    [again] = store.outbox.claim_due.sync("r2", retry_at, 10, CLAIM)
    assert (again.key, again.attempts, again.last_error) == ("a1", 1, "ratelimited")
    assert again.next_attempt_at == retry_at
    assert store.outbox.mark_delivered.sync(again.id, "r2", "2.2")
    assert _keys(store.outbox.claim_due.sync("r1", retry_at, 10, CLAIM)) == ["a2"]


def test_a_claimed_row_held_back_waits_for_its_hold_and_lets_the_next_go(store: Store) -> None:
    store.outbox.enqueue.sync("a1", "C1", None, "task_finished", "{}")
    store.outbox.enqueue.sync("a2", "C1", None, "task_finished", "{}")
    [head] = store.outbox.claim_due.sync("r1", START, 10, CLAIM)
    until = START + timedelta(hours=1)
    assert not store.outbox.hold.sync(head.id, "r2", "snooze:i1", until)  # not r2's claim
    assert store.outbox.hold.sync(head.id, "r1", "snooze:i1", until)
    # Held: the row behind it is the channel's head now, for any replica.
    [second] = store.outbox.claim_due.sync("r2", START, 10, CLAIM)
    assert second.key == "a2"
    [held, _] = store.outbox.pending_for.sync("C1")
    assert (held.key, held.hold, held.held_until) == ("a1", "snooze:i1", until)
    store.outbox.mark_delivered.sync(second.id, "r2", "1.2")
    assert store.outbox.claim_due.sync("r1", until - timedelta(seconds=1), 10, CLAIM) == []
    # Its claim was given up with the hold: at the end, anyone may take it.
    assert _keys(store.outbox.claim_due.sync("r2", until, 10, CLAIM)) == ["a1"]


def test_failures_count_attempts_and_keep_the_latest_error(store: Store) -> None:
    store.outbox.enqueue.sync("k", "C1", None, "task_finished", "{}")
    for attempt, error in enumerate(["timeout", "ratelimited", "x" * 5000], start=1):
        [item] = store.outbox.claim_due.sync("r1", START + timedelta(minutes=attempt), 10, CLAIM)
        assert store.outbox.mark_failed.sync(
            item.id, "r1", error, START + timedelta(minutes=attempt + 1)
        )
    [item] = store.outbox.pending_for.sync("C1")
    assert item.attempts == 3
    assert item.last_error is not None
    assert item.last_error.startswith("xxx")
    assert len(item.last_error) < 5000  # kept bounded


def test_an_expired_claim_is_taken_over(store: Store) -> None:
    store.outbox.enqueue.sync("k", "C1", None, "task_finished", "{}")
    [item] = store.outbox.claim_due.sync("r1", START, 10, CLAIM)
    assert store.outbox.claim_due.sync("r2", START + CLAIM - timedelta(seconds=1), 10, CLAIM) == []
    [taken] = store.outbox.claim_due.sync("r2", START + CLAIM, 10, CLAIM)
    assert taken.id == item.id
    # The replica that lost its claim cannot reschedule the row under the new holder...
    assert not store.outbox.mark_failed.sync(item.id, "r1", "late", START + timedelta(hours=1))
    assert store.outbox.claim_due.sync("r3", START + CLAIM, 10, CLAIM) == []
    # ...but a post it did make is recorded, so nobody posts it yet again.
    assert store.outbox.mark_delivered.sync(item.id, "r1", "1.1")
    assert not store.outbox.mark_delivered.sync(item.id, "r2", "1.2")
    assert store.outbox.depth.sync() == 0


def test_note_attempt_counts_before_posting(store: Store) -> None:
    store.outbox.enqueue.sync("k", "C1", None, "task_finished", "{}")
    [item] = store.outbox.claim_due.sync("r1", START, 10, CLAIM)
    assert not store.outbox.note_attempt.sync(item.id, "r2")  # not its claim
    assert store.outbox.note_attempt.sync(item.id, "r1")
    assert store.outbox.pending_for.sync("C1")[0].attempts == 1


def test_rows_survive_a_restart(open_store: Callable[[], Store]) -> None:
    before = open_store()
    before.outbox.enqueue.sync("k1", "C1", None, "task_finished", '{"n": 1}')
    before.outbox.enqueue.sync("k2", "C1", None, "task_finished", '{"n": 2}')
    [claimed] = before.outbox.claim_due.sync("r1", START, 10, CLAIM)
    before.close()  # the replica dies holding a claim

    after = open_store()
    assert after.outbox.depth.sync() == 2
    assert [i.payload for i in after.outbox.pending_for.sync("C1")] == ['{"n": 1}', '{"n": 2}']
    assert after.outbox.claim_due.sync("r2", START, 10, CLAIM) == []
    [retaken] = after.outbox.claim_due.sync("r2", START + CLAIM, 10, CLAIM)
    assert retaken.id == claimed.id


def test_pending_lists_one_channel_oldest_first(store: Store) -> None:
    for key, channel in [("a1", "CA"), ("b1", "CB"), ("a2", "CA")]:
        store.outbox.enqueue.sync(key, channel, None, "task_finished", "{}")
    assert _keys(store.outbox.pending_for.sync("CA")) == ["a1", "a2"]
    assert store.outbox.pending_for.sync("CZ") == []


def test_invalid_claims_are_refused(store: Store) -> None:
    store.outbox.enqueue.sync("k", "C1", None, "task_finished", "{}")
    assert store.outbox.claim_due.sync("r1", START, 0, CLAIM) == []
    with pytest.raises(ValueError, match="claim_for"):
        store.outbox.claim_due.sync("r1", START, 10, timedelta(0))


def test_replicas_delivering_together_keep_channel_order(store: Store) -> None:
    channels, per_channel = 5, 6
    for n in range(per_channel):
        for c in range(channels):
            store.outbox.enqueue.sync(f"C{c}-{n}", f"C{c}", None, "task_finished", "{}")
    sent: list[tuple[str, int]] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def replica(n: int) -> int:
        owner, delivered = f"replica-{n}", 0
        start.wait(timeout=10)
        while store.outbox.depth.sync():
            for item in store.outbox.claim_due.sync(owner, START, 2, CLAIM):
                if item.attempts == 0 and item.id % 4 == 0:
                    # Fails once, immediately due again: order must still hold.
                    assert store.outbox.mark_failed.sync(item.id, owner, "fail once", START)
                    continue
                with lock:
                    sent.append((item.channel, item.id))
                assert store.outbox.mark_delivered.sync(item.id, owner, f"{item.id}.0")
                delivered += 1
        return delivered

    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(replica, range(8))) == channels * per_channel
    by_channel: dict[str, list[int]] = defaultdict(list)
    for channel, item_id in sent:
        by_channel[channel].append(item_id)
    assert len(by_channel) == channels
    for ids in by_channel.values():
        assert len(ids) == per_channel
        assert ids == sorted(ids)


def test_a_restarted_owner_takes_back_its_claims_but_not_others(store: Store) -> None:
    store.outbox.enqueue.sync("k1", "C1", None, "task_finished", "{}")
    store.outbox.enqueue.sync("k2", "C2", None, "task_finished", "{}")
    mine = store.outbox.claim_due.sync("replica-a", START, 1, timedelta(minutes=2))
    theirs = store.outbox.claim_due.sync("replica-b", START, 10, timedelta(minutes=2))
    assert len(mine) == 1
    assert len(theirs) == 1
    assert store.outbox.note_attempt.sync(mine[0].id, "replica-a")
    assert store.outbox.release_claims.sync("replica-a") == 1
    # Claimable again at once (no two-minute stall), and still counted as attempted.
    [again] = store.outbox.claim_due.sync("replica-a", START, 10, timedelta(minutes=2))
    assert again.key == mine[0].key
    assert again.attempts == 1
    assert store.outbox.release_claims.sync("replica-c") == 0


def test_rows_queued_together_are_queued_in_order_and_say_which_were_new(store: Store) -> None:
    assert store.outbox.enqueue.sync("k2", "C1", None, "task_finished", '{"n": "before"}')
    rows = [
        NewOutboxRow("k1", "C1", None, "task_finished", '{"n": 1}'),
        NewOutboxRow("k2", "C1", None, "task_finished", '{"n": 2}'),
        NewOutboxRow("k3", "C2", "1.1", "thread_reply", '{"n": 3}'),
        NewOutboxRow("k1", "C1", None, "task_finished", '{"n": "again"}'),
    ]
    assert store.outbox.enqueue_many.sync(rows) == {"k1", "k3"}
    assert [(i.key, i.payload) for i in store.outbox.pending_for.sync("C1")] == [
        ("k2", '{"n": "before"}'),
        ("k1", '{"n": 1}'),
    ]
    [reply] = store.outbox.pending_for.sync("C2")
    assert (reply.key, reply.thread_ts, reply.kind) == ("k3", "1.1", "thread_reply")
    assert store.outbox.enqueue_many.sync([]) == set()
    assert store.outbox.depth.sync() == 3


def test_rows_queued_together_are_all_queued_or_none(store: Store) -> None:
    broken = NewOutboxRow("k3", None, None, "task_finished", "{}")  # type: ignore[arg-type]
    rows = [NewOutboxRow(f"k{n}", "C1", None, "task_finished", "{}") for n in (1, 2)]
    with pytest.raises(IntegrityError):
        store.outbox.enqueue_many.sync([*rows, broken])
    # The first two were not left behind for a deliverer to post without the third.
    assert store.outbox.depth.sync() == 0
    assert store.outbox.enqueue_many.sync(rows) == {"k1", "k2"}


def test_a_deliverer_claiming_while_rows_are_queued_sees_all_of_them_or_none(
    store: Store,
) -> None:
    rows = [NewOutboxRow(f"k{n}", "C1", None, "task_finished", "{}") for n in range(40)]
    start = threading.Barrier(2)
    seen: list[int] = []

    def claim_and_look() -> None:
        start.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if store.outbox.claim_due.sync("r1", START, 10, CLAIM):
                seen.append(len(store.outbox.pending_for.sync("C1")))
                return

    with ThreadPoolExecutor(2) as pool:
        looking = pool.submit(claim_and_look)
        start.wait(timeout=10)
        store.outbox.enqueue_many.sync(rows)
        looking.result(timeout=30)
    assert seen == [40]
