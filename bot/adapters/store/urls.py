"""``DATABASE_URL`` handling: which backend a URL selects, and how to print it safely."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from bot.core.redact import is_secret_key, mask_url_userinfo

# Heroku and most hosting dashboards hand out ``postgres://``; SQLAlchemy dropped that
# alias, and a bare ``postgresql://`` would pick psycopg2, which we do not install.
_POSTGRES_PREFIXES = ("postgres://", "postgresql://")
_PSYCOPG = "postgresql+psycopg://"

# ASCII, unlike the chat mask: a URL would percent-encode anything else into noise.
MASK = "***"


class DatabaseUrlError(ValueError):
    """``DATABASE_URL`` names no backend the store supports; the message is safe to log."""


def safe_url(url: str | URL) -> str:
    """``url`` with its password (and secret-looking query values) masked, for logs."""
    text = url if isinstance(url, str) else url.render_as_string(hide_password=False)
    try:
        parsed = make_url(text)
    except ArgumentError:
        return mask_url_userinfo(text, MASK)
    if parsed.password:
        parsed = parsed.set(password=MASK)
    secret_keys = [key for key in parsed.query if is_secret_key(key)]
    if secret_keys:
        parsed = parsed.update_query_dict({key: MASK for key in secret_keys})
    return parsed.render_as_string(hide_password=False)


def engine_url(url: str) -> URL:
    """The SQLAlchemy URL for a ``DATABASE_URL``: PostgreSQL through psycopg 3, or a
    SQLite file. Raises ``DatabaseUrlError`` for anything else."""
    text = url.strip()
    for prefix in _POSTGRES_PREFIXES:
        if text.startswith(prefix):
            text = _PSYCOPG + text[len(prefix) :]
            break
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise DatabaseUrlError(f"not a database URL: {safe_url(url)}") from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        return parsed
    if backend == "sqlite":
        database = parsed.database or ""
        # Every pooled connection to an in-memory database is a different, empty
        # database, so threads would not see each other's writes.
        if database in ("", ":memory:") or "mode=memory" in database:
            raise DatabaseUrlError(
                "an in-memory SQLite database cannot be shared between threads; "
                "use a file, e.g. sqlite:///data/kafka-tasks.db"
            )
        return parsed
    raise DatabaseUrlError(
        f"unsupported database {backend!r} in {safe_url(url)}: use sqlite:///<file> or "
        "postgresql://..."
    )


def ensure_sqlite_folder(url: URL) -> None:
    """Create the folder of a SQLite file URL, so the default ``./data/`` works on a
    fresh clone. Relative paths are relative to the working directory, as SQLite sees
    them."""
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database.startswith("file:"):
        return
    Path(database).parent.mkdir(parents=True, exist_ok=True)
