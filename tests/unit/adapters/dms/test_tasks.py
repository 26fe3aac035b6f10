"""Task paging over loopback HTTP: early pages from the last count, surplus dropped.

The server here pages by ``start``/``limit`` and reports ``task_count`` as DMS does; a
test may make it report a count other than what it holds, cap ``limit``, delay or fail
pages, to see what the client asks for and keeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web

from bot.adapters.dms.client import DmsClient
from bot.core.dms.accounts import Credentials
from bot.core.dms.errors import DmsNotFound
from bot.core.dms.source import ClientOptions
from bot.core.grammar.window import TimeWindow

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
WINDOW = TimeWindow(
    begin=NOW - timedelta(hours=12), end=NOW, label="last 12h", zone="UTC", ends_now=False
)
IID = "c3a1b8f2-0000-4000-8000-000000000001"


def tasks(count: int, *, prefix: str = "t") -> list[dict[str, Any]]:
    """``count`` tasks, newest first, a minute apart."""
    return [
        {
            "id": f"{prefix}-{n:05d}",
            "name": "restart",
            "status": "SUCCESS",
            "created_at": (NOW - timedelta(minutes=n + 1)).isoformat().replace("+00:00", "Z"),
        }
        for n in range(count)
    ]


@dataclass
class Upstream:
    held: list[dict[str, Any]] = field(default_factory=list)
    count: int | None = None  # reported instead of len(held) when set
    max_limit: int = 1000
    delay: float = 0.05
    slow: dict[int, float] = field(default_factory=dict)  # start -> seconds
    failing: set[int] = field(default_factory=set)  # starts answered 404
    asked: list[int] = field(default_factory=list)
    in_flight: set[int] = field(default_factory=set)
    # Per request: the starts in flight as it arrived (itself included).
    beside: list[frozenset[int]] = field(default_factory=list)
    url: str = ""

    async def answer(self, request: web.Request) -> web.Response:
        start, limit = int(request.query["start"]), int(request.query["limit"])
        self.asked.append(start)
        self.in_flight.add(start)
        self.beside.append(frozenset(self.in_flight))
        try:
            await asyncio.sleep(self.slow.get(start, self.delay))
        finally:
            self.in_flight.discard(start)
        if start in self.failing:
            return web.json_response({"error_code": "DMS.404"}, status=404)
        page = self.held[start - 1 : start - 1 + min(limit, self.max_limit)]
        count = len(self.held) if self.count is None else self.count
        body = {"task_count": str(count), "tasks": page}
        return web.json_response(body, headers={"X-Request-Id": f"r-{start}"})

    def beside_first(self) -> set[int]:
        """The starts asked while the first page was in flight (itself included)."""
        return {start for start, there in zip(self.asked, self.beside, strict=True) if 1 in there}

    def forget(self) -> None:
        self.asked.clear()
        self.beside.clear()


@asynccontextmanager
async def serve(upstream: Upstream) -> AsyncIterator[Upstream]:
    app = web.Application()
    app.router.add_get("/v2/{project}/instances/{instance}/tasks", upstream.answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    upstream.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield upstream
    finally:
        await runner.cleanup()


def client(upstream: Upstream, **options: Any) -> DmsClient:
    settings = {"page_size": 50, "concurrency": 4, "cache_ttl": 0, "max_attempts": 1}
    return DmsClient.create(
        upstream.url,
        Credentials("ak", "sk", "project"),
        options=ClientOptions(**(settings | options)),
    )


async def ask(dms: DmsClient) -> list[str]:
    listing = await dms.list_tasks(IID, WINDOW, fresh=True)
    return [t.id for t in listing.tasks]


async def test_a_cold_ask_waits_for_the_first_page_and_a_warm_one_does_not() -> None:
    async with serve(Upstream(tasks(400))) as up, client(up) as dms:
        cold = await ask(dms)
        assert up.beside_first() == {1}, "nothing known yet: the first page goes alone"
        assert len(up.asked) == 8
        up.forget()
        warm = await ask(dms)
    # The first page and the three the last count implies, together: the concurrency.
    assert up.beside_first() == {1, 51, 101, 151}
    assert sorted(up.asked) == list(range(1, 400, 50)), "every page once, no more"
    assert max(len(b) for b in up.beside) <= 4
    assert warm == cold == [f"t-{n:05d}" for n in range(400)]


async def test_early_pages_never_go_past_max_tasks() -> None:
    async with serve(Upstream(tasks(400))) as up, client(up, max_tasks=120) as dms:
        await ask(dms)
        up.forget()
        listing = await dms.list_tasks(IID, WINDOW, fresh=True)
    assert sorted(up.asked) == [1, 51, 101]
    assert listing.truncated
    assert len(listing.tasks) == 150


async def test_pages_past_a_shrunk_count_are_dropped_not_waited_for_nor_failed() -> None:
    async with serve(Upstream(tasks(400))) as up, client(up) as dms:
        await ask(dms)
        # Now DMS counts 60 (though it still sends what it holds past that): the
        # answer is what paging by 60 reads, whatever the early pages brought.
        up.count = 60
        up.slow = {101: 2.0}  # past the count: not waited for
        up.failing = {151}  # past the count: its failure is not the answer's
        up.forget()
        warm = await asyncio.wait_for(dms.list_tasks(IID, WINDOW, fresh=True), 1)
        up.slow, up.failing = {}, set()
        async with client(up) as new:
            cold = await new.list_tasks(IID, WINDOW)
    assert [t.id for t in warm.tasks] == [t.id for t in cold.tasks]
    assert len(warm.tasks) == 100
    assert warm.reported_count == cold.reported_count == 60
    # The request ids of the answer are those of the pages it is made of.
    assert sorted(warm.request_ids) == sorted(cold.request_ids) == ["r-1", "r-51"]


async def test_a_shrunk_count_gives_exactly_the_tasks_that_are_left() -> None:
    async with serve(Upstream(tasks(400))) as up, client(up) as dms:
        await ask(dms)
        up.held = tasks(120, prefix="u")
        up.forget()
        listing = await dms.list_tasks(IID, WINDOW, fresh=True)
        again = await dms.list_tasks(IID, WINDOW, fresh=True)
    assert [t.id for t in listing.tasks] == [f"u-{n:05d}" for n in range(120)]
    assert listing.reported_count == 120
    assert set(up.asked[:4]) == {1, 51, 101, 151}, "asked early from the last count"
    assert [t.id for t in again.tasks] == [t.id for t in listing.tasks]


async def test_a_grown_count_reads_the_rest_after_the_early_pages() -> None:
    async with serve(Upstream(tasks(120))) as up, client(up) as dms:
        await ask(dms)
        up.held = tasks(420)
        up.forget()
        ids = await ask(dms)
    assert up.beside_first() == {1, 51, 101}
    assert sorted(up.asked) == list(range(1, 420, 50))
    assert ids == [f"t-{n:05d}" for n in range(420)]


async def test_early_pages_are_dropped_when_the_server_caps_the_limit() -> None:
    async with serve(Upstream(tasks(200))) as up, client(up) as dms:
        up.max_limit = 1000
        await ask(dms)
        up.max_limit = 30
        up.forget()
        ids = await ask(dms)
    assert ids == [f"t-{n:05d}" for n in range(200)]
    # The early pages went at the page size; the rest at the step the server allows.
    assert up.asked[:4] == [1, 51, 101, 151] or set(up.asked[:4]) == {1, 51, 101, 151}
    assert sorted(up.asked[4:]) == list(range(31, 200, 30))


async def test_one_page_is_not_remembered_so_idle_instances_cost_one_request() -> None:
    async with serve(Upstream(tasks(30))) as up, client(up) as dms:
        await ask(dms)
        await ask(dms)
    assert up.asked == [1, 1]


async def test_a_page_after_the_first_failing_raises_its_own_error() -> None:
    async with serve(Upstream(tasks(300), failing={101})) as up, client(up) as dms:
        with pytest.raises(DmsNotFound):
            await ask(dms)
        up.failing = set()
        await ask(dms)
        up.failing = {151}
        with pytest.raises(DmsNotFound):
            await asyncio.wait_for(ask(dms), 5)
