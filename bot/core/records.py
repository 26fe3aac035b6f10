"""The store's records: plain frozen dataclasses, free of SQLAlchemy.

Every ``datetime`` here is timezone-aware UTC; the store refuses naive ones on the way
in and attaches UTC on the way out (SQLite keeps no zone of its own).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.core.quiet import QuietHours

Scope = Literal["failed", "all"]
SCOPES: frozenset[str] = frozenset({"failed", "all"})


@dataclass(frozen=True)
class Subscription:
    """A channel's wish to hear about tasks finishing on one instance."""

    channel: str
    instance_id: str
    instance_name: str
    scope: Scope
    name_glob: str | None
    created_by: str
    created_at: datetime
    language: str = "en"
    # Set while the access rules no longer allow the subscription: nothing is posted
    # for it until they do again.
    paused_at: datetime | None = None
    # While in force, what ends is held and posted as one digest when they end.
    quiet: QuietHours | None = None

    @property
    def paused(self) -> bool:
        return self.paused_at is not None


@dataclass(frozen=True)
class Snooze:
    """A channel's notifications about one instance held until ``until``, by ``by_user``."""

    channel: str
    instance_id: str
    until: datetime
    by_user: str


@dataclass(frozen=True)
class ThreadQuery:
    """What a followed answer was: its query, where its thread is, and who asked.

    Stored as JSON in ``FollowedThread.query``; ``encode`` and ``decode`` are the one
    place that JSON is written and read.
    """

    # The answer's query state (``QueryState.encode``), to rebuild its summary; ``None``
    # when a row lacks it.
    state: str | None
    # The thread replies go to; ``None`` means the answer's own message.
    thread_ts: str | None = None
    # Replies in the thread speak the asker's language; ``None`` if stored without one.
    lang: str | None = "en"
    # Each reply is posted only while the rules still let the asker look at the
    # instance and show it there.
    user: str = ""

    def encode(self) -> str:
        return json.dumps(
            {"state": self.state, "thread_ts": self.thread_ts, "lang": self.lang, "user": self.user}
        )

    @classmethod
    def decode(cls, text: str) -> ThreadQuery:
        """``ValueError`` when ``text`` is not a JSON object."""
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raise ValueError("a followed thread's query must be a JSON object")
        state, thread_ts, lang = raw.get("state"), raw.get("thread_ts"), raw.get("lang", "en")
        return cls(
            state=None if state is None else str(state),
            thread_ts=str(thread_ts) if thread_ts else None,
            lang=lang if isinstance(lang, str) else None,
            user=str(raw.get("user") or ""),
        )


@dataclass(frozen=True)
class FollowedThread:
    """An answer in a thread whose in-progress tasks the bot reports on as they end.

    ``query`` is a ``ThreadQuery``'s JSON, kept so the parent summary can be rebuilt
    when it is edited (``thread_query`` reads it).
    """

    id: int
    channel: str
    message_ts: str
    instance_id: str
    instance_name: str
    query: str
    created_at: datetime
    follow_until: datetime

    @property
    def thread_query(self) -> ThreadQuery:
        return ThreadQuery.decode(self.query)


@dataclass(frozen=True)
class NewOutboxRow:
    """A message to queue for delivery under its unique ``key`` (see ``OutboxItem``)."""

    key: str
    channel: str
    thread_ts: str | None
    kind: str
    payload: str
    # Held (a snooze, quiet hours) until then: not posted before, and posted with the
    # other rows of the same ``hold`` as one digest.
    hold: str | None = None
    held_until: datetime | None = None


@dataclass(frozen=True)
class OutboxItem:
    """A Slack message claimed for delivery, kept until Slack has accepted it.

    ``payload`` is opaque JSON written by the bot. ``delivered_ts`` is the ``ts`` Slack
    gave the posted message.
    """

    id: int
    key: str
    channel: str
    thread_ts: str | None
    kind: str
    payload: str
    created_at: datetime
    attempts: int
    next_attempt_at: datetime
    delivered_at: datetime | None
    delivered_ts: str | None
    last_error: str | None
    hold: str | None = None
    held_until: datetime | None = None


@dataclass(frozen=True)
class TaskRun:
    """A finished task's run, kept by instance and task name for what is usual."""

    instance_id: str
    task_id: str
    name: str
    status: str
    started_at: datetime | None
    ended_at: datetime
    seconds: float | None


@dataclass(frozen=True)
class DailySummary:
    """A channel's daily summary of an instance: at ``clock`` ("HH:MM") in ``zone``,
    promised from ``since`` on."""

    channel: str
    instance_id: str
    clock: str
    zone: str
    since: datetime
