"""Injected faults, latency, stats and the /_sim/ control endpoints, over HTTP."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest

from bot.simulator import DEMO_PROJECT_ID, Simulator, SimulatorConfig, SimulatorThread

BASE = f"/v2/{DEMO_PROJECT_ID}/instances"


async def add_fault(client: httpx.AsyncClient, **fault: Any) -> dict[str, Any]:
    response = await client.post("/_sim/faults", json=fault)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    ("kind", "code"),
    [("500", "DMS.00500000"), ("502", "APIGW.0202"), ("503", "DMS.00503000")],
)
async def test_server_error_faults(sim_client: httpx.AsyncClient, kind: str, code: str) -> None:
    await add_fault(sim_client, kind=kind)

    failed = await sim_client.get(BASE)
    assert failed.status_code == int(kind)
    assert failed.headers["Content-Type"].startswith("application/json")
    body = failed.json()
    assert body["error_code"] == code
    assert body["error_msg"]
    assert body["request_id"] == failed.headers["X-Request-Id"]
    assert (await sim_client.get(BASE)).status_code == 200, "a one-shot fault is used up"


async def test_throttling_with_and_without_retry_after(sim_client: httpx.AsyncClient) -> None:
    await add_fault(sim_client, kind="429", retry_after=2)
    await add_fault(sim_client, kind="429", retry_after=None)

    first, second = await sim_client.get(BASE), await sim_client.get(BASE)

    for response in (first, second):
        assert response.status_code == 429
        assert response.json()["error_code"] == "APIGW.0308"
        assert response.json()["error_msg"] == "The throttling threshold has been reached."
    assert first.headers["Retry-After"] == "2"
    assert "Retry-After" not in second.headers


async def test_malformed_and_truncated_bodies(sim_client: httpx.AsyncClient) -> None:
    await add_fault(sim_client, kind="malformed")
    await add_fault(sim_client, kind="truncated")

    malformed, truncated = await sim_client.get(BASE), await sim_client.get(BASE)
    whole = await sim_client.get(BASE)

    for response in (malformed, truncated):
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("application/json")
        assert len(response.headers["X-Request-Id"]) == 32
        with pytest.raises(json.JSONDecodeError):
            response.json()
    assert whole.content.startswith(truncated.content)
    assert 0 < len(truncated.content) < len(whole.content)


async def test_drop_closes_the_connection_without_a_response(
    sim_client: httpx.AsyncClient,
) -> None:
    await add_fault(sim_client, kind="drop", count=2)

    for _ in range(2):
        with pytest.raises(httpx.RemoteProtocolError):
            await sim_client.get(BASE)
    assert (await sim_client.get(BASE)).status_code == 200


async def test_slow_delays_then_answers(sim_client: httpx.AsyncClient) -> None:
    await add_fault(sim_client, kind="slow", delay_ms=300)

    began = time.perf_counter()
    response = await sim_client.get(BASE)

    assert response.status_code == 200
    assert time.perf_counter() - began >= 0.3


async def test_faults_queue_in_order_and_can_be_cleared(sim_client: httpx.AsyncClient) -> None:
    await add_fault(sim_client, kind="503", count=2)
    listed = await add_fault(sim_client, kind="500")
    assert listed["pending"] == [
        {"kind": "503", "retry_after": None, "delay_ms": None, "count": 2},
        {"kind": "500", "retry_after": None, "delay_ms": None, "count": 1},
    ]
    statuses = [(await sim_client.get(BASE)).status_code for _ in range(4)]
    assert statuses == [503, 503, 500, 200]

    await add_fault(sim_client, kind="500", count=5)
    cleared = await sim_client.delete("/_sim/faults")
    assert cleared.json()["pending"] == []
    assert (await sim_client.get(BASE)).status_code == 200


async def test_control_endpoints_are_not_faulted_or_counted(
    simulator: Simulator, sim_client: httpx.AsyncClient
) -> None:
    await add_fault(sim_client, kind="drop")
    stats = await sim_client.get("/_sim/stats")
    assert stats.status_code == 200
    assert stats.json()["total"] == 0
    assert simulator.faults.pending() != []


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "418"},
        {"kind": "slow"},
        {"kind": "500", "retry_after": 3},
        {"kind": "500", "count": 0},
        {"kind": "500", "colour": "red"},
        {"count": 1},
        [{"kind": "500"}, "oops"],
    ],
)
async def test_bad_fault_requests_are_refused_with_the_reason(
    simulator: Simulator, sim_client: httpx.AsyncClient, body: Any
) -> None:
    response = await sim_client.post("/_sim/faults", json=body)
    assert response.status_code == 400
    assert response.json()["error"]


async def test_fail_rate_and_latency_at_run_time(
    simulator: Simulator, sim_client: httpx.AsyncClient
) -> None:
    changed = await sim_client.post("/_sim/settings", json={"fail_rate": 1.0, "latency_ms": 150})
    assert changed.json() | {"pending": []} == {
        "pending": [],
        "latency_ms": 150.0,
        "fail_rate": 1.0,
    }

    began = time.perf_counter()
    failed = await sim_client.get(BASE)
    assert time.perf_counter() - began >= 0.15
    assert failed.status_code == 500
    assert failed.json()["error_code"] == "DMS.00500000"

    simulator.faults.fail_rate = 0.0
    simulator.faults.latency_ms = 0
    assert (await sim_client.get(BASE)).status_code == 200

    refused = await sim_client.post("/_sim/settings", json={"fail_rate": 2})
    assert refused.status_code == 400
    assert "fail_rate" in refused.json()["error"]


async def test_fail_rate_is_reproducible_for_a_seed() -> None:
    async def outcomes(seed: int) -> list[int]:
        config = SimulatorConfig(seed=seed, fail_rate=0.5)
        async with Simulator(config) as sim, httpx.AsyncClient(base_url=sim.url) as client:
            # Auth comes after the fault roll, so unsigned requests show it: 500 or 401.
            return [(await client.get(BASE)).status_code for _ in range(30)]

    first, again, other = await outcomes(1), await outcomes(1), await outcomes(2)
    assert first == again
    assert first != other
    assert set(first) == {500, 401}


async def test_stats_count_by_endpoint_kind(
    simulator: Simulator, sim_client: httpx.AsyncClient
) -> None:
    [instance] = simulator.state.find_instances("prod-payments")
    tasks = f"{BASE}/{instance.instance_id}/tasks"
    await sim_client.get(BASE)
    await sim_client.get(tasks)
    await sim_client.get(tasks, params={"start": "11"})
    await sim_client.get(f"{tasks}/{'f' * 32}")
    await sim_client.get(f"{BASE}/{instance.instance_id}")
    await sim_client.get(f"/v2/{DEMO_PROJECT_ID}/nothing-here")

    stats = (await sim_client.get("/_sim/stats")).json()
    assert stats["requests"] == {
        "list_instances": 1,
        "show_instance": 1,
        "list_tasks": 2,
        "show_task": 1,
        "unknown": 1,
    }
    assert stats["outcomes"] == {"200": 4, "404": 2}
    assert stats["total"] == 6
    assert simulator.stats.count("list_tasks") == 2

    reset = await sim_client.post("/_sim/stats/reset")
    assert reset.json()["total"] == 0


async def test_stats_record_the_highest_concurrency(
    simulator: Simulator, sim_client: httpx.AsyncClient
) -> None:
    simulator.faults.latency_ms = 100
    await asyncio.gather(*(sim_client.get(BASE) for _ in range(5)))
    assert simulator.stats.snapshot().max_in_flight == 5


async def test_instances_control(simulator: Simulator, sim_client: httpx.AsyncClient) -> None:
    names = (await sim_client.get("/_sim/instances")).json()["instances"]
    assert (
        names["prod-orders"]
        == simulator.state.find_instances("prod-orders", exact=True)[0].instance_id
    )

    created = await sim_client.post(
        "/_sim/instances", json={"name": "bench-1", "tasks": 120, "span_hours": 2}
    )
    assert created.status_code == 201
    instance_id = created.json()["instance_id"]
    listed = await sim_client.get(f"{BASE}/{instance_id}/tasks")
    assert listed.json()["task_count"] == "120"

    again = await sim_client.post("/_sim/instances", json={"name": "bench-1", "tasks": 1})
    assert again.status_code == 409
    assert "already exists" in again.json()["error"]
    bad = await sim_client.post("/_sim/instances", json={"name": "bench-2"})
    assert bad.status_code == 400
    not_json = await sim_client.post("/_sim/instances", content=b"{nope")
    assert not_json.status_code == 400
    assert "not JSON" in not_json.json()["error"]


def test_clock_control_needs_a_manual_clock(sim_thread: SimulatorThread) -> None:
    with httpx.Client(base_url=sim_thread.url) as client:
        response = client.post("/_sim/clock", json={"advance_s": 60})
        assert response.status_code == 409
        assert "ManualClock" in response.json()["error"]
        assert client.get("/_sim/clock").json()["manual"] is False


async def test_unknown_control_endpoint_says_so(sim_client: httpx.AsyncClient) -> None:
    response = await sim_client.put("/_sim/faults")
    assert response.status_code == 405
    assert response.json() == {"error": "PUT /_sim/faults: Method Not Allowed"}
    assert (await sim_client.get("/_sim/nothing")).status_code == 404


async def test_clock_control_validates_its_body(sim_client: httpx.AsyncClient) -> None:
    assert (await sim_client.post("/_sim/clock", json={})).status_code == 400
    negative = await sim_client.post("/_sim/clock", json={"advance_s": -5})
    assert negative.status_code == 400
    assert "forward" in negative.json()["error"]
