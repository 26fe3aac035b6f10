"""The simulated account: its instances and their task timelines, queried at a moment."""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.simulator.clock import Clock
from bot.simulator.context_data import (
    STORY_INSTANCE,
    Context,
    TraceFactory,
    story,
    traces_for_tasks,
    volume,
)
from bot.simulator.context_store import RETENTION, ContextStore
from bot.simulator.data import GeneratedInstance, generate_bulk, generate_demo
from bot.simulator.model import InstanceRecord, TaskRecord
from bot.simulator.scheduled import SCHEDULED_INSTANCE, ScheduledRecord, demo_scheduled

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def _key(dt: datetime) -> int:
    # Negated so that a newest-first list has ascending keys, as bisect wants.
    return -((dt - _EPOCH) // _MICRO)


class DuplicateInstanceName(ValueError):
    pass


class NotWaiting(ValueError):
    """A scheduled task that has run, or was cancelled: it cannot be changed."""


@dataclass(frozen=True)
class TaskPage:
    total: int  # every visible task in the window, not just this page
    tasks: tuple[TaskRecord, ...]


class _Timeline:
    """One instance's tasks, newest first (stable for equal times), indexed by id."""

    def __init__(self, generated: GeneratedInstance) -> None:
        self.instance = generated.instance
        # sorted(reverse=True) keeps equal elements in their original order.
        self.tasks = tuple(sorted(generated.tasks, key=lambda t: t.created_at, reverse=True))
        self.keys = [_key(t.created_at) for t in self.tasks]
        self.by_id = {t.id: t for t in self.tasks}

    def window(self, now: datetime, begin: datetime | None, end: datetime | None) -> range:
        """Indexes of the tasks visible at ``now`` with begin <= created_at <= end."""
        newest = now if end is None else min(now, end)
        first = bisect_left(self.keys, _key(newest))
        last = len(self.keys) if begin is None else bisect_right(self.keys, _key(begin))
        return range(first, max(first, last))


class SimulatorState:
    def __init__(self, seed: int, clock: Clock) -> None:
        self.seed = seed
        self.clock = clock
        self.started_at = clock.now()
        self._lock = threading.Lock()
        self._timelines: dict[str, _Timeline] = {}
        # instance id -> scheduled task id -> the plan as it stands.
        self._scheduled: dict[str, dict[str, ScheduledRecord]] = {}
        self.context = ContextStore()  # CTS traces and CES alarms
        for generated in generate_demo(seed, self.started_at):
            self._trace(generated, Context())
            if generated.instance.name == STORY_INSTANCE:
                # The story's tasks come with their own traces (one rated an incident).
                told = story(seed, generated.instance, self.started_at)
                generated = GeneratedInstance(generated.instance, (*generated.tasks, *told.tasks))
                self.context.add(told.context)
            if generated.instance.name == SCHEDULED_INSTANCE:
                planned = demo_scheduled(seed, generated.instance, self.started_at)
                runs = tuple(r for p in planned if (r := p.background()) is not None)
                generated = GeneratedInstance(generated.instance, (*generated.tasks, *runs))
                self._scheduled[generated.instance.instance_id] = {p.id: p for p in planned}
            self._insert(generated)

    def _trace(self, generated: GeneratedInstance, extra: Context) -> None:
        """Give the instance's tasks their CTS traces, as far back as CTS keeps any."""
        since = self.started_at - RETENTION - timedelta(days=1)
        traces = traces_for_tasks(self.seed, generated.instance, generated.tasks, since)
        self.context.add(Context((*traces, *extra.traces), extra.alarms))

    def _insert(self, generated: GeneratedInstance) -> str:
        timeline = _Timeline(generated)
        instance = timeline.instance
        with self._lock:
            if any(t.instance.name == instance.name for t in self._timelines.values()):
                raise DuplicateInstanceName(f"an instance named {instance.name!r} already exists")
            self._timelines[instance.instance_id] = timeline
        return instance.instance_id

    def add_instance(
        self,
        name: str,
        task_count: int,
        span: timedelta = timedelta(hours=24),
        running: int = 0,
        *,
        traces: int = 0,
        alarms: int = 0,
    ) -> str:
        """Add an instance whose ``task_count`` tasks were all created within the last
        ``span`` of the clock; returns its id (derived from the seed and the name).
        Besides its tasks' own CTS traces, ``traces`` other operations and ``alarms``
        CES alarm records fall within the same span (load for benchmarks)."""
        if not name.strip():
            raise ValueError("an instance name must not be blank")
        now = self.clock.now()
        generated = generate_bulk(self.seed, name, task_count, span, now, running=running)
        extra = volume(self.seed, generated.instance, traces, alarms, span, now)
        instance_id = self._insert(generated)
        self._trace(generated, extra)
        return instance_id

    def add_task(self, instance_id: str, task: TaskRecord) -> None:
        """Give an instance one more task, exactly as a test writes it (its own params,
        times and outcome), on top of the generated ones."""
        with self._lock:
            timeline = self._timelines.get(instance_id)
            if timeline is None:
                raise ValueError(f"no instance with id {instance_id!r}")
            if task.id in timeline.by_id:
                raise ValueError(f"instance {instance_id!r} already has a task {task.id!r}")
            tasks = (*timeline.tasks, task)
            self._timelines[instance_id] = _Timeline(GeneratedInstance(timeline.instance, tasks))
        factory = TraceFactory(self.seed, timeline.instance, salt=f"/task/{task.id}")
        self.context.add(Context(tuple(factory.for_task(task))))

    def instances(self) -> list[InstanceRecord]:
        with self._lock:
            return [t.instance for t in self._timelines.values()]

    def instance(self, instance_id: str) -> InstanceRecord | None:
        timeline = self._timelines.get(instance_id)
        return timeline.instance if timeline else None

    def timeline(self, instance_id: str) -> tuple[TaskRecord, ...] | None:
        """Every task of an instance, newest first, including those not created yet:
        the whole script, for tests and benchmarks to check answers against."""
        timeline = self._timelines.get(instance_id)
        return timeline.tasks if timeline else None

    def find_instances(
        self, name: str | None = None, *, exact: bool = False
    ) -> list[InstanceRecord]:
        """ListInstances' name filter: case-insensitive substring, or exact when asked."""
        found: Iterable[InstanceRecord] = self.instances()
        if name:
            if exact:
                found = (i for i in found if i.name == name)
            else:
                needle = name.casefold()
                found = (i for i in found if needle in i.name.casefold())
        return list(found)

    def task_page(
        self,
        instance_id: str,
        *,
        start: int = 1,
        limit: int = 10,
        begin: datetime | None = None,
        end: datetime | None = None,
        now: datetime | None = None,
    ) -> TaskPage | None:
        """Tasks ``start`` (1-based) to ``start + limit - 1`` of the window, newest first,
        as seen at ``now`` (default: the clock's); ``None`` for an unknown instance."""
        if start < 1 or limit < 1:
            raise ValueError(f"start and limit must be >= 1, got start={start}, limit={limit}")
        timeline = self._timelines.get(instance_id)
        if timeline is None:
            return None
        window = timeline.window(now or self.clock.now(), begin, end)
        page = window[start - 1 : start - 1 + limit]
        return TaskPage(total=len(window), tasks=tuple(timeline.tasks[i] for i in page))

    def task(
        self, instance_id: str, task_id: str, *, now: datetime | None = None
    ) -> TaskRecord | None:
        """A task visible at ``now``, or ``None`` (unknown, or not created yet)."""
        timeline = self._timelines.get(instance_id)
        task = timeline.by_id.get(task_id) if timeline else None
        return task if task is not None and task.visible_at(now or self.clock.now()) else None

    # -- scheduled tasks -------------------------------------------------------------

    def scheduled(self, instance_id: str) -> tuple[ScheduledRecord, ...] | None:
        """An instance's scheduled tasks, soonest first; None for an unknown instance."""
        if instance_id not in self._timelines:
            return None
        with self._lock:
            planned = self._scheduled.get(instance_id, {}).values()
            return tuple(sorted(planned, key=lambda p: (p.schedule_at, p.id)))

    def add_scheduled(self, instance_id: str, planned: ScheduledRecord) -> None:
        """Plan one more change on an instance, exactly as a test writes it."""
        with self._lock:
            if instance_id not in self._timelines:
                raise ValueError(f"no instance with id {instance_id!r}")
            self._scheduled.setdefault(instance_id, {})[planned.id] = planned
            self._replace_run(instance_id, None, planned)

    def change_scheduled(
        self, instance_id: str, task_id: str, *, at: datetime | None, cancel: bool
    ) -> ScheduledRecord | None:
        """Reschedule to ``at`` or cancel a waiting task, as UpdateScheduledTask does;
        None when the task is unknown, ``NotWaiting`` when it can no longer change."""
        now = self.clock.now()
        with self._lock:
            planned = self._scheduled.get(instance_id, {}).get(task_id)
            if planned is None:
                return None
            if not planned.waiting_at(now):
                raise NotWaiting(planned.status_at(now))
            changed = planned.cancelled_at(now) if cancel else planned.rescheduled(at or now, now)
            self._scheduled[instance_id][task_id] = changed
            self._replace_run(instance_id, planned, changed)
            return changed

    def _replace_run(
        self, instance_id: str, old: ScheduledRecord | None, new: ScheduledRecord
    ) -> None:
        """The background task a plan becomes, swapped for the one it was to become.
        Called with the lock held; the old run has not started (only waiting tasks
        change), so nobody has seen it."""
        timeline = self._timelines[instance_id]
        gone = old.background() if old is not None else None
        tasks = [t for t in timeline.tasks if gone is None or t.id != gone.id]
        run = new.background()
        if run is not None:
            tasks.append(run)
        self._timelines[instance_id] = _Timeline(GeneratedInstance(timeline.instance, tuple(tasks)))
