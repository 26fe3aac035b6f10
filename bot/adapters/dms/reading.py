"""Reading what DMS lists: its counts, and what it sent unreadable, logged once.

A task that is read on every poll and every answer would otherwise log the same
warning each time.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from cachetools import LRUCache

log = logging.getLogger("kafka_tasks.dms")

# Tasks and instances whose unreadable fields were logged: each is logged once, not on
# every poll and answer that reads it again. Bounded, like everything DMS can grow.
_REPORTED = 4096


class OnceReports:
    def __init__(self) -> None:
        self._reported: LRUCache[str, None] = LRUCache(maxsize=_REPORTED)

    def unreadable(self, subject: str, fields: Mapping[str, str]) -> None:
        """Logs, once per task or instance (``subject`` names it), which of its fields DMS
        sent unreadable; the fields' content never (it is what could not be read, and may
        be anything)."""
        if self._first_report(subject):
            log.warning(
                "%s has fields DMS sent that cannot be read (%s); it is shown without them",
                subject,
                ", ".join(f"{name}: {why}" for name, why in sorted(fields.items())),
            )

    def no_id(self, subject: str, why: str) -> None:
        """Logs, once for ``subject``, that DMS sent one without an id the bot can read.

        It is left out: without its id a task cannot be told from another (two would
        be merged into one), opened, or followed, nor an instance asked about."""
        if self._first_report(subject):
            log.warning("DMS sent %s without a readable id (%s); it is left out", subject, why)

    def _first_report(self, subject: str) -> bool:
        if subject in self._reported:
            return False
        self._reported[subject] = None
        return True


def parse_count(value: object) -> int | None:
    """``task_count`` is documented as a string; accept an int too, else unknown."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return max(value, 0)
    if isinstance(value, str):
        try:
            return max(int(value.strip()), 0)
        except ValueError:
            return None
    return None
