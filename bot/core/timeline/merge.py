"""The timeline: tasks, CTS traces and CES alarms of one instance as moments, newest
first, and ``condense`` for a message that cannot hold them all.

A task and the CTS traces that submitted and finished it are one moment: the trace
says who asked, from where and through which channel, the task how it ended and how
long it took. They are matched by instance, by kind (the trace name's operation ->
the DMS task names it starts) and by time: the request trace within ``SLACK`` of the
task's start, the task trace within ``SLACK`` of its end; the closest pairs first, and
each trace joins at most one task.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, TypeAlias

from bot.core.dms.models import Task
from bot.core.timeline.operations import Phase, TraceName
from bot.core.timeline.records import Alarm, InstanceDetail, Trace
from bot.core.timeline.sources import Gap

SLACK = timedelta(minutes=3)

Kind: TypeAlias = Literal["task", "trace", "alarm"]
# started: a task still running (at its start); finished: a task that ended (at its end).
Event: TypeAlias = Literal["started", "finished", "trace", "raised", "recovered"]


@dataclass(frozen=True)
class Moment:
    at: datetime
    kind: Kind
    event: Event
    task: Task | None = None
    # A task's: the request that submitted it, then the trace of its end (when found).
    # A trace's own moment: that trace alone.
    traces: tuple[Trace, ...] = ()
    alarm: Alarm | None = None
    duration: timedelta | None = None

    @property
    def asked_by(self) -> Trace | None:
        """The trace that says who did it and from where."""
        requests = [t for t in self.traces if t.kind.phase == "request"]
        chosen = requests or list(self.traces)
        return chosen[0] if chosen else None

    @property
    def who(self) -> str:
        trace = self.asked_by
        if trace is not None and trace.user_name:
            return trace.user_name
        return self.task.user_name if self.task is not None else ""

    @property
    def failed(self) -> bool:
        if self.task is not None and self.task.failed:
            return True
        return any(t.failed for t in self.traces)

    @property
    def incident(self) -> bool:
        return any(t.incident for t in self.traces)

    @property
    def important(self) -> bool:
        return self.rank >= 2

    @property
    def rank(self) -> int:
        """How much the moment matters to an incident: 3 incident, 2 a failure or a
        critical/major alarm raised, 1 any alarm raised, 0 the rest."""
        if self.incident:
            return 3
        if self.failed:
            return 2
        if self.alarm is not None and self.event == "raised":
            return 2 if self.alarm.severe else 1
        return 0


@dataclass(frozen=True)
class Summary:
    tasks: int = 0
    traces: int = 0
    alarms: int = 0
    failures: int = 0
    incidents: int = 0

    @property
    def total(self) -> int:
        return self.tasks + self.traces + self.alarms


@dataclass(frozen=True)
class Condensed:
    """What fits one message: ``shown`` (the most important, then the newest; in time
    order, newest first), and the ``rest`` for the export."""

    summary: Summary
    shown: tuple[Moment, ...]
    rest: tuple[Moment, ...]


@dataclass(frozen=True)
class Timeline:
    instance_id: str
    instance_name: str
    begin: datetime
    end: datetime
    moments: tuple[Moment, ...]
    detail: InstanceDetail | None = None
    gaps: tuple[Gap, ...] = ()
    # Alarms still raised, whether or not they began in the window: the header's.
    active_alarms: tuple[Alarm, ...] = ()

    def summary(self) -> Summary:
        moments = self.moments
        return Summary(
            tasks=sum(m.kind == "task" for m in moments),
            traces=sum(m.kind == "trace" for m in moments),
            alarms=sum(m.kind == "alarm" for m in moments),
            failures=sum(m.failed for m in moments),
            incidents=sum(m.incident for m in moments),
        )

    def condense(self, limit: int) -> Condensed:
        limit = max(limit, 0)
        if len(self.moments) <= limit:
            return Condensed(self.summary(), self.moments, ())
        order = sorted(range(len(self.moments)), key=lambda i: (-self.moments[i].rank, i))
        kept = set(order[:limit])
        shown = tuple(m for i, m in enumerate(self.moments) if i in kept)
        rest = tuple(m for i, m in enumerate(self.moments) if i not in kept)
        return Condensed(self.summary(), shown, rest)


def build_timeline(
    *,
    instance_id: str,
    instance_name: str,
    begin: datetime,
    end: datetime,
    now: datetime,
    tasks: Iterable[Task] = (),
    traces: Iterable[Trace] = (),
    alarms: Iterable[Alarm] = (),
    detail: InstanceDetail | None = None,
    gaps: Sequence[Gap] = (),
) -> Timeline:
    """The moments of the window, newest first (ties: tasks, then traces, then alarms)."""
    task_list = list({t.id: t for t in tasks}.values())
    trace_list = [t for t in {t.id or id(t): t for t in traces}.values() if t.time is not None]
    joined = _match(task_list, trace_list, instance_id)
    moments = [_task_moment(task, joined.get(i, ()), now) for i, task in enumerate(task_list)]
    used = {id(trace) for found in joined.values() for trace in found}
    moments += [
        Moment(trace.time, "trace", "trace", traces=(trace,))
        for trace in trace_list
        if id(trace) not in used and trace.time is not None and begin <= trace.time <= end
    ]
    unique_alarms = list({a.record_id or id(a): a for a in alarms}.values())
    moments += [m for a in unique_alarms for m in _alarm_moments(a) if begin <= m.at <= end]
    order: dict[Kind, int] = {"task": 0, "trace": 1, "alarm": 2}
    moments.sort(key=lambda m: (-m.at.timestamp(), order[m.kind]))
    return Timeline(
        instance_id=instance_id,
        instance_name=instance_name,
        begin=begin,
        end=end,
        moments=tuple(moments),
        detail=detail,
        gaps=tuple(gaps),
        active_alarms=tuple(a for a in unique_alarms if a.raised),
    )


def _task_moment(task: Task, traces: Sequence[Trace], now: datetime) -> Moment:
    ended = task.terminal and task.updated_at is not None
    at = task.updated_at if ended else task.created_at
    if at is None:  # no time at all: placed by its traces, else at the window's end
        at = next((t.time for t in traces if t.time is not None), now)
    ordered = tuple(sorted(traces, key=lambda t: t.kind.phase != "request"))
    return Moment(
        at,
        "task",
        "finished" if ended else "started",
        task=task,
        traces=ordered,
        duration=task.duration(now),
    )


def _alarm_moments(alarm: Alarm) -> list[Moment]:
    moments = []
    raised_at = alarm.began or (alarm.updated if alarm.raised else None)
    if raised_at is not None:
        moments.append(Moment(raised_at, "alarm", "raised", alarm=alarm))
    recovered_at = alarm.recovered or (alarm.updated if alarm.status.startswith("ok") else None)
    if recovered_at is not None:
        duration = recovered_at - alarm.began if alarm.began else None
        moments.append(Moment(recovered_at, "alarm", "recovered", alarm=alarm, duration=duration))
    return moments


def _match(
    tasks: Sequence[Task], traces: Sequence[Trace], instance_id: str
) -> dict[int, tuple[Trace, ...]]:
    """For each task (by index) the traces that submitted and finished it."""
    # Per DMS task name, the traces that can start or end such a task, by time.
    by_task_name: dict[str, list[tuple[float, int, TraceName]]] = defaultdict(list)
    for index, trace in enumerate(traces):
        kind = trace.kind
        if kind.info is None or trace.time is None:
            continue
        if trace.resource_id and trace.resource_id != instance_id:
            continue
        for name in kind.info.task_names:
            by_task_name[name].append((trace.time.timestamp(), index, kind))
    for candidates in by_task_name.values():
        candidates.sort(key=lambda c: c[0])
    pairs: list[tuple[float, int, Phase, int]] = []
    slack = SLACK.total_seconds()
    for task_index, task in enumerate(tasks):
        candidates = by_task_name.get(task.name, [])
        anchors: dict[Phase, datetime | None] = {
            "request": task.created_at,
            "task": task.updated_at if task.terminal else None,
        }
        for phase, anchor in anchors.items():
            if anchor is None or not candidates:
                continue
            moment = anchor.timestamp()
            low = bisect.bisect_left(candidates, moment - slack, key=lambda c: c[0])
            high = bisect.bisect_right(candidates, moment + slack, key=lambda c: c[0])
            for when, trace_index, kind in candidates[low:high]:
                if kind.phase == phase:
                    pairs.append((abs(when - moment), task_index, phase, trace_index))
    pairs.sort()
    taken: set[int] = set()
    filled: set[tuple[int, Phase]] = set()
    joined: dict[int, list[Trace]] = defaultdict(list)
    for _, task_index, phase, trace_index in pairs:
        if trace_index in taken or (task_index, phase) in filled:
            continue
        taken.add(trace_index)
        filled.add((task_index, phase))
        joined[task_index].append(traces[trace_index])
    return {index: tuple(found) for index, found in joined.items()}
