"""A PostgreSQL schema of one run's own, for a benchmark or a test that shares a server:
created empty, first on the URL's search_path, dropped (with all in it) afterwards."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bot.adapters.store.urls import engine_url


@contextlib.contextmanager
def scratch_schema(raw: str, prefix: str) -> Iterator[str]:
    """``raw`` as a DATABASE_URL whose connections see a new schema ``prefix_<hex>``."""
    admin = create_engine(engine_url(raw), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        url = make_url(raw).update_query_dict({"options": f"-csearch_path={name}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()
