"""CES (Cloud Eye) alarm history v2: the alarms of an instance, read for a window.

Filtered on CES's side by namespace SYS.DMS and the instance as resource, on the
records' update time; paged by offset, so once the first page says how many there
are, the other pages are asked for all at once. A region without CES is said without
a request.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from bot.adapters.context.common import WindowedSource, bounded_gather
from bot.adapters.dms.reading import parse_count
from bot.adapters.dms.snippets import json_snippet
from bot.core.dms.errors import DmsError, DmsProtocolError
from bot.core.dms.source import Window
from bot.core.timeline.records import Alarm
from bot.core.timeline.sources import Gap, SourceResult

NAMESPACE = "SYS.DMS"

_Page = tuple[tuple[Alarm, ...], int | None, str | None]


class CesClient(WindowedSource[Alarm]):
    source = "ces"
    cache_name = "alarms"

    async def list_alarms(
        self, instance_id: str, window: Window, *, fresh: bool = False
    ) -> SourceResult[Alarm]:
        """The instance's alarm records updated in ``window``; a gap for what could not
        be read (no CES in the region, no permission, a failure)."""
        return await self._read(instance_id, window, fresh=fresh)

    async def _fetch(self, instance_id: str, low: datetime, high: datetime) -> SourceResult[Alarm]:
        query = {
            "namespace": NAMESPACE,
            "resource_id": instance_id,
            "from": _iso(low),
            "to": _iso(high),
        }
        try:
            first, count, request_id = await self._page(query, 0)
        except DmsError as error:
            return SourceResult(gaps=(self._gap(error),))
        found = {a.record_id or str(id(a)): a for a in first}
        request_ids = [request_id] if request_id else []
        gaps: list[Gap] = []
        size = self.options.alarm_page
        if count is not None and count > len(first) and len(first) >= size:
            last = min(count, self.options.max_alarms)
            jobs = [lambda at=at: self._page(query, at) for at in range(size, last, size)]
            for result in await bounded_gather(jobs, self._concurrency):
                if isinstance(result, DmsError):
                    gaps.append(self._gap(result))
                    continue
                alarms, _, page_request = result
                found.update({a.record_id or str(id(a)): a for a in alarms})
                if page_request:
                    request_ids.append(page_request)
            if count > self.options.max_alarms:
                gaps.append(Gap("ces", "truncated", detail=f"{count} alarm records"))
        alarms = tuple(
            sorted(
                (a for a in found.values() if a.resource_id in ("", instance_id)),
                key=_newest_first,
            )
        )
        return SourceResult(alarms, tuple(gaps[:1]), tuple(request_ids), reported_count=count)

    async def _page(self, query: Mapping[str, str], offset: int) -> _Page:
        assert self._http is not None
        size = self.options.alarm_page
        body, request_id = await self._http.get(
            f"/v2/{self.project_id}/alarm-histories",
            {**query, "offset": str(offset), "limit": str(size)},
            "list_alarms",
        )
        raw = body.get("alarm_histories") if isinstance(body, Mapping) else None
        if raw is None and isinstance(body, Mapping):
            raw = []
        if not isinstance(raw, list) or not isinstance(body, Mapping):
            raise DmsProtocolError(
                "CES sent alarm records in an unexpected shape",
                snippet=json_snippet(body),
                request_id=request_id,
            )
        alarms = tuple(Alarm.from_api(item) for item in raw[:size] if isinstance(item, Mapping))
        return alarms, parse_count(body.get("count")), request_id


def _iso(moment: datetime) -> str:
    """ISO 8601 with an offset, as CES takes it (the signer percent-encodes the +)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _newest_first(alarm: Alarm) -> float:
    moment: datetime | None = alarm.updated or alarm.recovered or alarm.began
    return -(moment.timestamp() if moment is not None else 0.0)
