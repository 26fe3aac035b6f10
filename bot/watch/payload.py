"""The outbox rows, one typed record per kind, and the one place they become JSON.

The poller and admission queue rows with ``encode``; delivery, admission, rendering
and the audit read them back with ``payload_of``. A row holds a task as DMS sent it
(``Task.to_api``), so it is read within the same bounds as DMS's own bodies: one row
can never fail its rendering, its admission, or the digest it would join, by how it
is nested.

Reading is lenient the way the readers always were: a field a row lacks (rows queued by
an earlier release, before languages or digests) takes the default it always took.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar
from weakref import WeakKeyDictionary

from bot.core import bounded_json
from bot.core.durations import SlowRun
from bot.core.records import OutboxItem
from bot.i18n import Lang
from bot.watch.payload_base import ApiTask, Payload, number, optional, task_of
from bot.watch.payload_daily import DailySummaryRow, read_daily

__all__ = [
    "NOTICE_KINDS",
    "PAUSED",
    "RESUMED",
    "SUBSCRIPTION_KINDS",
    "THREAD_KINDS",
    "DailySummaryRow",
    "InThread",
    "ParentUpdate",
    "Payload",
    "Reachable",
    "SubscriptionPaused",
    "SubscriptionResumed",
    "TaskFinished",
    "ThreadClosed",
    "ThreadReply",
    "Unreachable",
    "decode",
    "encode",
    "payload_of",
    "read_payload",
]


# What the channel is told when its subscription is paused or resumed.
PAUSED = "subscription_paused"
RESUMED = "subscription_resumed"


@dataclass(frozen=True)
class TaskFinished(Payload):
    """A subscribed instance's task ended; rows of one poll share ``batch``."""

    kind: ClassVar[str] = "task_finished"
    task: ApiTask = field(default_factory=dict)
    batch: str | None = None
    # More rows than this in one batch go out as one digest.
    digest_after: int = 3
    # Set when the run took far longer than usual (``bot.core.durations``): the note.
    took_s: float | None = None
    usual_s: float | None = None

    @property
    def slow(self) -> SlowRun | None:
        if self.took_s is None or self.usual_s is None:
            return None
        return SlowRun(took_s=self.took_s, usual_s=self.usual_s)

    def _fields(self) -> dict[str, Any]:
        fields = {
            **super()._fields(),
            "task": self.task,
            "batch": self.batch,
            "digest_after": self.digest_after,
            "lang": self.lang,
        }
        # Only on slow runs: other rows keep the very JSON they always had.
        if self.slow is not None:
            fields |= {"took_s": self.took_s, "usual_s": self.usual_s}
        return fields


@dataclass(frozen=True)
class InThread(Payload):
    """A row of a followed answer: its thread, and who asked (delivery asks the access
    rules again on their behalf)."""

    thread_id: int | None = None
    user: str = ""

    def _fields(self) -> dict[str, Any]:
        return {
            **super()._fields(),
            "thread_id": self.thread_id,
            "lang": self.lang,
            "user": self.user,
        }


@dataclass(frozen=True)
class ThreadReply(InThread):
    kind: ClassVar[str] = "thread_reply"
    task: ApiTask = field(default_factory=dict)

    def _fields(self) -> dict[str, Any]:
        return {**super()._fields(), "task": self.task}


@dataclass(frozen=True)
class ParentUpdate(InThread):
    """The answer at ``message_ts`` edited to its query ``state``'s newest summary."""

    kind: ClassVar[str] = "parent_update"
    message_ts: str | None = None
    state: str | None = None

    def _fields(self) -> dict[str, Any]:
        return {**super()._fields(), "message_ts": self.message_ts, "state": self.state}


@dataclass(frozen=True)
class ThreadClosed(InThread):
    """No longer followed after ``hours``; ``still_running`` are the tasks left."""

    kind: ClassVar[str] = "thread_closed"
    still_running: tuple[ApiTask, ...] = ()
    hours: float = 6.0

    def _fields(self) -> dict[str, Any]:
        return {
            **super()._fields(),
            "still_running": list(self.still_running),
            "hours": self.hours,
        }


@dataclass(frozen=True)
class Unreachable(Payload):
    """The instance could not be polled since ``since`` (ISO 8601)."""

    kind: ClassVar[str] = "unreachable"
    reason: str = ""
    # The reason in each language; rows from before that have the English one only.
    reasons: Mapping[str, str] = field(default_factory=dict)
    since: str = ""

    def reason_in(self, lang: Lang) -> str:
        return str(self.reasons.get(lang) or self.reason or "")

    @property
    def since_at(self) -> datetime:
        return datetime.fromisoformat(self.since)

    def _fields(self) -> dict[str, Any]:
        return {
            **super()._fields(),
            "lang": self.lang,
            "reason": self.reason,
            "reasons": dict(self.reasons),
            "since": self.since,
        }


@dataclass(frozen=True)
class Reachable(Payload):
    kind: ClassVar[str] = "reachable"
    down_for_s: float = 0.0

    @property
    def down_for(self) -> timedelta:
        return timedelta(seconds=self.down_for_s)

    def _fields(self) -> dict[str, Any]:
        return {**super()._fields(), "lang": self.lang, "down_for_s": self.down_for_s}


@dataclass(frozen=True)
class _Notice(Payload):
    """The channel is told its subscription changed: only the name of an instance it
    subscribed to itself, so these are never held back."""

    def _fields(self) -> dict[str, Any]:
        return {**super()._fields(), "lang": self.lang}


@dataclass(frozen=True)
class SubscriptionPaused(_Notice):
    kind: ClassVar[str] = PAUSED


@dataclass(frozen=True)
class SubscriptionResumed(_Notice):
    kind: ClassVar[str] = RESUMED


# Rows that speak for a subscription, and rows that speak in a followed answer's thread.
SUBSCRIPTION_KINDS = frozenset(
    {TaskFinished.kind, Unreachable.kind, Reachable.kind, DailySummaryRow.kind}
)
THREAD_KINDS = frozenset({ThreadReply.kind, ParentUpdate.kind, ThreadClosed.kind})
NOTICE_KINDS = frozenset({PAUSED, RESUMED})


def encode(payload: Payload) -> str:
    """The row's stored JSON (the same keys, in the same order, as ever)."""
    return json.dumps(payload._fields())


def read_payload(text: str) -> Any:
    """The stored JSON parsed; ``ValueError`` when it cannot be read."""
    return bounded_json.loads(text, bounded_json.BODY)


def decode(kind: str, text: str) -> Payload:
    """A stored row read back; ``ValueError`` when it cannot be. A kind this release
    does not know reads as a bare ``Payload`` (its readers refuse it by kind)."""
    raw = read_payload(text)
    if not isinstance(raw, dict):
        raise ValueError("an outbox payload must be a JSON object")
    lang = raw.get("lang")
    common: dict[str, Any] = {
        "instance_id": str(raw.get("instance_id") or ""),
        "instance_name": str(raw.get("instance_name") or ""),
        "lang": lang if isinstance(lang, str) else None,
    }
    if kind in THREAD_KINDS:
        thread_id = raw.get("thread_id")
        common["thread_id"] = thread_id if isinstance(thread_id, int) else None
        common["user"] = str(raw.get("user") or "")
    reader = _READERS.get(kind)
    return reader(raw, common) if reader else Payload(**common)


def _task_finished(raw: dict[str, Any], common: dict[str, Any]) -> Payload:
    batch = raw.get("batch")
    return TaskFinished(
        **common,
        task=task_of(raw.get("task")),
        batch=None if batch is None else str(batch),
        digest_after=number(int, raw.get("digest_after", 3), "digest_after"),
        took_s=optional(raw.get("took_s"), "took_s"),
        usual_s=optional(raw.get("usual_s"), "usual_s"),
    )


def _thread_reply(raw: dict[str, Any], common: dict[str, Any]) -> Payload:
    return ThreadReply(**common, task=task_of(raw.get("task")))


def _parent_update(raw: dict[str, Any], common: dict[str, Any]) -> Payload:
    message_ts, state = raw.get("message_ts"), raw.get("state")
    return ParentUpdate(
        **common,
        message_ts=None if message_ts is None else str(message_ts),
        state=None if state is None else str(state),
    )


def _thread_closed(raw: dict[str, Any], common: dict[str, Any]) -> Payload:
    running = raw.get("still_running") or []
    if not isinstance(running, list):
        raise ValueError("still_running must be a list of tasks")
    return ThreadClosed(
        **common,
        still_running=tuple(task_of(t) for t in running),
        hours=number(float, raw.get("hours") or 6, "hours"),
    )


def _unreachable(raw: dict[str, Any], common: dict[str, Any]) -> Payload:
    reasons = raw.get("reasons")
    return Unreachable(
        **common,
        reason=str(raw.get("reason") or ""),
        reasons={str(k): str(v) for k, v in reasons.items() if v}
        if isinstance(reasons, dict)
        else {},
        since=str(raw.get("since") or ""),
    )


def _reachable(raw: dict[str, Any], common: dict[str, Any]) -> Payload:
    return Reachable(**common, down_for_s=number(float, raw.get("down_for_s") or 0, "down_for_s"))


_READERS: dict[str, Callable[[dict[str, Any], dict[str, Any]], Payload]] = {
    TaskFinished.kind: _task_finished,
    ThreadReply.kind: _thread_reply,
    ParentUpdate.kind: _parent_update,
    ThreadClosed.kind: _thread_closed,
    Unreachable.kind: _unreachable,
    Reachable.kind: _reachable,
    PAUSED: lambda _raw, common: SubscriptionPaused(**common),
    RESUMED: lambda _raw, common: SubscriptionResumed(**common),
    DailySummaryRow.kind: read_daily,
}


# Each row read from the store is read by admission, by batching, by rendering and by
# its audit line, and a digest's rows by each of them too: decoded once, kept as long as
# the row is. (Rows are frozen: the same row read again has the same payload.)
_decoded: WeakKeyDictionary[OutboxItem, Payload] = WeakKeyDictionary()


def payload_of(item: OutboxItem) -> Payload:
    """``item``'s payload, decoded once however often it is asked for; ``ValueError``
    when it cannot be read."""
    try:
        return _decoded[item]
    except KeyError:
        pass
    decoded = _decoded[item] = decode(item.kind, item.payload)
    return decoded
