"""CTS ListTraces: who did what to an instance, read for a window.

CTS pages only by cursor (``next`` = the last page's ``meta_data.marker``, towards
older traces), so a busy window read page after page would cost one round trip per
200 traces. The first page is asked for the whole window; when CTS says there is more,
the rest of the window (older than that page) is split into time slices that are paged
all at once, each on its own, and the traces merged by id.

CTS keeps 7 days: a window reaching further back is read from the oldest time it
keeps, and says so in a ``Gap``; one entirely older is not asked at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot.adapters.context.common import ContextOptions, WindowedSource, bounded_gather
from bot.adapters.dms.http import DmsHttp
from bot.adapters.dms.snippets import json_snippet
from bot.adapters.metrics import Metrics
from bot.core.dms.errors import DmsError, DmsProtocolError
from bot.core.dms.models import MAX_ID
from bot.core.dms.source import Window
from bot.core.timeline.records import Trace
from bot.core.timeline.sources import CTS_RETENTION, Gap, SourceResult


@dataclass(frozen=True)
class _Page:
    traces: tuple[Trace, ...]
    marker: str | None
    request_id: str | None


class _Found:
    """The traces read so far, by id, and the request ids that read them."""

    def __init__(self, most: int) -> None:
        self.traces: dict[str, Trace] = {}
        self.request_ids: list[str] = []
        self.most = most
        self.truncated = False

    def add(self, page: _Page) -> int:
        if page.request_id:
            self.request_ids.append(page.request_id)
        added = 0
        for trace in page.traces:
            key = trace.id or f"{trace.name}|{trace.time}|{trace.request_id}"
            if key in self.traces:
                continue
            if len(self.traces) >= self.most:
                self.truncated = True
                break
            self.traces[key] = trace
            added += 1
        return added


class CtsClient(WindowedSource[Trace]):
    source = "cts"
    cache_name = "traces"

    def __init__(
        self,
        http: DmsHttp | None,
        *,
        project_id: str,
        options: ContextOptions,
        concurrency: int,
        clock: Callable[[], datetime],
        region: str = "",
        metrics: Metrics | None = None,
    ) -> None:
        super().__init__(
            http,
            project_id=project_id,
            options=options,
            concurrency=concurrency,
            region=region,
            metrics=metrics,
        )
        self._clock = clock

    async def list_traces(
        self, instance_id: str, window: Window, *, fresh: bool = False
    ) -> SourceResult[Trace]:
        """The instance's traces in ``window``, newest first; what could not be read is
        a gap beside them."""
        fetched = await self._read(instance_id, window, fresh=fresh)
        traces = tuple(
            t for t in fetched.items if t.time is not None and window.begin <= t.time <= window.end
        )
        return replace(fetched, items=traces)

    async def _fetch(self, instance_id: str, low: datetime, high: datetime) -> SourceResult[Trace]:
        # A minute inside the retention: a request at its very edge may be refused.
        kept_from = self._clock() - CTS_RETENTION + timedelta(minutes=1)
        gaps: list[Gap] = []
        if low < kept_from:
            gaps.append(Gap("cts", "retention", region=self.region, since=kept_from))
            if high <= kept_from:
                return SourceResult(gaps=tuple(gaps))
            low = kept_from
        found = _Found(self.options.max_traces)
        error = await self._read_all(instance_id, _ms(low), _ms(high), found)
        if error is not None:
            gaps.append(self._gap(error))
        if found.truncated:
            gaps.append(Gap("cts", "truncated", detail=f"more than {found.most} traces"))
        traces = sorted(found.traces.values(), key=_newest_first)
        return SourceResult(tuple(traces), tuple(gaps), tuple(found.request_ids))

    async def _read_all(
        self, instance_id: str, low: int, high: int, found: _Found
    ) -> DmsError | None:
        """Every trace of [low, high] (epoch ms) into ``found``; the first error, if any."""
        try:
            first = await self._page(instance_id, low, high, None)
        except DmsError as error:
            return error
        found.add(first)
        if first.marker is None or not first.traces:
            return None
        times = [_ms(t.time) for t in first.traces if t.time is not None]
        # Older than the first page: the page itself is read again only at its edge.
        edge = min(times) if times else high
        jobs = [
            lambda a=a, b=b: self._slice(instance_id, a, b, found)
            for a, b in _slices(low, edge, self.options.trace_slices)
        ]
        errors = [r for r in await bounded_gather(jobs, self._concurrency) if r is not None]
        return errors[0] if errors else None

    async def _slice(self, instance_id: str, low: int, high: int, found: _Found) -> None:
        """One time slice, page after page, until CTS has no more (or repeats itself)."""
        marker: str | None = None
        for _ in range(self.options.max_trace_pages):
            page = await self._page(instance_id, low, high, marker)
            added = found.add(page)
            if page.marker is None or not page.traces or added == 0 or found.truncated:
                return
            marker = page.marker
        found.truncated = True

    async def _page(self, instance_id: str, low: int, high: int, marker: str | None) -> _Page:
        assert self._http is not None
        params = {
            "trace_type": "system",
            "resource_id": instance_id,
            # Both ends are exclusive: one millisecond wider keeps [low, high] whole.
            "from": str(low - 1),
            "to": str(high + 1),
            "limit": str(self.options.trace_page),
        }
        if marker:
            params["next"] = marker
        body, request_id = await self._http.get(
            f"/v3/{self.project_id}/traces", params, "list_traces"
        )
        return _parse(body, request_id, self.options.trace_page)


def _parse(body: Any, request_id: str | None, most: int) -> _Page:
    raw = body.get("traces") if isinstance(body, Mapping) else None
    if raw is None and isinstance(body, Mapping):
        raw = []
    if not isinstance(raw, list):
        raise DmsProtocolError(
            "CTS sent traces in an unexpected shape",
            snippet=json_snippet(body),
            request_id=request_id,
        )
    meta = body.get("meta_data") if isinstance(body, Mapping) else None
    marker = meta.get("marker") if isinstance(meta, Mapping) else None
    if not isinstance(marker, str) or not marker or len(marker) > MAX_ID:
        marker = None
    traces = tuple(Trace.from_api(item) for item in raw[:most] if isinstance(item, Mapping))
    return _Page(traces, marker, request_id)


def _slices(low: int, high: int, count: int) -> list[tuple[int, int]]:
    """[low, high] cut into at most ``count`` slices that share their edges."""
    if high <= low:
        return [(low, max(low, high))]
    count = max(1, min(count, high - low))
    step = (high - low) / count
    edges = [low + round(step * i) for i in range(count)] + [high]
    return [(edges[i], edges[i + 1]) for i in range(count)]


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _newest_first(trace: Trace) -> tuple[float, str]:
    return (-(trace.time.timestamp() if trace.time else 0.0), trace.id)
