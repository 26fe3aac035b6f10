"""How long a task usually takes, and whether one run took far longer.

Pure: the store keeps each finished task's run time by instance and task name; this
reads a sample of them. A run is slow when it took more than twice the 95th percentile
of its own kind's runs in the last 30 days, and only once there are enough runs for
that percentile to mean something.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

# The runs a task's usual duration is read from.
LOOKBACK = timedelta(days=30)
# Fewer runs than this say nothing about what is usual.
MIN_RUNS = 5
# Slow: more than this many times the 95th percentile.
SLOW_FACTOR = 2.0
# At most this many of the newest runs are read for one task name (the lookup stays
# bounded however often a task runs).
MAX_RUNS = 500


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100) by linear interpolation between closest ranks."""
    if not values:
        raise ValueError("the percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"q must be within 0..100, got {q}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Usual:
    """What a task name's runs took: the median shown as "usually", the 95th percentile
    the line a run must pass twice over to be called slow."""

    runs: int
    median_s: float
    p95_s: float

    def is_slow(self, took_s: float) -> bool:
        return took_s > SLOW_FACTOR * self.p95_s


def usual_of(seconds: Sequence[float]) -> Usual | None:
    """The usual run time of these runs; ``None`` below ``MIN_RUNS``."""
    kept = [s for s in seconds if s >= 0 and math.isfinite(s)]
    if len(kept) < MIN_RUNS:
        return None
    return Usual(runs=len(kept), median_s=percentile(kept, 50), p95_s=percentile(kept, 95))


@dataclass(frozen=True)
class SlowRun:
    """A run that took far longer than its usual: what the note says."""

    took_s: float
    usual_s: float


def slow_run(took_s: float | None, others: Sequence[float]) -> SlowRun | None:
    """``took_s`` judged against ``others`` (the same name's runs, itself excluded)."""
    if took_s is None:
        return None
    usual = usual_of(others)
    if usual is None or not usual.is_slow(took_s):
        return None
    return SlowRun(took_s=took_s, usual_s=usual.median_s)
