"""Ack latency: signed slash commands at a steady rate while DMS takes 2 s to answer.

The bot runs its real HTTP server; Slack's side (signed requests in, the Web API and
response_url out) is the test fake on the same machine.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass

from bot.simulator import SimulatorConfig
from tests.scenarios.slack_harness import running_bot


@dataclass(frozen=True)
class AckResult:
    commands: int
    rate: float
    upstream_ms: float
    acks_s: list[float]
    answered: int

    def percentile(self, q: float) -> float:
        ordered = sorted(self.acks_s)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _measure(commands: int, rate: float, upstream_ms: float) -> AckResult:
    async with running_bot(sim_config=SimulatorConfig(latency_ms=upstream_ms)) as bot:
        acks: list[float] = []

        async def one(i: int) -> None:
            await asyncio.sleep(i / rate)
            started = time.perf_counter()
            reply = await bot.sender.slash(
                "prod-orders last 1h", response_url=bot.slack.response_url(f"c{i}")
            )
            acks.append(time.perf_counter() - started)
            if reply.status_code != 200:
                raise RuntimeError(f"command {i} got HTTP {reply.status_code}")

        await asyncio.gather(*(one(i) for i in range(commands)))
        # Every command must also be answered (placeholder, then the answer).
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            answered = {
                c.args.get("name")
                for c in bot.slack.calls_to("response_url")
                if "Looking up" not in str(c.args.get("text"))
            }
            if len(answered) >= commands:
                break
            await asyncio.sleep(0.1)
        return AckResult(commands, rate, upstream_ms, acks, len(answered))


def measure(commands: int = 200, rate: float = 20, upstream_ms: float = 2000) -> AckResult:
    return asyncio.run(_measure(commands, rate, upstream_ms))


def report(result: AckResult) -> str:
    med = statistics.median(result.acks_s) * 1000
    p99 = result.percentile(0.99) * 1000
    worst = max(result.acks_s) * 1000
    over = sum(1 for a in result.acks_s if a > 3)
    return (
        f"ack latency, {result.commands} slash commands at {result.rate:g}/s, DMS taking "
        f"{result.upstream_ms / 1000:g} s: p50 {med:.1f} ms · p99 {p99:.1f} ms (target < 100) · "
        f"max {worst:.1f} ms · over 3 s: {over} (target 0) · answered "
        f"{result.answered}/{result.commands}"
    )
