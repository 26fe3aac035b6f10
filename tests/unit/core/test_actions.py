"""Every button value is read as untrusted input: one codec, bounded, ids checked."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.core import actions
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
        {"b": -62135596800000},
        {"e": 253402300799000},
        {"i": None},
        {"b": 1_900_000_000_000, "e": 1_800_000_000_000},  # ends before it begins
        {"b": 1_800_000_000_000, "e": 1_800_000_000_000},  # ends as it begins
        {"b": 1_000_000_000_000, "e": 1_800_000_000_000},  # years: past the grammar's 90 days
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
    for bad in (
        forged(offer.encode(), s="forever"),
        forged(offer.encode(), s=""),
        forged(offer.encode(), s="failed"),
        forged(offer.encode(), i="../other"),
        forged(offer.encode(), s=["1h"]),
        "[]",
        "x" * (MAX_VALUE + 1),
    ):
        with pytest.raises(BadActionValue):
            SnoozeRef.decode(bad)


# --- scheduled tasks: the buttons' values and the reschedule form, read as untrusted ---


def test_a_scheduled_ref_round_trips() -> None:
    ref = actions.ScheduledRef(
        "11111111-1111-4111-8111-111111111111",
        "a" * 32,
        datetime(2026, 11, 27, 5, 0, tzinfo=UTC),
        "prod-orders",
        "restartInstance",
    )
    assert actions.ScheduledRef.decode(ref.encode()) == ref
    placed = ref.in_channel("C0OPS")
    assert actions.ScheduledRef.decode(placed.encode()).channel == "C0OPS"


@pytest.mark.parametrize(
    "value",
    [
        '{"i":"../x","t":"' + "a" * 32 + '"}',
        '{"i":"i1","t":"a/b"}',
        '{"i":"i1","t":"t1","a":"soon"}',
        '{"i":"i1","t":"t1","a":true}',
        '{"i":"i1","t":"t1","a":1,"c":"#general"}',
        # Year 9999 and year 1: moved into the presser's zone, off the calendar.
        '{"i":"i1","t":"t1","a":253402300799000}',
        '{"i":"i1","t":"t1","a":-62135596800000}',
        "[]",
        "not json",
    ],
)
def test_a_hostile_scheduled_ref_is_refused(value: str) -> None:
    with pytest.raises(actions.BadActionValue):
        actions.ScheduledRef.decode(value)


def _form(date: object, time: object) -> dict[str, object]:
    return {
        actions.RESCHEDULE_DATE: {actions.RESCHEDULE_DATE: {"selected_date": date}},
        actions.RESCHEDULE_TIME: {actions.RESCHEDULE_TIME: {"selected_time": time}},
    }


def test_the_reschedule_form_in_the_pressers_zone() -> None:
    form = actions.RescheduleForm.decode(_form("2026-11-28", "09:30"))
    shanghai = timezone(timedelta(hours=8))
    assert form.at(shanghai) == datetime(2026, 11, 28, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "values",
    [
        _form("2026-02-30", "09:30"),
        _form("2026-11-28", "25:00"),
        _form("2026-11-28; drop", "09:30"),
        _form(None, "09:30"),
        _form("2026-11-28", 930),
        # Years whose end, moved to UTC, leaves the calendar (DMS is told UTC).
        _form("9999-12-31", "23:59"),
        _form("0001-01-01", "00:00"),
        _form("٢٠٢٦-11-28", "09:30"),
        {actions.RESCHEDULE_DATE: "x"},
        [],
    ],
)
def test_a_hostile_form_is_refused(values: object) -> None:
    with pytest.raises(actions.BadActionValue):
        actions.RescheduleForm.decode(values)
