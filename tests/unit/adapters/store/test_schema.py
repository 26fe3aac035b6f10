"""Schema creation and migration at open."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import make_url

from bot.adapters.store import Store, StoreError, latest_version, migrations, schema
from bot.simulator.clock import ManualClock


def _version_rows(store: Store) -> list[tuple[int, object]]:
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT version, applied_at FROM schema_version ORDER BY 1"))
        return [(int(r[0]), r[1]) for r in rows]


def test_open_creates_the_schema_and_records_its_version(store: Store) -> None:
    assert store.schema_version() == latest_version() == 5
    assert [version for version, _ in _version_rows(store)] == [1, 2, 3, 4, 5]


def test_created_tables_match_the_declared_schema(store: Store) -> None:
    inspector = inspect(store.engine)
    declared = {table.name: table for table in schema.metadata.sorted_tables}
    assert set(inspector.get_table_names()) == set(declared)
    for name, table in declared.items():
        assert {c["name"] for c in inspector.get_columns(name)} == set(table.c.keys()), name
        assert {i["name"] for i in inspector.get_indexes(name)} >= {
            i.name for i in table.indexes
        }, name


def test_reopening_does_not_migrate_again(open_store: Callable[[], Store]) -> None:
    first = open_store()
    recorded = _version_rows(first)
    first.close()
    second = open_store()
    assert second.schema_version() == latest_version()
    assert _version_rows(second) == recorded


def test_migrations_run_step_by_step_from_the_recorded_version(
    open_store: Callable[[], Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    open_store().close()  # a database at the latest version
    applied: list[int] = []
    nxt = latest_version() + 1

    def add_note_column(conn: Connection) -> None:
        applied.append(nxt)
        conn.execute(text("ALTER TABLE subscriptions ADD COLUMN note VARCHAR"))

    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, add_note_column))
    upgraded = open_store()
    assert upgraded.schema_version() == nxt
    assert applied == [nxt]  # the earlier steps were not run again
    assert "note" in {c["name"] for c in inspect(upgraded.engine).get_columns("subscriptions")}
    upgraded.close()

    open_store().close()
    assert applied == [nxt]


def test_a_version_1_database_keeps_its_subscriptions_through_version_2(
    open_store: Callable[[], Store], monkeypatch: pytest.MonkeyPatch, clock: ManualClock
) -> None:
    # A database as the first release left it: only step 1 applied, one subscription.
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
    old = open_store()
    assert old.schema_version() == 1
    assert "subscription_pauses" not in inspect(old.engine).get_table_names()
    with old.engine.begin() as conn:
        conn.execute(
            schema.subscriptions.insert().values(
                channel="C1",
                instance_id="i-1",
                instance_name="prod-orders",
                scope="failed",
                created_by="U1",
                created_at=clock.now(),
            )
        )
    old.close()
    monkeypatch.undo()
    new = open_store()
    assert new.schema_version() == latest_version()
    [sub] = new.subscriptions.in_channel.sync("C1")
    assert (sub.instance_name, sub.paused) == ("prod-orders", False)
    assert new.subscriptions.pause.sync("C1", "i-1", "rule 1")
    assert new.requests.first_sighting.sync("event:Ev1", timedelta(minutes=5))


def test_a_database_newer_than_the_code_is_refused(
    open_store: Callable[[], Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, lambda conn: None))
    open_store().close()
    monkeypatch.undo()
    with pytest.raises(StoreError, match="newer than this build"):
        open_store()


def test_stores_opened_at_once_migrate_once(db_url: str, clock: ManualClock) -> None:
    start = threading.Barrier(6)

    def open_one(_: int) -> int:
        start.wait(timeout=10)
        store = Store.open(db_url, clock=clock.now)
        try:
            return store.schema_version()
        finally:
            store.close()

    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(open_one, range(6))) == [latest_version()] * 6
    store = Store.open(db_url, clock=clock.now)
    try:
        assert [version for version, _ in _version_rows(store)] == [1, 2, 3, 4, 5]
    finally:
        store.close()


def test_a_new_sqlite_file_another_process_is_writing_is_waited_for(tmp_path: Path) -> None:
    # Another process (a replica, the CLI) is writing the same new file, still in
    # SQLite's first journal mode: it holds the write lock while this one opens, and
    # the switch to WAL must wait for it, not fail.
    path = tmp_path / "store.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE someone_elses (x INTEGER)")
    release = threading.Timer(0.3, other.execute, args=("COMMIT",))
    release.start()
    try:
        with Store.open(f"sqlite:///{path}") as store:
            assert store.schema_version() == latest_version()
            with store._db.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                # NORMAL (1): no fsync per commit, WAL's crash-safe level.
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1
    finally:
        release.join()
        other.close()


def test_open_logs_the_url_without_its_password(
    db_url: str, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    url = make_url(db_url)
    if url.get_backend_name() == "postgresql":
        # The test server trusts local connections, so any password is accepted; the
        # Heroku-style scheme is what hosting dashboards hand out.
        with_password = url.set(drivername="postgres", password="hunter2-secret")
        db_url = with_password.render_as_string(hide_password=False)
        assert db_url.startswith("postgres://")
    with caplog.at_level(logging.DEBUG):
        Store.open(db_url, clock=clock.now).close()
    assert f"schema version {latest_version()}" in caplog.text
    assert "hunter2" not in caplog.text


def test_naive_datetimes_are_refused(store: Store) -> None:
    # A naive time could be local or UTC; storing it as either would shift it by hours.
    with pytest.raises(ValueError, match="timezone-aware"):
        store.polling.set_cursor.sync("i-1", datetime(2026, 1, 1, 3, 0))
