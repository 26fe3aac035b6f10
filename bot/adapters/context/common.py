"""What the CTS and CES clients share: their tuning, the GET they page with (the DMS
client's, with its retries, bounds, metrics and request-id trace), and the failed call
turned into a ``Gap`` rather than an exception that would blank the timeline."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import ClassVar, Generic, TypeVar

from bot.adapters.cache import SingleFlightCache, bucket_window
from bot.adapters.dms.http import DmsHttp
from bot.adapters.metrics import CacheName, Metrics
from bot.core.dms.errors import DmsAuthError, DmsError
from bot.core.dms.source import Window
from bot.core.timeline.sources import Gap, GapReason, Source, SourceResult

log = logging.getLogger("kafka_tasks.context")

T = TypeVar("T")

_SERVICE_NAMES: dict[Source, str] = {
    "cts": "CTS",
    "ces": "CES",
    "instance": "DMS",
    "progress": "DMS",
}


@dataclass(frozen=True)
class ContextOptions:
    """How much of CTS and CES is read, and how it is split for speed."""

    # A window with more than one page of traces is split into this many time slices,
    # each paged on its own and all at once (CTS pages only by cursor).
    trace_slices: int = 8
    trace_page: int = 200  # ListTraces' documented maximum
    max_traces: int = 10_000
    max_trace_pages: int = 100
    alarm_page: int = 100  # ListAlarmHistories' documented maximum
    max_alarms: int = 2_000
    cache_ttl: float = 20.0
    bucket_seconds: float = 15.0


def gap_for(source: Source, error: DmsError, *, region: str = "") -> Gap:
    """The gap a failed call leaves: a 403 names the permission to grant."""
    # The GET is shared with DMS and names DMS in its messages: name the service asked.
    detail = str(error).replace("DMS", _SERVICE_NAMES[source], 1)
    log.warning("%s could not be read: %s", _SERVICE_NAMES[source], detail)
    forbidden = isinstance(error, DmsAuthError) and error.status == 403
    return Gap(
        source,
        "forbidden" if forbidden else "failed",
        detail=detail,
        region=region,
        status=error.status,
        request_id=error.request_id,
    )


async def bounded_gather(
    jobs: Iterable[Callable[[], Awaitable[T]]], limit: int
) -> list[T | DmsError]:
    """Each job's result, or the DmsError it failed with, at most ``limit`` at once."""
    slots = asyncio.Semaphore(max(limit, 1))

    async def run(job: Callable[[], Awaitable[T]]) -> T | DmsError:
        async with slots:
            try:
                return await job()
            except DmsError as error:
                return error

    return list(await asyncio.gather(*(run(job) for job in jobs)))


class WindowedSource(Generic[T]):
    """A source read per instance and window: no host is a gap without a request, and
    answers are cached and coalesced per window bucket, like task listings."""

    source: ClassVar[Source]
    cache_name: ClassVar[CacheName]

    def __init__(
        self,
        http: DmsHttp | None,
        *,
        project_id: str,
        options: ContextOptions,
        concurrency: int,
        region: str = "",
        metrics: Metrics | None = None,
    ) -> None:
        self._http = http
        self.project_id = project_id
        self.options = options
        self._concurrency = concurrency
        self.region = region
        self._cache: SingleFlightCache[tuple[str, datetime, datetime], SourceResult[T]] = (
            SingleFlightCache(
                ttl=options.cache_ttl, maxsize=256, name=self.cache_name, metrics=metrics
            )
        )

    async def _read(self, instance_id: str, window: Window, *, fresh: bool) -> SourceResult[T]:
        if self._http is None:
            reason: GapReason = "no_region" if self.region else "no_endpoint"
            return SourceResult(gaps=(Gap(self.source, reason, region=self.region),))
        low, high = bucket_window(
            window.begin,
            window.end,
            ends_now=window.ends_now,
            bucket_seconds=self.options.bucket_seconds,
        )
        fetched, cached = await self._cache.get(
            (instance_id, low, high), lambda: self._fetch(instance_id, low, high), fresh=fresh
        )
        return replace(fetched, from_cache=cached)

    async def _fetch(self, instance_id: str, low: datetime, high: datetime) -> SourceResult[T]:
        raise NotImplementedError

    def _gap(self, error: DmsError) -> Gap:
        return gap_for(self.source, error, region=self.region)
