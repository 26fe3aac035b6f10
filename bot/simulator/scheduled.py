"""Scheduled tasks: changes DMS will make later (ListScheduledTasks, UpdateScheduledTask).

Like a background task, a scheduled task is stored as its whole plan and its status is
read off the clock: waiting (CREATED) until its time, then EXECUTING and finally as it
ends. At its time it becomes a background task of the instance, created then, so that
moving the clock past it is all it takes for the task to run. A reschedule or a cancel
replaces the record (and the background task it will become).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.core.dms.scheduled import in_window
from bot.simulator.model import (
    CANCELLED,
    CREATED,
    EXECUTING,
    SUCCESS,
    InstanceRecord,
    TaskRecord,
    iso_millis,
    truncate_to_millis,
)
from bot.simulator.task_params import to_json

# Fixed, like the instance ids': the same seed gives the same scheduled task ids.
_NAMESPACE = uuid.UUID("0f4b5d0e-6a43-4d8e-9c1e-5a2b7c3d9e10")
# A scheduled task starts this long after its time, as a queued background task does.
_START_DELAY = timedelta(milliseconds=40)
# The demo instance that has scheduled changes waiting.
SCHEDULED_INSTANCE = "prod-orders"


@dataclass(frozen=True)
class ScheduledRecord:
    id: str
    name: str
    user_name: str
    user_id: str
    params: str  # already JSON-encoded, as the API sends it
    created_at: datetime
    schedule_at: datetime
    updated_at: datetime
    duration: timedelta
    final_status: str = SUCCESS
    cancelled: bool = False

    def status_at(self, now: datetime) -> str:
        if self.cancelled:
            return CANCELLED
        if now < self.schedule_at:
            return CREATED
        return EXECUTING if now < self.schedule_at + self.duration else self.final_status

    def waiting_at(self, now: datetime) -> bool:
        """Whether it can still be changed: it has not run, nor been cancelled."""
        return self.status_at(now) == CREATED

    def rescheduled(self, at: datetime, now: datetime) -> ScheduledRecord:
        return replace(self, schedule_at=truncate_to_millis(at), updated_at=now)

    def cancelled_at(self, now: datetime) -> ScheduledRecord:
        return replace(self, cancelled=True, updated_at=now)

    def background(self) -> TaskRecord | None:
        """The background task it becomes at its time; None once cancelled."""
        if self.cancelled:
            return None
        started = self.schedule_at + _START_DELAY
        return TaskRecord(
            id=background_id(self.id),
            name=self.name,
            user_name=self.user_name,
            user_id=self.user_id,
            params=self.params,
            created_at=self.schedule_at,
            started_at=started,
            finished_at=max(started, self.schedule_at + self.duration),
            final_status=self.final_status,
        )

    def to_api(self, now: datetime) -> dict[str, str]:
        """As ListScheduledTasks returns it: every field a string. The format of
        ``schedule_at`` is not documented; the background tasks' is used."""
        return {
            "id": self.id,
            "name": self.name,
            "user_name": self.user_name,
            "user_id": self.user_id,
            "params": self.params,
            "status": self.status_at(now),
            "created_at": iso_millis(self.created_at),
            "updated_at": iso_millis(self.updated_at),
            "schedule_at": iso_millis(self.schedule_at),
        }


def background_id(scheduled_id: str) -> str:
    return uuid.uuid5(_NAMESPACE, f"run/{scheduled_id}").hex


def demo_times(anchor: datetime, maintain_begin: str, maintain_end: str) -> list[datetime]:
    """Two times to run: one outside the maintenance window (read as UTC), and one
    inside it when the window comes soon enough, else another outside. Both within
    five hours, as every other change the demo has coming: a test that moves the clock
    a few hours ahead sees everything that was to come."""
    start = anchor.replace(minute=anchor.minute // 5 * 5, second=0, microsecond=0)
    slots = [start + timedelta(minutes=20 * i) for i in range(1, 15)]
    # The bot's own reading of the window, so the demo's "inside" is the one it shows.
    inside = [at for at in slots if in_window(at, maintain_begin, maintain_end)]
    outside = [at for at in slots if at not in inside]
    # The slots span 4 h 20 min, longer than any window: one is always outside.
    second = inside[len(inside) // 2] if inside else outside[-1]
    return sorted({outside[0], second})


def demo_scheduled(
    seed: int, instance: InstanceRecord, anchor: datetime
) -> tuple[ScheduledRecord, ...]:
    """Changes waiting on the instance: a restart and a scale-out, one of them (at
    least) outside the maintenance window."""
    rng = random.Random(f"{seed}/scheduled/{instance.name}")
    shape = instance.shape
    first, second = demo_times(anchor, shape.maintain_begin, shape.maintain_end)
    created = truncate_to_millis(anchor - timedelta(hours=rng.randint(2, 30)))

    def record(name: str, at: datetime, params: str, minutes: int) -> ScheduledRecord:
        return ScheduledRecord(
            id=uuid.uuid5(_NAMESPACE, f"{seed}/{instance.name}/{name}").hex,
            name=name,
            user_name=shape.user_name,
            user_id=shape.user_id,
            params=params,
            created_at=created,
            schedule_at=at,
            updated_at=created,
            duration=timedelta(minutes=minutes),
        )

    extend = {"oper_type": "horizontal", "old_broker_num": 3, "new_broker_num": 5}
    return (
        record("restartInstance", second, to_json({"action": "restart", "rolling": True}), 12),
        record("extendInstance", first, to_json(extend), 41),
    )
