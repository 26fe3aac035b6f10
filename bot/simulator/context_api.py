"""The routes beside DMS's tasks: CTS ListTraces, CES alarm history (v2) and a scale-out's
progress. They sit behind the same gateway (signature, latency, faults) as DMS."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from aiohttp import web
from multidict import MultiMapping

from bot.simulator import errors
from bot.simulator.context_model import SCALE_OUT_TASK, AlarmRecord, TraceRecord, progress
from bot.simulator.context_store import TRACE_FILTERS, TraceQuery, UnknownMarker
from bot.simulator.model import epoch_millis
from bot.simulator.params import Refused, int_param
from bot.simulator.server import requested_task
from bot.simulator.state import SimulatorState

_TRACE_TYPES = frozenset({"system", "data"})
_RATINGS = frozenset({"normal", "warning", "incident"})
_ALARM_STATUSES = frozenset({"ok", "alarm", "invalid", "insufficient_data", "ok_manual"})
_ORDERS: Mapping[str, Callable[[AlarmRecord, datetime], tuple[object, ...]]] = {
    # Newest first for times; most severe first for levels.
    "update_time": lambda a, now: (-a.updated_at(now).timestamp(), a.record_id),
    "first_alarm_time": lambda a, now: (-a.first_alarm.timestamp(), a.record_id),
    "alarm_level": lambda a, now: (a.level, -a.updated_at(now).timestamp(), a.record_id),
    "record_id": lambda a, now: (a.record_id,),
}


def _cts_refused(detail: str) -> Refused:
    return Refused(errors.cts_bad_parameter(detail))


def _ces_refused(detail: str) -> Refused:
    return Refused(errors.ces_bad_parameter(detail))


def _epoch_ms(query: Mapping[str, str], name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or len(raw) != 13:
        raise _cts_refused(f"{name} must be UTC epoch milliseconds (13 digits), got {raw!r}")
    return int(raw)


def _iso(query: Mapping[str, str], name: str) -> datetime | None:
    raw = query.get(name)
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or len(raw) > 64:
        raise _ces_refused(f"{name} must be ISO 8601 with an offset, got {raw!r}")
    return moment.astimezone(UTC)


def _csv(query: MultiMapping[str], name: str) -> frozenset[str] | None:
    """A list parameter. The SDK declares it csv, but its core sends each value as a
    repeated parameter (``status=ok&status=alarm``): both forms are read."""
    sent = query.getall(name, [])
    return frozenset(v for raw in sent for v in raw.split(",") if v) if sent else None


class ContextApi:
    def __init__(self, state: SimulatorState) -> None:
        self._state = state

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/v3/{project_id}/traces", self.list_traces, name="list_traces")
        app.router.add_get(
            "/v2/{project_id}/alarm-histories",
            self.list_alarm_histories,
            name="list_alarm_histories",
        )
        app.router.add_get(
            "/v2/{project_id}/instances/{instance_id}/tasks/{task_id}/progress",
            self.show_progress,
            name="show_progress",
        )

    async def list_traces(self, request: web.Request) -> web.Response:
        query = request.query
        trace_type = query.get("trace_type")
        if trace_type not in _TRACE_TYPES:
            raise _cts_refused(f"trace_type must be 'system' or 'data', got {trace_type!r}")
        limit = int_param(
            query, "limit", default=10, low=1, high=200, refuse=errors.cts_bad_parameter
        )
        now = self._state.clock.now()
        if trace_id := query.get("trace_id"):
            found = self._state.context.trace(trace_id, now)
            traces = [] if found is None or trace_type != "system" else [found]
            return _traces_body(traces, None)
        now_ms = epoch_millis(now)
        after = _epoch_ms(query, "from", now_ms - 3_600_000)
        before = _epoch_ms(query, "to", now_ms)
        filters = {name: query[name] for name in TRACE_FILTERS if name in query}
        if "trace_rating" in filters and filters["trace_rating"] not in _RATINGS:
            raise _cts_refused(f"trace_rating must be one of {sorted(_RATINGS)}")
        if trace_type == "data":
            return _traces_body([], None)  # no data trackers here: OBS is not simulated
        asked = TraceQuery(after, before, filters, query.get("next"), limit)
        try:
            page = self._state.context.traces(asked, now)
        except UnknownMarker:
            raise _cts_refused(f"next {asked.marker!r} is no trace's id") from None
        marker = page.traces[-1].trace_id if page.more else None
        return _traces_body(list(page.traces), marker)

    async def list_alarm_histories(self, request: web.Request) -> web.Response:
        query = request.query
        now = self._state.clock.now()
        offset = int_param(query, "offset", 0, 0, 1_000_000_000, refuse=errors.ces_bad_parameter)
        limit = int_param(query, "limit", 100, 1, 100, refuse=errors.ces_bad_parameter)
        order = query.get("order_by", "update_time")
        if order not in _ORDERS:
            raise _ces_refused(f"order_by must be one of {sorted(_ORDERS)}, got {order!r}")
        keep = _alarm_filter(query, now)
        found = self._state.context.alarms(now, keep)
        found.sort(key=lambda a: _ORDERS[order](a, now))
        page = found[offset : offset + limit]
        return web.json_response(
            {"alarm_histories": [a.to_api(now) for a in page], "count": len(found)}
        )

    async def show_progress(self, request: web.Request) -> web.Response:
        now = self._state.clock.now()
        task = requested_task(self._state, request, now)
        if task.name != SCALE_OUT_TASK:
            raise Refused(errors.NO_PROGRESS)
        return web.json_response(progress(task, now))


def _traces_body(traces: Sequence[TraceRecord], marker: str | None) -> web.Response:
    items = [t.to_api() for t in traces]
    return web.json_response(
        {"traces": items, "meta_data": {"count": len(items), "marker": marker}}
    )


def _alarm_filter(query: MultiMapping[str], now: datetime) -> Callable[[AlarmRecord], bool]:
    ids, statuses = _csv(query, "alarm_id"), _csv(query, "status")
    if ids is not None and len(ids) > 50:
        raise _ces_refused("alarm_id takes at most 50 ids")
    if statuses is not None and not statuses <= _ALARM_STATUSES:
        raise _ces_refused(f"status must be among {sorted(_ALARM_STATUSES)}")
    level = None
    if "level" in query:
        level = int_param(query, "level", 0, 1, 4, refuse=errors.ces_bad_parameter)
    if query.get("alarm_type", "metric") == "event":
        return lambda a: False  # every simulated alarm is a metric alarm
    exact = {k: query[k] for k in ("record_id", "name", "namespace", "resource_id") if k in query}
    if query.get("mask_status", "UN_MASKED") != "UN_MASKED":
        return lambda a: False  # none is masked
    updated = (_iso(query, "from"), _iso(query, "to"))
    created = (_iso(query, "create_time_from"), _iso(query, "create_time_to"))

    def keep(alarm: AlarmRecord) -> bool:
        fields = {
            "record_id": alarm.record_id,
            "name": alarm.name,
            "namespace": "SYS.DMS",
            "resource_id": alarm.instance_id,
        }
        return (
            (ids is None or alarm.alarm_id in ids)
            and (statuses is None or alarm.status_at(now) in statuses)
            and (level is None or alarm.level == level)
            and all(fields[k] == v for k, v in exact.items())
            and _within(alarm.updated_at(now), updated)
            and _within(alarm.first_alarm, created)
        )

    return keep


def _within(moment: datetime, bounds: tuple[datetime | None, datetime | None]) -> bool:
    low, high = bounds
    return (low is None or moment >= low) and (high is None or moment <= high)
