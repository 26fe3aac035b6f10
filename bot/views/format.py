"""Small formatting rules shared by every view, so Slack and the terminal agree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, tzinfo

from bot.core.dms.models import Task, TaskStatus
from bot.core.durations import SlowRun
from bot.i18n import Lang, t
from bot.i18n.labels import status_label, task_label

STATUS_ORDER = (
    TaskStatus.FAILED,
    TaskStatus.EXECUTING,
    TaskStatus.CREATED,
    TaskStatus.SUCCESS,
    TaskStatus.CANCELLED,
    TaskStatus.DELETED,
)


def ordered_statuses(statuses: Iterable[str]) -> list[str]:
    """Known statuses in a fixed order (failures first), then unknown ones by name."""
    present = set(statuses)
    known = [s.value for s in STATUS_ORDER if s.value in present]
    return known + sorted(s for s in present if s not in known)


def duration_text(delta: timedelta | None, lang: Lang = "en") -> str:
    """``4s``, ``2m 05s``, ``1h 02m``, ``3d 4h``: short, and exact where it matters."""
    if delta is None:
        return "-"
    seconds = int(delta.total_seconds())
    if seconds < 60:
        return t(lang, "duration.seconds", s=seconds)
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return t(lang, "duration.minutes", m=minutes, s=seconds)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return t(lang, "duration.hours", h=hours, m=minutes)
    days, hours = divmod(hours, 24)
    return t(lang, "duration.days", d=days, h=hours)


def task_duration(task: Task, now: datetime, lang: Lang = "en") -> str:
    text = duration_text(task.duration(now), lang)
    return t(lang, "duration.so_far", duration=text) if task.in_progress and text != "-" else text


def slow_text(note: SlowRun, lang: Lang = "en") -> str:
    """A run far longer than usual: "took 41m 00s, usually 12m 00s"."""
    took = duration_text(timedelta(seconds=note.took_s), lang)
    usual = duration_text(timedelta(seconds=note.usual_s), lang)
    return "\N{TURTLE} " + t(lang, "slow.note", took=took, usual=usual)


def local_time(moment: datetime | None, tz: tzinfo, *, with_date: bool = True) -> str:
    if moment is None:
        return "-"
    local = moment.astimezone(tz)
    return local.strftime("%Y-%m-%d %H:%M:%S" if with_date else "%H:%M:%S")


def counts_text(counts: Mapping[str, int], lang: Lang = "en", *, raw: bool = False) -> str:
    """``3 Failed, 30 Succeeded``: known statuses in a fixed order, unknown ones after.
    ``raw``: DMS's own words (``3 FAILED, 30 SUCCESS``), for the terminal's table."""
    return t(lang, "sep.list").join(
        t(lang, "count_status", count=counts[s], status=s if raw else shown_status(s, lang))
        for s in ordered_statuses(counts)
    )


def user_text(task: Task) -> str:
    return task.user_name or task.user_id or "-"


def shown_name(name: str, lang: Lang = "en") -> str:
    """A task name as a view shows it, in every language: a label ("Restart instance",
    "重启实例"); an unknown name as DMS sent it (English splits its camelCase into words).
    DMS's own identifier, which the console, the logs and people's searches use, is
    shown beside the label where a single task is shown (the details)."""
    return task_label(name, lang)


def shown_status(status: str, lang: Lang = "en") -> str:
    """A task status as a view shows it, in every language: a label ("Failed", "失败");
    an unknown status as DMS sent it. The details show DMS's word beside the label."""
    return status_label(status, lang)


def unreadable_text(problem: str, lang: Lang = "en") -> str:
    """What a field DMS sent but the bot could not read shows instead of its value:
    "(unreadable: too deeply nested)"."""
    return t(lang, "unreadable", why=t(lang, f"unreadable.{problem}"))


def unreadable_fields_text(task: Task, lang: Lang = "en", *, but: str = "params") -> str | None:
    """The task's unreadable fields (other than ``but``, which is shown in its place),
    each by the API's name and why; None when there are none."""
    fields = [
        f"{name} {unreadable_text(problem, lang)}"
        for name, problem in sorted(task.unreadable.items())
        if name != but
    ]
    return t(lang, "unreadable.fields", fields=t(lang, "sep.list").join(fields)) if fields else None
