"""Schema migrations: numbered steps, applied in order from the recorded version.

Step ``n`` brings a database from version ``n - 1`` to ``n``; ``schema_version`` holds a
row per applied step. ``migrate`` runs inside the caller's write transaction, so a
step and its version row commit together (both backends have transactional DDL).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import Connection, func, insert, select, text

from bot.adapters.store import schema
from bot.adapters.store.errors import StoreError

Migration = Callable[[Connection], None]

# Any fixed 64-bit number: replicas starting together (a deploy) take this
# PostgreSQL advisory lock, so exactly one of them migrates while the others wait.
_MIGRATION_LOCK = 0x6B61666B61_7461  # "kafkata"


def _create_v1(conn: Connection) -> None:
    """Version 1: subscriptions, followed threads, task states, cursors, leases, outbox.

    It creates the tables as ``schema.py`` defines them; once a later step alters a
    table, this step must keep creating that table's version-1 shape instead.
    """
    later = {schema.schema_version, *_V2_TABLES, *_V3_TABLES, *_V4_TABLES, *_V5_TABLES}
    tables = [t for t in schema.metadata.sorted_tables if t not in later]
    # No existence checks: this step commits together with its version row, so at
    # version 0 none of these tables can exist.
    schema.metadata.create_all(conn, tables=tables, checkfirst=False)


_V2_TABLES = (schema.subscription_pauses, schema.handled_requests)


def _create_v2(conn: Connection) -> None:
    """Version 2: paused subscriptions, and the Slack requests already handled."""
    schema.metadata.create_all(conn, tables=list(_V2_TABLES), checkfirst=False)


_V3_TABLES = (schema.poll_replicas,)


def _create_v3(conn: Connection) -> None:
    """Version 3: the replicas watching now, so that each takes a fair share of leases."""
    schema.metadata.create_all(conn, tables=list(_V3_TABLES), checkfirst=False)


_V4_TABLES = (schema.task_runs, schema.daily_summaries)


def _create_v4(conn: Connection) -> None:
    """Version 4: finished tasks' run times, and the channels' daily summaries."""
    schema.metadata.create_all(conn, tables=list(_V4_TABLES), checkfirst=False)


_V5_TABLES = (schema.subscription_quiet, schema.snoozes, schema.outbox_holds)


def _create_v5(conn: Connection) -> None:
    """Version 5: quiet hours, snoozes, and the outbox rows they hold back."""
    schema.metadata.create_all(conn, tables=list(_V5_TABLES), checkfirst=False)


MIGRATIONS: Sequence[Migration] = (
    _create_v1,
    _create_v2,
    _create_v3,
    _create_v4,
    _create_v5,
)


def latest_version(steps: Sequence[Migration] | None = None) -> int:
    return len(MIGRATIONS if steps is None else steps)


def recorded_version(conn: Connection) -> int:
    """The database's version: 0 when nothing has been applied yet."""
    return int(conn.execute(select(func.max(schema.schema_version.c.version))).scalar() or 0)


def migrate(conn: Connection, now: datetime, steps: Sequence[Migration] | None = None) -> int:
    """Apply the steps the database has not had yet; returns the version it is now at.

    Safe to call from several processes at once: on PostgreSQL an advisory lock
    serializes them, on SQLite the caller's ``BEGIN IMMEDIATE`` does.
    """
    # Read at call time, not bound as a default, so tests can add a step.
    steps = MIGRATIONS if steps is None else steps
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
    schema.schema_version.create(conn, checkfirst=True)
    current = recorded_version(conn)
    if current > len(steps):
        # An older build against a newer schema could misread or corrupt it.
        raise StoreError(
            f"the database is at schema version {current}, newer than this build's "
            f"{len(steps)}; deploy the newer build or restore a matching database"
        )
    for version in range(current + 1, len(steps) + 1):
        steps[version - 1](conn)
        conn.execute(insert(schema.schema_version).values(version=version, applied_at=now))
    return len(steps)
