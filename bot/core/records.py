"""The store's records: plain frozen dataclasses, free of SQLAlchemy.

Every ``datetime`` here is timezone-aware UTC; the store refuses naive ones on the way
in and attaches UTC on the way out (SQLite keeps no zone of its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

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

    @property
    def paused(self) -> bool:
        return self.paused_at is not None


@dataclass(frozen=True)
class FollowedThread:
    """An answer in a thread whose in-progress tasks the bot reports on as they end.

    ``query`` is opaque JSON written by the bot (the answer's query state), kept so the
    parent summary can be rebuilt when it is edited.
    """

    id: int
    channel: str
    message_ts: str
    instance_id: str
    instance_name: str
    query: str
    created_at: datetime
    follow_until: datetime


@dataclass(frozen=True)
class NewOutboxRow:
    """A message to queue for delivery under its unique ``key`` (see ``OutboxItem``)."""

    key: str
    channel: str
    thread_ts: str | None
    kind: str
    payload: str


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
