"""The parts a window is written with: lengths ("2h30m"), times ("09:00", "9am",
"2026-11-27 08:00", the API's stamps), zones ("UTC", "+08:00", "Asia/Shanghai"), and
how a time is put on a day in a zone and written back.

Local times that a DST change makes odd follow PEP 495 with ``fold=0``: a time in the
spring-forward gap is read with the offset in force before the gap, which moves it
forward by the gap's length (02:30 on a New York spring day is 03:30 EDT), and a time
that happens twice at fall-back is its first occurrence.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from bot.core.grammar.window import from_stamp
from bot.i18n import Said

UNIT_SECONDS = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600),
    **dict.fromkeys(("d", "day", "days"), 86400),
    **dict.fromkeys(("w", "week", "weeks"), 604800),
}
_UNIT_SHORT = {1: "s", 60: "m", 3600: "h", 86400: "d", 604800: "w"}

# Amounts are capped at nine digits so int() never meets a number too long to convert.
_DURATION = re.compile(r"(?:[0-9]{1,9}[a-z]+)+", re.ASCII)
_DURATION_PART = re.compile(r"([0-9]{1,9})([a-z]+)", re.ASCII)

_OFFSET = re.compile(
    r"(?:utc|gmt)?(?P<sign>[+-])(?P<hours>[0-9]{1,2})(?::?(?P<minutes>[0-9]{2}))?", re.ASCII
)
_CLOCK = re.compile(
    r"(?P<hour>[0-9]{1,2})(?::(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?)?"
    r"(?:\ ?(?P<half>am|pm))?",
    re.ASCII,
)
_CLOCK_TEXT = r"[0-9]{1,2}(?::[0-9]{2}(?::[0-9]{2})?)?(?:\ ?[ap]m)?"
_POINT = re.compile(
    rf"""
    (?:
        (?P<stamp>[0-9]{{14}})
      | (?:(?P<date>[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}})|(?P<dayword>today|yesterday))
        (?:[ t](?P<dayclock>{_CLOCK_TEXT}))?
      | (?P<clock>{_CLOCK_TEXT})
    )
    (?P<zone>z|utc|gmt|[+-][0-9]{{1,2}}(?::?[0-9]{{2}})?)?
    """,
    re.ASCII | re.VERBOSE,
)


class Unreadable(Exception):
    """A part that could not be read; the caller knows the whole text and what to suggest."""

    def __init__(
        self,
        why: Said | None = None,
        *,
        bad: str | None = None,
        fix: str | None = None,
    ) -> None:
        super().__init__(why)
        self.why = why
        self.bad = bad  # when only part of what was handed over is wrong
        self.fix = fix  # a replacement for that part, when one is evident


@dataclass(frozen=True)
class Point:
    """One time as typed, before it is put on a day and in a zone."""

    text: str
    day: date | None  # an explicit calendar date
    days_ago: int | None  # "today" is 0, "yesterday" 1
    clock: time | None  # None with a day: its midnight
    zone: tzinfo | None  # written with the time
    is_stamp: bool  # the API form, UTC unless a zone is written

    @property
    def is_bare_clock(self) -> bool:
        return self.day is None and self.days_ago is None


def read_duration(text: str) -> int:
    """Seconds in "2h30m", "90 min", "hour"; raises Unreadable with a fix for odd units."""
    compact = "".join(text.lower().split())
    if compact in UNIT_SECONDS:  # "last hour"
        return UNIT_SECONDS[compact]
    if not _DURATION.fullmatch(compact):
        raise Unreadable()
    total, fixed, all_known = 0, [], True
    for amount, unit in _DURATION_PART.findall(compact):
        seconds = UNIT_SECONDS.get(unit)
        if seconds is None:
            all_known = False
            close = difflib.get_close_matches(unit, UNIT_SECONDS, n=1, cutoff=0.5)
            seconds = UNIT_SECONDS[close[0] if close else "h"]
        total += int(amount) * seconds
        fixed.append(f"{int(amount)}{_UNIT_SHORT[seconds]}")
    if not all_known:
        raise Unreadable(fix="".join(fixed))
    return total


def format_duration(seconds: int) -> str:
    # Days only from two days up: people say "last 24h" and "last 36h", then "last 3d".
    sizes = ((86400, "d"), (3600, "h"), (60, "m"), (1, "s"))
    parts = []
    for size, unit in sizes if seconds >= 2 * 86400 else sizes[1:]:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def read_point(tokens: Sequence[str]) -> Point:
    words = list(tokens)
    zone = read_zone(words[-1]) if len(words) > 1 else None
    if zone is not None:
        words.pop()
    match = _POINT.fullmatch(" ".join(words).lower())
    if match is None:
        raise Unreadable()
    if match["zone"]:
        if zone is not None:
            raise Unreadable(Said("grammar.why.two_zones"))
        zone = read_zone(match["zone"])
    clock_text = match["clock"] or match["dayclock"]
    text = " ".join(tokens)
    if match["stamp"]:
        try:
            stamp = from_stamp(match["stamp"])
        except ValueError:
            raise Unreadable(Said("grammar.why.no_such_moment")) from None
        return Point(text, stamp.date(), None, stamp.time(), zone, is_stamp=True)
    days_ago = {"today": 0, "yesterday": 1}.get(match["dayword"] or "")
    day = _read_date(match["date"]) if match["date"] else None
    clock = _read_clock(clock_text) if clock_text else None
    return Point(text, day, days_ago, clock, zone, is_stamp=False)


def _read_date(text: str) -> date:
    year, month, day = (int(part) for part in text.split("-"))
    try:
        return date(year, month, day)
    except ValueError:
        raise Unreadable(Said("grammar.why.no_such_date")) from None


def _read_clock(text: str) -> time:
    match = _CLOCK.fullmatch(text)
    if match is None:  # the point pattern only lets clocks through
        raise Unreadable()
    hour, minute, second = (int(match[g] or 0) for g in ("hour", "minute", "second"))
    if match["half"]:
        if not 1 <= hour <= 12:
            raise Unreadable(Said("grammar.why.am_pm_hour"))
        hour = hour % 12 + (12 if match["half"] == "pm" else 0)
    elif match["minute"] is None:
        raise Unreadable(Said("grammar.why.minutes"))
    if hour > 23:
        raise Unreadable(Said("grammar.why.hour"))
    if minute > 59:
        raise Unreadable(Said("grammar.why.minute"))
    if second > 59:
        raise Unreadable(Said("grammar.why.second"))
    return time(hour, minute, second)


def read_zone(token: str) -> tzinfo | None:
    """The zone a token names; None when it does not look like a zone at all."""
    lowered = token.lower()
    if lowered in ("utc", "z", "gmt"):
        return UTC
    offset = _OFFSET.fullmatch(lowered)
    if offset:
        hours, minutes = int(offset["hours"]), int(offset["minutes"] or 0)
        if minutes > 59 or hours * 60 + minutes > 14 * 60:
            raise Unreadable(Said("grammar.why.offset"), bad=token, fix="UTC")
        sign = -1 if offset["sign"] == "-" else 1
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    # Only names with a "/" are taken: the bare ones ("EST", "Japan") are ambiguous or rare.
    if "/" in lowered and re.search("[a-z]", lowered):
        key = _iana_zones().get(lowered)
        if key is None:
            close = difflib.get_close_matches(lowered, _iana_zones(), n=1, cutoff=0.6)
            fix = _iana_zones()[close[0]] if close else "UTC"
            raise Unreadable(Said("grammar.why.zone"), bad=token, fix=fix)
        return ZoneInfo(key)
    return None


@cache
def _iana_zones() -> dict[str, str]:
    # zoneinfo keys are case-sensitive on most file systems; the grammar is not.
    return {key.lower(): key for key in available_timezones()}


def place(point: Point, zone: tzinfo, now: datetime, *, on_day: date | None = None) -> datetime:
    """The UTC instant of a point read in zone. A bare clock goes on ``on_day`` if given,
    else on the latest day where it is not in the future."""
    clock = point.clock or time()
    if point.day is not None:
        day = point.day
    elif point.days_ago is not None:
        day = local_day(now, zone) - timedelta(days=point.days_ago)
    elif on_day is not None:
        day = on_day
    else:
        day = local_day(now, zone)
        if at(day, clock, zone) >= now:
            day -= timedelta(days=1)
    return at(day, clock, zone)


def at(day: date, clock: time, zone: tzinfo) -> datetime:
    # fold=0 (the default) is the DST rule in the module docstring.
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def local_day(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()


def format_moment(moment: datetime, zone: tzinfo, *, omit_day: date | None = None) -> str:
    local = moment.astimezone(zone)
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if local.second:
        clock += f":{local.second:02d}"
    return clock if local.date() == omit_day else f"{local.date().isoformat()} {clock}"


def examples(now: datetime, tz: tzinfo) -> tuple[str, ...]:
    """One of each form, dated yesterday so that every one is valid when suggested."""
    yesterday = local_day(now, tz) - timedelta(days=1)
    day = yesterday.isoformat()
    stamp = day.replace("-", "")
    return (
        "last 1h",
        "last 30m",
        "last 2h30m",
        "last 24h",
        "last 7d",
        "last 1w",
        "since 09:00",
        "since 9am",
        f"since {day}",
        f"since {day} 08:00",
        f"since {day}T08:00",
        f"since {stamp}080000",
        "from 10:00 to 11:00",
        f"from {day} 08:00 to 10:00",
        "between 10:00 and 11:00",
        "today",
        "yesterday",
        f"{stamp}080000",
        f"{stamp}080000 {stamp}100000",
    )
