"""What DmsClient records, against the simulator over loopback: each attempt's latency,
each failure's code, cache hits and single-flight joins, and the request ids a block of
work received."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC
from typing import Any

import pytest

from bot.adapters.dms.client import DmsClient
from bot.adapters.dms.trace import collecting_request_ids
from bot.adapters.metrics import Metrics
from bot.core.dms.accounts import Credentials
from bot.core.dms.errors import DmsError, DmsProtocolError
from bot.core.dms.source import ClientOptions
from bot.core.grammar.window import TimeWindow
from bot.core.grammar.window_parse import parse_window
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Simulator
from tests.conftest import SIMULATOR_START

DEMO = Credentials(DEMO_AK, DEMO_SK, DEMO_PROJECT_ID)
MAX_ATTEMPTS = 3
PAGE_SIZE = 5  # the demo instance's last 6 hours span many pages: paging is concurrent


async def no_wait(_: float) -> None:
    await asyncio.sleep(0)


def client(
    sim: Simulator,
    metrics: Metrics,
    *,
    page_size: int = PAGE_SIZE,
    max_attempts: int = MAX_ATTEMPTS,
    **options: Any,
) -> DmsClient:
    opts = ClientOptions(page_size=page_size, max_attempts=max_attempts, **options)
    return DmsClient.create(sim.url, DEMO, options=opts, sleep=no_wait, metrics=metrics)


def value(metrics: Metrics, name: str, **labels: str) -> float:
    found = metrics.registry.get_sample_value(name, labels)
    return 0.0 if found is None else found


def all_errors(metrics: Metrics) -> float:
    return sum(
        s.value
        for family in metrics.registry.collect()
        if family.name == "kafka_tasks_upstream_errors"
        for s in family.samples
        if s.name.endswith("_total")
    )


def attempts(metrics: Metrics, operation: str) -> float:
    return value(metrics, "kafka_tasks_upstream_seconds_count", operation=operation)


def window(text: str = "last 6h") -> TimeWindow:
    return parse_window(text, now=SIMULATOR_START, tz=UTC)


@pytest.fixture
async def prod_orders(simulator: Simulator) -> AsyncIterator[str]:
    async with client(simulator, Metrics()) as dms:
        yield (await dms.resolve("prod-orders")).instance_id


async def test_each_request_is_timed_and_its_id_collected_with_concurrent_pages(
    simulator: Simulator, prod_orders: str
) -> None:
    metrics = Metrics()
    async with client(simulator, metrics, concurrency=4) as dms:
        simulator.stats.reset()
        with collecting_request_ids() as ids:
            listing = await dms.list_tasks(prod_orders, window())
        pages = simulator.stats.count("list_tasks")
        assert pages > 4, "several rounds of concurrent pages"
        assert attempts(metrics, "list_tasks") == pages
        assert value(metrics, "kafka_tasks_upstream_seconds_sum", operation="list_tasks") > 0
        # Every page's response, the first and each worker's, and nothing else.
        assert len(ids) == len(set(ids)) == pages
        assert set(ids) == set(listing.request_ids)
        assert value(metrics, "kafka_tasks_cache_requests_total", cache="tasks", result="miss") == 1

        # The same question again is a cache hit: no request, and no id.
        with collecting_request_ids() as again:
            cached = await dms.list_tasks(prod_orders, window())
        assert cached.from_cache
        assert again == []
        assert attempts(metrics, "list_tasks") == pages
        assert value(metrics, "kafka_tasks_cache_requests_total", cache="tasks", result="hit") == 1

        await dms.list_instances()
        await dms.list_instances()
        assert attempts(metrics, "list_instances") == simulator.stats.count("list_instances") == 1
        assert value(metrics, "kafka_tasks_cache_requests_total", cache="instances", result="hit")

        task = listing.tasks[0]
        await dms.get_task(prod_orders, task.id)
        assert attempts(metrics, "get_task") == 1
    assert all_errors(metrics) == 0


async def test_identical_asks_in_flight_join_one_fetch(
    simulator: Simulator, prod_orders: str
) -> None:
    metrics = Metrics()
    simulator.faults.latency_ms = 30  # long enough for every ask to arrive mid-fetch
    async with client(simulator, metrics, page_size=50) as dms:
        simulator.stats.reset()

        async def ask() -> list[str]:
            with collecting_request_ids() as ids:
                await dms.list_tasks(prod_orders, window("last 1h"))
            return ids

        collected = await asyncio.gather(*(ask() for _ in range(10)))
    assert value(metrics, "kafka_tasks_cache_requests_total", cache="tasks", result="miss") == 1
    assert value(metrics, "kafka_tasks_singleflight_joins_total", cache="tasks") == 9
    assert attempts(metrics, "list_tasks") == simulator.stats.count("list_tasks")
    # The ask that sent the requests has their ids; the nine that joined it sent none.
    assert sorted(len(ids) for ids in collected) == [0] * 9 + [simulator.stats.count("list_tasks")]


# (fault, the code each failed attempt counts under, attempts made before giving up)
FAULTS = [
    pytest.param("404", "DMS.00404022", 1, id="404-not-retried"),
    pytest.param("401", "APIGW.0301", 1, id="401-not-retried"),
    pytest.param("429", "APIGW.0308", MAX_ATTEMPTS, id="429"),
    pytest.param("500", "DMS.00500000", MAX_ATTEMPTS, id="500"),
    pytest.param("502", "APIGW.0202", MAX_ATTEMPTS, id="502"),
    pytest.param("malformed", "malformed", 1, id="malformed"),
    pytest.param("timeout", "timeout", MAX_ATTEMPTS, id="timeout"),
    pytest.param("drop", "connection", MAX_ATTEMPTS, id="drop"),
]


@pytest.mark.parametrize(("kind", "code", "tries"), FAULTS)
async def test_each_failed_attempt_is_timed_and_counted_by_code(
    simulator: Simulator, prod_orders: str, kind: str, code: str, tries: int
) -> None:
    metrics = Metrics()
    async with client(simulator, metrics, page_size=50, timeout=0.15, cache_ttl=0) as dms:
        simulator.faults.add(kind, count=100, retry_after=0 if kind == "429" else None)
        with collecting_request_ids() as ids, pytest.raises(DmsError) as raised:
            await dms.list_tasks(prod_orders, window("last 1h"))
        simulator.faults.clear()
    if kind == "malformed":
        assert isinstance(raised.value, DmsProtocolError)
    assert value(metrics, "kafka_tasks_upstream_errors_total", code=code) == tries
    assert all_errors(metrics) == tries, "every failed attempt under that one code"
    assert attempts(metrics, "list_tasks") == tries
    # Error responses carry request ids too (support traces them); no answer, no id.
    if kind in ("timeout", "drop"):
        assert ids == []
    else:
        assert len(ids) == tries
        assert raised.value.request_id == ids[-1]


async def test_a_fault_that_clears_counts_only_the_failed_attempts(
    simulator: Simulator, prod_orders: str
) -> None:
    metrics = Metrics()
    async with client(simulator, metrics, page_size=50, max_attempts=4) as dms:
        simulator.faults.add("503", count=2)
        with collecting_request_ids() as ids:
            listing = await dms.list_tasks(prod_orders, window("last 1h"))
    assert listing.tasks
    assert value(metrics, "kafka_tasks_upstream_errors_total", code="DMS.00503000") == 2
    assert attempts(metrics, "list_tasks") == 3
    assert len(ids) == 3, "the two failed responses' ids and the answer's"


async def test_no_metrics_records_nothing_and_still_collects_ids(
    simulator: Simulator, prod_orders: str
) -> None:
    async with DmsClient.create(simulator.url, DEMO) as dms:
        with collecting_request_ids() as ids:
            await dms.list_tasks(prod_orders, window("last 1h"))
    assert ids
