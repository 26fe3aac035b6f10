"""CTS traces and CES alarm records of the simulated account, queried at a moment."""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from bot.simulator.context_data import Context
from bot.simulator.context_model import AlarmRecord, TraceRecord
from bot.simulator.model import epoch_millis

RETENTION: Final = timedelta(days=7)
# CTS filters that match a trace field exactly; `user` matches the operator's name.
TRACE_FILTERS: Final[Mapping[str, Callable[[TraceRecord], str]]] = {
    "resource_id": lambda t: t.resource_id,
    "resource_type": lambda t: t.resource_type,
    "resource_name": lambda t: t.resource_name,
    "trace_name": lambda t: t.trace_name,
    "trace_rating": lambda t: t.trace_rating,
    "service_type": lambda t: t.service_type,
    "user": lambda t: t.operator.name,
}


class UnknownMarker(ValueError):
    pass


@dataclass(frozen=True)
class TraceQuery:
    after_ms: int  # `from`, exclusive
    before_ms: int  # `to`, exclusive
    filters: Mapping[str, str]
    marker: str | None = None
    limit: int = 10


@dataclass(frozen=True)
class TracePage:
    traces: tuple[TraceRecord, ...]
    more: bool  # whether older traces match the same query


def _key(trace: TraceRecord) -> tuple[int, str]:
    # Newest first; equal times in trace id order, so a marker is a fixed point.
    return (-epoch_millis(trace.time), trace.trace_id)


class ContextStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._traces: tuple[TraceRecord, ...] = ()
        self._keys: list[tuple[int, str]] = []
        self._by_id: dict[str, TraceRecord] = {}
        self._alarms: tuple[AlarmRecord, ...] = ()

    def add(self, context: Context) -> None:
        with self._lock:
            traces = sorted((*self._traces, *context.traces), key=_key)
            self._traces = tuple(traces)
            self._keys = [_key(t) for t in traces]
            self._by_id = {t.trace_id: t for t in traces}
            self._alarms = (*self._alarms, *context.alarms)

    def all_traces(self) -> tuple[TraceRecord, ...]:
        """Every trace, recorded yet or not, newest first: the script, for tests."""
        return self._traces

    def all_alarms(self) -> tuple[AlarmRecord, ...]:
        return self._alarms

    def trace(self, trace_id: str, now: datetime) -> TraceRecord | None:
        """`trace_id` query: that one trace, every other filter ignored."""
        found = self._by_id.get(trace_id)
        return found if found is not None and _kept(found, now) else None

    def traces(self, query: TraceQuery, now: datetime) -> TracePage:
        """Traces recorded by ``now`` and at most 7 days old, within the window and
        matching every filter, newest first, after the ``marker`` trace if given."""
        traces, keys = self._traces, self._keys
        oldest_ms = max(query.after_ms, epoch_millis(now - RETENTION) - 1)
        first = bisect_right(keys, (-query.before_ms, "\uffff"))
        if query.marker is not None:
            marked = self._by_id.get(query.marker)
            if marked is None:
                raise UnknownMarker(query.marker)
            first = max(first, bisect_right(keys, _key(marked)))
        last = bisect_left(keys, (-oldest_ms, ""))
        found: list[TraceRecord] = []
        for trace in traces[first:last]:
            if trace.record_time > now or not _matches(trace, query.filters):
                continue
            if len(found) == query.limit:
                return TracePage(tuple(found), more=True)
            found.append(trace)
        return TracePage(tuple(found), more=False)

    def alarms(self, now: datetime, keep: Callable[[AlarmRecord], bool]) -> list[AlarmRecord]:
        return [a for a in self._alarms if a.visible_at(now) and keep(a)]


def _kept(trace: TraceRecord, now: datetime) -> bool:
    return trace.record_time <= now and trace.time > now - RETENTION


def _matches(trace: TraceRecord, filters: Mapping[str, str]) -> bool:
    return all(TRACE_FILTERS[name](trace) == value for name, value in filters.items())
