"""Injected faults, latency, stats and the /_sim/ control endpoints, over HTTP."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest

from bot.core.dms.models import parse_iso_utc
from bot.simulator import DEMO_PROJECT_ID, Fault, Simulator, SimulatorConfig, SimulatorThread
from bot.simulator.faults import DEFAULT_TIMEOUT_MS

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


@pytest.mark.parametrize(
    ("kind", "route", "code"),
    [
        ("401", "instances", "APIGW.0301"),
        ("403", "tasks", "DMS.00403000"),
        ("404", "tasks", "DMS.00404022"),
        ("404", "task", "DMS.00404071"),
        ("404", "instances", "APIGW.0101"),
    ],
)
async def test_refusals_answer_with_the_gateway_or_dms_error_body(
    simulator: Simulator, sim_client: httpx.AsyncClient, kind: str, route: str, code: str
) -> None:
    [instance] = simulator.state.find_instances("prod-orders", exact=True)
    tasks = f"{BASE}/{instance.instance_id}/tasks"
    task_id = (await sim_client.get(tasks)).json()["tasks"][0]["id"]
    path = {"instances": BASE, "tasks": tasks, "task": f"{tasks}/{task_id}"}[route]
    await add_fault(sim_client, kind=kind)

    refused = await sim_client.get(path)

    assert refused.status_code == int(kind)
    body = refused.json()
    assert body["error_code"] == code
    assert body["error_msg"]
    assert body["request_id"] == refused.headers["X-Request-Id"]
    if kind == "401":
        assert body["error_msg"].startswith("Incorrect IAM authentication information")
    assert (await sim_client.get(path)).status_code == 200, "a one-shot fault is used up"


async def test_timeout_holds_the_request_past_the_client_timeout_and_lets_go_when_it_leaves(
    simulator: Simulator, sim_client: httpx.AsyncClient
) -> None:
    assert Fault("timeout").hold_ms == DEFAULT_TIMEOUT_MS > 10_000  # the client's default
    await add_fault(sim_client, kind="timeout")

    began = time.perf_counter()
    with pytest.raises(httpx.ReadTimeout):
        await sim_client.get(BASE, timeout=0.2)
    assert time.perf_counter() - began < 5

    # The held handler notices the client is gone instead of sleeping out its 30 s.
    for _ in range(100):
        if simulator.stats.snapshot().outcomes.get("timeout"):
            break
        await asyncio.sleep(0.01)
    assert simulator.stats.snapshot().outcomes == {"timeout": 1}
    assert (await sim_client.get(BASE)).status_code == 200


async def test_timeout_with_a_delay_answers_a_client_that_waits(
    sim_client: httpx.AsyncClient,
) -> None:
    await add_fault(sim_client, kind="timeout", delay_ms=150)
    listed = await add_fault(sim_client, kind="timeout", delay_ms=150)
    assert listed["pending"] == [
        {"kind": "timeout", "retry_after": None, "delay_ms": 150, "count": 1},
        {"kind": "timeout", "retry_after": None, "delay_ms": 150, "count": 1},
    ]

    with pytest.raises(httpx.ReadTimeout):
        await sim_client.get(BASE, timeout=0.05)
    began = time.perf_counter()
    waited = await sim_client.get(BASE, timeout=5)
    assert waited.status_code == 200
    assert waited.json()["instances"]
    assert time.perf_counter() - began >= 0.15


async def _task_bodies(
    simulator: Simulator, client: httpx.AsyncClient, kind: str, *, instance: str = "prod-orders"
) -> tuple[httpx.Response, dict[str, Any]]:
    """The list of ``instance``'s tasks with fault ``kind``, then without."""
    [found] = simulator.state.find_instances(instance, exact=True)
    tasks = f"{BASE}/{found.instance_id}/tasks"
    await add_fault(client, kind=kind)
    faulted = await client.get(tasks, params={"limit": "5"})
    whole = await client.get(tasks, params={"limit": "5"})
    assert whole.json()["tasks"], "the demo instance has tasks"
    return faulted, whole.json()


async def test_count_number_sends_task_count_as_a_json_number(
    simulator: Simulator, sim_client: httpx.AsyncClient
) -> None:
    faulted, whole = await _task_bodies(simulator, sim_client, "count_number")
    assert faulted.status_code == 200
    assert faulted.json() == whole | {"task_count": int(whole["task_count"])}
    assert b'"task_count": ' + whole["task_count"].encode() in faulted.content
    assert len(faulted.headers["X-Request-Id"]) == 32
    assert simulator.stats.snapshot().outcomes == {"count_number": 1, "200": 1}


async def test_count_missing_leaves_the_tasks_out_of_nothing_else(
    simulator: Simulator, sim_client: httpx.AsyncClient
) -> None:
    faulted, whole = await _task_bodies(simulator, sim_client, "count_missing")
    assert faulted.json() == {"tasks": whole["tasks"]}


async def test_tasks_null_says_there_are_tasks_and_sends_none(
    simulator: Simulator, sim_client: httpx.AsyncClient
) -> None:
    faulted, whole = await _task_bodies(simulator, sim_client, "tasks_null")
    assert faulted.json() == {"task_count": whole["task_count"], "tasks": None}
    assert int(whole["task_count"]) > 0

    # Even for a window with no task in it, the count says there is one.
    [instance] = simulator.state.find_instances("prod-orders", exact=True)
    empty = {"begin_time": "20010101000000", "end_time": "20010102000000"}
    await add_fault(sim_client, kind="tasks_null")
    none = await sim_client.get(f"{BASE}/{instance.instance_id}/tasks", params=empty)
    assert none.json() == {"task_count": "1", "tasks": None}


async def test_bad_dates_send_epoch_milliseconds_a_client_cannot_read_as_iso(
    simulator: Simulator, sim_client: httpx.AsyncClient
) -> None:
    faulted, whole = await _task_bodies(simulator, sim_client, "bad_dates")
    tasks = faulted.json()["tasks"]
    assert len(tasks) == len(whole["tasks"])
    for bad, good in zip(tasks, whole["tasks"], strict=True):
        assert {k: v for k, v in bad.items() if not k.endswith("_at")} == {
            k: v for k, v in good.items() if not k.endswith("_at")
        }
        for key in ("created_at", "updated_at"):
            assert bad[key].isdigit()
            assert parse_iso_utc(bad[key]) is None
            moment = parse_iso_utc(good[key])
            assert moment is not None
            assert int(bad[key]) == round(moment.timestamp() * 1000)


@pytest.mark.parametrize("kind", ["count_number", "count_missing", "tasks_null", "bad_dates"])
async def test_body_faults_leave_responses_without_a_task_list_alone(
    simulator: Simulator, sim_client: httpx.AsyncClient, kind: str
) -> None:
    await add_fault(sim_client, kind=kind)
    listed = await sim_client.get(BASE)
    assert listed.status_code == 200
    assert listed.json() == (await sim_client.get(BASE)).json()
    assert simulator.faults.pending() == [], "the fault is used up all the same"

    # An error answer is left as it is too.
    await add_fault(sim_client, kind=kind)
    missing = await sim_client.get(f"{BASE}/{'0' * 32}/tasks")
    assert missing.status_code == 404
    assert missing.json()["error_code"] == "DMS.00404022"


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
        {"kind": "500", "delay_ms": 5},
        {"kind": "timeout", "delay_ms": -1},
        {"kind": "count_number", "retry_after": 1},
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
