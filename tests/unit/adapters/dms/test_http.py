"""One DMS GET: which failures are retried, how long it waits, what the error says."""

from __future__ import annotations

import random
import socket
from typing import get_args

import httpx
import pytest

from bot.adapters.dms.http import DmsHttp, _connect_failure
from bot.adapters.metrics import Operation
from bot.core.dms.errors import (
    IAM_ACTIONS,
    DmsAuthError,
    DmsNotFound,
    DmsProtocolError,
    DmsUnavailable,
)
from bot.core.dms.source import ClientOptions


def client(handler: httpx.MockTransport, slept: list[float]) -> DmsHttp:
    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    http = httpx.AsyncClient(base_url="https://dms.example", transport=handler)
    return DmsHttp(http, ClientOptions(), sleep=sleep, rng=random.Random(1))


async def test_a_5xx_is_retried_until_the_attempts_run_out() -> None:
    slept: list[float] = []
    dms = client(httpx.MockTransport(lambda request: httpx.Response(503)), slept)
    with pytest.raises(DmsUnavailable):
        await dms.get("/v2/p/instances", {}, "list_instances")
    assert dms.upstream_requests == ClientOptions().max_attempts
    assert len(slept) == ClientOptions().max_attempts - 1
    assert all(0 <= s <= ClientOptions().backoff_cap for s in slept)


async def test_a_404_is_not_retried() -> None:
    slept: list[float] = []
    dms = client(httpx.MockTransport(lambda request: httpx.Response(404)), slept)
    with pytest.raises(DmsNotFound):
        await dms.get("/v2/p/instances", {}, "list_instances")
    assert (dms.upstream_requests, slept) == (1, [])


async def test_a_body_that_is_not_json_is_a_protocol_error_with_a_snippet() -> None:
    dms = client(httpx.MockTransport(lambda request: httpx.Response(200, content=b"<html>")), [])
    with pytest.raises(DmsProtocolError) as info:
        await dms.get("/v2/p/instances", {}, "list_instances")
    assert "<html>" in (info.value.snippet or "")


async def test_the_query_is_sent_in_its_signed_form_and_the_request_id_returned() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={"ok": 1}, headers={"X-Request-Id": "r-1"})

    dms = client(httpx.MockTransport(answer), [])
    body, request_id = await dms.get(
        "/v2/p/instances", {"limit": "5", "engine": "kafka"}, "list_instances"
    )
    assert (body, request_id) == ({"ok": 1}, "r-1")
    assert seen == ["https://dms.example/v2/p/instances?engine=kafka&limit=5"]


def test_a_connect_failure_is_named_from_the_socket_error_behind_it() -> None:
    def wrapped(cause: BaseException) -> BaseException:
        error = httpx.ConnectError("could not connect")
        error.__cause__ = cause
        return error

    assert _connect_failure(wrapped(socket.gaierror("no such host"))) == "unknown_host"
    assert _connect_failure(wrapped(ConnectionRefusedError())) == "refused"
    assert _connect_failure(httpx.ConnectError("?")) == "failed"


async def test_a_change_is_not_sent_again_after_a_5xx() -> None:
    # DMS may have made it before failing: a second PUT could fail where the first worked.
    slept: list[float] = []
    dms = client(httpx.MockTransport(lambda request: httpx.Response(503)), slept)
    with pytest.raises(DmsUnavailable):
        await dms.put("/v2/p/instances/i/scheduled-tasks/t", {}, "update_scheduled")
    assert dms.upstream_requests == 1
    assert slept == []


async def test_a_throttled_change_is_sent_again_and_a_204_is_the_change_made() -> None:
    answers = iter([httpx.Response(429), httpx.Response(204)])
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        return next(answers)

    slept: list[float] = []
    dms = client(httpx.MockTransport(handle), slept)
    body, _ = await dms.put("/v2/p/instances/i/scheduled-tasks/t", {}, "update_scheduled")
    assert body is None
    assert seen == ["PUT", "PUT"]
    assert len(slept) == 1


async def test_a_refused_call_names_its_own_permission() -> None:
    # Every call the client makes has its action: none falls back to another call's.
    assert set(get_args(Operation)) <= set(IAM_ACTIONS)
    slept: list[float] = []
    dms = client(httpx.MockTransport(lambda request: httpx.Response(403)), slept)
    with pytest.raises(DmsAuthError) as refused:
        await dms.put("/v2/p/instances/i/scheduled-tasks/t", {}, "update_scheduled")
    assert refused.value.action == "dms:instance:modifyScheduledTask"
