"""Scheduled tasks: changes DMS will make to an instance later (ListScheduledTasks),
and whether one falls within the instance's maintenance window."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any, Final

from bot.core.dms.models import MAX_ID
from bot.core.timeline.reading import Reader

__all__ = [
    "CANCELLED",
    "WAITING",
    "ScheduledList",
    "ScheduledTask",
    "in_window",
]

# The one status a scheduled task can still be changed in (DMS: "CREATED").
WAITING: Final = "CREATED"
CANCELLED: Final = "CANCELLED"


@dataclass(frozen=True)
class ScheduledTask:
    id: str
    name: str
    status: str
    user_name: str
    params: str
    # When it is to run; None when DMS sent no readable time (its format is undocumented).
    schedule_at: datetime | None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> ScheduledTask:
        read = Reader(data)
        return cls(
            id=read.text("id", MAX_ID),
            name=read.text("name", MAX_ID),
            status=read.text("status", MAX_ID).upper(),
            user_name=read.text("user_name", MAX_ID),
            params=read.text("params"),
            schedule_at=read.at("schedule_at"),
            created_at=read.at("created_at"),
            updated_at=read.at("updated_at"),
        )

    @property
    def waiting(self) -> bool:
        """Not run yet, nor cancelled: the only state DMS lets change."""
        return self.status == WAITING


@dataclass(frozen=True)
class ScheduledList:
    instance_id: str
    tasks: tuple[ScheduledTask, ...]
    request_ids: tuple[str, ...] = ()
    # More than the bot reads were listed: the rest are left out, and the answer says so.
    truncated: bool = False

    @property
    def waiting(self) -> tuple[ScheduledTask, ...]:
        """The tasks still to run, soonest first (those without a time last)."""
        pending = [t for t in self.tasks if t.waiting]
        return tuple(sorted(pending, key=lambda t: (t.schedule_at is None, t.schedule_at, t.id)))


def _clock(text: str) -> time | None:
    try:
        moment = time.fromisoformat(text.strip())
    except ValueError:
        return None
    # Documented without a zone; one sent anyway is dropped so the clocks compare (an
    # aware and a naive time cannot), the window being read as UTC either way.
    return moment.replace(tzinfo=None)


def in_window(at: datetime, begin: str, end: str) -> bool | None:
    """Whether ``at`` falls in the daily maintenance window ``begin``-``end``
    (``HH:mm:ss`` as ShowInstance sends them; read as UTC, since DMS does not say).
    A window past midnight (22:00-02:00) wraps. None when the window is unknown."""
    low, high = _clock(begin), _clock(end)
    if low is None or high is None:
        return None
    moment = at.astimezone(UTC).time()
    if low <= high:
        return low <= moment < high
    return moment >= low or moment < high
