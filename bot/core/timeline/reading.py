"""Reading one object of a CTS, CES or DMS answer within bounds: the text, number and
time readers the timeline records share.

Built on the DMS reader (``bot.core.dms.models``) so that a field too long, nested or of
the wrong type is left out and named in ``unreadable`` the same way everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime

from bot.core.dms.models import FieldReader, parse_epoch_ms, parse_iso_utc

__all__ = ["Reader", "parse_time"]

# Epoch milliseconds of 1 Jan 2000 and 1 Jan 2200: a number outside is not a time.
_EARLIEST_MS = 946_684_800_000
_LATEST_MS = 7_258_118_400_000


def parse_time(value: object) -> datetime | None:
    """CTS sends epoch milliseconds (a number), CES a UTC time whose wire form was never
    seen (ISO 8601 is what its SDK parses), DMS steps a number or its string: all read."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        if not math.isfinite(value) or not _EARLIEST_MS <= value <= _LATEST_MS:
            return None
        return parse_epoch_ms(int(value))
    # ASCII only: "²" and other digits str.isdigit() knows are no number int() reads.
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return parse_time(int(value.strip()))
    moment = parse_iso_utc(value)
    # The same years as epoch times: a year 1 or 9999 is no record's, and sorting or
    # measuring from it would overflow the calendar.
    if moment is None or not _EARLIEST_MS <= moment.timestamp() * 1000 <= _LATEST_MS:
        return None
    return moment


class Reader(FieldReader):
    """The DMS reader, with the numbers and nested objects these APIs send."""

    def number(self, key: str, *, low: float, high: float) -> float | None:
        """A number (or its text) within ``[low, high]``; else None, noted when present."""
        value = self.data.get(key)
        if value is None or value == "":
            return None
        number: float | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str) and len(value) <= 64:
            try:
                number = float(value.strip())
            except ValueError:
                number = None
        if number is None or not math.isfinite(number) or not low <= number <= high:
            # Not a number at all, or one outside what the field can be.
            self.unreadable[key] = "too_large" if number is not None else "not_text"
            return None
        return number

    def integer(self, key: str, *, low: int, high: int) -> int | None:
        number = self.number(key, low=low, high=high)
        return None if number is None else int(number)

    def at(self, key: str) -> datetime | None:
        return parse_time(self.time(key))

    def child(self, key: str) -> Reader:
        """The reader of a nested object; an empty one when it is missing or not one."""
        value = self.data.get(key)
        if value is not None and not isinstance(value, Mapping):
            self.unreadable[key] = "not_text"
        return Reader(value if isinstance(value, Mapping) else {})

    def items(self, key: str, most: int, *, newest: bool = False) -> list[Reader]:
        """Readers of the objects of a list (at most ``most``, the first ones, or with
        ``newest`` the last ones of a list in time order; other entries skipped)."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.unreadable[key] = "not_text"
            return []
        if len(value) > most:
            self.unreadable[key] = "too_large"
        kept = value[-most:] if newest else value[:most]
        return [Reader(item) for item in kept if isinstance(item, Mapping)]
