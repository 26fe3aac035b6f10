"""DATABASE_URL handling: backend selection, the SQLite folder, masking secrets."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.adapters.store import DatabaseUrlError, Store, engine_url, safe_url


@pytest.mark.parametrize(
    "url",
    [
        "postgres://u:pw@db.example:5432/kt",
        "postgresql://u:pw@db.example:5432/kt",
        "postgresql+psycopg://u:pw@db.example:5432/kt",
    ],
)
def test_postgres_urls_use_psycopg_3(url: str) -> None:
    parsed = engine_url(url)
    assert parsed.drivername == "postgresql+psycopg"
    assert (parsed.host, parsed.port, parsed.database) == ("db.example", 5432, "kt")


def test_heroku_query_parameters_are_kept() -> None:
    parsed = engine_url("postgres://u:pw@h/kt?sslmode=require")
    assert parsed.query["sslmode"] == "require"


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_in_memory_sqlite_is_refused(url: str) -> None:
    with pytest.raises(DatabaseUrlError, match="in-memory"):
        engine_url(url)


def test_unsupported_backend_is_refused_without_its_password() -> None:
    with pytest.raises(DatabaseUrlError) as caught:
        engine_url("mysql://root:hunter2@db/kt")
    assert "mysql" in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_unparseable_url_error_does_not_echo_the_password() -> None:
    with pytest.raises(DatabaseUrlError) as caught:
        engine_url("not a url://u:hunter2@host/db")
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("postgres://kt:hunter2@db.example:5432/kt", "hunter2"),
        ("postgresql://kt:p%40ss%2Fword@db.example/kt", "p%40ss"),
        ("postgresql://kt@db.example/kt?password=hunter2&sslmode=require", "hunter2"),
        ("no scheme here://kt:hunter2@db.example/kt", "hunter2"),
    ],
)
def test_safe_url_masks_passwords(url: str, secret: str) -> None:
    shown = safe_url(url)
    assert secret not in shown
    assert "db.example" in shown


def test_safe_url_leaves_urls_without_secrets_readable() -> None:
    assert safe_url("sqlite:///data/kafka-tasks.db") == "sqlite:///data/kafka-tasks.db"
    assert "sslmode=require" in safe_url("postgresql://kt@h/kt?sslmode=require")


def test_relative_sqlite_path_gets_its_folder_and_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = Store.open("sqlite:///data/nested/kafka-tasks.db")
    try:
        assert store.schema_version() >= 1
    finally:
        store.close()
    database = tmp_path / "data" / "nested" / "kafka-tasks.db"
    assert database.is_file()
    with sqlite3.connect(database) as conn:
        # WAL is a property of the file, so a second process sharing it gets it too.
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
