"""A time window as the bot holds it: two aware UTC instants and a label, and the
API's own forms of a moment (``YYYYMMDDHHmmss`` in UTC) and of a zone's name.

Every window is a pair of aware UTC instants plus a canonical label; reading one from
what a person typed is ``bot.core.grammar.window_parse``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from bot.core.grammar.errors import WindowError
from bot.i18n import Said

DEFAULT_WINDOW = "last 24h"
MAX_WINDOW_DAYS = 90
MAX_WINDOW = timedelta(days=MAX_WINDOW_DAYS)

_ONE_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class TimeWindow:
    """An exact window of UTC instants, begin < end, and how to show it to a person."""

    begin: datetime
    end: datetime
    label: str
    zone: str
    ends_now: bool

    def __post_init__(self) -> None:
        if self.begin.utcoffset() is None or self.end.utcoffset() is None:
            raise ValueError("a window's begin and end must be timezone-aware")
        # Kept in UTC so that equality, hashing (cache keys) and the API form never depend
        # on the zone of whoever built the window.
        object.__setattr__(self, "begin", self.begin.astimezone(UTC))
        object.__setattr__(self, "end", self.end.astimezone(UTC))
        if not self.begin < self.end:
            raise ValueError(f"a window must begin before it ends: {self.begin} >= {self.end}")

    def api_params(self) -> dict[str, str]:
        # The server compares whole seconds: flooring the begin and ceiling the end widen
        # the query just enough that the exact client-side cut never misses a task.
        return {
            "begin_time": format_api_time(self.begin),
            "end_time": format_api_time(_ceil_second(self.end)),
        }

    def contains(self, moment: datetime) -> bool:
        return self.begin <= moment <= self.end

    def with_end(self, end: datetime) -> TimeWindow:
        return replace(self, end=end)


def format_api_time(moment: datetime) -> str:
    """An aware moment as the API's UTC ``YYYYMMDDHHmmss``, floored to the second."""
    if moment.utcoffset() is None:
        raise ValueError("format_api_time needs a timezone-aware moment")
    m = moment.astimezone(UTC)
    # Not strftime: it does not zero-pad years below 1000 on every platform.
    return f"{m.year:04d}{m.month:02d}{m.day:02d}{m.hour:02d}{m.minute:02d}{m.second:02d}"


def parse_api_time(text: str) -> datetime:
    """The API's UTC ``YYYYMMDDHHmmss`` as an aware UTC datetime."""
    if not re.fullmatch(r"[0-9]{14}", text, re.ASCII):
        raise WindowError(text, "20261127080000", Said("grammar.why.api_form"))
    try:
        return from_stamp(text).replace(tzinfo=UTC)
    except ValueError:
        why = Said("grammar.why.no_such_moment")
        raise WindowError(text, "20261127080000", why) from None


def from_stamp(digits: str) -> datetime:
    year, month, day = int(digits[0:4]), int(digits[4:6]), int(digits[6:8])
    hour, minute, second = int(digits[8:10]), int(digits[10:12]), int(digits[12:14])
    return datetime(year, month, day, hour, minute, second)


def zone_name(tz: tzinfo) -> str:
    """The IANA name of a zone, "UTC", or "UTC+08:00" for a fixed offset."""
    if isinstance(tz, ZoneInfo) and tz.key:
        return tz.key
    if isinstance(tz, timezone):
        offset = tz.utcoffset(None)
        return f"UTC{_format_offset(offset)}" if offset else "UTC"
    return str(tz)


def _format_offset(offset: timedelta) -> str:
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(offset) // timedelta(minutes=1)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _ceil_second(moment: datetime) -> datetime:
    if moment.microsecond:
        return moment.replace(microsecond=0) + _ONE_SECOND
    return moment
