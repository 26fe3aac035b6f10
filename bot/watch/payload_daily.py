"""The daily summary's outbox row: a day of one instance, counted when it was queued."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from bot.watch.payload_base import ApiTask, Payload, number, task_of


@dataclass(frozen=True)
class DailySummaryRow(Payload):
    """A channel's summary of the local ``day`` (ISO date) on an instance, due at ``at``
    (ISO 8601) in ``zone``; ``late`` when queued well after that (the bot was down)."""

    kind: ClassVar[str] = "daily_summary"
    day: str = ""
    zone: str = "UTC"
    at: str = ""
    late: bool = False
    counts: Mapping[str, int] = field(default_factory=dict)
    # The day's failed tasks (as DMS sent them, cut to a few) and how many more there were.
    failed: tuple[ApiTask, ...] = ()
    more_failed: int = 0
    # The slowest runs: {"name", "took_s", "usual_s" (None without enough history)}.
    slowest: tuple[Mapping[str, Any], ...] = ()
    # The next 24 h's scheduled changes: {"name", "at" (ISO 8601)}; None: not readable.
    scheduled: tuple[Mapping[str, str], ...] | None = ()

    def _fields(self) -> dict[str, Any]:
        return {
            **super()._fields(),
            "lang": self.lang,
            "day": self.day,
            "zone": self.zone,
            "at": self.at,
            "late": self.late,
            "counts": dict(self.counts),
            "failed": list(self.failed),
            "more_failed": self.more_failed,
            "slowest": [dict(s) for s in self.slowest],
            "scheduled": None if self.scheduled is None else [dict(s) for s in self.scheduled],
        }


def read_daily(raw: dict[str, Any], common: dict[str, Any]) -> Payload:
    counts, failed, slowest = raw.get("counts"), raw.get("failed"), raw.get("slowest")
    if not isinstance(counts, dict) or not isinstance(failed, list):
        raise ValueError("a daily summary needs its counts and failures")
    return DailySummaryRow(
        **common,
        day=str(raw.get("day") or ""),
        zone=str(raw.get("zone") or "UTC"),
        at=str(raw.get("at") or ""),
        late=bool(raw.get("late")),
        counts={str(k): number(int, v, "counts") for k, v in counts.items()},
        failed=tuple(task_of(t) for t in failed),
        more_failed=number(int, raw.get("more_failed") or 0, "more_failed"),
        slowest=tuple(_slowest(s) for s in (slowest if isinstance(slowest, list) else [])),
        scheduled=_scheduled(raw.get("scheduled", [])),
    )


def _scheduled(value: object) -> tuple[Mapping[str, str], ...] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise ValueError("scheduled changes must be a list")
    return tuple(
        {"name": str(s.get("name") or ""), "at": str(s.get("at") or "")}
        for s in value
        if isinstance(s, dict)
    )


def _slowest(value: object) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("a slow run must be a JSON object")
    usual = value.get("usual_s")
    return {
        "name": str(value.get("name") or ""),
        "took_s": number(float, value.get("took_s") or 0, "took_s"),
        "usual_s": None if usual is None else number(float, usual, "usual_s"),
    }
