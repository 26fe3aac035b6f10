"""Paging: our client against a sequential loop over the official SDK, in one run.

Both read the same window of the same simulated instance, with the same page size and
the same upstream latency. Ours is timed twice per run: cold (the client has no count
for that instance and window, so the first page must return before the rest are asked
for: the floor is one round more) and warm (asked again: the pages the last count
implies go out with the first, so the floor is ceil(pages / concurrency) rounds).
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkkafka.v2 import KafkaClient, ListBackgroundTasksRequest

from bench.upstream import simulator_process
from bot.adapters.dms.client import DmsClient
from bot.core.dms.accounts import Credentials
from bot.core.dms.source import ClientOptions
from bot.core.grammar.window import TimeWindow, format_api_time
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK


@dataclass(frozen=True)
class PagingResult:
    tasks: int
    page_size: int
    concurrency: int
    latency_ms: float
    ours_s: list[float]
    sdk_s: list[float]
    cold_s: list[float]

    @property
    def pages(self) -> int:
        return math.ceil(self.tasks / self.page_size)

    @property
    def floor_s(self) -> float:
        """Cold: first page, then the rest ``concurrency`` at a time."""
        rounds = 1 + math.ceil((self.pages - 1) / self.concurrency)
        return rounds * self.latency_ms / 1000

    @property
    def issue_limit_s(self) -> float:
        """ceil(pages / concurrency) x latency, the limit as the issue states it."""
        return math.ceil(self.pages / self.concurrency) * self.latency_ms / 1000


def _sdk(url: str) -> KafkaClient:
    config = HttpConfig.get_default_config()
    config.timeout = (5, 30)
    return (
        KafkaClient.new_builder()
        .with_credentials(BasicCredentials(DEMO_AK, DEMO_SK, DEMO_PROJECT_ID))
        .with_endpoints([url])
        .with_http_config(config)
        .build()
    )


def sdk_sequential(client: KafkaClient, instance_id: str, window: TimeWindow, size: int) -> int:
    """What a script over the official SDK does: page by `start` until all are read."""
    seen: set[str] = set()
    start = 1
    while True:
        response = client.list_background_tasks(
            ListBackgroundTasksRequest(
                instance_id=instance_id,
                start=start,
                limit=size,
                begin_time=format_api_time(window.begin),
                end_time=format_api_time(window.end),
            )
        )
        tasks = response.tasks or []
        seen.update(t.id for t in tasks)
        start += len(tasks)
        if not tasks or start - 1 >= int(response.task_count):
            return len(seen)


async def ours(
    url: str, instance_id: str, window: TimeWindow, size: int, conc: int, runs: int
) -> list[tuple[float, float, int]]:
    """(cold, warm, tasks read) per run. Each run has its own long-lived client, as the
    bot keeps one (the SDK client in the comparison keeps its session too): a warm-up
    over a longer window opens the connections without telling it this window's count,
    then the window is asked cold, then again (the second ask, its count known)."""
    options = ClientOptions(page_size=size, concurrency=conc, cache_ttl=0)
    creds = Credentials(DEMO_AK, DEMO_SK, DEMO_PROJECT_ID)
    longer = dataclasses.replace(window, begin=window.begin - timedelta(hours=1))
    timed: list[tuple[float, float, int]] = []
    for _ in range(runs):
        async with DmsClient.create(url, creds, options=options) as client:
            await client.list_tasks(instance_id, longer, fresh=True)
            t0 = time.perf_counter()
            cold = await client.list_tasks(instance_id, window, fresh=True)
            t1 = time.perf_counter()
            warm = await client.list_tasks(instance_id, window, fresh=True)
            t2 = time.perf_counter()
        if len(cold.tasks) != len(warm.tasks):
            raise RuntimeError(f"cold read {len(cold.tasks)}, warm {len(warm.tasks)} tasks")
        timed.append((t1 - t0, t2 - t1, len(warm.tasks)))
    return timed


def measure(
    tasks: int, *, page_size: int = 50, concurrency: int = 10, latency_ms: float = 50, runs: int = 3
) -> PagingResult:
    with simulator_process("--latency-ms", str(latency_ms)) as sim:
        instance_id = sim.add_instance(f"bench-{tasks}", tasks, span_hours=20)
        now = datetime.now(UTC)
        window = TimeWindow(
            begin=now - timedelta(hours=21), end=now, label="bench", zone="UTC", ends_now=False
        )
        sdk = _sdk(sim.url)
        ours_s: list[float] = []
        cold_s: list[float] = []
        for cold, warm, got in asyncio.run(
            ours(sim.url, instance_id, window, page_size, concurrency, runs)
        ):
            if got != tasks:
                raise RuntimeError(f"our client read {got} of {tasks} tasks")
            ours_s.append(warm)
            cold_s.append(cold)
        sdk_s: list[float] = []
        sdk_sequential(sdk, instance_id, window, page_size)  # the same warm-up
        for _ in range(runs):
            t0 = time.perf_counter()
            got = sdk_sequential(sdk, instance_id, window, page_size)
            sdk_s.append(time.perf_counter() - t0)
            if got != tasks:
                raise RuntimeError(f"the SDK loop read {got} of {tasks} tasks")
    return PagingResult(tasks, page_size, concurrency, latency_ms, ours_s, sdk_s, cold_s)


def report(result: PagingResult) -> str:
    warm = statistics.median(result.ours_s)
    cold = statistics.median(result.cold_s)
    sdk = statistics.median(result.sdk_s)
    limit = result.issue_limit_s
    return (
        f"paging {result.tasks} tasks ({result.pages} pages of {result.page_size}, "
        f"concurrency {result.concurrency}, {result.latency_ms:g} ms latency, "
        f"median of {len(result.ours_s)}): official SDK sequential {sdk * 1000:.0f} ms · "
        f"ours warm (count known) {warm * 1000:.0f} ms, {sdk / warm:.1f}x faster "
        f"(target >= 8x), {warm / limit:.2f}x ceil(pages/concurrency) x latency = "
        f"{limit * 1000:.0f} ms (target <= 1.2) · ours cold {cold * 1000:.0f} ms, "
        f"{sdk / cold:.1f}x faster, {cold / limit:.2f}x that, {cold / result.floor_s:.2f}x "
        f"its floor of one round more ({result.floor_s * 1000:.0f} ms)"
    )
