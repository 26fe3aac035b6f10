"""Counts of the API requests served, for tests and benchmarks to assert on.

"How many upstream calls did that cost" and "how many ran at once" are the questions
the caching and paging targets are stated in, so those are what is counted.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

ENDPOINT_KINDS = ("list_instances", "show_instance", "list_tasks", "show_task", "unknown")
# Counted the same, but shown only once asked for, so a DMS-only run reads as before.
CONTEXT_KINDS = ("list_traces", "list_alarm_histories", "show_progress")


@dataclass(frozen=True)
class StatsSnapshot:
    requests: dict[str, int] = field(default_factory=dict)  # by endpoint kind
    outcomes: dict[str, int] = field(default_factory=dict)  # by HTTP status, or "drop"
    max_in_flight: int = 0

    @property
    def total(self) -> int:
        return sum(self.requests.values())

    def to_json(self) -> dict[str, object]:
        return {
            "requests": self.requests,
            "outcomes": self.outcomes,
            "total": self.total,
            "max_in_flight": self.max_in_flight,
        }


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: Counter[str] = Counter()
        self._outcomes: Counter[str] = Counter()
        self._in_flight = 0
        self._max_in_flight = 0

    def started(self, kind: str) -> None:
        with self._lock:
            self._requests[kind] += 1
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)

    def finished(self, outcome: str) -> None:
        with self._lock:
            self._outcomes[outcome] += 1
            self._in_flight -= 1

    def count(self, kind: str) -> int:
        with self._lock:
            return self._requests[kind]

    def snapshot(self) -> StatsSnapshot:
        with self._lock:
            return StatsSnapshot(
                requests={kind: self._requests[kind] for kind in ENDPOINT_KINDS}
                | {kind: self._requests[kind] for kind in CONTEXT_KINDS if self._requests[kind]},
                outcomes=dict(sorted(self._outcomes.items())),
                max_in_flight=self._max_in_flight,
            )

    def reset(self) -> None:
        """Zero the counts; requests in flight stay counted as in flight."""
        with self._lock:
            self._requests.clear()
            self._outcomes.clear()
            self._max_in_flight = self._in_flight
