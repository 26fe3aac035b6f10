"""Burst coalescing: 100 people ask the same `last 1h` at once.

Target (design.md): the upstream requests are the pages of one query, however many
ask; and every asker gets the answer.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.simulator import SimulatorConfig
from tests.scenarios.slack_harness import running_bot


@dataclass(frozen=True)
class BurstResult:
    asks: int
    upstream_tasks_requests: int
    upstream_instances_requests: int
    pages_of_one_query: int
    last_answer_s: float
    answered: int


async def _measure(asks: int, latency_ms: float) -> BurstResult:
    async with running_bot(sim_config=SimulatorConfig(latency_ms=latency_ms)) as bot:
        # Warm the name -> id cache, as a running bot has it: the burst is about tasks.
        await bot.sender.slash("instances", response_url=bot.slack.response_url("warm"))
        await bot.slack.wait_for("response_url", 1)
        bot.sim.stats.reset()
        started = time.perf_counter()
        await asyncio.gather(
            *(
                bot.sender.slash(
                    "prod-orders last 1h", response_url=bot.slack.response_url(f"b{i}")
                )
                for i in range(asks)
            )
        )
        names = {f"b{i}" for i in range(asks)}
        deadline = time.monotonic() + 60
        answered: set[str] = set()
        while time.monotonic() < deadline and answered != names:
            answered = {
                str(c.args.get("name"))
                for c in bot.slack.calls_to("response_url")
                if c.args.get("name") in names and "Looking up" not in str(c.args.get("text"))
            }
            await asyncio.sleep(0.02)
        last = time.perf_counter() - started
        tasks = bot.sim.stats.count("list_tasks")
        instances = bot.sim.stats.count("list_instances")
        # The pages one query of that window needs (its bucket may add 15 s each side),
        # asked of the simulator directly.
        iid = bot.sim.state.find_instances("prod-orders", exact=True)[0].instance_id
        now = datetime.now(UTC)
        shown = bot.sim.state.task_page(
            iid, start=1, limit=1, begin=now - timedelta(hours=1, seconds=30), end=now
        )
        total = shown.total if shown else 0
        pages = max(1, -(-total // 50))
        return BurstResult(asks, tasks, instances, pages, last, len(answered))


def measure(asks: int = 100, latency_ms: float = 50) -> BurstResult:
    return asyncio.run(_measure(asks, latency_ms))


def report(result: BurstResult) -> str:
    return (
        f"burst: {result.asks} identical `last 1h` asks at once, 50 ms upstream: "
        f"{result.upstream_tasks_requests} task-page requests (target: the pages of one "
        f"query, {result.pages_of_one_query} for the instance's tasks; at most that) + "
        f"{result.upstream_instances_requests} instance-list requests · last answer after "
        f"{result.last_answer_s * 1000:.0f} ms · answered {result.answered}/{result.asks}"
    )
