"""Poll cycle time for many watched instances at a realistic upstream latency.

design.md target: 2,000 watched instances at 50 ms latency, a cycle within 1.3x of
ceil(instances / concurrency) x latency. The simulator runs as its own process, so
the figures are the bot's time and CPU alone.
"""

from __future__ import annotations

import asyncio
import math
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from bench.upstream import simulator_process
from bot.adapters.dms.client import DmsClient
from bot.adapters.store.store import Store
from bot.core.dms.accounts import Credentials
from bot.core.dms.source import ClientOptions
from bot.core.records import Subscription
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, ManualClock
from bot.watch.options import WatchOptions
from bot.watch.poller import Poller


@dataclass(frozen=True)
class CycleResult:
    instances: int
    concurrency: int
    latency_ms: float
    first_s: float
    idle_s: float
    idle_cpu_s: float
    # Upstream requests of the idle cycle: a listing per instance, and a lookup by id
    # per task still running that left the listing's window (a second round trip).
    idle_list_tasks: int = 0
    idle_show_task: int = 0

    @property
    def limit_s(self) -> float:
        return math.ceil(self.instances / self.concurrency) * self.latency_ms / 1000


async def _measure(instances: int, latency_ms: float) -> CycleResult:
    options = WatchOptions()
    with (
        simulator_process("--latency-ms", str(latency_ms)) as sim,
        tempfile.TemporaryDirectory(prefix="poll-cycle-") as scratch,
    ):
        ids = [sim.add_instance(f"w{n:05d}", 10, span_hours=2) for n in range(instances)]
        store = Store.open(f"sqlite:///{Path(scratch) / 'bot.db'}")
        try:
            now = datetime.now(UTC)
            for n, instance_id in enumerate(ids):
                store.subscriptions.upsert.sync(
                    Subscription(f"C{n:05d}", instance_id, instance_id, "all", None, "U", now)
                )
            creds = Credentials(DEMO_AK, DEMO_SK, DEMO_PROJECT_ID)
            async with DmsClient.create(sim.url, creds, options=ClientOptions(cache_ttl=0)) as dms:
                clock = ManualClock(datetime.now(UTC))
                poller = Poller(dms, store, owner="bench", options=options, clock=clock.now)
                t0 = time.perf_counter()
                await poller.cycle()
                first = time.perf_counter() - t0
                # The next cycle, when every instance is due again.
                clock.advance(options.slow_interval)
                sim.reset_stats()
                cpu0, t0 = time.process_time(), time.perf_counter()
                await poller.cycle()
                idle = time.perf_counter() - t0
                cpu = time.process_time() - cpu0
                requests = cast(dict[str, int], sim.stats()["requests"])
        finally:
            store.close()
    return CycleResult(
        instances,
        options.concurrency,
        latency_ms,
        first,
        idle,
        cpu,
        requests.get("list_tasks", 0),
        requests.get("show_task", 0),
    )


def measure(instances: int = 2000, latency_ms: float = 50) -> CycleResult:
    return asyncio.run(_measure(instances, latency_ms))


def report(r: CycleResult) -> str:
    return (
        f"poll cycle, {r.instances} watched instances at {r.latency_ms:g} ms, concurrency "
        f"{r.concurrency}: baseline cycle {r.first_s:.2f} s · idle cycle {r.idle_s:.2f} s vs "
        f"ceil(instances/concurrency) x latency {r.limit_s:.2f} s = "
        f"{r.idle_s / r.limit_s:.2f}x (target <= 1.3) · CPU "
        f"{r.idle_cpu_s * 1000 / r.instances:.2f} ms per instance polled (target <= 1.5) · "
        f"idle cycle upstream: {r.idle_list_tasks:,} list_tasks + {r.idle_show_task:,} "
        "show_task (running tasks followed by id, a second round trip)"
    )
