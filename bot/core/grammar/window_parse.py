"""Time windows read: "last 1h", "since 09:00", "yesterday" ... -> an exact UTC window.

Times without a zone are read in the zone given (the user's Slack zone, else the
configured default), so "since 09:00" and "yesterday" mean what the person asking sees
on their own clock.

Every ``WindowError`` carries a suggestion that is itself a window this module accepts
at the same moment and in the same zone, so a user can paste it back as it is.

Windows may be written in Simplified Chinese too (最近1小时, 自 09:00 起, 昨天): they are
read as the English words they stand for (``bot.core.grammar.zh_read``), and errors
quote them as typed. Every error also reads in Chinese: ``WindowError.text("zh")``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from bot.core.grammar import zh_read
from bot.core.grammar.errors import WindowError
from bot.core.grammar.window import (
    DEFAULT_WINDOW,
    MAX_WINDOW,
    MAX_WINDOW_DAYS,
    TimeWindow,
    zone_name,
)
from bot.core.grammar.window_parts import (
    Point,
    Unreadable,
    at,
    examples,
    format_duration,
    format_moment,
    local_day,
    place,
    read_duration,
    read_point,
    read_zone,
)
from bot.core.grammar.zh_words import normalise
from bot.i18n import Said

_STAMP = re.compile(r"[0-9]{14}(?:z|utc)?", re.ASCII | re.IGNORECASE)


_LONGEST = f"last {MAX_WINDOW_DAYS}d"
_TOO_LONG = Said.of("grammar.why.too_long_window", days=MAX_WINDOW_DAYS)


def parse_window(text: str, *, now: datetime, tz: tzinfo) -> TimeWindow:
    """Read the window part of a command, in English or Chinese; empty text means
    ``DEFAULT_WINDOW``. An error quotes the part not understood as it was typed."""
    phrase = zh_read.read(normalise(text))
    try:
        return parse_window_words(phrase.english(), now=now, tz=tz)
    except WindowError as e:
        typed = phrase.quote(e.bad)
        if typed == e.bad:
            raise
        raise WindowError(typed, e.suggestion, e.why) from None


def parse_window_words(words: Sequence[str], *, now: datetime, tz: tzinfo) -> TimeWindow:
    """Read a window already split into the English grammar's words (``bot.core.grammar.commands``
    splits a whole command once and quotes errors from what was typed itself)."""
    if now.utcoffset() is None:
        raise ValueError("parse_window needs a timezone-aware now")
    return _Reader(now.astimezone(UTC), tz).read(list(words) or DEFAULT_WINDOW.split())


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

    def point(self, tokens: Sequence[str], whole: str) -> Point:
        try:
            return read_point(tokens)
        except Unreadable as e:
            bad = e.bad or " ".join(tokens)
            tries = (whole.replace(bad, e.fix, 1),) if e.fix else ()
            raise self.fail(bad, why=e.why, tries=tries, like=whole) from None

    def zone_of(self, point: Point, other: tzinfo | None = None) -> tzinfo:
        # A zone written on one end of a range holds for the other end too: people write
        # "from 08:00 to 10:00 UTC" and mean both in UTC.
        if point.zone is not None:
            return point.zone
        if other is not None:
            return other
        return UTC if point.is_stamp else self.tz

    def spell(self, moment: datetime, zone: tzinfo, *, omit_day: date | None = None) -> str:
        """A moment as a time this module reads back to the same instant."""
        text = format_moment(moment, zone, omit_day=omit_day)
        return text if zone is self.tz else f"{text} {zone_name(zone)}"

    def _first_working(self, tries: Sequence[str], like: str) -> str:
        forms = examples(self.now, self.tz)
        ranked = difflib.get_close_matches(like.lower()[:80], forms, n=len(forms), cutoff=0)
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
        seconds = read_duration(text)
    except Unreadable as e:
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
        label=f"last {format_duration(seconds)}",
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
    begin = place(point, zone, r.now)
    if begin >= r.now:
        latest = place(replace(point, day=None, days_ago=None), zone, r.now)
        raise r.fail(
            point.text,
            why=Said("grammar.why.future"),
            tries=(f"since {r.spell(latest, zone)}",),
        )
    label = f"since {format_moment(begin, zone, omit_day=local_day(r.now, zone))}"
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
    begin = place(start, begin_zone, r.now)
    if begin >= r.now:
        raise r.fail(start.text, why=Said("grammar.why.future"), like=whole)
    begin_day = local_day(begin, begin_zone)
    end = place(finish, end_zone, r.now, on_day=begin_day)
    if end <= begin:
        fixes = []
        if finish.is_bare_clock:
            # "from 22:00 to 02:00" most likely means 02:00 the next day.
            next_day = place(finish, end_zone, r.now, on_day=begin_day + timedelta(days=1))
            fixes.append(
                f"{keyword} {r.spell(begin, begin_zone)} {separator} {r.spell(next_day, end_zone)}"
            )
        fixes.append(f"{keyword} {finish.text} {separator} {start.text}")
        raise r.fail(whole, why=Said("grammar.why.ends_first"), tries=fixes)
    end_text = format_moment(end, begin_zone, omit_day=begin_day)
    label = f"{format_moment(begin, begin_zone)} → {end_text}"
    return _window(r, begin, end, label=label, zone=begin_zone, ends_now=False, bad=whole)


def _with_an_end(start: Point, opening: str, r: _Reader) -> tuple[str, ...]:
    """The range ending an hour after its start, for a range written without an end."""
    zone = r.zone_of(start)
    begin = place(start, zone, r.now)
    end = begin + timedelta(hours=1)
    return (f"{opening} {r.spell(end, zone, omit_day=local_day(begin, zone))}",)


def _day(tokens: list[str], r: _Reader) -> TimeWindow:
    word = tokens[0].lower()
    written = None
    if len(tokens) == 2:
        try:
            written = read_zone(tokens[1])
        except Unreadable as e:
            tries = (f"{word} {e.fix}",)
            raise r.fail(tokens[1], why=e.why, tries=tries) from None
    if len(tokens) > 1 and written is None:
        # "yesterday 18:00" is a start, not a day.
        raise r.fail(" ".join(tokens), tries=(f"since {' '.join(tokens)}", word))
    zone = written or r.tz
    today = local_day(r.now, zone)
    if word == "today":
        begin, end = at(today, time(), zone), r.now
        if begin >= end:
            why = Said("grammar.why.today_begun")
            raise r.fail(tokens[0], why=why, tries=("yesterday",))
    else:
        begin, end = at(today - timedelta(days=1), time(), zone), at(today, time(), zone)
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
        tries.append(f"last {format_duration(read_duration(text))}")
    except Unreadable as e:
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
