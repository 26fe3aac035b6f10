"""The DMS API over HTTP, and the gateway in front of it: request ids, latency,
injected faults and the AK/SK check, in the order a real gateway would apply them."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.simulator import errors
from bot.simulator.auth_check import AuthFailure, ReceivedRequest, verify
from bot.simulator.clock import Clock
from bot.simulator.config import SimulatorConfig
from bot.simulator.errors import ApiError
from bot.simulator.faults import BODY_FAULT_KINDS, Fault, Faults
from bot.simulator.model import TaskRecord
from bot.simulator.params import Refused, int_param
from bot.simulator.state import SimulatorState
from bot.simulator.stats import Stats

CONTROL_PREFIX = "/_sim/"
REQUEST_ID_HEADER = "X-Request-Id"
_QUERY_TIME_FORMAT = "%Y%m%d%H%M%S"
# What a proxy in front of a sick backend might answer with, under a JSON content type.
_MALFORMED_BODY = b"<html><body><h1>upstream connect error or disconnect</h1></body></html>"
# Which service a route belongs to, for faults aimed at one service; others are DMS.
SERVICE_OF_ROUTE = {
    "list_traces": "cts",
    "list_alarm_histories": "ces",
}
# What a key whose IAM policy lacks the action hears, by service.
_FORBIDDEN = {
    "dms": errors.DMS_FORBIDDEN,
    "cts": errors.CTS_FORBIDDEN,
    "ces": errors.CES_FORBIDDEN,
}
# Which "not found" a 404 fault answers with, by the route asked.
_NOT_FOUND = {
    "list_tasks": errors.INSTANCE_NOT_FOUND,
    "show_instance": errors.INSTANCE_NOT_FOUND,
    "show_task": errors.TASK_NOT_FOUND,
    "list_scheduled_tasks": errors.INSTANCE_NOT_FOUND,
    "update_scheduled_task": errors.SCHEDULED_NOT_FOUND,
}
# How often a held request looks whether its client has hung up.
_HOLD_POLL_S = 0.01


def error_response(
    error: ApiError, request_id: str, headers: Mapping[str, str] | None = None
) -> web.Response:
    response = web.json_response(error.body(request_id), status=error.status, headers=headers)
    response.headers[REQUEST_ID_HEADER] = request_id
    return response


def query_time(query: Mapping[str, str], name: str) -> datetime | None:
    """A ``YYYYMMDDHHmmss`` query parameter (UTC), as DMS takes times; None when absent."""
    raw = query.get(name)
    if raw is None:
        return None
    try:
        if len(raw) != 14 or not raw.isdigit():
            raise ValueError(raw)
        return datetime.strptime(raw, _QUERY_TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise Refused(
            errors.bad_parameter(f"{name} must be a UTC time as YYYYMMDDHHmmss, got {raw!r}")
        ) from None


def _flag(query: Mapping[str, str], name: str) -> bool:
    raw = query.get(name, "false")
    if raw not in ("true", "false"):
        raise Refused(errors.bad_parameter(f"{name} must be 'true' or 'false', got {raw!r}"))
    return raw == "true"


class DmsApi:
    """The routes of DMS for Kafka that the bot uses, plus the gateway middleware."""

    def __init__(
        self,
        *,
        config: SimulatorConfig,
        state: SimulatorState,
        faults: Faults,
        stats: Stats,
        auth_clock: Clock,
    ) -> None:
        self._config = config
        self._state = state
        self._faults = faults
        self._stats = stats
        self._auth_clock = auth_clock

    def add_routes(self, app: web.Application) -> None:
        base = "/v2/{project_id}/instances"
        app.router.add_get(base, self.list_instances, name="list_instances")
        app.router.add_get(base + "/{instance_id}", self.show_instance, name="show_instance")
        app.router.add_get(base + "/{instance_id}/tasks", self.list_tasks, name="list_tasks")
        app.router.add_get(
            base + "/{instance_id}/tasks/{task_id}", self.show_task, name="show_task"
        )

    # -- the gateway ---------------------------------------------------------------

    @web.middleware
    async def gateway(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        request_id = uuid.uuid4().hex
        if request.path.startswith(CONTROL_PREFIX):
            response = await handler(request)
            response.headers[REQUEST_ID_HEADER] = request_id
            return response
        route_name = request.match_info.route.name
        self._stats.started(route_name if route_name else "unknown")
        outcome = "error"
        try:
            response, outcome = await self._serve(request, handler, request_id)
            return response
        finally:
            self._stats.finished(outcome)

    async def _serve(
        self, request: web.Request, handler: Handler, request_id: str
    ) -> tuple[web.StreamResponse, str]:
        service = SERVICE_OF_ROUTE.get(request.match_info.route.name or "", "dms")
        if service in self._faults.absent_services:
            # No such API in this region: the gateway answers before any backend.
            return error_response(errors.API_NOT_FOUND, request_id), "404"
        if self._faults.latency_ms:
            await asyncio.sleep(self._faults.latency_ms / 1000)
        fault = self._faults.take(service)
        if fault is not None:
            early = await self._fault_response(fault, request, request_id)
            if early is not None:
                return early
        try:
            response = await self._authenticated(request, handler)
        except Refused as refused:
            response = error_response(refused.error, request_id)
        response.headers[REQUEST_ID_HEADER] = request_id
        if fault is not None and isinstance(response, web.Response):
            if fault.kind == "truncated":
                return _truncated(response), "truncated"
            if fault.kind in BODY_FAULT_KINDS:
                rewritten = _rewritten(response, fault.kind)
                if rewritten is not None:
                    return rewritten, fault.kind
        return response, str(response.status)

    async def _fault_response(
        self, fault: Fault, request: web.Request, request_id: str
    ) -> tuple[web.StreamResponse, str] | None:
        """The response that replaces the real one, or None to serve the request."""
        kind = fault.kind
        if kind == "slow":
            await asyncio.sleep(fault.hold_ms / 1000)
            return None
        if kind == "timeout":
            if await _held(request, fault.hold_ms / 1000):
                return None  # a client that waited this long gets the real answer
            # Gone: nothing to answer, and no reason to keep a handler (or a shutdown) waiting.
            return web.Response(status=200), "timeout"
        if kind == "truncated" or kind in BODY_FAULT_KINDS:
            return None  # changed after the real response is made
        if kind == "drop":
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=200), "drop"
        if kind == "malformed":
            response = web.Response(
                body=_MALFORMED_BODY, content_type="application/json", charset="utf-8"
            )
            response.headers[REQUEST_ID_HEADER] = request_id
            return response, "malformed"
        if kind == "429":
            headers = {} if fault.retry_after is None else {"Retry-After": f"{fault.retry_after:g}"}
            return error_response(errors.THROTTLED, request_id, headers), "429"
        if kind == "404":
            not_found = _NOT_FOUND.get(request.match_info.route.name or "", errors.API_NOT_FOUND)
            return error_response(not_found, request_id), kind
        error = {
            "401": errors.auth_failed("verify aksk signature fail"),
            "403": _FORBIDDEN[SERVICE_OF_ROUTE.get(request.match_info.route.name or "", "dms")],
            "500": errors.INTERNAL_ERROR,
            "502": errors.BAD_GATEWAY,
            "503": errors.UNAVAILABLE,
        }
        return error_response(error[kind], request_id), kind

    async def _authenticated(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.match_info.http_exception is not None:
            raise Refused(errors.API_NOT_FOUND)
        received = ReceivedRequest(
            method=request.method,
            raw_path=request.rel_url.raw_path,
            raw_query=request.rel_url.raw_query_string,
            headers=request.headers,
            body=await request.read(),
        )
        try:
            verify(received, self._config, self._auth_clock.now(), request.match_info["project_id"])
        except AuthFailure as failure:
            raise Refused(errors.auth_failed(failure.reason)) from None
        return await handler(request)

    # -- the API -------------------------------------------------------------------

    async def list_instances(self, request: web.Request) -> web.Response:
        query = request.query
        exact = _flag(query, "exact_match_name")
        offset = int_param(query, "offset", default=0, low=0)
        limit = int_param(query, "limit", default=10, low=1, high=50)
        found = self._state.find_instances(query.get("name"), exact=exact)
        if query.get("engine", "kafka") != "kafka":
            found = []  # every simulated instance is a Kafka one
        if instance_id := query.get("instance_id"):
            found = [i for i in found if i.instance_id == instance_id]
        if query.get("status", "RUNNING") != "RUNNING":
            found = []  # and every one is running
        body = {
            "instances": [i.to_list_api() for i in found[offset : offset + limit]],
            "instance_num": len(found),
        }
        return web.json_response(body)

    async def show_instance(self, request: web.Request) -> web.Response:
        instance = self._state.instance(request.match_info["instance_id"])
        if instance is None:
            raise Refused(errors.INSTANCE_NOT_FOUND)
        return web.json_response(instance.to_api())

    async def list_tasks(self, request: web.Request) -> web.Response:
        query = request.query
        start = int_param(query, self._config.start_param, default=1, low=1)
        # Capped silently rather than refused: an undocumented server cap is the case
        # a client must survive (it learns of it only from a short page).
        limit = min(int_param(query, "limit", default=10, low=1), self._config.max_limit)
        begin, end = query_time(query, "begin_time"), query_time(query, "end_time")
        now = self._state.clock.now()
        page = self._state.task_page(
            request.match_info["instance_id"],
            start=start,
            limit=limit,
            begin=begin,
            end=end,
            now=now,
        )
        if page is None:
            raise Refused(errors.INSTANCE_NOT_FOUND)
        body = {"task_count": str(page.total), "tasks": [t.to_api(now) for t in page.tasks]}
        return web.json_response(body)

    async def show_task(self, request: web.Request) -> web.Response:
        now = self._state.clock.now()
        task = requested_task(self._state, request, now)
        return web.json_response({"task_count": "1", "tasks": [task.to_api(now)]})


def requested_task(state: SimulatorState, request: web.Request, now: datetime) -> TaskRecord:
    """The task a ``…/instances/{instance_id}/tasks/{task_id}`` path names, as DMS
    finds it: the instance first, then a task of it visible at ``now``."""
    instance_id = request.match_info["instance_id"]
    if state.instance(instance_id) is None:
        raise Refused(errors.INSTANCE_NOT_FOUND)
    task = state.task(instance_id, request.match_info["task_id"], now=now)
    if task is None:
        raise Refused(errors.TASK_NOT_FOUND)
    return task


def _truncated(response: web.Response) -> web.Response:
    body = response.body
    data = bytes(body) if isinstance(body, bytes | bytearray) else b""
    cut = web.Response(
        status=response.status,
        body=data[: max(1, len(data) // 2)],
        content_type="application/json",
        charset="utf-8",
    )
    cut.headers[REQUEST_ID_HEADER] = response.headers[REQUEST_ID_HEADER]
    return cut


async def _held(request: web.Request, seconds: float) -> bool:
    """Hold ``request`` for ``seconds``; False as soon as its client hangs up."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (left := deadline - loop.time()) > 0:
        transport = request.transport
        if transport is None or transport.is_closing():
            return False
        await asyncio.sleep(min(_HOLD_POLL_S, left))
    return True


def _rewritten(response: web.Response, kind: str) -> web.Response | None:
    """The task body of ``response`` with one field of the wrong shape; None when the
    response holds no task list (an instance list, an error)."""
    body = response.body
    if response.status != 200 or not isinstance(body, bytes | bytearray):
        return None
    try:
        data: Any = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or "task_count" not in data or "tasks" not in data:
        return None
    count = int(data["task_count"])
    if kind == "count_number":
        data["task_count"] = count
    elif kind == "count_missing":
        del data["task_count"]
    elif kind == "tasks_null":
        data["tasks"] = None
        data["task_count"] = str(max(count, 1))
    elif kind == "bad_dates":
        for task in data["tasks"]:
            for key in ("created_at", "updated_at"):
                task[key] = _epoch_millis_text(task[key])
    elif kind in ("params_nested", "oversized"):
        return _hostile(response, data, kind)
    rewritten = web.json_response(data)
    rewritten.headers[REQUEST_ID_HEADER] = response.headers[REQUEST_ID_HEADER]
    return rewritten


# Deeper than any JSON parser recurses by default (Python's stops near 1,000).
NESTED_DEPTH = 100_000
# Past the 4 MiB the bot reads of one response.
OVERSIZED_BYTES = 5 * 1024 * 1024


def _hostile(response: web.Response, data: Any, kind: str) -> web.Response:
    """The task body as text no client should parse whole; built as text, since no JSON
    encoder writes what it could not read back."""
    marker = "\u0000hostile"
    if kind == "params_nested":
        if data["tasks"]:
            data["tasks"][0]["params"] = marker
        hole = "[" * NESTED_DEPTH + "]" * NESTED_DEPTH
    else:
        data["padding"] = marker
        hole = json.dumps(" " * OVERSIZED_BYTES)
    text = json.dumps(data).replace(json.dumps(marker), hole)
    rewritten = web.Response(text=text, content_type="application/json")
    rewritten.headers[REQUEST_ID_HEADER] = response.headers[REQUEST_ID_HEADER]
    return rewritten


def _epoch_millis_text(iso: str) -> str:
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return str(round(moment.timestamp() * 1000))
