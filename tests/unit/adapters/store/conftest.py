"""Store fixtures: every test that takes ``store`` or ``db_url`` runs on SQLite and on
PostgreSQL.

PostgreSQL comes from ``KAFKA_TASKS_TEST_DATABASE_URL``; each test gets a schema of its
own (first on the connection's search_path) that is dropped afterwards, so tests never
see each other's rows. Without that variable the PostgreSQL runs are skipped, except
under CI, where a skip would hide the backend replicas actually use, so they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bot.adapters.store import Store, engine_url
from bot.simulator.clock import ManualClock
from tests.unit.adapters.store.support import START

PG_URL_ENV = "KAFKA_TASKS_TEST_DATABASE_URL"

OpenStore = Callable[[], Store]


def _postgres_url() -> str | None:
    raw = os.environ.get(PG_URL_ENV, "").strip()
    if raw:
        return raw
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false"):
        pytest.fail(
            f"{PG_URL_ENV} is not set under CI: the store tests must also run on PostgreSQL "
            "(.ci/run sets it to the local server)",
            pytrace=False,
        )
    pytest.skip(f"PostgreSQL store tests need {PG_URL_ENV}=postgresql://user@host:port/db")


def with_search_path(url: str, schema: str) -> str:
    """``url`` whose connections see ``schema`` first (libpq's ``options``)."""
    parsed = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return parsed.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine]:
    """An autocommit engine on the test server, to create and drop per-test schemas."""
    engine = create_engine(
        engine_url(_postgres_url() or ""), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL (nothing migrated yet)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    raw = _postgres_url() or ""
    admin: Engine = request.getfixturevalue("pg_admin")
    schema = f"kt_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield with_search_path(raw, schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def open_store(db_url: str, clock: ManualClock) -> Iterator[OpenStore]:
    """Opens (and at teardown closes) stores on ``db_url`` that read ``clock``."""
    opened: list[Store] = []

    def open_() -> Store:
        store = Store.open(db_url, clock=clock.now)
        opened.append(store)
        return store

    yield open_
    for store in opened:
        store.close()


@pytest.fixture
def store(open_store: OpenStore) -> Store:
    return open_store()
