"""When a channel's daily summary is due, and which day it covers, in its own zone.

Pure: the watcher asks ``due`` at each look; the summary of ``Due.day`` is due from
``Due.at`` on, and covers the local day before it, midnight to midnight in the zone
(23 or 25 hours on the days clocks change). Only the latest due day is ever offered:
a bot down for three days sends one late summary, not three.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from bot.core.dms.models import Task
from bot.core.grammar.window_parts import at, local_day

# Re-exported: the one reading of a stored zone, shared with quiet hours.
from bot.core.quiet import zone_of as zone_of

# Sent this long after its time, a summary says it is late (the bot was not running).
LATE_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class DailyAt:
    """A summary every day at ``clock`` in ``zone`` (an IANA name, "UTC" or "UTC+08:00")."""

    clock: time
    zone: str

    @property
    def tz(self) -> tzinfo:
        return zone_of(self.zone)

    def text(self) -> str:
        return f"{self.clock.hour:02d}:{self.clock.minute:02d} {self.zone}"


@dataclass(frozen=True)
class Due:
    day: date  # the local day the summary is sent on
    at: datetime  # when, in UTC
    begin: datetime  # the day it covers, in UTC: [begin, end)
    end: datetime

    @property
    def covers(self) -> date:
        return self.day - timedelta(days=1)

    def late(self, now: datetime) -> bool:
        return now - self.at > LATE_AFTER


def due(schedule: DailyAt, now: datetime, since: datetime) -> Due | None:
    """The latest summary due at ``now``; ``None`` when none is, or when its time came
    before ``since`` (the schedule was set after it: that day was never promised)."""
    tz = schedule.tz
    today = local_day(now, tz)
    day = today if at(today, schedule.clock, tz) <= now else today - timedelta(days=1)
    moment = at(day, schedule.clock, tz)
    if moment < since:
        return None
    midnight = time(0, 0)
    return Due(
        day=day,
        at=moment,
        begin=at(day - timedelta(days=1), midnight, tz),
        end=at(day, midnight, tz),
    )


@dataclass(frozen=True)
class Slowest:
    """One of a day's slowest runs; ``usual_s`` None without enough history."""

    name: str
    took_s: float
    usual_s: float | None


@dataclass(frozen=True)
class Upcoming:
    """A change DMS will make within the next 24 h."""

    name: str
    at: datetime


@dataclass(frozen=True)
class DaySummary:
    """What a daily summary says of one local day on one instance."""

    day: date
    counts: Mapping[str, int]
    failed: tuple[Task, ...]
    more_failed: int
    slowest: tuple[Slowest, ...]
    # What DMS has scheduled from the summary's time for a day; None when it could not
    # be read (the summary says so rather than that nothing is scheduled).
    scheduled: tuple[Upcoming, ...] | None = ()

    @property
    def total(self) -> int:
        return sum(self.counts.values())
