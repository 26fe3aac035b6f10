"""The ``/_sim/`` control endpoints: faults, clock, stats and instances, without auth.

They exist so that a test or a benchmark in another process (or the official SDK's
synchronous world) can steer a running simulator over HTTP; in-process code can use
the ``Simulator`` object's attributes directly.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.simulator.clock import ManualClock
from bot.simulator.faults import Faults
from bot.simulator.model import iso_millis
from bot.simulator.state import DuplicateInstanceName, SimulatorState
from bot.simulator.stats import Stats

_FAULT_KEYS = frozenset({"kind", "count", "retry_after", "delay_ms", "service"})


class BadControlRequest(Exception):
    pass


def _problem(message: str, status: int = 400) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def _json_object(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json() if await request.read() else {}
    except json.JSONDecodeError as exc:
        raise BadControlRequest(f"the body is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise BadControlRequest(f"expected a JSON object, got {type(body).__name__}")
    return body


def _number(body: dict[str, Any], key: str) -> float | None:
    value = body.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise BadControlRequest(f"{key} must be a number, got {value!r}")
    return value


def _text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise BadControlRequest(f"{key} must be a string, got {value!r}")
    return value


def _count(body: dict[str, Any], key: str) -> int:
    value = body.get(key, 0)
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadControlRequest(f"{key!r} must be an integer")
    return value


class ControlApi:
    def __init__(self, *, state: SimulatorState, faults: Faults, stats: Stats) -> None:
        self._state = state
        self._faults = faults
        self._stats = stats

    def app(self) -> web.Application:
        """A sub-application, to be mounted at ``/_sim/``."""
        app = web.Application(middlewares=[self.errors])
        app.router.add_get("/faults", self.get_faults)
        app.router.add_post("/faults", self.add_faults)
        app.router.add_delete("/faults", self.clear_faults)
        app.router.add_post("/settings", self.change_settings)
        app.router.add_get("/clock", self.get_clock)
        app.router.add_post("/clock", self.move_clock)
        app.router.add_get("/stats", self.get_stats)
        app.router.add_post("/stats/reset", self.reset_stats)
        app.router.add_get("/instances", self.list_instances)
        app.router.add_post("/instances", self.add_instance)
        return app

    @web.middleware
    async def errors(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except (BadControlRequest, ValueError) as exc:
            return _problem(str(exc))
        except web.HTTPException as exc:  # no such control endpoint or method
            return _problem(f"{request.method} {request.path}: {exc.reason}", status=exc.status)

    def _faults_view(self) -> dict[str, object]:
        view: dict[str, object] = {
            "pending": self._faults.pending(),
            "latency_ms": self._faults.latency_ms,
            "fail_rate": self._faults.fail_rate,
        }
        if self._faults.absent_services:
            view["absent_services"] = sorted(self._faults.absent_services)
        return view

    async def get_faults(self, request: web.Request) -> web.Response:
        return web.json_response(self._faults_view())

    async def add_faults(self, request: web.Request) -> web.Response:
        """Body: one fault object, or a list of them, appended in order."""
        try:
            body = await request.json()
        except json.JSONDecodeError as exc:
            raise BadControlRequest(f"the body is not JSON: {exc}") from None
        items = body if isinstance(body, list) else [body]
        for item in items:
            if not isinstance(item, dict) or "kind" not in item:
                raise BadControlRequest(f"each fault must be an object with a 'kind': {item!r}")
            unknown = set(item) - _FAULT_KEYS
            if unknown:
                raise BadControlRequest(f"unknown fault field(s): {', '.join(sorted(unknown))}")
            count = item.get("count", 1)
            if not isinstance(count, int) or isinstance(count, bool):
                raise BadControlRequest(f"count must be an integer, got {count!r}")
            self._faults.add(
                str(item["kind"]),
                count=count,
                retry_after=_number(item, "retry_after"),
                delay_ms=_number(item, "delay_ms"),
                service=_text(item, "service"),
            )
        return web.json_response(self._faults_view())

    async def clear_faults(self, request: web.Request) -> web.Response:
        self._faults.clear()
        return web.json_response(self._faults_view())

    async def change_settings(self, request: web.Request) -> web.Response:
        """Body: ``{"latency_ms": N, "fail_rate": F, "absent_services": ["ces"]}``, any
        of them; a service listed as absent answers as a region without it would."""
        body = await _json_object(request)
        unknown = set(body) - {"latency_ms", "fail_rate", "absent_services"}
        if unknown:
            raise BadControlRequest(f"unknown setting(s): {', '.join(sorted(unknown))}")
        latency = _number(body, "latency_ms")
        rate = _number(body, "fail_rate")
        if latency is not None:
            self._faults.latency_ms = latency
        if rate is not None:
            self._faults.fail_rate = rate
        absent = body.get("absent_services")
        if absent is not None:
            if not isinstance(absent, list) or not all(isinstance(a, str) for a in absent):
                raise BadControlRequest("absent_services must be a list of service names")
            self._faults.absent_services = frozenset(absent)
        return web.json_response(self._faults_view())

    def _clock_view(self) -> dict[str, object]:
        clock = self._state.clock
        return {"now": iso_millis(clock.now()), "manual": isinstance(clock, ManualClock)}

    async def get_clock(self, request: web.Request) -> web.Response:
        return web.json_response(self._clock_view())

    async def move_clock(self, request: web.Request) -> web.Response:
        """Body: ``{"advance_s": N}``; only a simulator on a ``ManualClock`` can do this."""
        clock = self._state.clock
        if not isinstance(clock, ManualClock):
            return _problem(
                "this simulator runs on the system clock; start it with a ManualClock to move time",
                status=409,
            )
        seconds = _number(await _json_object(request), "advance_s")
        if seconds is None:
            raise BadControlRequest("advance_s (seconds, a number >= 0) is required")
        clock.advance(timedelta(seconds=seconds))
        return web.json_response(self._clock_view())

    async def get_stats(self, request: web.Request) -> web.Response:
        return web.json_response(self._stats.snapshot().to_json())

    async def reset_stats(self, request: web.Request) -> web.Response:
        self._stats.reset()
        return web.json_response(self._stats.snapshot().to_json())

    async def list_instances(self, request: web.Request) -> web.Response:
        names = {i.name: i.instance_id for i in self._state.instances()}
        return web.json_response({"instances": names})

    async def add_instance(self, request: web.Request) -> web.Response:
        """Body: ``{"name": ..., "tasks": N, "span_hours": H, "running": R, "traces": T,
        "alarms": A}`` (span defaults to 24; ``running`` tasks are in progress now and
        finish later; ``traces`` CTS operations besides the tasks' own and ``alarms``
        CES records fall within the span)."""
        body = await _json_object(request)
        name, tasks = body.get("name"), body.get("tasks")
        if not isinstance(name, str) or not isinstance(tasks, int) or isinstance(tasks, bool):
            raise BadControlRequest("expected {'name': str, 'tasks': int, 'span_hours': number}")
        span_hours = _number(body, "span_hours")
        span = timedelta(hours=24 if span_hours is None else span_hours)
        running, traces, alarms = (_count(body, key) for key in ("running", "traces", "alarms"))
        try:
            instance_id = self._state.add_instance(
                name, tasks, span, running=running, traces=traces, alarms=alarms
            )
        except DuplicateInstanceName as exc:
            return _problem(str(exc), status=409)
        return web.json_response({"name": name, "instance_id": instance_id}, status=201)
