"""A TTL cache with single-flight loading, and the window bucketing that makes it hit.

A hundred people typing ``last 1h`` within the same quarter minute must cost one
upstream query: windows that end "now" are widened to bucket boundaries so their keys
collide, and concurrent identical loads share one in-flight task.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Generic, Literal, TypeVar

from cachetools import TTLCache

from bot.adapters.metrics import CacheName, Metrics

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    joins: int = 0


class SingleFlightCache(Generic[K, V]):
    def __init__(
        self,
        *,
        ttl: float,
        maxsize: int = 1024,
        timer: Callable[[], float] = time.monotonic,
        name: CacheName | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._cache: TTLCache[K, V] = TTLCache(maxsize=maxsize, ttl=ttl, timer=timer)
        self._inflight: dict[K, asyncio.Future[V]] = {}
        self.stats = CacheStats()
        # Counted only when named: the cache metrics are about the DMS caches, not every
        # user of this class (Slack user time zones, say).
        self._metrics = metrics
        self._name = name

    def __len__(self) -> int:
        return len(self._cache)

    def peek(self, key: K) -> V | None:
        return self._cache.get(key)

    def invalidate(self, key: K) -> None:
        self._cache.pop(key, None)

    async def get(
        self, key: K, load: Callable[[], Awaitable[V]], *, fresh: bool = False
    ) -> tuple[V, bool]:
        """The value for ``key`` and whether it came from the cache.

        ``fresh`` skips the cached value but still joins a load already in flight, so
        a burst of Refresh clicks costs one upstream query too.
        """
        if not fresh:
            try:
                value = self._cache[key]
            except KeyError:
                pass
            else:
                self.stats.hits += 1
                self._count("hit")
                return value, True
        future = self._inflight.get(key)
        if future is not None:
            self.stats.joins += 1
            self._count("join")
            # shield: one waiter giving up must not cancel the load for the others.
            return await asyncio.shield(future), False
        self.stats.misses += 1
        self._count("miss")
        future = asyncio.ensure_future(load())
        self._inflight[key] = future
        future.add_done_callback(lambda done: self._settle(key, done))
        return await asyncio.shield(future), False

    def _count(self, event: Literal["hit", "miss", "join"]) -> None:
        if self._metrics is None or self._name is None:
            return
        if event == "join":
            self._metrics.singleflight_join(self._name)
        else:
            self._metrics.cache_request(self._name, hit=event == "hit")

    def _settle(self, key: K, future: asyncio.Future[V]) -> None:
        if self._inflight.get(key) is future:
            del self._inflight[key]
        if not future.cancelled() and future.exception() is None:
            self._cache[key] = future.result()


def _floor(moment: datetime, step: float) -> datetime:
    epoch = moment.timestamp()
    return datetime.fromtimestamp(epoch - epoch % step, tz=UTC)


def bucket_window(
    begin: datetime, end: datetime, *, ends_now: bool, bucket_seconds: float
) -> tuple[datetime, datetime]:
    """The window to fetch: widened to bucket edges when it ends now, else to seconds.

    The API takes whole seconds; the exact window is cut client-side afterwards.
    """
    step = bucket_seconds if ends_now and bucket_seconds > 0 else 1.0
    low = _floor(begin, step)
    high = _floor(end, step)
    if high < end:
        high += timedelta(seconds=step)
    return low, high
