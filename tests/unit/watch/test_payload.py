"""Outbox rows: one typed record per kind, stored as the same JSON as ever."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.watch.payload import (
    ParentUpdate,
    Payload,
    Reachable,
    SubscriptionPaused,
    SubscriptionResumed,
    TaskFinished,
    ThreadClosed,
    ThreadReply,
    Unreachable,
    decode,
    encode,
)

TASK = {"id": "t1", "name": "restartInstance", "status": "FAILED"}
WHERE: dict[str, Any] = {"instance_id": "i-1", "instance_name": "prod-orders"}
THREAD = {**WHERE, "thread_id": 7, "lang": "zh", "user": "U1"}

# Each kind as the poller and admission wrote it before the records were typed: the
# same keys in the same order, so a row is stored byte for byte as it always was.
STORED: list[tuple[Payload, dict[str, Any]]] = [
    (
        TaskFinished(**WHERE, lang="zh", task=TASK, batch="i-1:t", digest_after=3),
        {**WHERE, "task": TASK, "batch": "i-1:t", "digest_after": 3, "lang": "zh"},
    ),
    (
        ThreadReply(**WHERE, thread_id=7, lang="zh", user="U1", task=TASK),
        {**THREAD, "task": TASK},
    ),
    (
        ParentUpdate(**WHERE, thread_id=7, lang="zh", user="U1", message_ts="1.2", state="s"),
        {**THREAD, "message_ts": "1.2", "state": "s"},
    ),
    (
        ThreadClosed(**WHERE, thread_id=7, lang="zh", user="U1", still_running=(TASK,), hours=6.0),
        {**THREAD, "still_running": [TASK], "hours": 6.0},
    ),
    (
        Unreachable(**WHERE, lang="en", reason="down", reasons={"en": "down"}, since="2026"),
        {**WHERE, "lang": "en", "reason": "down", "reasons": {"en": "down"}, "since": "2026"},
    ),
    (Reachable(**WHERE, lang="en", down_for_s=720.0), {**WHERE, "lang": "en", "down_for_s": 720.0}),
    (SubscriptionPaused(**WHERE, lang="zh"), {**WHERE, "lang": "zh"}),
    (SubscriptionResumed(**WHERE, lang="en"), {**WHERE, "lang": "en"}),
]


@pytest.mark.parametrize(("payload", "stored"), STORED, ids=lambda p: getattr(p, "kind", ""))
def test_each_kind_is_stored_as_it_always_was_and_read_back(
    payload: Payload, stored: dict[str, Any]
) -> None:
    assert encode(payload) == json.dumps(stored)
    assert decode(payload.kind, encode(payload)) == payload


def test_rows_queued_by_an_earlier_release_are_still_read() -> None:
    # Before languages, digests, per-language reasons and the asker in thread rows.
    finished = decode("task_finished", json.dumps({**WHERE, "task": TASK}))
    assert finished == TaskFinished(**WHERE, task=TASK, batch=None, digest_after=3)
    assert finished.language == "en"
    reply = decode("thread_reply", json.dumps({**WHERE, "task": TASK}))
    assert reply == ThreadReply(instance_id="i-1", instance_name="prod-orders", task=TASK)
    assert (reply.thread_id, reply.user) == (None, "")
    since = datetime(2026, 11, 27, 3, tzinfo=UTC)
    down = decode(
        "unreachable", json.dumps({**WHERE, "reason": "gone", "since": since.isoformat()})
    )
    assert isinstance(down, Unreachable)
    assert (down.reason_in("zh"), down.since_at) == ("gone", since)
    closed = decode("thread_closed", json.dumps(WHERE))
    assert isinstance(closed, ThreadClosed)
    assert (closed.still_running, closed.hours) == ((), 6.0)
    back = decode("reachable", json.dumps({**WHERE, "down_for_s": 90}))
    assert isinstance(back, Reachable)
    assert back.down_for == timedelta(seconds=90)


@pytest.mark.parametrize(
    ("lang", "language"), [("zh", "zh"), ("zh-CN", "zh"), ("en", "en"), (None, "en"), (7, "en")]
)
def test_a_row_is_read_in_its_language_else_english(lang: object, language: str) -> None:
    assert decode("reachable", json.dumps({**WHERE, "lang": lang})).language == language
    assert decode("reachable", json.dumps(WHERE)).language == "en"


def test_the_instance_is_named_by_its_name_else_its_id() -> None:
    assert decode("reachable", json.dumps(WHERE)).name == "prod-orders"
    assert decode("reachable", json.dumps({"instance_id": "i-1"})).name == "i-1"
    assert decode("reachable", "{}").name == "?"


def test_a_kind_this_release_does_not_know_reads_as_its_instance_only() -> None:
    assert decode("from_the_future", json.dumps({**WHERE, "x": 1})) == Payload(**WHERE)


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("reachable", "[]"),
        ("reachable", "not json"),
        ("task_finished", json.dumps({**WHERE, "task": "t1"})),
        ("task_finished", json.dumps({**WHERE, "task": TASK, "digest_after": None})),
        ("thread_closed", json.dumps({**WHERE, "still_running": "t1"})),
    ],
)
def test_a_row_that_cannot_be_read_says_so(kind: str, text: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        decode(kind, text)
