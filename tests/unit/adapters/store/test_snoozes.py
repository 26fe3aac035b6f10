"""Snoozes and quiet hours in the store, and the outbox rows they hold back."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta

from bot.adapters.store import NewOutboxRow, Store, Subscription
from bot.adapters.store.db import CHUNK
from bot.core.quiet import QuietHours, snooze_hold
from bot.core.records import DailySummary
from bot.simulator.clock import ManualClock
from tests.unit.adapters.store.support import START

CLAIM = timedelta(seconds=60)
HOUR = timedelta(hours=1)


def _row(
    key: str, *, hold: str | None = None, hours: float = 1, channel: str = "C1"
) -> NewOutboxRow:
    until = START + timedelta(hours=hours) if hold else None
    return NewOutboxRow(key, channel, None, "task_finished", "{}", hold, until)


def _claim(store: Store, now: datetime = START) -> list[str]:
    items = store.outbox.claim_due.sync("r1", now, 10, CLAIM)
    for item in items:
        store.outbox.mark_delivered.sync(item.id, "r1", "1.1")
    return [item.key for item in items]


def test_a_held_row_is_no_head_until_its_hold_ends(store: Store) -> None:
    store.outbox.enqueue_many.sync([_row("held", hold="snooze:i1"), _row("free")])
    # The held row is older, yet the channel goes on: the free row is its head now.
    assert _claim(store) == ["free"]
    assert _claim(store, START + HOUR - timedelta(seconds=1)) == []
    assert _claim(store, START + HOUR) == ["held"]


def test_pending_rows_say_what_holds_them(store: Store) -> None:
    store.outbox.enqueue_many.sync([_row("a", hold="snooze:i1"), _row("b")])
    a, b = store.outbox.pending_for.sync("C1")
    assert (a.hold, a.held_until) == ("snooze:i1", START + HOUR)
    assert (b.hold, b.held_until) == (None, None)
    [claimed] = store.outbox.claim_due.sync("r1", START + HOUR, 10, CLAIM)
    assert (claimed.key, claimed.hold) == ("a", "snooze:i1")


def test_snoozing_again_moves_the_end_of_what_is_held(store: Store) -> None:
    store.snoozes.snooze.sync("C1", "i1", START + HOUR, "U1")
    store.outbox.enqueue_many.sync([_row("a", hold=snooze_hold("i1"))])
    store.snoozes.snooze.sync("C1", "i1", START + 4 * HOUR, "U2")
    assert _claim(store, START + 2 * HOUR) == []
    [snooze] = store.snoozes.in_channel.sync("C1", START)
    assert (snooze.until, snooze.by_user) == (START + 4 * HOUR, "U2")
    assert store.snoozes.in_force.sync("i1", START).keys() == {"C1"}
    assert _claim(store, START + 4 * HOUR) == ["a"]


def test_lifting_a_snooze_lets_what_it_held_go_now(store: Store, clock: ManualClock) -> None:
    store.snoozes.snooze.sync("C1", "i1", START + HOUR, "U1")
    store.outbox.enqueue_many.sync([_row("a", hold=snooze_hold("i1"))])
    lifted = store.snoozes.lift.sync("C1", "i1")
    assert lifted is not None
    assert lifted.by_user == "U1"
    assert store.snoozes.lift.sync("C1", "i1") is None  # once
    assert store.snoozes.in_channel.sync("C1", START) == []
    assert _claim(store) == ["a"]


def test_a_snooze_over_is_not_in_force(store: Store) -> None:
    store.snoozes.snooze.sync("C1", "i1", START + HOUR, "U1")
    assert store.snoozes.in_force.sync("i1", START + HOUR) == {}
    assert store.snoozes.in_channel.sync("C2", START) == []


def test_snoozes_of_many_channels_in_one_read_only_those_in_force(store: Store) -> None:
    store.snoozes.snooze.sync("C1", "i1", START + 4 * HOUR, "U1")
    store.snoozes.snooze.sync("C1", "i2", START + HOUR, "U2")
    store.snoozes.snooze.sync("C2", "i1", START + 2 * HOUR, "U3")
    store.snoozes.snooze.sync("C3", "i1", START + 3 * HOUR, "U4")  # a channel not asked
    found = store.snoozes.in_channels.sync(["C2", "C1", "C9"], START + HOUR)
    # C1's snooze of i2 ended at START + HOUR: over, not shown.
    assert [(z.channel, z.instance_id, z.by_user) for z in found] == [
        ("C1", "i1", "U1"),
        ("C2", "i1", "U3"),
    ]
    assert store.snoozes.in_channels.sync([], START) == []


def test_snoozes_of_more_channels_than_a_statement_takes(store: Store) -> None:
    channels = [f"C{n:05d}" for n in range(CHUNK * 2 + 3)]
    for channel in channels[::100]:
        store.snoozes.snooze.sync(channel, "i1", START + HOUR, "U1")
    found = store.snoozes.in_channels.sync(channels, START)
    assert [z.channel for z in found] == channels[::100]


def _sub(**changes: object) -> Subscription:
    sub = Subscription("C1", "i1", "prod-orders", "all", None, "U1", START)
    return replace(sub, **changes)  # type: ignore[arg-type]


def test_quiet_hours_are_kept_with_the_subscription(store: Store) -> None:
    quiet = QuietHours(time(22), time(8), "Asia/Shanghai", everything=True)
    saved, created = store.subscriptions.upsert.sync(_sub(quiet=quiet))
    assert created
    assert saved.quiet == quiet
    assert store.subscriptions.get.sync("C1", "i1") == _sub(quiet=quiet)
    assert store.subscriptions.for_instance.sync("i1")[0].quiet == quiet
    # Subscribing again without quiet hours ends them, as with every other option.
    again, created = store.subscriptions.upsert.sync(_sub())
    assert not created
    assert again.quiet is None
    assert store.subscriptions.get.sync("C1", "i1") == _sub()


def test_unsubscribing_drops_quiet_hours(store: Store) -> None:
    store.subscriptions.upsert.sync(_sub(quiet=QuietHours(time(22), time(8))))
    store.subscriptions.delete.sync("C1", "i1")
    saved, _ = store.subscriptions.upsert.sync(_sub())
    assert saved.quiet is None


def test_unsubscribing_drops_the_snooze_and_the_daily_summary(store: Store) -> None:
    store.subscriptions.upsert.sync(_sub())
    store.snoozes.snooze.sync("C1", "i1", START + HOUR, "U1")
    store.daily.set.sync(DailySummary("C1", "i1", "09:00", "UTC", START))
    store.subscriptions.delete.sync("C1", "i1")
    # Subscribing again starts afresh: no snooze left to hold its notifications.
    store.subscriptions.upsert.sync(_sub())
    assert store.snoozes.in_force.sync("i1", START) == {}
    assert store.daily.get.sync("C1", "i1") is None
