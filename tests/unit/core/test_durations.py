"""What a task usually takes, and when a run is slow."""

from __future__ import annotations

import pytest

from bot.core.durations import MIN_RUNS, Usual, percentile, slow_run, usual_of


def test_percentile_interpolates_between_closest_ranks() -> None:
    assert percentile([10.0], 95) == 10.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 100) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0) == 1.0
    assert percentile([0.0, 10.0], 95) == pytest.approx(9.5)


@pytest.mark.parametrize("q", [-1, 101])
def test_percentile_refuses_nonsense(q: float) -> None:
    with pytest.raises(ValueError, match="q must be"):
        percentile([1.0], q)
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_fewer_runs_than_the_minimum_say_nothing_is_usual() -> None:
    assert usual_of([600.0] * (MIN_RUNS - 1)) is None
    usual = usual_of([600.0] * MIN_RUNS)
    assert usual == Usual(runs=MIN_RUNS, median_s=600.0, p95_s=600.0)


def test_a_run_is_slow_only_past_twice_the_95th_percentile() -> None:
    others = [700.0, 720.0, 710.0, 690.0, 730.0]
    p95 = percentile(others, 95)
    assert slow_run(2 * p95, others) is None
    note = slow_run(2 * p95 + 1, others)
    assert note is not None
    assert note.took_s == 2 * p95 + 1
    assert note.usual_s == 710.0  # the median: what "usually" reads as


def test_no_note_without_a_duration_or_enough_history() -> None:
    assert slow_run(None, [1.0] * 10) is None
    assert slow_run(10_000.0, [1.0] * 4) is None
    # Negative or non-finite samples (a clock skew upstream) are not runs.
    assert slow_run(10_000.0, [1.0] * 4 + [-5.0, float("nan")]) is None
