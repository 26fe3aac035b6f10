"""Every button value is read as untrusted input: one codec, bounded, ids checked."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.core.actions import (
    MAX_VALUE,
    BadActionValue,
    HomeTaskRef,
    QueryState,
    SnoozeRef,
    SubscribeRef,
    SubscriptionRef,
    TaskRef,
)

IID = "5c7b2a1e-8f3d-4c2b-9a1e-0d9c8b7a6f5e"
TASK = "8abfa7b372160bfd0172165864064079"
STATE = QueryState(
    instance=IID,
    window_text="last 1h",
    begin=datetime(2026, 1, 1, 1, tzinfo=UTC),
    end=datetime(2026, 1, 1, 2, tzinfo=UTC),
    zone="Asia/Shanghai",
    statuses=frozenset({"FAILED"}),
    name_glob="restart*",
    page=2,
)


def test_every_value_the_bot_makes_reads_back_as_made() -> None:
    assert QueryState.decode(STATE.encode()) == STATE
    assert TaskRef.decode(TaskRef(IID, TASK).encode()) == TaskRef(IID, TASK)
    offer = SubscribeRef(IID, "prod-orders", "all")
    assert SubscribeRef.decode(offer.encode()) == offer
    unsubscribe = SubscriptionRef("C0ONE", IID, "prod-orders")
    assert SubscriptionRef.decode(unsubscribe.encode()) == unsubscribe
    details = HomeTaskRef("G0PRIVATE", IID, TASK)
    assert HomeTaskRef.decode(details.encode()) == details


def forged(base: str, **changes: object) -> str:
    data = json.loads(base)
    data.update(changes)
    return json.dumps(data)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "null",
        "[]",
        '"a string"',
        "{",
        "[" * 5000 + "]" * 5000,
        "x" * (MAX_VALUE + 1),
        forged(TaskRef(IID, TASK).encode(), t="../../x"),
        forged(TaskRef(IID, TASK).encode(), t=["t1"]),
        forged(TaskRef(IID, TASK).encode(), i=""),
        forged(TaskRef(IID, TASK).encode(), i="orders\u202e"),
        forged(TaskRef(IID, TASK).encode(), i="a\nb"),
    ],
)
def test_a_forged_details_value_is_refused(value: str) -> None:
    with pytest.raises(BadActionValue):
        TaskRef.decode(value)


@pytest.mark.parametrize(
    "changes",
    [
        {"s": "FAILED"},  # a string where a list belongs: not a set of letters
        {"s": [{"x": 1}]},
        {"n": ["restart*"]},
        {"w": 5},
        {"z": "x" * 100},
        {"b": "soon"},
        {"e": 10**30},
        {"i": None},
    ],
)
def test_a_forged_query_value_is_refused(changes: dict[str, object]) -> None:
    with pytest.raises(BadActionValue):
        QueryState.decode(forged(STATE.encode(), **changes))


def test_a_page_beyond_reason_is_clamped_not_trusted() -> None:
    assert QueryState.decode(forged(STATE.encode(), p=10**12)).page == 100_000
    assert QueryState.decode(forged(STATE.encode(), p=-3)).page == 1


@pytest.mark.parametrize(
    ("decode", "value"),
    [
        (SubscribeRef.decode, json.dumps({"i": "../x", "n": "prod", "s": "all"})),
        (SubscribeRef.decode, json.dumps({"i": IID, "n": "prod", "s": "everything"})),
        (SubscriptionRef.decode, json.dumps({"c": "#general", "i": IID})),
        (SubscriptionRef.decode, json.dumps({"c": "C0ONE", "i": f"{IID}/../other"})),
        (HomeTaskRef.decode, json.dumps({"c": "C0ONE", "i": IID, "t": "t/../../x"})),
        (HomeTaskRef.decode, json.dumps({"c": "U0ALICE", "i": IID, "t": TASK})),
    ],
)
def test_forged_subscription_and_home_values_are_refused(decode: object, value: str) -> None:
    assert callable(decode)
    with pytest.raises(BadActionValue):
        decode(value)


def test_snooze_values_read_back_and_refuse_what_the_menu_does_not_offer() -> None:
    offer = SnoozeRef(IID, "prod-orders", "morning")
    assert SnoozeRef.decode(offer.encode()) == offer
    undo = SnoozeRef(IID, "prod-orders")
    assert SnoozeRef.decode(undo.encode(), undo=True) == undo
    for bad in (
        forged(offer.encode(), c="forever"),
        forged(offer.encode(), c=""),
        forged(offer.encode(), i="../other"),
        forged(offer.encode(), c=["1h"]),
        "[]",
        "x" * (MAX_VALUE + 1),
    ):
        with pytest.raises(BadActionValue):
            SnoozeRef.decode(bad)
    with pytest.raises(BadActionValue):
        SnoozeRef.decode(forged(undo.encode(), c="1w"), undo=True)
