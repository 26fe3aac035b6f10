"""Scheduled tasks in the simulator, asked with the official SDK over loopback: listed
as ListScheduledTasks answers, changed as UpdateScheduledTask does (query parameters,
204), and run into a background task at their time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkkafka.v2 import (
    ListBackgroundTasksRequest,
    ListScheduledTasksRequest,
    UpdateScheduledTaskRequest,
)

from bot.core.dms.errors import DmsRequestError
from bot.simulator import ManualClock, Simulator, SimulatorConfig, SimulatorThread
from bot.simulator.scheduled import background_id
from tests.scenarios.test_client import RecordingSleep, make_client
from tests.scenarios.test_simulator_sdk import instance_id, sdk_client

START = datetime(2026, 11, 27, 3, 0, 0, tzinfo=UTC)
QUERY_TIME = "%Y%m%d%H%M%S"


@pytest.fixture
def manual_sim() -> Iterator[SimulatorThread]:
    with SimulatorThread(SimulatorConfig(), clock=ManualClock(START)) as thread:
        yield thread


def test_list_scheduled_tasks_with_the_sdk(manual_sim: SimulatorThread) -> None:
    client = sdk_client(manual_sim.url)
    orders = instance_id(manual_sim, "prod-orders")
    answer = client.list_scheduled_tasks(ListScheduledTasksRequest(instance_id=orders))
    assert answer.job_count == 2
    jobs = answer.jobs
    assert [j.status for j in jobs] == ["CREATED", "CREATED"]
    assert {j.name for j in jobs} == {"restartInstance", "extendInstance"}
    for job in jobs:
        at = datetime.fromisoformat(job.schedule_at.replace("Z", "+00:00"))
        assert START < at <= START + timedelta(hours=25)
    paged = client.list_scheduled_tasks(
        ListScheduledTasksRequest(instance_id=orders, start="2", limit="1")
    )
    assert paged.job_count == 2
    assert [j.id for j in paged.jobs] == [jobs[1].id]
    # An instance with nothing planned lists nothing.
    payments = instance_id(manual_sim, "prod-payments")
    empty = client.list_scheduled_tasks(ListScheduledTasksRequest(instance_id=payments))
    assert empty.job_count == 0


def test_reschedule_and_cancel_with_the_sdk(manual_sim: SimulatorThread) -> None:
    client = sdk_client(manual_sim.url)
    orders = instance_id(manual_sim, "prod-orders")
    first, second = client.list_scheduled_tasks(ListScheduledTasksRequest(instance_id=orders)).jobs
    later = (START + timedelta(days=2)).strftime(QUERY_TIME)
    client.update_scheduled_task(
        UpdateScheduledTaskRequest(instance_id=orders, task_id=first.id, execute_at=later)
    )
    client.update_scheduled_task(
        UpdateScheduledTaskRequest(instance_id=orders, task_id=second.id, status="CANCELLED")
    )
    jobs = {
        j.id: j
        for j in client.list_scheduled_tasks(ListScheduledTasksRequest(instance_id=orders)).jobs
    }
    assert jobs[first.id].schedule_at.startswith((START + timedelta(days=2)).strftime("%Y-%m-%d"))
    assert jobs[second.id].status == "CANCELLED"
    # A cancelled task can no longer change; an unknown one is not found.
    with pytest.raises(ClientRequestException) as refused:
        client.update_scheduled_task(
            UpdateScheduledTaskRequest(instance_id=orders, task_id=second.id, execute_at=later)
        )
    assert refused.value.status_code == 400
    with pytest.raises(ClientRequestException) as missing:
        client.update_scheduled_task(
            UpdateScheduledTaskRequest(instance_id=orders, task_id="f" * 32, status="CANCELLED")
        )
    assert missing.value.status_code == 404


def test_a_scheduled_task_runs_into_a_background_task(manual_sim: SimulatorThread) -> None:
    client = sdk_client(manual_sim.url)
    orders = instance_id(manual_sim, "prod-orders")
    first, second = client.list_scheduled_tasks(ListScheduledTasksRequest(instance_id=orders)).jobs
    client.update_scheduled_task(
        UpdateScheduledTaskRequest(instance_id=orders, task_id=second.id, status="CANCELLED")
    )
    at = datetime.fromisoformat(first.schedule_at.replace("Z", "+00:00"))

    def background_ids() -> set[str]:
        window = ListBackgroundTasksRequest(
            instance_id=orders,
            begin_time=(at - timedelta(minutes=1)).strftime(QUERY_TIME),
            end_time=(at + timedelta(days=2)).strftime(QUERY_TIME),
            limit=50,
        )
        return {t.id for t in client.list_background_tasks(window).tasks}

    assert background_id(first.id) not in background_ids()
    assert isinstance(manual_sim.clock, ManualClock)
    manual_sim.clock.set(at + timedelta(hours=2))
    assert background_id(first.id) in background_ids()
    assert background_id(second.id) not in background_ids()  # cancelled: never runs
    jobs = {
        j.id: j.status
        for j in client.list_scheduled_tasks(ListScheduledTasksRequest(instance_id=orders)).jobs
    }
    assert jobs == {first.id: "SUCCESS", second.id: "CANCELLED"}


async def test_the_client_lists_reschedules_and_cancels(simulator: Simulator) -> None:
    """The bot's own client on the one signed GET/PUT path: the listing read, a change
    answered 204 with its request id, a refused change raised as DMS said it."""
    [found] = simulator.state.find_instances("prod-orders", exact=True)
    orders = found.instance_id
    async with make_client(simulator, RecordingSleep()) as dms:
        listed = await dms.list_scheduled(orders)
        assert len(listed.waiting) == 2
        assert listed.request_ids
        first, second = listed.waiting
        assert first.schedule_at is not None
        later = first.schedule_at + timedelta(days=1)
        request_id = await dms.update_scheduled(orders, first.id, execute_at=later)
        assert request_id
        assert await dms.update_scheduled(orders, second.id, execute_at=None)
        again = {t.id: t for t in (await dms.list_scheduled(orders)).tasks}
        assert again[first.id].schedule_at == later
        assert again[second.id].status == "CANCELLED"
        with pytest.raises(DmsRequestError):
            await dms.update_scheduled(orders, second.id, execute_at=None)
