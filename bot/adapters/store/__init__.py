"""Durable state for watching: SQLite by default, PostgreSQL for several replicas.

``Store.open(DATABASE_URL)`` connects and creates or migrates the schema; the store
holds one repository per aggregate (``store.subscriptions``, ``store.threads``,
``store.polling``, ``store.outbox``, ``store.requests``, ``store.snoozes``) whose
methods are awaited (``await store.subscriptions.in_channel(ch)``); the records they return are in
``bot.core.records``.
"""

from bot.adapters.store.errors import StoreError
from bot.adapters.store.migrations import latest_version
from bot.adapters.store.store import Store
from bot.adapters.store.urls import DatabaseUrlError, engine_url, safe_url
from bot.core.clock import utc_now
from bot.core.records import FollowedThread, NewOutboxRow, OutboxItem, Scope, Subscription

__all__ = [
    "DatabaseUrlError",
    "FollowedThread",
    "NewOutboxRow",
    "OutboxItem",
    "Scope",
    "Store",
    "StoreError",
    "Subscription",
    "engine_url",
    "latest_version",
    "safe_url",
    "utc_now",
]
