"""ListScheduledTasks paged against a hostile DMS: a page repeated, a count that never
ends, a page of one task at a time. Each listing is bounded and lists a task once."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from bot.adapters.dms.client import DmsClient
from bot.core.dms.accounts import Credentials

CREDENTIALS = Credentials(ak="AK1234567890", sk="SK1234567890", project_id="proj")


def dms(page: Callable[[int], dict[str, Any]], asked: list[int]) -> DmsClient:
    async def handler(request: httpx.Request) -> httpx.Response:
        start = int(request.url.params.get("start", "1"))
        asked.append(start)
        return httpx.Response(200, content=json.dumps(page(start)).encode())

    return DmsClient.create(
        "https://dms.example", CREDENTIALS, transport=httpx.MockTransport(handler)
    )


def job(n: int) -> dict[str, Any]:
    return {"id": f"job-{n}", "name": "restartInstance", "status": "CREATED"}


async def test_a_page_repeated_for_ever_lists_each_task_once() -> None:
    asked: list[int] = []
    same = [job(n) for n in range(50)]
    async with dms(lambda start: {"jobs": same, "job_count": 10**9}, asked) as client:
        listed = await client.list_scheduled("i1")
    assert sorted(t.id for t in listed.tasks) == sorted(j["id"] for j in same)
    assert len(asked) <= 2


async def test_one_task_a_page_and_a_count_that_never_ends_stop_at_the_bound() -> None:
    asked: list[int] = []
    async with dms(lambda start: {"jobs": [job(start)], "job_count": "99999999"}, asked) as c:
        listed = await c.list_scheduled("i1")
    assert listed.truncated
    assert len(asked) <= 20
