"""CTS ListTraces and CES alarm history on loopback, as the official APIs page them:
CTS by cursor (``next`` = the last trace's id, towards older ones; from/to exclusive
epoch ms), CES by offset and limit with the total ``count``. Every request must be
signed; ``forbid`` answers 403 with the service's permission error."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def trace(n: int, at: datetime, *, instance: str = "inst-1", name: str = "") -> dict[str, Any]:
    return {
        "trace_id": f"t-{n:05d}",
        "trace_name": name or "Kafka_create_topicSuccess",
        "trace_rating": "normal",
        "trace_type": "ApiCall",
        "time": int(at.timestamp() * 1000),
        "resource_id": instance,
        "user": {"name": f"user{n % 3}"},
        "source_ip": "10.0.0.1",
    }


def alarm(n: int, at: datetime, *, instance: str = "inst-1") -> dict[str, Any]:
    return {
        "record_id": f"ah{n:022d}",
        "alarm_id": f"al{n:022d}",
        "name": "disk usage",
        "status": "alarm",
        "level": 2,
        "begin_time": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "metric": {
            "namespace": "SYS.DMS",
            "metric_name": "broker_disk_usage",
            "dimensions": [{"name": "kafka_instance_id", "value": instance}],
        },
        "condition": {"comparison_operator": ">", "value": 80, "unit": "%"},
        "data_points": [{"time": at.isoformat(), "value": 91.5}],
    }


@dataclass
class Upstream:
    traces: list[dict[str, Any]] = field(default_factory=list)
    alarms: list[dict[str, Any]] = field(default_factory=list)
    forbid: set[str] = field(default_factory=set)
    delay: float = 0.0
    asked: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    url: str = ""
    # How many requests were being answered at the same moment, at the most.
    most_at_once: int = 0
    _in_flight: int = 0

    def count(self, service: str) -> int:
        return sum(1 for s, _ in self.asked if s == service)

    async def _traces(self, request: web.Request) -> web.Response:
        return await self._answer("cts", request, self._trace_page)

    async def _alarms(self, request: web.Request) -> web.Response:
        return await self._answer("ces", request, self._alarm_page)

    async def _answer(self, service: str, request: web.Request, page: Any) -> web.Response:
        query = dict(request.query)
        self.asked.append((service, query))
        if not request.headers.get("Authorization", "").startswith("SDK-HMAC-SHA256 "):
            return web.json_response({"error_code": "APIGW.0301"}, status=401)
        if self.delay:
            self._in_flight += 1
            self.most_at_once = max(self.most_at_once, self._in_flight)
            try:
                await asyncio.sleep(self.delay)
            finally:
                self._in_flight -= 1
        if service in self.forbid:
            action = "cts:trace:list" if service == "cts" else "ces:alarmHistory:list"
            body = {"error_code": f"{service.upper()}.0403", "error_msg": f"needs {action}"}
            return web.json_response(body, status=403, headers={"X-Request-Id": "r-403"})
        return web.json_response(page(query), headers={"X-Request-Id": f"r-{len(self.asked)}"})

    def _trace_page(self, query: dict[str, str]) -> dict[str, Any]:
        low, high = int(query.get("from", 0)), int(query.get("to", 2**62))
        chosen = sorted(
            (
                t
                for t in self.traces
                if low < t["time"] < high
                and query.get("resource_id") in (None, t["resource_id"])
                and query.get("trace_type") == "system"
            ),
            key=lambda t: (-t["time"], t["trace_id"]),
        )
        marker = query.get("next")
        if marker:
            ids = [t["trace_id"] for t in chosen]
            chosen = chosen[ids.index(marker) + 1 :] if marker in ids else []
        limit = min(int(query.get("limit", 10)), 200)
        page = chosen[:limit]
        more = len(chosen) > limit
        return {
            "traces": page,
            "meta_data": {"count": len(page), "marker": page[-1]["trace_id"] if more else None},
        }

    def _alarm_page(self, query: dict[str, str]) -> dict[str, Any]:
        chosen = [a for a in self.alarms if query.get("namespace") == "SYS.DMS"]
        offset, limit = int(query.get("offset", 0)), min(int(query.get("limit", 100)), 100)
        return {"alarm_histories": chosen[offset : offset + limit], "count": len(chosen)}


@asynccontextmanager
async def serve(upstream: Upstream) -> AsyncIterator[Upstream]:
    app = web.Application()
    app.router.add_get("/v3/{project}/traces", upstream._traces)
    app.router.add_get("/v2/{project}/alarm-histories", upstream._alarms)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    upstream.url = f"http://127.0.0.1:{port}"
    try:
        yield upstream
    finally:
        await runner.cleanup()


def spread(count: int, end: datetime, span: timedelta) -> list[datetime]:
    """``count`` moments evenly over the ``span`` before ``end``."""
    step = span / count
    return [end - step * (i + 0.5) for i in range(count)]
