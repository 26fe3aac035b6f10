"""The simulator's API over loopback HTTP, signed by our own httpx signer: the AK/SK
check, parameters, filters and the timeline under a ManualClock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from bot.adapters.dms.auth import (
    DATE_FORMAT,
    DATE_HEADER,
    AkSkAuth,
    authorization_header,
    canonical_request,
    signed_header_names,
)
from bot.core.dms.accounts import Credentials
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, ManualClock, Simulator

BASE = f"/v2/{DEMO_PROJECT_ID}/instances"
QUERY_TIME = "%Y%m%d%H%M%S"


def iid(sim: Simulator, name: str) -> str:
    [found] = sim.state.find_instances(name, exact=True)
    return found.instance_id


def manual(sim: Simulator) -> ManualClock:
    assert isinstance(sim.clock, ManualClock)
    return sim.clock


def parse_iso(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")


def assert_auth_refused(response: httpx.Response, reason: str) -> None:
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["error_code"] == "APIGW.0301"
    assert body["error_msg"].startswith("Incorrect IAM authentication information: ")
    assert reason in body["error_msg"]
    assert body["request_id"] == response.headers["X-Request-Id"]
    assert DEMO_SK not in response.text


def assert_dms_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert body["error_code"] == code
    assert body["error_msg"]
    assert body["request_id"] == response.headers["X-Request-Id"]
    return body


async def all_tasks(
    client: httpx.AsyncClient, instance_id: str, **params: str
) -> list[dict[str, str]]:
    response = await client.get(f"{BASE}/{instance_id}/tasks", params={"limit": "1000", **params})
    assert response.status_code == 200, response.text
    body = response.json()
    assert int(body["task_count"]) == len(body["tasks"])
    tasks: list[dict[str, str]] = body["tasks"]
    return tasks


# -- authentication ------------------------------------------------------------------


def signer(clock: Callable[[], datetime] = lambda: datetime.now(UTC), **creds: str) -> AkSkAuth:
    values = {"ak": DEMO_AK, "sk": DEMO_SK, "project_id": DEMO_PROJECT_ID, **creds}
    return AkSkAuth(Credentials(**values), clock=clock)


@pytest.mark.parametrize(
    ("skew", "accepted"),
    [
        (timedelta(minutes=14), True),
        (timedelta(minutes=-14), True),
        (timedelta(minutes=16), False),
        (timedelta(minutes=-16), False),
    ],
)
async def test_sdk_date_skew_over_15_minutes_is_refused(
    simulator: Simulator, skew: timedelta, accepted: bool
) -> None:
    auth = signer(clock=lambda: datetime.now(UTC) + skew)
    async with httpx.AsyncClient(base_url=simulator.url, auth=auth) as client:
        response = await client.get(BASE)
    if accepted:
        assert response.status_code == 200, response.text
    else:
        assert_auth_refused(response, "x-sdk-date expired")


async def test_timeline_clock_does_not_affect_signatures(simulator: Simulator) -> None:
    manual(simulator).advance(timedelta(days=3))
    async with httpx.AsyncClient(base_url=simulator.url, auth=signer()) as client:
        assert (await client.get(BASE)).status_code == 200


@pytest.mark.parametrize(
    ("auth", "reason"),
    [
        (signer(sk="WrongSecretKeyWrongSecretKeyWrongSecret0"), "verify aksk signature fail"),
        (signer(ak="UNKNOWNAKUNKNOWNAK00"), "access key (AK) does not exist"),
        (signer(project_id="1" * 32), "X-Project-Id"),
        (None, "no Authorization header"),
    ],
)
async def test_bad_credentials_are_refused(
    simulator: Simulator, auth: AkSkAuth | None, reason: str
) -> None:
    async with httpx.AsyncClient(base_url=simulator.url, auth=auth) as client:
        assert_auth_refused(await client.get(BASE), reason)


async def test_project_in_path_must_be_the_configured_one(simulator: Simulator) -> None:
    async with httpx.AsyncClient(base_url=simulator.url, auth=signer()) as client:
        response = await client.get(f"/v2/{'2' * 32}/instances")
    assert_auth_refused(response, "in the path does not belong to this AK")


async def test_changing_the_query_after_signing_is_refused(simulator: Simulator) -> None:
    async with httpx.AsyncClient(base_url=simulator.url) as client:
        request = client.build_request("GET", BASE, params={"limit": "10"})
        signed = next(signer().auth_flow(request))
        signed.url = signed.url.copy_with(query=b"limit=11")
        assert_auth_refused(await client.send(signed), "verify aksk signature fail")


def hand_signed(url: str, date: str, signed: dict[str, str]) -> dict[str, str]:
    """Headers for GET ``url`` with ``X-Sdk-Date: date``, signing only ``signed``."""
    parsed = httpx.URL(url)
    canonical = canonical_request("GET", parsed.path, parsed.params.multi_items(), signed)
    names = signed_header_names(signed)
    auth = authorization_header(DEMO_AK, DEMO_SK, canonical, date, names)
    return {DATE_HEADER: date, **signed, "Authorization": auth}


async def test_host_and_date_must_be_signed(simulator: Simulator) -> None:
    url = simulator.url + BASE
    host = httpx.URL(url).netloc.decode()
    date = datetime.now(UTC).strftime(DATE_FORMAT)
    async with httpx.AsyncClient() as client:
        both = hand_signed(url, date, {"Host": host, DATE_HEADER: date})
        assert (await client.get(url, headers=both)).status_code == 200

        no_host = hand_signed(url, date, {DATE_HEADER: date})
        assert_auth_refused(await client.get(url, headers=no_host), "host must be among")

        no_date = hand_signed(url, date, {"Host": host})
        assert_auth_refused(await client.get(url, headers=no_date), "x-sdk-date must be among")

        bad = "2026-11-27 03:00"
        bad_date = hand_signed(url, bad, {"Host": host, DATE_HEADER: bad})
        assert_auth_refused(await client.get(url, headers=bad_date), "not in the form")


async def test_query_values_needing_percent_encoding_verify(sim_client: httpx.AsyncClient) -> None:
    response = await sim_client.get(BASE, params={"name": "prod orders/ü&x=~", "engine": "kafka"})
    assert response.status_code == 200, response.text
    assert response.json() == {"instances": [], "instance_num": 0}


async def test_unknown_api_gets_apigw_0101(sim_client: httpx.AsyncClient) -> None:
    assert_dms_error(await sim_client.get(f"/v2/{DEMO_PROJECT_ID}/clusters"), 404, "APIGW.0101")
    assert_dms_error(await sim_client.post(BASE, json={}), 404, "APIGW.0101")


# -- ListInstances -------------------------------------------------------------------


async def test_list_instances_filters_and_pages(
    simulator: Simulator, sim_client: httpx.AsyncClient
) -> None:
    everything = (await sim_client.get(BASE, params={"limit": "50"})).json()
    names = [i["name"] for i in everything["instances"]]
    assert everything["instance_num"] == len(names) >= 6
    for expected in ("prod-orders", "prod-orders-dr", "prod-payments", "staging-orders",
                     "dev-sandbox", "analytics-events"):  # fmt: skip
        assert expected in names

    default_page = (await sim_client.get(BASE)).json()
    assert len(default_page["instances"]) == min(10, len(names))

    second = (await sim_client.get(BASE, params={"offset": "2", "limit": "2"})).json()
    assert [i["name"] for i in second["instances"]] == names[2:4]
    assert second["instance_num"] == len(names)

    exact = (
        await sim_client.get(BASE, params={"name": "prod-orders", "exact_match_name": "true"})
    ).json()
    [instance] = exact["instances"]
    assert instance == {
        "instance_id": iid(simulator, "prod-orders"),
        "name": "prod-orders",
        "engine": "kafka",
        "engine_version": instance["engine_version"],
        "specification": instance["specification"],
        "type": "cluster",
        "status": "RUNNING",
        "description": instance["description"],
        "enterprise_project_id": "0",
        "created_at": instance["created_at"],
        "tags": [],
    }
    assert instance["engine_version"] in {"2.7", "3.x"}
    assert instance["created_at"].isdigit()

    rabbit = (await sim_client.get(BASE, params={"engine": "rabbitmq"})).json()
    assert rabbit == {"instances": [], "instance_num": 0}


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "51"},
        {"limit": "ten"},
        {"offset": "-1"},
        {"exact_match_name": "yes"},
    ],
)
async def test_list_instances_bad_parameters_get_400(
    sim_client: httpx.AsyncClient, params: dict[str, str]
) -> None:
    body = assert_dms_error(await sim_client.get(BASE, params=params), 400, "DMS.00400000")
    assert next(iter(params)) in body["error_msg"]


# -- ListBackgroundTasks / ShowBackgroundTask ------------------------------------------


async def test_tasks_are_newest_first_and_recent_ones_are_dense(
    simulator: Simulator, sim_client: httpx.AsyncClient
) -> None:
    tasks = await all_tasks(sim_client, iid(simulator, "prod-orders"))
    created = [parse_iso(t["created_at"]) for t in tasks]
    assert created == sorted(created, reverse=True)
    now = simulator.clock.now()
    assert created[0] <= now
    assert sum(1 for c in created if c >= now - timedelta(hours=1)) >= 15
    assert min(created) >= now - timedelta(days=30)
    assert set(tasks[0]) == {
        "id", "name", "user_name", "user_id", "params", "status", "created_at", "updated_at",
    }  # fmt: skip
    assert all(isinstance(v, str) for t in tasks for v in t.values())


async def test_begin_and_end_time_filter_created_at_inclusively(
    simulator: Simulator, sim_client: httpx.AsyncClient
) -> None:
    instance_id = iid(simulator, "prod-orders")
    everything = await all_tasks(sim_client, instance_id)
    # Bounds on exact task times (to the second) check that both ends are inclusive.
    newest_second = parse_iso(everything[3]["created_at"]).replace(microsecond=0)
    begin = newest_second - timedelta(hours=6)
    end = newest_second

    filtered = await all_tasks(
        sim_client,
        instance_id,
        begin_time=begin.strftime(QUERY_TIME),
        end_time=end.strftime(QUERY_TIME),
    )

    expected = [t for t in everything if begin <= parse_iso(t["created_at"]) <= end]
    assert [t["id"] for t in filtered] == [t["id"] for t in expected]
    assert 10 < len(filtered) < len(everything)

    only_begin = await all_tasks(sim_client, instance_id, begin_time=begin.strftime(QUERY_TIME))
    assert [t["id"] for t in only_begin] == [
        t["id"] for t in everything if parse_iso(t["created_at"]) >= begin
    ]
    reversed_window = await all_tasks(
        sim_client,
        instance_id,
        begin_time=end.strftime(QUERY_TIME),
        end_time=begin.strftime(QUERY_TIME),
    )
    assert reversed_window == []


@pytest.mark.parametrize(
    "params",
    [
        {"begin_time": "2026-11-27T00:00:00Z"},
        {"end_time": "202611270000"},
        {"begin_time": "20261327000000"},
        {"start": "0"},
        {"start": "x"},
        {"limit": "0"},
    ],
)
async def test_list_tasks_bad_parameters_get_400(
    simulator: Simulator, sim_client: httpx.AsyncClient, params: dict[str, str]
) -> None:
    url = f"{BASE}/{iid(simulator, 'prod-orders')}/tasks"
    body = assert_dms_error(await sim_client.get(url, params=params), 400, "DMS.00400000")
    assert next(iter(params)) in body["error_msg"]


async def test_paging_with_start_and_the_silent_limit_cap(
    simulator: Simulator, sim_client: httpx.AsyncClient
) -> None:
    instance_id = simulator.state.add_instance("bulk-1500", 1500, span=timedelta(hours=6))
    url = f"{BASE}/{instance_id}/tasks"

    default = (await sim_client.get(url)).json()
    assert default["task_count"] == "1500"
    assert len(default["tasks"]) == 10

    capped = (await sim_client.get(url, params={"limit": "5000"})).json()
    assert capped["task_count"] == "1500"
    assert len(capped["tasks"]) == 1000

    rest = (await sim_client.get(url, params={"start": "1001", "limit": "1000"})).json()
    assert len(rest["tasks"]) == 500
    ids = [t["id"] for t in capped["tasks"] + rest["tasks"]]
    assert len(set(ids)) == 1500

    past_the_end = (await sim_client.get(url, params={"start": "1501"})).json()
    assert past_the_end == {"task_count": "1500", "tasks": []}

    now = simulator.clock.now()
    created = [parse_iso(t["created_at"]) for t in capped["tasks"] + rest["tasks"]]
    assert all(now - timedelta(hours=6) <= c <= now for c in created)


async def test_unknown_instance_and_task(
    simulator: Simulator, sim_client: httpx.AsyncClient
) -> None:
    body = assert_dms_error(
        await sim_client.get(f"{BASE}/9d3c3d1e-0000-4000-8000-000000000000/tasks"),
        404,
        "DMS.00404022",
    )
    assert body["error_msg"] == "This instance does not exist."
    assert_dms_error(await sim_client.get(f"{BASE}/nope/tasks/{'a' * 32}"), 404, "DMS.00404022")
    instance_id = iid(simulator, "prod-orders")
    assert_dms_error(
        await sim_client.get(f"{BASE}/{instance_id}/tasks/{'a' * 32}"), 404, "DMS.00404071"
    )


async def test_advancing_the_clock_finishes_tasks_and_reveals_new_ones(
    simulator: Simulator, sim_client: httpx.AsyncClient
) -> None:
    instance_id = iid(simulator, "prod-orders")
    before = {t["id"]: t for t in await all_tasks(sim_client, instance_id)}
    running = {i: t for i, t in before.items() if t["status"] in {"CREATED", "EXECUTING"}}
    assert {t["status"] for t in running.values()} == {"CREATED", "EXECUTING"}
    timeline = simulator.state.timeline(instance_id)
    assert timeline is not None
    future = [t for t in timeline if t.created_at > simulator.clock.now()]
    assert future, "the demo data has tasks that appear later"
    hidden = await sim_client.get(f"{BASE}/{instance_id}/tasks/{future[0].id}")
    assert_dms_error(hidden, 404, "DMS.00404071")

    control = await sim_client.post("/_sim/clock", json={"advance_s": 5 * 3600})
    assert control.status_code == 200, control.text
    now = simulator.clock.now()
    assert control.json()["now"].startswith(now.strftime("%Y-%m-%dT%H:%M:%S"))

    after = {t["id"]: t for t in await all_tasks(sim_client, instance_id)}
    assert set(after) == set(before) | {t.id for t in future}
    for task_id, was in running.items():
        task = after[task_id]
        assert task["status"] in {"SUCCESS", "FAILED"}, task
        assert was["updated_at"] < task["updated_at"]
        assert parse_iso(task["created_at"]) < parse_iso(task["updated_at"]) <= now
    shown = await sim_client.get(f"{BASE}/{instance_id}/tasks/{future[0].id}")
    assert shown.status_code == 200
    assert shown.json()["task_count"] == "1"
    assert shown.json()["tasks"][0]["id"] == future[0].id


async def test_final_status_is_predetermined(simulator: Simulator) -> None:
    instance_id = iid(simulator, "prod-orders")
    timeline = simulator.state.timeline(instance_id)
    assert timeline is not None
    now = simulator.clock.now()
    running = [t for t in timeline if t.visible_at(now) and t.status_at(now) == "EXECUTING"]
    assert running
    manual(simulator).set(max(t.finished_at for t in running))
    later = simulator.clock.now()
    assert [t.status_at(later) for t in running] == [t.final_status for t in running]
    assert [t.updated_at(later) for t in running] == [t.finished_at for t in running]
