"""The store's own failures (database driver errors pass through as SQLAlchemy's)."""

from __future__ import annotations


class StoreError(RuntimeError):
    """The database cannot be used as it is; the message says why and is safe to log."""
