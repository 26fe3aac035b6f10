"""Faults to inject: standing ones (latency, a failure rate) and a queue of one-shots.

The queue lets a test say exactly which of the next requests fail and how, so retry
logic can be tested without sleeping or hoping; the seeded failure rate is for soak
runs and demos, and is reproducible for a given seed.

The kinds, by what the client sees:

- ``401``, ``403``, ``404``, ``429``, ``500``, ``502``, ``503``: that status with the
  gateway's or DMS's JSON error body (``429`` with ``Retry-After`` when given).
- ``drop``: the connection closed with no response; ``truncated``: the real body cut
  in half; ``malformed``: an HTML error page under a JSON content type.
- ``slow``: the real response after ``delay_ms``; ``timeout``: nothing for
  ``delay_ms`` (default: longer than the client's default timeout), or until the
  client hangs up, then the real response to a client that waited.
- Task bodies with a field of the wrong shape; the response is otherwise the real
  one, and a response without a task list (instances, errors) is left as it is:
  ``count_number`` (``task_count`` as a JSON number), ``count_missing``,
  ``tasks_null`` (``tasks`` null while ``task_count`` says there are some) and
  ``bad_dates`` (``created_at``/``updated_at`` as epoch milliseconds, the form the
  instance API uses, which is not the ISO-8601 the task API documents).
- Task bodies no client should read whole: ``params_nested`` (the first task's params
  an array nested 100,000 deep, in the body itself rather than as a string) and
  ``oversized`` (the real body padded past 4 MiB, the most the bot reads).

A fault may name the ``service`` it hits (``dms``, ``cts`` or ``ces``): a key without
CTS permission is a 403 on traces while tasks still load, and the queue keeps a
targeted fault for the first request to its service. ``absent_services`` models a
region without CES (or CTS): its paths answer as a gateway without that API does.
"""

from __future__ import annotations

import random
import threading
from collections import deque
from dataclasses import asdict, dataclass
from typing import Final

# Faults that rewrite a task body rather than replace the response.
BODY_FAULT_KINDS: Final = frozenset(
    {"count_number", "count_missing", "tasks_null", "bad_dates", "params_nested", "oversized"}
)
FAULT_KINDS: Final = frozenset(
    {
        *("401", "403", "404", "429", "500", "502", "503"),
        *("malformed", "drop", "slow", "timeout", "truncated"),
        *BODY_FAULT_KINDS,
    }
)
# What "timeout" holds a request for when not told: past the client's default 10 s.
DEFAULT_TIMEOUT_MS: Final = 30_000.0
_DELAYED = frozenset({"slow", "timeout"})
SERVICES: Final = ("dms", "cts", "ces")
_KINDS_TEXT = ", ".join(sorted(FAULT_KINDS))


@dataclass(frozen=True)
class Fault:
    kind: str
    retry_after: float | None = None  # 429 only; None sends no Retry-After header
    delay_ms: float | None = None  # "slow" (required) and "timeout" (optional) only
    service: str | None = None  # None: whichever request comes next

    def __post_init__(self) -> None:
        if self.service is not None and self.service not in SERVICES:
            raise ValueError(f"unknown service {self.service!r}; expected one of {SERVICES}")
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {_KINDS_TEXT}")
        if self.retry_after is not None and (self.kind != "429" or self.retry_after < 0):
            raise ValueError("retry_after applies to kind '429' only and must be >= 0")
        if self.kind == "slow" and self.delay_ms is None:
            raise ValueError("kind 'slow' needs delay_ms >= 0")
        if self.delay_ms is not None and (self.kind not in _DELAYED or self.delay_ms < 0):
            raise ValueError("delay_ms applies to kinds 'slow' and 'timeout' only and must be >= 0")

    @property
    def hold_ms(self) -> float:
        """How long the request is held before it is answered (0: not at all)."""
        if self.kind not in _DELAYED:
            return 0.0
        # Only "timeout" may leave delay_ms out.
        return DEFAULT_TIMEOUT_MS if self.delay_ms is None else self.delay_ms


@dataclass
class _Pending:
    fault: Fault
    remaining: int


class Faults:
    """Shared between the server's loop and a test's thread, hence the lock."""

    def __init__(self, *, seed: int, latency_ms: float = 0, fail_rate: float = 0.0) -> None:
        self._lock = threading.Lock()
        self._queue: deque[_Pending] = deque()
        self._rng = random.Random(f"{seed}/faults")
        self.latency_ms = latency_ms
        self.fail_rate = fail_rate
        self.absent_services: frozenset[str] = frozenset()

    @property
    def latency_ms(self) -> float:
        return self._latency_ms

    @latency_ms.setter
    def latency_ms(self, value: float) -> None:
        if value < 0:
            raise ValueError(f"latency_ms must be >= 0, got {value}")
        self._latency_ms = float(value)

    @property
    def absent_services(self) -> frozenset[str]:
        return self._absent

    @absent_services.setter
    def absent_services(self, value: frozenset[str]) -> None:
        unknown = set(value) - set(SERVICES)
        if unknown:
            raise ValueError(f"unknown service(s) {sorted(unknown)}; expected some of {SERVICES}")
        self._absent = frozenset(value)

    @property
    def fail_rate(self) -> float:
        return self._fail_rate

    @fail_rate.setter
    def fail_rate(self, value: float) -> None:
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"fail_rate must be within [0, 1], got {value}")
        self._fail_rate = float(value)

    def add(
        self,
        kind: str,
        count: int = 1,
        retry_after: float | None = None,
        delay_ms: float | None = None,
        service: str | None = None,
    ) -> None:
        """Make the next ``count`` API requests (to ``service``, or any), after those
        already queued for them, fail so."""
        if count < 1:
            raise ValueError(f"count must be >= 1, got {count}")
        fault = Fault(kind, retry_after=retry_after, delay_ms=delay_ms, service=service)
        with self._lock:
            self._queue.append(_Pending(fault, count))

    def clear(self) -> None:
        """Drop every queued one-shot fault (latency and fail rate stay as they are)."""
        with self._lock:
            self._queue.clear()

    def pending(self) -> list[dict[str, object]]:
        with self._lock:
            return [_shown(p.fault) | {"count": p.remaining} for p in self._queue]

    def take(self, service: str = "dms") -> Fault | None:
        """The fault for a request to ``service``: the first queued one for it (or for
        any service), else the dice."""
        with self._lock:
            for pending in self._queue:
                if pending.fault.service not in (None, service):
                    continue
                pending.remaining -= 1
                if pending.remaining == 0:
                    self._queue.remove(pending)
                return pending.fault
            if self._fail_rate and self._rng.random() < self._fail_rate:
                return Fault("500")
        return None


def _shown(fault: Fault) -> dict[str, object]:
    shown = asdict(fault)
    if fault.service is None:
        del shown["service"]  # untargeted faults read as they always have
    return shown
