"""Holding notifications back for a while: quiet hours and snoozes, as time arithmetic.

Both say until when a finished task is held; the outbox keeps the held rows and posts
them as one digest at that moment. Everything here is pure: a clock reading comes in,
an aware UTC instant goes out.

Wall-clock times are read in the zone they were given in, with fold 0 on a DST change
(as the window grammar does): on the night the clocks go back, "08:00" is the first
08:00; on the night they go forward, a clock the day skips is read with the offset
before the change, an hour later in the new time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.grammar.window_parts import Unreadable, read_zone

# The choices a notification's snooze menu offers.
SnoozeChoice = Literal["1h", "4h", "morning"]
SNOOZE_CHOICES: tuple[SnoozeChoice, ...] = get_args(SnoozeChoice)
# "until tomorrow morning" is this clock in the presser's zone.
MORNING = time(9, 0)

_RANGE = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])-([01]?[0-9]|2[0-3]):([0-5][0-9])")


@dataclass(frozen=True)
class QuietHours:
    """A subscription's quiet hours: from ``start`` to ``end`` each day in ``zone``
    (an end before the start runs over midnight). Failures still come through unless
    ``everything`` is set."""

    start: time
    end: time
    zone: str = "UTC"
    everything: bool = False

    @property
    def range_text(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def held_until(self, now: datetime, *, failed: bool) -> datetime | None:
        """When quiet hours in force at ``now`` end, for a task that ended then; None
        when it is not held (outside quiet hours, or a failure that comes through)."""
        if failed and not self.everything:
            return None
        return quiet_until(self, now)


def read_range(text: str) -> tuple[time, time] | None:
    """ "22:00-08:00" -> (22:00, 08:00); None when it is not such a range, or an empty one."""
    match = _RANGE.fullmatch(text.strip())
    if match is None:
        return None
    start = time(int(match[1]), int(match[2]))
    end = time(int(match[3]), int(match[4]))
    return None if start == end else (start, end)


def zone_of(name: str) -> tzinfo:
    """The zone a stored name stands for: an IANA name (with or without a "/", such as
    "Japan"), "UTC", or "UTC+08:00". A name this machine cannot read (a newer tz
    database's, a folder such as "America") reads as UTC rather than failing a delivery
    or a summary."""
    try:
        return read_zone(name) or ZoneInfo(name)
    except (Unreadable, ZoneInfoNotFoundError, ValueError, OSError):
        return UTC


def _at(day: datetime, clock: time, zone: tzinfo) -> datetime:
    return datetime.combine(day.date(), clock, tzinfo=zone).astimezone(UTC)


def quiet_until(quiet: QuietHours, now: datetime) -> datetime | None:
    """The end of the quiet hours ``now`` falls in, or None when it falls in none."""
    zone = zone_of(quiet.zone)
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    start, end = quiet.start, quiet.end
    if start < end:
        inside = start <= clock < end
        day = local
    elif clock >= start:  # over midnight, before it
        inside, day = True, local + timedelta(days=1)
    else:  # over midnight, after it
        inside, day = clock < end, local
    if not inside:
        return None
    until = _at(day, end, zone)
    # A wall clock read across a DST change can land at or before now: nothing to hold.
    return until if until > now else None


def snooze_until(choice: str, now: datetime, zone: tzinfo) -> datetime:
    """When a snooze chosen at ``now`` by someone in ``zone`` ends; ``ValueError`` for
    a choice the menu does not offer."""
    if choice == "1h":
        return now + timedelta(hours=1)
    if choice == "4h":
        return now + timedelta(hours=4)
    if choice == "morning":
        return _at(now.astimezone(zone) + timedelta(days=1), MORNING, zone)
    raise ValueError(f"unknown snooze choice {choice!r}")


def snooze_hold(instance_id: str) -> str:
    """The outbox hold of a snooze: one per channel and instance, whatever its end, so
    that snoozing again or Undo moves the end of everything it holds."""
    return f"snooze:{instance_id}"


def quiet_hold(instance_id: str) -> str:
    """The outbox hold of quiet hours; each night's rows end together, at its end."""
    return f"quiet:{instance_id}"


def hold_for(
    instance_id: str,
    now: datetime,
    *,
    failed: bool,
    snoozed_until: datetime | None = None,
    quiet: QuietHours | None = None,
) -> tuple[str, datetime] | None:
    """What holds a task that ended at ``now`` back, and until when: a snooze in force,
    quiet hours in force (failures only when they say so), the later of both; None
    when it goes out at once."""
    holds: list[tuple[str, datetime]] = []
    if snoozed_until is not None and snoozed_until > now:
        holds.append((snooze_hold(instance_id), snoozed_until))
    quiet_end = quiet.held_until(now, failed=failed) if quiet is not None else None
    if quiet_end is not None:
        holds.append((quiet_hold(instance_id), quiet_end))
    return max(holds, key=lambda hold: hold[1]) if holds else None
