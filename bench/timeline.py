"""What happened to an instance, under load: a 6 h timeline of 500 tasks, 2,000 CTS
traces and 200 CES alarms, every upstream call 50 ms away, must be answered in under
1.5 s (issue 14). The sources are fetched at once, and CTS's cursor paging is split
into concurrent time slices rather than sequential pages.

The simulator serves DMS, CTS and CES on one port with ``latency_ms`` on every call;
each run asks fresh (no cache), the way the first press of What happened does.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, timedelta

from bot.adapters.context import ContextClient
from bot.adapters.dms.client import DmsClient
from bot.adapters.dms.endpoints import ContextEndpoints
from bot.core.dms.accounts import Credentials
from bot.core.dms.source import ClientOptions
from bot.core.grammar.commands import TimelineQuery
from bot.core.grammar.window_parse import parse_window
from bot.services.guard import Guard
from bot.services.timeline import Timelines, one_context
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Simulator, SimulatorConfig

NAME = "bench-timeline"
TASKS = 500
# Each task has its submit and finish traces; the rest are other operations.
TRACES = 2000
ALARMS = 200
LATENCY_MS = 50.0
LIMIT_S = 1.5


@dataclass(frozen=True)
class TimelineResult:
    runs: list[float]
    moments: int
    traces: int
    alarms: int
    gaps: int

    @property
    def worst(self) -> float:
        return max(self.runs)


async def _measure(runs: int) -> TimelineResult:
    async with Simulator(SimulatorConfig(latency_ms=LATENCY_MS)) as sim:
        sim.state.add_instance(
            NAME,
            TASKS,
            span=timedelta(hours=5, minutes=50),
            traces=TRACES - 2 * TASKS,
            alarms=ALARMS,
        )
        credentials = Credentials(DEMO_AK, DEMO_SK, DEMO_PROJECT_ID)
        options = ClientOptions(cache_ttl=0)
        dms = DmsClient.create(sim.url, credentials, options=options)
        context = ContextClient.create(
            ContextEndpoints(cts=sim.url, ces=sim.url), credentials, options=options
        )
        async with dms, context:
            timelines = Timelines(dms, Guard(dms), one_context(context))
            await dms.resolve(NAME)  # a running bot knows the name already
            times, last = [], None
            for _ in range(runs):
                window = parse_window("last 6h", now=sim.clock.now(), tz=UTC)
                query = TimelineQuery(NAME, window, "last 6h")
                started = time.perf_counter()
                last = await timelines.timeline(query, None, fresh=True)
                times.append(time.perf_counter() - started)
    assert last is not None
    summary = last.summary()
    return TimelineResult(times, len(last.moments), summary.traces, summary.alarms, len(last.gaps))


def measure(runs: int = 3) -> TimelineResult:
    return asyncio.run(_measure(runs))


def report(result: TimelineResult) -> str:
    verdict = "ok" if result.worst < LIMIT_S else "OVER THE LIMIT"
    return (
        f"timeline: {TASKS} tasks, {TRACES} traces, {ALARMS} alarms, {LATENCY_MS:g} ms per "
        f"call: worst {result.worst:.2f} s of {len(result.runs)} runs "
        f"(limit {LIMIT_S} s: {verdict}); {result.moments} moments, {result.gaps} gaps"
    )


if __name__ == "__main__":
    print(report(measure()))
