"""Memory: peak RSS with 10,000 cached tasks and 2,000 subscriptions, in one process.

The simulator and its generated tasks live in the same process, so the baseline is
read after the simulator is started, its instances are added and every instance's
window has been served once (to a throwaway client with its cache off, one instance
at a time), which also fills the simulator's own time-formatting cache. The bot's
increment is what the RSS grows by after that: a ``DmsClient`` whose cache holds the
10,000 tasks (each instance asked once with ``list_tasks``), then a ``Store`` on a
temporary SQLite file with 2,000 subscriptions. Memory the throwaway client freed may
be reused by the real one (at most one instance's listing, 500 tasks), so the cache's
increment can read slightly low.
"""

from __future__ import annotations

import asyncio
import gc
import resource
import tempfile
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path

from bot.adapters.dms.client import DmsClient
from bot.adapters.store.store import Store
from bot.core.dms.accounts import Credentials
from bot.core.dms.source import ClientOptions
from bot.core.grammar.window_parse import parse_window
from bot.core.records import Subscription
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Simulator

INSTANCES = 20
TASKS = 10_000
SUBSCRIPTIONS = 2_000


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def vm_rss_kb() -> int:
    """The current resident set size (Linux, /proc/self/status VmRSS), in KB."""
    return _status_kb("VmRSS")


def peak_rss_kb() -> int:
    # Linux reports ru_maxrss in KB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@dataclass(frozen=True)
class MemoryResult:
    tasks: int
    cached_tasks: int
    instances: int
    subscriptions: int
    steps: list[tuple[str, int]]  # (after what, VmRSS KB), in order
    peak_kb: int  # ru_maxrss
    hwm_kb: int  # VmHWM: the kernel's high-water mark, which ru_maxrss can lag slightly

    def rss(self, step: str) -> int:
        return dict(self.steps)[step]


def _reading(steps: list[tuple[str, int]], label: str) -> None:
    gc.collect()
    steps.append((label, vm_rss_kb()))


async def _measure(tasks: int, instances: int, subscriptions: int) -> MemoryResult:
    steps: list[tuple[str, int]] = []
    _reading(steps, "start")
    credentials = Credentials(DEMO_AK, DEMO_SK, DEMO_PROJECT_ID)
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as scratch:
        async with Simulator() as sim:
            per = tasks // instances
            ids = [
                sim.state.add_instance(f"bench-mem-{n:03d}", per, span=timedelta(hours=20))
                for n in range(instances)
            ]
            window = parse_window("last 24h", now=sim.clock.now(), tz=UTC)
            _reading(steps, "simulator + instances")
            # Serve every window once, so the simulator's own caches are full before
            # the baseline; nothing of this client is kept.
            async with DmsClient.create(
                sim.url, credentials, options=ClientOptions(cache_ttl=0)
            ) as warm:
                for iid in ids:
                    await warm.list_tasks(iid, window)
            del warm
            _reading(steps, "baseline (simulator warmed)")

            dms = DmsClient.create(sim.url, credentials)
            async with dms:
                cached = 0
                for iid in ids:
                    cached += len((await dms.list_tasks(iid, window)).tasks)
                if len(dms.task_cache) != instances:
                    raise RuntimeError(f"{len(dms.task_cache)} windows cached, not {instances}")
                _reading(steps, f"client cache ({cached:,} tasks)")

                store = Store.open(f"sqlite:///{Path(scratch) / 'bot.db'}")
                try:
                    now = sim.clock.now()
                    for n in range(subscriptions):
                        iid = ids[n % instances]
                        store.subscriptions.upsert.sync(
                            Subscription(
                                channel=f"C{n // instances:05d}",
                                instance_id=iid,
                                instance_name=iid,
                                scope="failed" if n % 2 else "all",
                                name_glob=None,
                                created_by="U0BENCH",
                                created_at=now,
                            )
                        )
                    count = store.subscriptions.count.sync()
                    if count != subscriptions:
                        raise RuntimeError(f"{count} subscriptions stored, not {subscriptions}")
                    _reading(steps, f"store ({count:,} subscriptions)")
                finally:
                    store.close()
    return MemoryResult(
        tasks, cached, instances, subscriptions, steps, peak_rss_kb(), _status_kb("VmHWM")
    )


def measure(
    tasks: int = TASKS, instances: int = INSTANCES, subscriptions: int = SUBSCRIPTIONS
) -> MemoryResult:
    return asyncio.run(_measure(tasks, instances, subscriptions))


def report(result: MemoryResult) -> str:
    base = result.steps[2][1]
    cache = result.steps[3][1]
    store = result.steps[4][1]
    trail = " → ".join(f"{label} {kb / 1024:.1f} MB" for label, kb in result.steps)
    return (
        f"memory, {result.cached_tasks:,} cached tasks over {result.instances} instances + "
        f"{result.subscriptions:,} subscriptions: peak RSS {result.peak_kb / 1024:.1f} MB "
        f"(VmHWM {result.hwm_kb / 1024:.1f} MB; simulator included) · bot's increment "
        f"over the warmed baseline "
        f"{(store - base) / 1024:.1f} MB (cache {(cache - base) / 1024:.1f} MB, "
        f"{(cache - base) * 1024 / max(1, result.cached_tasks):,.0f} B per task; store "
        f"{(store - cache) / 1024:.1f} MB)\n  VmRSS: {trail}"
    )


if __name__ == "__main__":
    print(report(measure()))
