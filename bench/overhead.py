"""Overhead: the bot's own time for a 100-task answer, with the upstream time taken out.

A ``Conversation`` answers ``bench-overhead last 2h`` against an in-process simulator
whose instance holds exactly 100 tasks in that window. The client's cache is off
(``cache_ttl=0``), so every ask goes upstream: the pages of the window, fetched as in
production. The reply time is ``Conversation.answer`` plus what a handler does before
sending: ``Message.block_dicts()`` (slack_sdk's ``to_dict`` with its validation) and
``json.dumps`` of the blocks.

Upstream time is measured at the HTTP transport: the client's httpx transport is
wrapped, and the time during which at least one request is inside it (the union of the
in-flight intervals, so concurrent pages are not counted twice) is subtracted. That
time covers the socket round trip, the simulator's handler (it runs on the same event
loop) and aiohttp reading the body; signing the request (httpx auth) and parsing the
JSON body are the bot's and stay in the overhead.
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import json
import pstats
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import httpx

from bot.adapters.dms.client import DmsClient
from bot.adapters.dms.transport import AiohttpTransport
from bot.core.dms.accounts import Credentials
from bot.core.dms.source import ClientOptions
from bot.core.grammar.window_parse import parse_window
from bot.services.ask import Ask
from bot.services.conversation import Conversation
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Simulator, SimulatorConfig

NAME = "bench-overhead"
TASKS = 100
ASK = f"{NAME} last 2h"
_ROOT = Path(__file__).resolve().parent.parent


class TimedTransport(httpx.AsyncBaseTransport):
    """Delegates to the real transport and adds up the time any request is in flight."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner
        self._in_flight = 0
        self._since = 0.0
        self.busy_s = 0.0
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._in_flight == 0:
            self._since = time.perf_counter()
        self._in_flight += 1
        self.requests += 1
        try:
            return await self._inner.handle_async_request(request)
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self.busy_s += time.perf_counter() - self._since

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass(frozen=True)
class OverheadResult:
    asks: int
    tasks: int
    latency_ms: float
    requests_per_ask: float
    reply_s: list[float]
    upstream_s: list[float]
    to_dict_s: list[float]  # block_dicts() + json.dumps, inside reply_s

    @property
    def overhead_s(self) -> list[float]:
        return [r - u for r, u in zip(self.reply_s, self.upstream_s, strict=True)]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _reply(conversation: Conversation) -> float:
    """One ask, as a handler would finish it: the reply, its blocks, their JSON.

    Returns the seconds spent on the last two (slack_sdk's to_dict and json.dumps)."""
    reply = await conversation.answer(ASK, Ask())
    if not reply.ok:
        raise RuntimeError(f"the bench ask failed: {reply.message.text}")
    started = time.perf_counter()
    json.dumps(reply.message.block_dicts())
    return time.perf_counter() - started


async def _setup(
    sim: Simulator, latency_ms: float
) -> tuple[DmsClient, TimedTransport, Conversation]:
    sim.state.add_instance(NAME, TASKS, span=timedelta(minutes=90))
    timed = TimedTransport(AiohttpTransport())
    dms = DmsClient.create(
        sim.url,
        Credentials(DEMO_AK, DEMO_SK, DEMO_PROJECT_ID),
        options=ClientOptions(cache_ttl=0),
        transport=timed,
    )
    conversation = Conversation.of(dms)
    # Warm the name -> id cache (as a running bot has it) and check the window's size.
    instance = await dms.resolve(NAME)
    window = parse_window("last 2h", now=sim.clock.now(), tz=UTC)
    listing = await dms.list_tasks(instance.instance_id, window)
    if len(listing.tasks) != TASKS:
        raise RuntimeError(f"the bench window holds {len(listing.tasks)} tasks, not {TASKS}")
    await _reply(conversation)  # first-use costs (imports, pools) out of the figures
    return dms, timed, conversation


async def _measure(asks: int, latency_ms: float) -> OverheadResult:
    async with Simulator(SimulatorConfig(latency_ms=latency_ms)) as sim:
        dms, timed, conversation = await _setup(sim, latency_ms)
        async with dms:
            reply_s: list[float] = []
            upstream_s: list[float] = []
            to_dict_s: list[float] = []
            requests_before = timed.requests
            for _ in range(asks):
                busy_before = timed.busy_s
                started = time.perf_counter()
                to_dict_s.append(await _reply(conversation))
                reply_s.append(time.perf_counter() - started)
                upstream_s.append(timed.busy_s - busy_before)
            per_ask = (timed.requests - requests_before) / asks
    return OverheadResult(asks, TASKS, latency_ms, per_ask, reply_s, upstream_s, to_dict_s)


def measure(asks: int = 200, latency_ms: float = 0) -> OverheadResult:
    return asyncio.run(_measure(asks, latency_ms))


def report(result: OverheadResult) -> str:
    over = result.overhead_s
    med, p99 = statistics.median(over) * 1000, _pct(over, 0.99) * 1000
    verdict = "met" if med < 10 else "MISSED"
    return (
        f"overhead, {result.asks} asks of a {result.tasks}-task answer (`{ASK}`, cache off, "
        f"{result.requests_per_ask:g} upstream requests per ask, {result.latency_ms:g} ms "
        f"latency): reply minus upstream p50 {med:.1f} ms (target < 10: {verdict}) · "
        f"p99 {p99:.1f} ms · reply p50 {statistics.median(result.reply_s) * 1000:.1f} ms · "
        f"upstream p50 {statistics.median(result.upstream_s) * 1000:.1f} ms · of the "
        f"overhead, block_dicts + json.dumps p50 "
        f"{statistics.median(result.to_dict_s) * 1000:.1f} ms"
    )


def _where(key: tuple[str, int, str]) -> str:
    filename, line, func = key
    path = Path(filename)
    try:
        shown = str(path.resolve().relative_to(_ROOT))
    except ValueError:
        parts = path.parts
        inside = parts.index("site-packages") + 1 if "site-packages" in parts else 0
        shown = "/".join(parts[inside:])
    return f"{shown}:{line} {func}"


def _is_bot(filename: str) -> bool:
    path = Path(filename).resolve()
    try:
        rel = path.relative_to(_ROOT / "bot")
    except ValueError:
        return False
    return rel.parts[0] != "simulator"


def profile(asks: int = 50, top: int = 10) -> str:
    """Profile ``asks`` asks once and list where the bot's time goes."""

    async def run() -> tuple[pstats.Stats, float]:
        async with Simulator(SimulatorConfig()) as sim:
            dms, _, conversation = await _setup(sim, 0)
            async with dms:
                profiler = cProfile.Profile()
                started = time.perf_counter()
                profiler.enable()
                for _ in range(asks):
                    await _reply(conversation)
                profiler.disable()
                wall = time.perf_counter() - started
        return pstats.Stats(profiler), wall

    stats, wall = asyncio.run(run())
    table: dict[tuple[str, int, str], Any] = stats.stats  # type: ignore[attr-defined]
    rows = [(key, value) for key, value in table.items() if _is_bot(key[0])]
    # value: (primitive calls, calls, own time, cumulative time, callers)
    rows.sort(key=lambda kv: kv[1][3], reverse=True)
    libs = [(key, value) for key, value in table.items() if "site-packages" in key[0]]
    libs.sort(key=lambda kv: kv[1][2], reverse=True)
    out = io.StringIO()
    out.write(
        f"profile of {asks} asks (`{ASK}`, {TASKS} tasks, cProfile on, {wall * 1000:.0f} ms "
        f"wall, {wall * 1000 / asks:.1f} ms per ask incl. the simulator):\n"
    )
    out.write(
        f"  top {top} in bot/ by cumulative time: per ask, ms cumulative, ms own, calls "
        "(a coroutine counts a call per resume; its time excludes its suspensions)\n"
    )
    for key, (_, calls, own, cum, _) in rows[:top]:
        out.write(
            f"  {cum * 1000 / asks:7.2f} {own * 1000 / asks:7.2f} {calls / asks:8.1f}  "
            f"{_where(key)}\n"
        )
    out.write(f"  top {top} library functions by own time: per ask, ms cumulative, ms own, calls\n")
    for key, (_, calls, own, cum, _) in libs[:top]:
        out.write(
            f"  {cum * 1000 / asks:7.2f} {own * 1000 / asks:7.2f} {calls / asks:8.1f}  "
            f"{_where(key)}\n"
        )
    return out.getvalue().rstrip()


if __name__ == "__main__":
    print(report(measure()))
    print(profile())
