"""The bot's durable state, one repository per aggregate over one shared engine.

Every repository method is one short transaction on its own pooled connection, awaited
on a worker thread (see ``db.py``), so the async bot can call any of them from many
tasks at once. Where replicas race (leases, the outbox, subscribing), the decision is a
single conditional statement the database arbitrates, never a read followed by a write.

SQLite is for one machine (WAL lets a second process share the file); PostgreSQL is
for several replicas.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from bot.adapters.store import db, migrations
from bot.adapters.store.db import Clock, Database
from bot.adapters.store.outbox import Outbox
from bot.adapters.store.polling import Polling
from bot.adapters.store.requests import HandledRequests
from bot.adapters.store.runs import DailySummaries, TaskRuns
from bot.adapters.store.snoozes import Snoozes
from bot.adapters.store.subscriptions import Subscriptions
from bot.adapters.store.threads import Threads
from bot.adapters.store.urls import engine_url, ensure_sqlite_folder, safe_url
from bot.core.clock import utc_now

log = logging.getLogger("kafka_tasks.store")


class Store:
    """The store over one SQLAlchemy engine. Create it with ``Store.open(url)``."""

    def __init__(self, engine: Engine, clock: Clock = utc_now) -> None:
        self._db = Database(engine, clock)
        self.subscriptions = Subscriptions(self._db)
        self.threads = Threads(self._db)
        self.polling = Polling(self._db)
        self.outbox = Outbox(self._db)
        self.requests = HandledRequests(self._db)
        self.runs = TaskRuns(self._db)
        self.daily = DailySummaries(self._db)
        self.snoozes = Snoozes(self._db)

    @classmethod
    def open(cls, url: str, *, clock: Clock = utc_now) -> Store:
        """Connect, create or migrate the schema, and return the store.

        ``postgres://`` and ``postgresql://`` select PostgreSQL (psycopg 3); a
        ``sqlite:///path`` file is created with its folder on first use.
        """
        target = engine_url(url)
        ensure_sqlite_folder(target)
        engine = db.create(target)
        store = cls(engine, clock)
        try:
            with store._db.write() as conn:
                version = migrations.migrate(conn, store._db.now())
        except BaseException:
            engine.dispose()
            raise
        log.info("store ready: %s at schema version %d", safe_url(target), version)
        return store

    def close(self) -> None:
        """Close the pooled connections; the store must not be used afterwards."""
        self._db.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def engine(self) -> Engine:
        """The engine itself, for looking at the schema (tests, migrations)."""
        return self._db.engine

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._db.engine.dialect.name

    def schema_version(self) -> int:
        with self._db.read() as conn:
            return migrations.recorded_version(conn)
