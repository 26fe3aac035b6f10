"""Time windows: "last 1h", "since 09:00", "yesterday" ... -> an exact UTC window.

Times without a zone are read in the zone given (the user's Slack zone, else the
configured default), so "since 09:00" and "yesterday" mean what the person asking sees
on their own clock. Every window is a pair of aware UTC instants plus a canonical label.

Local times that a DST change makes odd follow PEP 495 with ``fold=0``: a time in the
spring-forward gap is read with the offset in force before the gap, which moves it
forward by the gap's length (02:30 on a New York spring day is 03:30 EDT), and a time
that happens twice at fall-back is its first occurrence.

Every ``WindowError`` carries a suggestion that is itself a window this module accepts
at the same moment and in the same zone, so a user can paste it back as it is.

Windows may be written in Simplified Chinese too (最近1小时, 自 09:00 起, 昨天): they are
read as the English words they stand for (``bot.core.grammar_zh``), and errors quote them as
typed. Every error also reads in Chinese: ``WindowError.text("zh")``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from bot.core import grammar_zh
from bot.core.grammar_zh import Typed
from bot.i18n import Lang, Said

DEFAULT_WINDOW = "last 24h"
MAX_WINDOW_DAYS = 90
MAX_WINDOW = timedelta(days=MAX_WINDOW_DAYS)

_LONGEST = f"last {MAX_WINDOW_DAYS}d"
_TOO_LONG = Said.of("grammar.why.too_long_window", days=MAX_WINDOW_DAYS)
_ONE_SECOND = timedelta(seconds=1)
_QUOTE_LIMIT = 60

_UNIT_SECONDS = {
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
_STAMP = re.compile(r"[0-9]{14}(?:z|utc)?", re.ASCII | re.IGNORECASE)
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


def refusal(
    lang: Lang, bad: str, suggestion: str, why: Said | None = None, *, reading: str = "window"
) -> str:
    """The one-line reply for anything not understood, in ``lang``: the bad part quoted,
    then a fix written as a reader of ``lang`` types it. ``reading`` names what the part
    was read as (the catalog's ``grammar.reading.*``) when there is no ``why``."""
    params = {"quoted": _quote(bad), "suggestion": Typed(suggestion)}
    if why is not None:
        return Said.of("grammar.error.why", why=why, **params).text(lang)
    return Said.of("grammar.error", reading=Said(f"grammar.reading.{reading}"), **params).text(lang)


def _quote(bad: str) -> str:
    # One line, and control characters shown escaped rather than sent on to Slack.
    quoted = "".join(c if c.isprintable() else repr(c)[1:-1] for c in " ".join(bad.split()))
    if len(quoted) > _QUOTE_LIMIT:
        quoted = quoted[: _QUOTE_LIMIT - 1] + "…"
    return quoted


class WindowError(ValueError):
    """A window that could not be read: the part not understood and a form that works.

    ``str()`` is the English message; ``text(lang)`` the message in a language, its
    suggestion written as a reader of that language types it.
    """

    def __init__(self, bad: str, suggestion: str, why: Said | None = None) -> None:
        self.bad = bad
        self.suggestion = suggestion
        self.why = why
        super().__init__(self.text("en"))

    def text(self, lang: Lang) -> str:
        return refusal(lang, self.bad, self.suggestion, self.why)

    def __str__(self) -> str:
        return self.text("en")


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
        return _from_stamp(text).replace(tzinfo=UTC)
    except ValueError:
        why = Said("grammar.why.no_such_moment")
        raise WindowError(text, "20261127080000", why) from None


def zone_name(tz: tzinfo) -> str:
    """The IANA name of a zone, "UTC", or "UTC+08:00" for a fixed offset."""
    if isinstance(tz, ZoneInfo) and tz.key:
        return tz.key
    if isinstance(tz, timezone):
        offset = tz.utcoffset(None)
        return f"UTC{_format_offset(offset)}" if offset else "UTC"
    return str(tz)


def parse_window(text: str, *, now: datetime, tz: tzinfo) -> TimeWindow:
    """Read the window part of a command, in English or Chinese; empty text means
    ``DEFAULT_WINDOW``. An error quotes the part not understood as it was typed."""
    phrase = grammar_zh.read(grammar_zh.normalise(text))
    try:
        return parse_window_words(phrase.english(), now=now, tz=tz)
    except WindowError as e:
        typed = phrase.quote(e.bad)
        if typed == e.bad:
            raise
        raise WindowError(typed, e.suggestion, e.why) from None


def parse_window_words(words: Sequence[str], *, now: datetime, tz: tzinfo) -> TimeWindow:
    """Read a window already split into the English grammar's words (``bot.core.commands``
    splits a whole command once and quotes errors from what was typed itself)."""
    if now.utcoffset() is None:
        raise ValueError("parse_window needs a timezone-aware now")
    return _Reader(now.astimezone(UTC), tz).read(list(words) or DEFAULT_WINDOW.split())


# --- reading -------------------------------------------------------------------------


class _Unreadable(Exception):
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
class _Point:
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


@dataclass(frozen=True)
class _Reader:
    now: datetime  # UTC
    tz: tzinfo
    # Off while checking candidate suggestions, so that checking one never looks for more.
    suggest: bool = True

    def read(self, tokens: list[str]) -> TimeWindow:
        try:
            return _read_tokens(tokens, self)
        except OverflowError:
            bad = " ".join(tokens)
            raise self.fail(bad, why=Said("grammar.why.out_of_range")) from None

    def fail(
        self,
        bad: str,
        *,
        why: Said | None = None,
        tries: Sequence[str] = (),
        like: str = "",
    ) -> WindowError:
        """The error to raise, with the first of ``tries`` that works as its suggestion, else
        the example closest to ``like``."""
        if not self.suggest:
            return WindowError(bad, "", why)
        return WindowError(bad, self._first_working(tries, like or bad), why)

    def point(self, tokens: Sequence[str], whole: str) -> _Point:
        try:
            return _read_point(tokens)
        except _Unreadable as e:
            bad = e.bad or " ".join(tokens)
            tries = (whole.replace(bad, e.fix, 1),) if e.fix else ()
            raise self.fail(bad, why=e.why, tries=tries, like=whole) from None

    def zone_of(self, point: _Point, other: tzinfo | None = None) -> tzinfo:
        # A zone written on one end of a range holds for the other end too: people write
        # "from 08:00 to 10:00 UTC" and mean both in UTC.
        if point.zone is not None:
            return point.zone
        if other is not None:
            return other
        return UTC if point.is_stamp else self.tz

    def spell(self, moment: datetime, zone: tzinfo, *, omit_day: date | None = None) -> str:
        """A moment as a time this module reads back to the same instant."""
        text = _format_moment(moment, zone, omit_day=omit_day)
        return text if zone is self.tz else f"{text} {zone_name(zone)}"

    def _first_working(self, tries: Sequence[str], like: str) -> str:
        examples = _examples(self.now, self.tz)
        ranked = difflib.get_close_matches(like.lower()[:80], examples, n=len(examples), cutoff=0)
        quiet = replace(self, suggest=False)
        for candidate in (*tries, *ranked):
            try:
                _read_tokens(candidate.split(), quiet)
            except (WindowError, OverflowError):
                continue
            return candidate
        return DEFAULT_WINDOW


def _read_tokens(tokens: list[str], r: _Reader) -> TimeWindow:
    head = tokens[0].lower()
    if head == "last":
        return _last(tokens, r)
    if head == "since":
        return _since(tokens[0], tokens[1:], r)
    if head in ("from", "between"):
        return _from_to(tokens, r)
    if head in ("today", "yesterday"):
        return _day(tokens, r)
    if _STAMP.fullmatch(head):
        return _stamps(tokens, r)
    raise _unknown(tokens, r)


def _last(tokens: list[str], r: _Reader) -> TimeWindow:
    if len(tokens) == 1:
        why = Said("grammar.why.needs_length")
        raise r.fail(tokens[0], why=why, tries=("last 1h",))
    text = " ".join(tokens[1:])
    try:
        seconds = _read_duration(text)
    except _Unreadable as e:
        tries = (f"last {e.fix}",) if e.fix else ()
        raise r.fail(text, why=e.why, tries=tries, like=" ".join(tokens)) from None
    # Checked before building a timedelta, which overflows long before nine digits of weeks.
    if seconds > MAX_WINDOW.total_seconds():
        raise r.fail(text, why=_TOO_LONG, tries=(_LONGEST,))
    if seconds == 0:
        raise r.fail(text, why=Said("grammar.why.zero"), tries=("last 1h",))
    return _window(
        r,
        r.now - timedelta(seconds=seconds),
        r.now,
        label=f"last {_format_duration(seconds)}",
        zone=r.tz,
        ends_now=True,
        bad=" ".join(tokens),
    )


def _since(keyword: str, rest: list[str], r: _Reader) -> TimeWindow:
    whole = " ".join(["since", *rest])
    if not rest:
        raise r.fail(keyword, why=Said("grammar.why.needs_time"), tries=("since 09:00",))
    point = r.point(rest, whole)
    zone = r.zone_of(point)
    begin = _place(point, zone, r.now)
    if begin >= r.now:
        latest = _place(replace(point, day=None, days_ago=None), zone, r.now)
        raise r.fail(
            point.text,
            why=Said("grammar.why.future"),
            tries=(f"since {r.spell(latest, zone)}",),
        )
    label = f"since {_format_moment(begin, zone, omit_day=_local_day(r.now, zone))}"
    return _window(r, begin, r.now, label=label, zone=zone, ends_now=True, bad=whole)


def _from_to(tokens: list[str], r: _Reader) -> TimeWindow:
    keyword = tokens[0].lower()
    separator = "to" if keyword == "from" else "and"
    lowered = [t.lower() for t in tokens]
    cut = lowered.index(separator, 1) if separator in lowered[1:] else len(tokens)
    return _range(keyword, separator, tokens[1:cut], tokens[cut + 1 :], r, " ".join(tokens))


def _stamps(tokens: list[str], r: _Reader) -> TimeWindow:
    # The API's own form: one stamp is a "since", two are a range.
    if len(tokens) > 1 and _STAMP.fullmatch(tokens[1]):
        return _range("from", "to", tokens[:1], tokens[1:], r, " ".join(tokens))
    return _since("since", tokens, r)


def _range(
    keyword: str, separator: str, first: list[str], second: list[str], r: _Reader, whole: str
) -> TimeWindow:
    example = f"{keyword} 10:00 {separator} 11:00"
    if not first:
        raise r.fail(whole, why=Said("grammar.why.needs_start"), tries=(example,))
    start = r.point(first, whole)
    if not second:
        tries = _with_an_end(start, f"{keyword} {start.text} {separator}", r)
        raise r.fail(whole, why=Said(f"grammar.why.needs_end.{separator}"), tries=tries)
    finish = r.point(second, whole)
    begin_zone, end_zone = r.zone_of(start, finish.zone), r.zone_of(finish, start.zone)
    begin = _place(start, begin_zone, r.now)
    if begin >= r.now:
        raise r.fail(start.text, why=Said("grammar.why.future"), like=whole)
    begin_day = _local_day(begin, begin_zone)
    end = _place(finish, end_zone, r.now, on_day=begin_day)
    if end <= begin:
        fixes = []
        if finish.is_bare_clock:
            # "from 22:00 to 02:00" most likely means 02:00 the next day.
            next_day = _place(finish, end_zone, r.now, on_day=begin_day + timedelta(days=1))
            fixes.append(
                f"{keyword} {r.spell(begin, begin_zone)} {separator} {r.spell(next_day, end_zone)}"
            )
        fixes.append(f"{keyword} {finish.text} {separator} {start.text}")
        raise r.fail(whole, why=Said("grammar.why.ends_first"), tries=fixes)
    end_text = _format_moment(end, begin_zone, omit_day=begin_day)
    label = f"{_format_moment(begin, begin_zone)} → {end_text}"
    return _window(r, begin, end, label=label, zone=begin_zone, ends_now=False, bad=whole)


def _with_an_end(start: _Point, opening: str, r: _Reader) -> tuple[str, ...]:
    """The range ending an hour after its start, for a range written without an end."""
    zone = r.zone_of(start)
    begin = _place(start, zone, r.now)
    end = begin + timedelta(hours=1)
    return (f"{opening} {r.spell(end, zone, omit_day=_local_day(begin, zone))}",)


def _day(tokens: list[str], r: _Reader) -> TimeWindow:
    word = tokens[0].lower()
    written = None
    if len(tokens) == 2:
        try:
            written = _read_zone(tokens[1])
        except _Unreadable as e:
            tries = (f"{word} {e.fix}",)
            raise r.fail(tokens[1], why=e.why, tries=tries) from None
    if len(tokens) > 1 and written is None:
        # "yesterday 18:00" is a start, not a day.
        raise r.fail(" ".join(tokens), tries=(f"since {' '.join(tokens)}", word))
    zone = written or r.tz
    today = _local_day(r.now, zone)
    if word == "today":
        begin, end = _at(today, time(), zone), r.now
        if begin >= end:
            why = Said("grammar.why.today_begun")
            raise r.fail(tokens[0], why=why, tries=("yesterday",))
    else:
        begin, end = _at(today - timedelta(days=1), time(), zone), _at(today, time(), zone)
    return _window(r, begin, end, label=word, zone=zone, ends_now=word == "today", bad=word)


def _unknown(tokens: list[str], r: _Reader) -> WindowError:
    text = " ".join(tokens)
    tries: list[str] = []
    keyword = difflib.get_close_matches(
        tokens[0].lower(), ("last", "since", "from", "between", "today", "yesterday"), n=1
    )
    if keyword:  # a typo in the first word: "lst 2h"
        tries.append(" ".join([keyword[0], *tokens[1:]]))
    try:  # a length without "last": "1h"
        tries.append(f"last {_format_duration(_read_duration(text))}")
    except _Unreadable as e:
        if e.fix:
            tries.append(f"last {e.fix}")
    tries.append(f"since {text}")  # a time without "since": "09:00"
    return r.fail(tokens[0] if keyword else text, tries=tries, like=text)


def _window(
    r: _Reader,
    begin: datetime,
    end: datetime,
    *,
    label: str,
    zone: tzinfo,
    ends_now: bool,
    bad: str,
) -> TimeWindow:
    if end - begin > MAX_WINDOW:
        raise r.fail(bad, why=_TOO_LONG, tries=(_LONGEST,))
    if not begin < end:  # a day a zone skipped entirely, for one
        raise r.fail(bad, why=Said("grammar.why.empty"), like=bad)
    return TimeWindow(begin=begin, end=end, label=label, zone=zone_name(zone), ends_now=ends_now)


# --- parts ---------------------------------------------------------------------------


def _read_duration(text: str) -> int:
    """Seconds in "2h30m", "90 min", "hour"; raises _Unreadable with a fix for odd units."""
    compact = "".join(text.lower().split())
    if compact in _UNIT_SECONDS:  # "last hour"
        return _UNIT_SECONDS[compact]
    if not _DURATION.fullmatch(compact):
        raise _Unreadable()
    total, fixed, all_known = 0, [], True
    for amount, unit in _DURATION_PART.findall(compact):
        seconds = _UNIT_SECONDS.get(unit)
        if seconds is None:
            all_known = False
            close = difflib.get_close_matches(unit, _UNIT_SECONDS, n=1, cutoff=0.5)
            seconds = _UNIT_SECONDS[close[0] if close else "h"]
        total += int(amount) * seconds
        fixed.append(f"{int(amount)}{_UNIT_SHORT[seconds]}")
    if not all_known:
        raise _Unreadable(fix="".join(fixed))
    return total


def _format_duration(seconds: int) -> str:
    # Days only from two days up: people say "last 24h" and "last 36h", then "last 3d".
    sizes = ((86400, "d"), (3600, "h"), (60, "m"), (1, "s"))
    parts = []
    for size, unit in sizes if seconds >= 2 * 86400 else sizes[1:]:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def _read_point(tokens: Sequence[str]) -> _Point:
    words = list(tokens)
    zone = _read_zone(words[-1]) if len(words) > 1 else None
    if zone is not None:
        words.pop()
    match = _POINT.fullmatch(" ".join(words).lower())
    if match is None:
        raise _Unreadable()
    if match["zone"]:
        if zone is not None:
            raise _Unreadable(Said("grammar.why.two_zones"))
        zone = _read_zone(match["zone"])
    clock_text = match["clock"] or match["dayclock"]
    text = " ".join(tokens)
    if match["stamp"]:
        try:
            stamp = _from_stamp(match["stamp"])
        except ValueError:
            raise _Unreadable(Said("grammar.why.no_such_moment")) from None
        return _Point(text, stamp.date(), None, stamp.time(), zone, is_stamp=True)
    days_ago = {"today": 0, "yesterday": 1}.get(match["dayword"] or "")
    day = _read_date(match["date"]) if match["date"] else None
    clock = _read_clock(clock_text) if clock_text else None
    return _Point(text, day, days_ago, clock, zone, is_stamp=False)


def _read_date(text: str) -> date:
    year, month, day = (int(part) for part in text.split("-"))
    try:
        return date(year, month, day)
    except ValueError:
        raise _Unreadable(Said("grammar.why.no_such_date")) from None


def _read_clock(text: str) -> time:
    match = _CLOCK.fullmatch(text)
    if match is None:  # the point pattern only lets clocks through
        raise _Unreadable()
    hour, minute, second = (int(match[g] or 0) for g in ("hour", "minute", "second"))
    if match["half"]:
        if not 1 <= hour <= 12:
            raise _Unreadable(Said("grammar.why.am_pm_hour"))
        hour = hour % 12 + (12 if match["half"] == "pm" else 0)
    elif match["minute"] is None:
        raise _Unreadable(Said("grammar.why.minutes"))
    if hour > 23:
        raise _Unreadable(Said("grammar.why.hour"))
    if minute > 59:
        raise _Unreadable(Said("grammar.why.minute"))
    if second > 59:
        raise _Unreadable(Said("grammar.why.second"))
    return time(hour, minute, second)


def _read_zone(token: str) -> tzinfo | None:
    """The zone a token names; None when it does not look like a zone at all."""
    lowered = token.lower()
    if lowered in ("utc", "z", "gmt"):
        return UTC
    offset = _OFFSET.fullmatch(lowered)
    if offset:
        hours, minutes = int(offset["hours"]), int(offset["minutes"] or 0)
        if minutes > 59 or hours * 60 + minutes > 14 * 60:
            raise _Unreadable(Said("grammar.why.offset"), bad=token, fix="UTC")
        sign = -1 if offset["sign"] == "-" else 1
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    # Only names with a "/" are taken: the bare ones ("EST", "Japan") are ambiguous or rare.
    if "/" in lowered and re.search("[a-z]", lowered):
        key = _iana_zones().get(lowered)
        if key is None:
            close = difflib.get_close_matches(lowered, _iana_zones(), n=1, cutoff=0.6)
            fix = _iana_zones()[close[0]] if close else "UTC"
            raise _Unreadable(Said("grammar.why.zone"), bad=token, fix=fix)
        return ZoneInfo(key)
    return None


@cache
def _iana_zones() -> dict[str, str]:
    # zoneinfo keys are case-sensitive on most file systems; the grammar is not.
    return {key.lower(): key for key in available_timezones()}


def _from_stamp(digits: str) -> datetime:
    year, month, day = int(digits[0:4]), int(digits[4:6]), int(digits[6:8])
    hour, minute, second = int(digits[8:10]), int(digits[10:12]), int(digits[12:14])
    return datetime(year, month, day, hour, minute, second)


# --- placing times -------------------------------------------------------------------


def _place(point: _Point, zone: tzinfo, now: datetime, *, on_day: date | None = None) -> datetime:
    """The UTC instant of a point read in zone. A bare clock goes on ``on_day`` if given,
    else on the latest day where it is not in the future."""
    clock = point.clock or time()
    if point.day is not None:
        day = point.day
    elif point.days_ago is not None:
        day = _local_day(now, zone) - timedelta(days=point.days_ago)
    elif on_day is not None:
        day = on_day
    else:
        day = _local_day(now, zone)
        if _at(day, clock, zone) >= now:
            day -= timedelta(days=1)
    return _at(day, clock, zone)


def _at(day: date, clock: time, zone: tzinfo) -> datetime:
    # fold=0 (the default) is the DST rule in the module docstring.
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def _local_day(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()


def _format_moment(moment: datetime, zone: tzinfo, *, omit_day: date | None = None) -> str:
    local = moment.astimezone(zone)
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if local.second:
        clock += f":{local.second:02d}"
    return clock if local.date() == omit_day else f"{local.date().isoformat()} {clock}"


def _format_offset(offset: timedelta) -> str:
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(offset) // timedelta(minutes=1)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _ceil_second(moment: datetime) -> datetime:
    if moment.microsecond:
        return moment.replace(microsecond=0) + _ONE_SECOND
    return moment


def _examples(now: datetime, tz: tzinfo) -> tuple[str, ...]:
    """One of each form, dated yesterday so that every one is valid when suggested."""
    yesterday = _local_day(now, tz) - timedelta(days=1)
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
