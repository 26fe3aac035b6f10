"""CTS traces, CES alarm records, the instance's detail and a task's progress, read
defensively like DMS tasks (``bot.core.dms.models``): a field missing, of the wrong
type, too long or nested too deeply becomes an unknown and is named in ``unreadable``;
no input makes ``from_api`` raise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

from bot.core.dms.models import MAX_ID, FieldProblem, Task
from bot.core.timeline.operations import TraceName, read_trace_name
from bot.core.timeline.reading import Reader

# Far above any real answer; an answer past them is read only so far.
MAX_STEPS = 64
MAX_DIMENSIONS = 8
MAX_DATA_POINTS = 64
# The consoles' own: an IPv6 address with a zone is under 64 characters.
_MAX_IP = 64
# A day of remaining time is already "unknown" in practice; a week bounds nonsense.
_MAX_REMAINING = 7 * 86400
_MAX_STORAGE_GB = 10_000_000

# The one task DMS reports progress for (ShowBackgroundTaskProgress); others it refuses.
SCALE_OUT_TASK = "extendInstance"
FAILED_RATINGS = frozenset({"warning", "incident"})
CONSOLE = "ConsoleAction"
INSTANCE_DIMENSION = "kafka_instance_id"


@dataclass(frozen=True)
class Trace:
    """One CTS trace: who did what to which resource, from where, and how it went."""

    id: str
    name: str
    # normal (succeeded), warning (failed), incident (serious consequence); kept as sent.
    rating: str
    # ApiCall, ConsoleAction or SystemAction; kept as sent.
    source_type: str
    user_name: str
    source_ip: str
    time: datetime | None
    resource_id: str = ""
    resource_name: str = ""
    resource_type: str = ""
    request_id: str = ""
    code: str = ""
    unreadable: Mapping[str, FieldProblem] = field(default_factory=dict, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Trace:
        read = Reader(data)
        user = read.child("user")
        return cls(
            id=read.text("trace_id", MAX_ID),
            name=read.text("trace_name", MAX_ID),
            rating=read.text("trace_rating", MAX_ID).lower(),
            source_type=read.text("trace_type", MAX_ID),
            user_name=user.text("name") or user.text("user_name"),
            source_ip=read.text("source_ip", _MAX_IP),
            time=read.at("time") or read.at("record_time"),
            resource_id=read.text("resource_id", MAX_ID),
            resource_name=read.text("resource_name"),
            resource_type=read.text("resource_type", MAX_ID),
            request_id=read.text("request_id", MAX_ID),
            code=read.text("code", MAX_ID),
            unreadable={**read.unreadable, **{f"user.{k}": v for k, v in user.unreadable.items()}},
        )

    @cached_property
    def kind(self) -> TraceName:
        return read_trace_name(self.name)

    @property
    def incident(self) -> bool:
        return self.rating == "incident"

    @property
    def failed(self) -> bool:
        """The operation failed: rated so, named so, or answered with an error status."""
        return (
            self.rating in FAILED_RATINGS
            or self.kind.ok is False
            or (self.code.isdigit() and int(self.code) >= 400)
        )

    @property
    def from_console(self) -> bool:
        return self.source_type == CONSOLE


@dataclass(frozen=True)
class Alarm:
    """One CES alarm record (v2 alarm history): a rule that fired on the instance."""

    record_id: str
    alarm_id: str
    rule_name: str
    # ok, alarm, invalid, insufficient_data or ok_manual; kept as sent.
    status: str
    # 1 critical, 2 major, 3 minor, 4 informational; None when not one of them.
    level: int | None
    metric_name: str
    value: float | None
    threshold: float | None
    comparison: str
    unit: str
    began: datetime | None
    recovered: datetime | None
    updated: datetime | None
    resource_id: str = ""
    resource_name: str = ""
    unreadable: Mapping[str, FieldProblem] = field(default_factory=dict, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Alarm:
        read = Reader(data)
        metric, condition, extra = (
            read.child("metric"),
            read.child("condition"),
            read.child("additional_info"),
        )
        # The value shown is the latest: a long list keeps its end (CES sends the
        # points in time order), and their own times decide among those kept.
        points = read.items("data_points", MAX_DATA_POINTS, newest=True)
        status = read.text("status", MAX_ID).lower()
        return cls(
            record_id=read.text("record_id", MAX_ID),
            alarm_id=read.text("alarm_id", MAX_ID),
            rule_name=read.text("name"),
            status=status,
            level=read.integer("level", low=1, high=4),
            metric_name=metric.text("metric_name", MAX_ID),
            value=_latest_value(points),
            threshold=condition.number("value", low=-1e300, high=1e300),
            comparison=condition.text("comparison_operator", MAX_ID),
            unit=condition.text("unit", MAX_ID),
            began=read.at("begin_time") or read.at("first_alarm_time"),
            recovered=read.at("alarm_recovery_time") if status.startswith("ok") else None,
            updated=read.at("end_time") or read.at("last_alarm_time"),
            resource_id=extra.text("resource_id", MAX_ID) or _dimension(metric),
            resource_name=extra.text("resource_name"),
            unreadable=_merged(read, metric=metric, condition=condition, additional_info=extra),
        )

    @property
    def raised(self) -> bool:
        return self.status == "alarm"

    @property
    def severe(self) -> bool:
        """Critical or major: what an incident channel must not miss."""
        return self.level is not None and self.level <= 2


def _latest_value(points: list[Reader]) -> float | None:
    """The value of the latest point: by its time where points have one, else the last
    in the list."""
    read = [(p.at("time"), p.number("value", low=-1e300, high=1e300)) for p in points]
    valued = [(at, i, value) for i, (at, value) in enumerate(read) if value is not None]
    if not valued:
        return None
    floor = datetime.min.replace(tzinfo=UTC)
    return max(valued, key=lambda point: (point[0] or floor, point[1]))[2]


def _dimension(metric: Reader) -> str:
    for dimension in metric.items("dimensions", MAX_DIMENSIONS):
        if dimension.text("name", MAX_ID) == INSTANCE_DIMENSION:
            return dimension.text("value", MAX_ID)
    return ""


def _merged(read: Reader, **children: Reader) -> dict[str, FieldProblem]:
    problems = dict(read.unreadable)
    for name, child in children.items():
        problems.update({f"{name}.{k}": v for k, v in child.unreadable.items()})
    return problems


@dataclass(frozen=True)
class InstanceDetail:
    """The instance as ShowInstance has it now: for a timeline's header."""

    instance_id: str
    name: str
    status: str
    specification: str
    engine_version: str
    type: str = ""
    brokers: int | None = None
    storage_used_gb: int | None = None
    storage_total_gb: int | None = None
    # "HH:mm:ss" as sent; the API does not say in which time zone.
    maintain_begin: str = ""
    maintain_end: str = ""
    created_at: datetime | None = None
    unreadable: Mapping[str, FieldProblem] = field(default_factory=dict, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> InstanceDetail:
        read = Reader(data)
        gb = {"low": 0, "high": _MAX_STORAGE_GB}
        return cls(
            instance_id=read.text("instance_id", MAX_ID),
            name=read.text("name"),
            status=read.text("status", MAX_ID),
            specification=read.text("specification"),
            engine_version=read.text("engine_version", MAX_ID),
            type=read.text("type", MAX_ID),
            brokers=read.integer("broker_num", low=0, high=1000),
            storage_used_gb=read.integer("used_storage_space", **gb),
            storage_total_gb=read.integer("total_storage_space", **gb)
            or read.integer("storage_space", **gb),
            maintain_begin=read.text("maintain_begin", MAX_ID),
            maintain_end=read.text("maintain_end", MAX_ID),
            created_at=read.at("created_at"),
            unreadable=read.unreadable,
        )


@dataclass(frozen=True)
class Step:
    name: str
    # COMPLETED, IN_PROGRESS, FAILED or WAITING (the API's field is named "statue").
    status: str
    started: datetime | None
    ended: datetime | None


@dataclass(frozen=True)
class Progress:
    """How far a running task (a scale-out) has got. None fields: DMS did not say."""

    task_id: str
    percent: int | None
    remaining: timedelta | None
    steps: tuple[Step, ...] = ()
    unreadable: Mapping[str, FieldProblem] = field(default_factory=dict, compare=False)

    @classmethod
    def from_api(cls, task_id: str, data: Mapping[str, Any]) -> Progress:
        read = Reader(data)
        remain = read.integer("remain_time", low=0, high=_MAX_REMAINING)
        steps = tuple(
            Step(
                name=step.text("name", MAX_ID),
                # One EU page names it "status": read either.
                status=(step.text("statue", MAX_ID) or step.text("status", MAX_ID)).upper(),
                started=step.at("start_time"),
                ended=step.at("end_time"),
            )
            for step in read.items("step_list", MAX_STEPS)
        )
        return cls(
            task_id=task_id,
            percent=read.integer("progress_percentage", low=0, high=100),
            # Seconds: the unit DMS does not state, as its sister APIs use it.
            remaining=None if remain is None else timedelta(seconds=remain),
            steps=steps,
            unreadable=read.unreadable,
        )

    @property
    def current(self) -> Step | None:
        """The step running now (else the first failed or waiting one)."""
        for wanted in ("IN_PROGRESS", "FAILED", "WAITING"):
            for step in self.steps:
                if step.status == wanted:
                    return step
        return None


def reports_progress(task: Task) -> bool:
    """A running scale-out: the only task whose progress DMS can be asked for."""
    return task.in_progress and task.name == SCALE_OUT_TASK and bool(task.id)
