"""Single-flight TTL cache and window bucketing: what makes a burst cost one query."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.cache import SingleFlightCache, bucket_window


class FakeTimer:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_concurrent_identical_loads_run_once() -> None:
    cache: SingleFlightCache[str, int] = SingleFlightCache(ttl=20)
    calls = 0
    gate = asyncio.Event()

    async def load() -> int:
        nonlocal calls
        calls += 1
        await gate.wait()
        return 42

    waiters = [asyncio.create_task(cache.get("k", load)) for _ in range(100)]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*waiters)
    assert calls == 1
    assert {value for value, _ in results} == {42}
    assert cache.stats.joins == 99


async def test_cached_until_ttl_then_reloaded() -> None:
    timer = FakeTimer()
    cache: SingleFlightCache[str, int] = SingleFlightCache(ttl=20, timer=timer)
    values = iter([1, 2])

    async def load() -> int:
        return next(values)

    assert await cache.get("k", load) == (1, False)
    timer.now = 19
    assert await cache.get("k", load) == (1, True)
    timer.now = 21
    assert await cache.get("k", load) == (2, False)


async def test_fresh_bypasses_the_cache_but_joins_a_load_in_flight() -> None:
    cache: SingleFlightCache[str, int] = SingleFlightCache(ttl=20)
    calls = 0
    gate = asyncio.Event()

    async def load() -> int:
        nonlocal calls
        calls += 1
        await gate.wait()
        return calls

    assert (await asyncio.gather(cache.get("k", load), _released(gate)))[0] == (1, False)
    gate.clear()
    first = asyncio.create_task(cache.get("k", load, fresh=True))
    second = asyncio.create_task(cache.get("k", load, fresh=True))
    await asyncio.sleep(0)
    gate.set()
    assert await first == (2, False)
    assert await second == (2, False)
    assert calls == 2


async def _released(gate: asyncio.Event) -> None:
    await asyncio.sleep(0)
    gate.set()


async def test_failures_are_shared_but_not_cached() -> None:
    cache: SingleFlightCache[str, int] = SingleFlightCache(ttl=20)
    attempts = 0

    async def flaky() -> int:
        nonlocal attempts
        attempts += 1
        await asyncio.sleep(0)
        if attempts == 1:
            raise RuntimeError("upstream down")
        return 7

    outcomes = await asyncio.gather(
        cache.get("k", flaky), cache.get("k", flaky), return_exceptions=True
    )
    assert all(isinstance(o, RuntimeError) for o in outcomes)
    assert await cache.get("k", flaky) == (7, False)


async def test_a_cancelled_waiter_does_not_cancel_the_load_for_others() -> None:
    cache: SingleFlightCache[str, int] = SingleFlightCache(ttl=20)
    gate = asyncio.Event()

    async def load() -> int:
        await gate.wait()
        return 5

    impatient = asyncio.create_task(cache.get("k", load))
    patient = asyncio.create_task(cache.get("k", load))
    await asyncio.sleep(0)
    impatient.cancel()
    gate.set()
    assert await patient == (5, False)
    with pytest.raises(asyncio.CancelledError):
        await impatient


def test_windows_ending_now_share_a_bucket_within_its_width() -> None:
    base = datetime(2026, 11, 27, 10, 0, 0, tzinfo=UTC)
    keys = {
        bucket_window(
            base + timedelta(seconds=s) - timedelta(hours=1),
            base + timedelta(seconds=s),
            ends_now=True,
            bucket_seconds=15,
        )
        for s in (0.5, 3, 9.9, 14.2)
    }
    assert len(keys) == 1
    ((low, high),) = keys
    assert low <= base - timedelta(hours=1, seconds=-0.5)
    assert high >= base + timedelta(seconds=14.2)
    assert (high - low) <= timedelta(hours=1, seconds=30)


def test_fixed_windows_are_only_widened_to_whole_seconds() -> None:
    begin = datetime(2026, 11, 27, 8, 0, 0, 250_000, tzinfo=UTC)
    end = datetime(2026, 11, 27, 9, 0, 0, 750_000, tzinfo=UTC)
    low, high = bucket_window(begin, end, ends_now=False, bucket_seconds=15)
    assert low == begin.replace(microsecond=0)
    assert high == end.replace(microsecond=0) + timedelta(seconds=1)
