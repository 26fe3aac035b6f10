"""The one engine every repository shares, its transactions, and their thread offloading.

Every repository method is one short transaction on its own pooled connection. The bot
is async and the driver is not, so each method is declared once, synchronously, with
``@offloaded``: awaited, it runs on a worker thread; ``.sync(...)`` runs it on the
caller's thread (tests, benchmarks and the multi-process racers, which have no loop).
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, overload

from sqlalchemy import Connection, Engine, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL
from sqlalchemy.pool import ConnectionPoolEntry

from bot.adapters.store.errors import StoreError

Clock = Callable[[], datetime]

# How long a SQLite writer waits for another to finish before "database is locked".
# Writes here take milliseconds; the wait only has to outlast a burst of them.
SQLITE_BUSY_TIMEOUT_S = 15.0
MIN_SQLITE = (3, 35)
# Slack errors are short; a traceback pasted in by a caller is not kept whole.
MAX_ERROR_CHARS = 2000
# Values per statement in batched reads and writes (``chunks``): well under both
# backends' limits on bound parameters (SQLite's is 32,766), and a short lock on
# PostgreSQL.
CHUNK = 500
# A connection option telling the SQLite ``begin`` hook that the transaction writes.
_WRITES = "kafka_tasks_writes"

P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S")


def aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), got {moment.isoformat()}")
    return moment.astimezone(UTC)


def chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    """``items`` in runs of at most ``CHUNK``, one statement's ``IN (...)`` each."""
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


class Database:
    """The engine, the clock and the dialect, as each repository needs them."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self._writer = engine.execution_options(**{_WRITES: True})
        self._clock = clock
        self.postgres = engine.dialect.name == "postgresql"

    def now(self) -> datetime:
        return aware(self._clock(), "clock()")

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self._writer.begin() as conn:
            yield conn

    def insert(self, table: Table) -> postgresql.Insert | sqlite.Insert:
        # ON CONFLICT lives in each dialect's own insert(); the two share the same API.
        return postgresql.insert(table) if self.postgres else sqlite.insert(table)


class Repository:
    """One aggregate's statements over the shared ``Database``."""

    def __init__(self, db: Database) -> None:
        self._db = db


class Offloaded(Generic[P, R]):
    """A repository method bound to its repository: awaited it runs on a worker thread."""

    __slots__ = ("_fn",)

    def __init__(self, fn: Callable[P, R]) -> None:
        self._fn = fn

    async def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        return await asyncio.to_thread(self._fn, *args, **kwargs)

    def sync(self, *args: P.args, **kwargs: P.kwargs) -> R:
        """Run it here, blocking: for callers without an event loop."""
        return self._fn(*args, **kwargs)


class offloaded(Generic[S, P, R]):  # lower case: a decorator, like property
    """Declares a repository method once; see the module docstring."""

    def __init__(self, fn: Callable[Concatenate[S, P], R]) -> None:
        self._fn = fn
        self.__doc__ = fn.__doc__

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> offloaded[S, P, R]: ...

    @overload
    def __get__(self, obj: S, owner: type[Any]) -> Offloaded[P, R]: ...

    def __get__(self, obj: S | None, owner: type[Any]) -> offloaded[S, P, R] | Offloaded[P, R]:
        if obj is None:
            return self
        fn = self._fn

        def bound(*args: P.args, **kwargs: P.kwargs) -> R:
            return fn(obj, *args, **kwargs)

        return Offloaded(bound)


def create(url: URL) -> Engine:
    # hide_parameters: a failed statement's text ends up in logs, and its parameters
    # are message payloads and Slack errors, not something a log reader needs.
    if url.get_backend_name() == "postgresql":
        # Replicas idle for minutes between polls; hosted PostgreSQL drops idle
        # connections, so check each one before use instead of failing a poll.
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)
    if sqlite3.sqlite_version_info < MIN_SQLITE:
        # RETURNING and MATERIALIZED arrived in 3.35; older builds fail mid-statement.
        raise StoreError(
            f"SQLite {sqlite3.sqlite_version} is too old: the store needs "
            f"{'.'.join(map(str, MIN_SQLITE))} or newer (or use PostgreSQL)"
        )
    engine = create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
        hide_parameters=True,
    )
    event.listen(engine, "connect", _sqlite_connected)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connected(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # The sqlite3 module's own BEGIN handling would start write transactions lazily, at
    # the first write, and a read-then-write transaction can then fail at once with
    # "database is locked" instead of waiting; so we issue BEGIN ourselves.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        _use_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        # WAL's recommended level: no fsync per commit, so the ack's handled-request
        # write does not wait on the disk. A crashed process loses nothing committed; a
        # power cut may undo the last commits, which leaves a delivery in the same state
        # as a crash between its post and its mark, and that is looked for before posting
        # again (watch.delivery). Replicas share PostgreSQL, where this does not apply.
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _use_wal(cursor: sqlite3.Cursor) -> None:
    """WAL: readers never block the writer, so a second process (or the bot's threads)
    can read while a poll writes.

    Our own wait, because SQLite applies no busy timeout to the switch: it needs the
    file to itself for a moment, and a process opening a new database while another
    one does (replicas, or the CLI beside the bot) was told "database is locked" at
    once. WAL stays in the file, so only the first opener switches; the others find it
    done, or wait here for the first to finish.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    pause = 0.005
    # An Event's timed wait, not time.sleep: under libfaketime (the CI's clock moved a
    # year on) time.sleep's absolute monotonic sleep is refused with EINVAL.
    pausing = threading.Event()
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
        pausing.wait(pause)
        pause = min(pause * 2, 0.1)


def _sqlite_begin(conn: Connection) -> None:
    # IMMEDIATE takes the write lock up front, where the busy timeout applies.
    writes = conn.get_execution_options().get(_WRITES, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")
