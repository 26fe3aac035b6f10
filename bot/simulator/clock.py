"""Clocks for the simulator: the task timeline and the signature check each take one.

Tests move a ``ManualClock`` to finish tasks and reveal new ones; the date check on
signatures keeps its own clock so that moving the timeline never breaks signing.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def __repr__(self) -> str:
        return "SystemClock()"


def _require_aware(dt: datetime) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"ManualClock needs a timezone-aware datetime, got naive {dt.isoformat()}")
    return dt.astimezone(UTC)


class ManualClock:
    """A clock that only moves when told to.

    A ``SimulatorThread`` reads it from its own thread while a test moves it from
    another, hence the lock.
    """

    def __init__(self, start: datetime) -> None:
        self._now = _require_aware(start)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError(f"ManualClock only moves forward; advance({delta}) is negative")
        with self._lock:
            self._now += delta
            return self._now

    def set(self, dt: datetime) -> None:
        moved = _require_aware(dt)
        with self._lock:
            self._now = moved

    def __repr__(self) -> str:
        return f"ManualClock({self.now().isoformat()})"
