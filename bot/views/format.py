"""Small formatting rules shared by every view, so Slack and the terminal agree."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, tzinfo

from bot.dms.models import Task, TaskStatus

STATUS_ORDER = (
    TaskStatus.FAILED,
    TaskStatus.EXECUTING,
    TaskStatus.CREATED,
    TaskStatus.SUCCESS,
    TaskStatus.CANCELLED,
    TaskStatus.DELETED,
)


def duration_text(delta: timedelta | None) -> str:
    """``4s``, ``2m 05s``, ``1h 02m``, ``3d 4h``: short, and exact where it matters."""
    if delta is None:
        return "-"
    seconds = int(delta.total_seconds())
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h"


def task_duration(task: Task, now: datetime) -> str:
    text = duration_text(task.duration(now))
    return f"{text} so far" if task.in_progress and text != "-" else text


def local_time(moment: datetime | None, tz: tzinfo, *, with_date: bool = True) -> str:
    if moment is None:
        return "-"
    local = moment.astimezone(tz)
    return local.strftime("%Y-%m-%d %H:%M:%S" if with_date else "%H:%M:%S")


def counts_text(counts: Mapping[str, int]) -> str:
    """``3 FAILED, 30 SUCCESS``: known statuses in a fixed order, unknown ones after."""
    order = [s.value for s in STATUS_ORDER if s.value in counts]
    order += sorted(s for s in counts if s not in order)
    return ", ".join(f"{counts[s]} {s}" for s in order)


def user_text(task: Task) -> str:
    return task.user_name or task.user_id or "-"
