"""Poll cost: the upstream requests one watch cycle makes, counted at the simulator.

The poller looks at each watched instance once per cycle however many channels watch
it, so fifty channels on one instance must cost the pages of one listing, and five
hundred instances five hundred listings. The real ``Poller`` runs here against a real
store (a SQLite file) and a ``DmsClient`` on an in-process simulator whose clock the
benchmark moves; the simulator's own request counters are the figures.

Each instance is looked at in four cycles:
- first: the baseline, a listing of the last ``baseline_lookback`` (6 h);
- busy: a fast interval later, tasks still running: a listing of the overlap window,
  plus one ``show_task`` per running task created before that window (followed by id);
- finish: a day later, when every running task has ended and is announced;
- idle: a slow interval after that, nothing running: the listing alone.
"""

from __future__ import annotations

import asyncio
import math
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.adapters.dms.client import DmsClient
from bot.adapters.store.store import Store
from bot.core.dms.accounts import Credentials
from bot.core.dms.source import ClientOptions
from bot.core.records import Subscription
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, ManualClock, Simulator
from bot.watch.options import WatchOptions
from bot.watch.poller import Poller

# A fixed start, so the generated tasks (and so the figures) are the same every run.
START = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
PAGE_SIZE = ClientOptions().page_size
CYCLES = ("first", "busy", "finish", "idle")


@dataclass(frozen=True)
class CycleCost:
    """What one poll cycle cost upstream, and how long it took (simulator in-process)."""

    list_tasks: int
    show_task: int
    polled: int
    queued: int
    seconds: float

    @property
    def requests(self) -> int:
        return self.list_tasks + self.show_task


@dataclass(frozen=True)
class Scenario:
    instances: int
    channels: int  # watching each instance
    tasks: int  # finished tasks per instance, created within the last 5 h
    running: int  # tasks per instance still in progress at the start
    first_listing_pages: int  # pages of the first cycle's window, for one instance
    cycles: dict[str, CycleCost]

    @property
    def label(self) -> str:
        channels = "channel" if self.channels == 1 else "channels"
        instances = "instance" if self.instances == 1 else "instances"
        return f"{self.instances} {instances} x {self.channels} {channels}"


@dataclass(frozen=True)
class PollCost:
    one_instance: Scenario  # 1 instance watched by 50 channels
    many_instances: Scenario  # 500 instances, one channel each


async def run_scenario(
    instances: int, channels: int, *, tasks: int = 40, running: int = 5
) -> Scenario:
    """Four poll cycles over ``instances`` watched by ``channels`` channels each."""
    options = WatchOptions()
    clock = ManualClock(START)
    with tempfile.TemporaryDirectory(prefix="poll-cost-") as scratch:
        store = Store.open(f"sqlite:///{Path(scratch) / 'bot.db'}", clock=clock.now)
        try:
            async with Simulator(clock=clock) as sim:
                ids = [
                    sim.state.add_instance(
                        f"bench-{n:04d}", tasks, span=timedelta(hours=5), running=running
                    )
                    for n in range(instances)
                ]
                for instance_id in ids:
                    for c in range(channels):
                        store.subscriptions.upsert.sync(
                            Subscription(
                                channel=f"C{c:04d}",
                                instance_id=instance_id,
                                instance_name=instance_id,
                                scope="all",
                                name_glob=None,
                                created_by="U0BENCH",
                                created_at=clock.now(),
                            )
                        )
                window = sim.state.task_page(
                    ids[0], begin=clock.now() - options.baseline_lookback, end=clock.now()
                )
                assert window is not None
                pages = max(1, math.ceil(window.total / PAGE_SIZE))
                dms = DmsClient.create(
                    sim.url,
                    Credentials(DEMO_AK, DEMO_SK, DEMO_PROJECT_ID),
                    # Every cycle must reach upstream: no answer is served from cache.
                    options=ClientOptions(cache_ttl=0),
                )
                async with dms:
                    poller = Poller(dms, store, owner="bench", options=options, clock=clock.now)
                    steps = {
                        "first": timedelta(0),
                        "busy": options.fast_interval,
                        "finish": timedelta(days=1),
                        "idle": options.slow_interval,
                    }
                    costs: dict[str, CycleCost] = {}
                    for name in CYCLES:
                        clock.advance(steps[name])
                        costs[name] = await _one_cycle(sim, poller)
        finally:
            store.close()
    return Scenario(instances, channels, tasks, running, pages, costs)


async def _one_cycle(sim: Simulator, poller: Poller) -> CycleCost:
    sim.stats.reset()
    t0 = time.perf_counter()
    report = await poller.cycle()
    seconds = time.perf_counter() - t0
    if report.failed or report.skipped_leased:
        raise RuntimeError(f"a bench cycle did not poll everything: {report}")
    return CycleCost(
        list_tasks=sim.stats.count("list_tasks"),
        show_task=sim.stats.count("show_task"),
        polled=len(report.polled),
        queued=report.queued,
        seconds=seconds,
    )


def measure(*, channels: int = 50, instances: int = 500) -> PollCost:
    """Upstream requests per cycle for 1 instance watched by ``channels`` channels and
    for ``instances`` instances watched by one channel each."""
    return PollCost(
        one_instance=asyncio.run(run_scenario(1, channels)),
        many_instances=asyncio.run(run_scenario(instances, 1)),
    )


def _row(scenario: Scenario, name: str) -> str:
    cost = scenario.cycles[name]
    per_instance = cost.requests / scenario.instances
    return (
        f"| {scenario.label} | {name} | {cost.list_tasks:,} | {cost.show_task:,} "
        f"| {cost.requests:,} | {per_instance:.2f} | {cost.queued:,} "
        f"| {cost.seconds * 1000:,.0f} ms |"
    )


def _per_cycle(scenario: Scenario) -> str:
    idle, busy = scenario.cycles["idle"], scenario.cycles["busy"]
    return (
        f"{idle.requests:,} when idle ({idle.list_tasks:,} list_tasks), {busy.requests:,} "
        f"while tasks run ({busy.list_tasks:,} list_tasks + {busy.show_task:,} show_task "
        f"for running tasks created before the {WatchOptions().overlap} overlap window, "
        f"followed by id); cycle time {idle.seconds:.2f} s idle, {busy.seconds:.2f} s busy"
    )


def report(result: PollCost) -> str:
    one, many = result.one_instance, result.many_instances
    first = one.cycles["first"]
    one_listing = first.list_tasks == one.first_listing_pages and first.show_task == 0
    verdict = "one listing's pages" if one_listing else "MORE than one listing's pages"
    lines = [
        "### Poll cost (upstream requests per watch cycle, counted at the simulator)",
        "",
        f"Each instance: {one.tasks} finished tasks in the last 5 h and {one.running} still "
        "running. The simulator runs in-process and answers at once, so cycle times are "
        "the bot's and the simulator's CPU on one event loop.",
        "",
        "| watched | cycle | list_tasks | show_task | requests | per instance "
        "| rows queued | cycle time |",
        "|---|---|---|---|---|---|---|---|",
        *(_row(one, name) for name in CYCLES),
        *(_row(many, name) for name in CYCLES),
        "",
        f"Upstream requests per cycle for {one.label}: {first.requests} in the first "
        f"(baseline) cycle, whose window is {one.first_listing_pages} page(s): {verdict}; "
        + _per_cycle(one)
        + ".",
        f"Upstream requests per cycle for {many.label}: " + _per_cycle(many) + ".",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(measure()))
