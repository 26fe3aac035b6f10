"""The tables, as SQLAlchemy Core metadata shared by both backends.

These definitions are what migration step 1 creates. A later change to a table must be
a new migration step (see ``migrations.py``), never an edit here alone: databases
already at version 1 would not get it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on both backends.

    PostgreSQL keeps ``timestamptz``; SQLite has no zones and compares the stored text,
    so every value is brought to UTC first and stored naive, which keeps text order and
    time order the same. A naive value is refused: guessing its zone would shift it.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()}: the store needs aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime from the database, got {type(value).__name__}")
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    # One row per applied migration step; the highest is the database's version.
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", UtcDateTime, nullable=False),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("channel", String, nullable=False),
    Column("instance_id", String, nullable=False),
    Column("instance_name", String, nullable=False),
    Column("scope", String, nullable=False),
    Column("name_glob", String, nullable=True),
    Column("created_by", String, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("language", String, nullable=False, server_default="en"),
    UniqueConstraint("channel", "instance_id", name="uq_subscriptions_channel_instance"),
    CheckConstraint("scope IN ('failed', 'all')", name="ck_subscriptions_scope"),
    Index("ix_subscriptions_instance", "instance_id"),
    # Without AUTOINCREMENT SQLite reuses the id of a deleted last row; ids must stay
    # unique for the life of the database, since callers hold them across calls.
    sqlite_autoincrement=True,
)

# Version 2. A subscription the access rules no longer allow is paused, not deleted: it
# resumes when the rules allow it again. Kept apart from ``subscriptions`` so that step 1
# goes on creating that table exactly as version 1 had it.
subscription_pauses = Table(
    "subscription_pauses",
    metadata,
    Column("channel", String, nullable=False),
    Column("instance_id", String, nullable=False),
    Column("paused_at", UtcDateTime, nullable=False),
    # Which rule refused: for the log and the audit, never shown in the channel.
    Column("reason", String, nullable=False),
    PrimaryKeyConstraint("channel", "instance_id", name="pk_subscription_pauses"),
)

# Version 2. Slack requests and events already handled, so that a retried event
# (X-Slack-Retry-Num) or a replayed signed request is not answered twice, on any replica.
handled_requests = Table(
    "handled_requests",
    metadata,
    Column("key", String, primary_key=True),
    Column("expires_at", UtcDateTime, nullable=False),
    Index("ix_handled_requests_expires_at", "expires_at"),
)

followed_threads = Table(
    "followed_threads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("channel", String, nullable=False),
    Column("message_ts", String, nullable=False),
    Column("instance_id", String, nullable=False),
    Column("instance_name", String, nullable=False),
    Column("query", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("follow_until", UtcDateTime, nullable=False),
    UniqueConstraint(
        "channel", "message_ts", "instance_id", name="uq_followed_threads_message_instance"
    ),
    Index("ix_followed_threads_instance", "instance_id"),
    Index("ix_followed_threads_follow_until", "follow_until"),
    sqlite_autoincrement=True,
)

followed_tasks = Table(
    "followed_tasks",
    metadata,
    Column(
        "thread_id",
        Integer,
        ForeignKey("followed_threads.id", ondelete="CASCADE", name="fk_followed_tasks_thread"),
        nullable=False,
    ),
    Column("task_id", String, nullable=False),
    PrimaryKeyConstraint("thread_id", "task_id", name="pk_followed_tasks"),
)

task_states = Table(
    "task_states",
    metadata,
    Column("instance_id", String, nullable=False),
    Column("task_id", String, nullable=False),
    Column("status", String, nullable=False),
    # When the status last changed, for whoever has to prune or debug this table.
    Column("updated_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("instance_id", "task_id", name="pk_task_states"),
)

poll_cursors = Table(
    "poll_cursors",
    metadata,
    Column("instance_id", String, primary_key=True),
    Column("cursor_at", UtcDateTime, nullable=True),
    # Set by the first save of task states, even an empty one: an instance with no
    # tasks yet has a baseline too, so its first task is news, not history.
    Column("baseline_at", UtcDateTime, nullable=True),
)

poll_leases = Table(
    "poll_leases",
    metadata,
    Column("instance_id", String, primary_key=True),
    Column("owner", String, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
)

# Version 3. The replicas watching now, each renewing its row every poll cycle: how
# many are alive is what each one's fair share of the leases is worked out from.
poll_replicas = Table(
    "poll_replicas",
    metadata,
    Column("owner", String, primary_key=True),
    Column("expires_at", UtcDateTime, nullable=False),
)

# Version 5. A subscription's quiet hours, kept apart from ``subscriptions`` so that
# step 1 goes on creating that table as version 1 had it; gone with the subscription.
subscription_quiet = Table(
    "subscription_quiet",
    metadata,
    Column("channel", String, nullable=False),
    Column("instance_id", String, nullable=False),
    Column("start_at", String, nullable=False),  # "22:00", wall clock in ``zone``
    Column("end_at", String, nullable=False),
    Column("zone", String, nullable=False),
    # Failures held too (``quiet all``), not only the rest.
    Column("everything", Boolean, nullable=False),
    PrimaryKeyConstraint("channel", "instance_id", name="pk_subscription_quiet"),
)

# Version 5. A channel's notifications about an instance held until ``until``.
snoozes = Table(
    "snoozes",
    metadata,
    Column("channel", String, nullable=False),
    Column("instance_id", String, nullable=False),
    Column("until", UtcDateTime, nullable=False),
    Column("by_user", String, nullable=False),
    PrimaryKeyConstraint("channel", "instance_id", name="pk_snoozes"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String, nullable=False),
    Column("channel", String, nullable=False),
    Column("thread_ts", String, nullable=True),
    Column("kind", String, nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("delivered_at", UtcDateTime, nullable=True),
    Column("delivered_ts", String, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("claimed_by", String, nullable=True),
    Column("claimed_until", UtcDateTime, nullable=True),
    UniqueConstraint("key", name="uq_outbox_key"),
    sqlite_autoincrement=True,
)

# Delivered rows stay (their keys are what make a repeated claim a no-op), so the
# queries that look for work read only this partial index of undelivered rows.
Index(
    "ix_outbox_undelivered",
    outbox.c.channel,
    outbox.c.id,
    postgresql_where=outbox.c.delivered_at.is_(None),
    sqlite_where=outbox.c.delivered_at.is_(None),
)

# Version 4. Each finished task's run time, by instance and task name, one row per task:
# what a task usually takes is read from its name's recent rows, and a day's summary
# from the rows that ended that day.
task_runs = Table(
    "task_runs",
    metadata,
    Column("instance_id", String, nullable=False),
    Column("task_id", String, nullable=False),
    Column("name", String, nullable=False),
    Column("status", String, nullable=False),
    Column("started_at", UtcDateTime, nullable=True),
    Column("ended_at", UtcDateTime, nullable=False),
    # None when DMS gave no start time: the run still counts, its length does not.
    Column("seconds", Float, nullable=True),
    PrimaryKeyConstraint("instance_id", "task_id", name="pk_task_runs"),
    Index("ix_task_runs_name_ended", "instance_id", "name", "ended_at"),
    Index("ix_task_runs_ended", "instance_id", "ended_at"),
)

# Version 4. A channel's daily summary of a subscribed instance: its time and zone, and
# when it was set (a day whose time came before that was never promised).
daily_summaries = Table(
    "daily_summaries",
    metadata,
    Column("channel", String, nullable=False),
    Column("instance_id", String, nullable=False),
    Column("at_clock", String, nullable=False),  # "HH:MM"
    Column("zone", String, nullable=False),
    Column("since", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("channel", "instance_id", name="pk_daily_summaries"),
)

# Version 5. Outbox rows held back (a snooze, quiet hours): not a channel's head before
# ``held_until``; the rows of one ``hold`` then go out as one digest.
outbox_holds = Table(
    "outbox_holds",
    metadata,
    Column(
        "outbox_id",
        Integer,
        ForeignKey("outbox.id", ondelete="CASCADE", name="fk_outbox_holds_outbox"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("hold", String, nullable=False),
    Column("held_until", UtcDateTime, nullable=False),
    Index("ix_outbox_holds_hold", "hold"),
)
