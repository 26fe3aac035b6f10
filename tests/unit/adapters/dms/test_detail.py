"""ShowInstance and ShowBackgroundTaskProgress on the DMS client: paths, parsing,
caching and coalescing."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from bot.adapters.dms.client import DmsClient
from bot.core.dms.accounts import Credentials
from bot.core.dms.errors import DmsProtocolError, DmsRequestError

CREDENTIALS = Credentials(ak="AK1234567890", sk="SK1234567890", project_id="proj")


def dms(answer: dict[str, httpx.Response], asked: list[str]) -> DmsClient:
    async def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        await asyncio.sleep(0.01)
        return answer[request.url.path]

    return DmsClient.create(
        "https://dms.example", CREDENTIALS, transport=httpx.MockTransport(handler)
    )


async def test_show_instance_reads_the_detail_and_is_cached_and_coalesced() -> None:
    asked: list[str] = []
    body = {"instance_id": "i1", "status": "RUNNING", "broker_num": 3, "maintain_begin": "02:00:00"}
    client = dms({"/v2/proj/instances/i1": httpx.Response(200, json=body)}, asked)
    async with client:
        details = await asyncio.gather(*(client.show_instance("i1") for _ in range(4)))
        await client.show_instance("i1")
        await client.show_instance("i1", fresh=True)
    assert {(d.status, d.brokers, d.maintain_begin) for d in details} == {
        ("RUNNING", 3, "02:00:00")
    }
    assert asked == ["/v2/proj/instances/i1"] * 2


async def test_progress_is_read_from_its_path() -> None:
    asked: list[str] = []
    body = {"progress_percentage": 55, "remain_time": 600, "step_list": []}
    path = "/v2/proj/instances/i1/tasks/t1/progress"
    async with dms({path: httpx.Response(200, json=body)}, asked) as client:
        progress = await client.task_progress("i1", "t1")
    assert (progress.task_id, progress.percent, asked) == ("t1", 55, [path])


async def test_a_task_without_progress_is_refused_as_dms_refuses_it() -> None:
    path = "/v2/proj/instances/i1/tasks/t1/progress"
    refused = httpx.Response(400, json={"error_code": "DMS.00400001", "error_msg": "no"})
    async with dms({path: refused}, []) as client:
        with pytest.raises(DmsRequestError):
            await client.task_progress("i1", "t1")


async def test_a_detail_that_is_not_an_object_is_a_protocol_error() -> None:
    async with dms({"/v2/proj/instances/i1": httpx.Response(200, json=[1])}, []) as client:
        with pytest.raises(DmsProtocolError):
            await client.show_instance("i1")
