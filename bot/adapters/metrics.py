"""Prometheus metrics: what an on-call engineer reads at ``/metrics``.

Every metric lives in a ``CollectorRegistry`` owned by one ``Metrics`` object, never in
prometheus_client's global registry: tests, benchmarks and several bots in one process
each count their own, and nothing registers twice. Components take
``metrics: Metrics | None = None``; None records nothing, so code paths without a
server (the shell, the CLI, benchmarks) pay for no metrics at all.

Labels stay low-cardinality on purpose: fixed sets of kinds, operations and results,
DMS error codes (a small documented set; anything else collapses to ``other``), and the
watched instances, which are bounded by what channels subscribe to.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Final, Literal, get_args

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

CommandKind = Literal["slash", "mention", "button", "home"]
CommandResult = Literal["ok", "error", "refused"]
Operation = Literal[
    "list_tasks",
    "get_task",
    "list_instances",
    "show_instance",
    "task_progress",
    "list_scheduled",
    "update_scheduled",
    "list_traces",
    "list_alarms",
]
CacheName = Literal["tasks", "instances", "instance_detail", "progress", "traces", "alarms"]

# The format generate_latest writes with its default (underscore) escaping. Stated here
# rather than taken from prometheus_client: its CONTENT_TYPE_LATEST moved to 1.0.0 in
# newer releases while the body stays the 0.0.4 text every Prometheus reads.
CONTENT_TYPE: Final = "text/plain; version=0.0.4; charset=utf-8"

# Slack gives an ack 3 s; the buckets are fine below 100 ms (the target) and have an
# edge at 3 s so "acks Slack gave up on" is one bucket query.
ACK_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
# One DMS attempt: tens of ms when well, up to the client timeout (10 s default) when not.
UPSTREAM_BUCKETS: Final = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

# What a DMS or gateway error code looks like (DMS.00404022, APIGW.0308). A code is a
# label value; one that does not look like a code could be anything, so it is not one.
_ERROR_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,15}\.[0-9A-Za-z]{1,16}$")


def error_code_label(code: str | None, *, status: int | None = None) -> str:
    """The ``code`` label for a failed DMS call: its error code, else its HTTP status."""
    if code and _ERROR_CODE.match(code):
        return code
    if status is not None and 100 <= status <= 599:
        return str(status)
    return "other"


@dataclass(frozen=True)
class _Metric:
    """One metric's definition: what it is called, what it measures, by what."""

    name: str
    help: str
    labels: tuple[str, ...] = ()
    buckets: tuple[float, ...] = ()


# The metrics, in the order /metrics lists them.
_COMMANDS = _Metric(
    "kafka_tasks_commands",
    "Commands, mentions, button presses and Home views handled, by result.",
    ("kind", "result"),
)
_ACK = _Metric(
    "kafka_tasks_ack_seconds",
    "Time from a Slack request arriving to its acknowledgement being sent.",
    buckets=ACK_BUCKETS,
)
_UPSTREAM = _Metric(
    "kafka_tasks_upstream_seconds",
    "Duration of each DMS API attempt (every retry counts), by operation.",
    ("operation",),
    buckets=UPSTREAM_BUCKETS,
)
_UPSTREAM_ERRORS = _Metric(
    "kafka_tasks_upstream_errors",
    "Failed DMS attempts by DMS error code, else HTTP status, timeout or connection.",
    ("code",),
)
_CACHE = _Metric(
    "kafka_tasks_cache_requests",
    "Lookups in the DMS answer caches; a refresh or a poll that goes upstream is a miss.",
    ("cache", "result"),
)
_JOINS = _Metric(
    "kafka_tasks_singleflight_joins",
    "Asks that waited on an identical DMS fetch already in flight instead of sending one.",
    ("cache",),
)
_POLL_LAG = _Metric(
    "kafka_tasks_poll_lag_seconds",
    "How far behind its due time the last poll of each watched instance started.",
    ("instance",),
)
_POLL_ERRORS = _Metric(
    "kafka_tasks_poll_errors",
    "Polls of a watched instance that failed, and poll cycles that failed as a whole.",
)
_OUTBOX_DEPTH = _Metric(
    "kafka_tasks_outbox_depth",
    "Notifications queued in the outbox and not yet delivered (all replicas).",
)
_RETRIES = _Metric(
    "kafka_tasks_delivery_retries",
    "Notification deliveries to Slack that failed and were scheduled again.",
)
_DELIVERIES = _Metric(
    "kafka_tasks_deliveries",
    "Outbox rows delivered to Slack, by kind (a digest delivers several rows).",
    ("kind",),
)


class Metrics:
    content_type: Final = CONTENT_TYPE

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        r = self.registry
        self._commands = _counter(_COMMANDS, r)
        self._ack = _histogram(_ACK, r)
        self._upstream = _histogram(_UPSTREAM, r)
        self._upstream_errors = _counter(_UPSTREAM_ERRORS, r)
        self._cache = _counter(_CACHE, r)
        self._joins = _counter(_JOINS, r)
        self._poll_lag = _gauge(_POLL_LAG, r)
        self._poll_errors = _counter(_POLL_ERRORS, r)
        self._outbox_depth = _gauge(_OUTBOX_DEPTH, r)
        self._retries = _counter(_RETRIES, r)
        self._deliveries = _counter(_DELIVERIES, r)
        # Every fixed label combination exists from the start at 0, so a rate() or an
        # alert sees the first event instead of a series that appears out of nowhere.
        for kind in get_args(CommandKind):
            for result in get_args(CommandResult):
                self._commands.labels(kind, result)
        for operation in get_args(Operation):
            self._upstream.labels(operation)
        for cache in get_args(CacheName):
            self._joins.labels(cache)
            for hit in ("hit", "miss"):
                self._cache.labels(cache, hit)

    # -- Slack side ----------------------------------------------------------------------

    def command(self, kind: CommandKind, result: CommandResult) -> None:
        """One command, mention, button press or Home view handled, and how it ended."""
        _check(kind, CommandKind)
        _check(result, CommandResult)
        self._commands.labels(kind, result).inc()

    def ack(self, seconds: float) -> None:
        self._ack.observe(seconds)

    # -- DMS side ------------------------------------------------------------------------

    def upstream(self, operation: Operation, seconds: float) -> None:
        self._upstream.labels(operation).observe(seconds)

    def upstream_error(self, code: str) -> None:
        """``code``: from ``error_code_label``, or ``timeout`` / ``connection``."""
        self._upstream_errors.labels(code).inc()

    def cache_request(self, cache: CacheName, *, hit: bool) -> None:
        self._cache.labels(cache, "hit" if hit else "miss").inc()

    def singleflight_join(self, cache: CacheName) -> None:
        self._joins.labels(cache).inc()

    # -- watching ------------------------------------------------------------------------

    def poll_lag(self, instance_id: str, seconds: float) -> None:
        self._poll_lag.labels(instance_id).set(seconds)

    def forget_instance(self, instance_id: str) -> None:
        """Drop an instance's lag once this replica no longer polls it: a stale value
        would read as a poller stuck on an instance that another replica now serves."""
        # Older prometheus_client releases raise for a series that was never set.
        with contextlib.suppress(KeyError):
            self._poll_lag.remove(instance_id)

    def poll_error(self) -> None:
        self._poll_errors.inc()

    def outbox_depth(self, depth: int) -> None:
        self._outbox_depth.set(depth)

    def delivery_retry(self) -> None:
        self._retries.inc()

    def delivered(self, kind: str, rows: int = 1) -> None:
        """``kind``: the outbox row's kind (task_finished, thread_reply, ...), a fixed set
        written by the poller."""
        self._deliveries.labels(kind).inc(rows)

    # -- exposition ----------------------------------------------------------------------

    def render(self) -> bytes:
        """Every metric in the Prometheus text format."""
        return generate_latest(self.registry)


def _counter(metric: _Metric, registry: CollectorRegistry) -> Counter:
    return Counter(metric.name, metric.help, metric.labels, registry=registry)


def _gauge(metric: _Metric, registry: CollectorRegistry) -> Gauge:
    return Gauge(metric.name, metric.help, metric.labels, registry=registry)


def _histogram(metric: _Metric, registry: CollectorRegistry) -> Histogram:
    return Histogram(
        metric.name, metric.help, metric.labels, buckets=metric.buckets, registry=registry
    )


def _check(value: str, allowed: object) -> None:
    # Label values come from code, but a typo would add a series silently; mypy sees
    # the Literal types, this catches callers that are not type-checked.
    if value not in get_args(allowed):
        raise ValueError(f"{value!r} is not one of {get_args(allowed)}")
