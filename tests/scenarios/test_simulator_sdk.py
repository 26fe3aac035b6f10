"""The official SDK (huaweicloudsdkkafka) against the simulator: its requests are
accepted as a real gateway would, and its models read our responses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkkafka.v2 import (
    KafkaClient,
    ListBackgroundTasksRequest,
    ListInstancesRequest,
    ShowBackgroundTaskRequest,
)

from bot.simulator import (
    DEMO_AK,
    DEMO_PROJECT_ID,
    DEMO_SK,
    SimulatorConfig,
    SimulatorThread,
)

QUERY_TIME = "%Y%m%d%H%M%S"


def sdk_client(
    url: str,
    *,
    ak: str = DEMO_AK,
    sk: str = DEMO_SK,
    project_id: str = DEMO_PROJECT_ID,
    security_token: str | None = None,
) -> KafkaClient:
    credentials = BasicCredentials(ak, sk, project_id)
    if security_token is not None:
        credentials = credentials.with_security_token(security_token)
    config = HttpConfig.get_default_config()
    config.ignore_ssl_verification = True
    config.timeout = (5, 10)
    return (
        KafkaClient.new_builder()
        .with_credentials(credentials)
        .with_endpoints([url])
        .with_http_config(config)
        .build()
    )


def instance_id(sim: SimulatorThread, name: str) -> str:
    [found] = sim.state.find_instances(name, exact=True)
    return found.instance_id


def test_list_instances_fuzzy_and_exact(sim_thread: SimulatorThread) -> None:
    client = sdk_client(sim_thread.url)

    fuzzy = client.list_instances(ListInstancesRequest(engine="kafka", name="ORDERS"))
    assert fuzzy.instance_num == 3
    assert {i.name for i in fuzzy.instances} == {"prod-orders", "prod-orders-dr", "staging-orders"}

    exact = client.list_instances(
        ListInstancesRequest(engine="kafka", name="prod-orders", exact_match_name="true")
    )
    [instance] = exact.instances
    assert instance.instance_id == instance_id(sim_thread, "prod-orders")
    assert (instance.engine, instance.type, instance.status) == ("kafka", "cluster", "RUNNING")
    assert instance.created_at.isdigit()

    unique = client.list_instances(ListInstancesRequest(name="payments"))
    assert [i.name for i in unique.instances] == ["prod-payments"]


def test_list_background_tasks_pages_cover_every_task_once(sim_thread: SimulatorThread) -> None:
    client = sdk_client(sim_thread.url)
    iid = instance_id(sim_thread, "prod-orders")
    # An end_time freezes the window: no task appears while we page.
    end = datetime.now(UTC).strftime(QUERY_TIME)

    seen: list[str] = []
    start, total = 1, None
    while total is None or start <= total:
        page = client.list_background_tasks(
            ListBackgroundTasksRequest(instance_id=iid, start=start, limit=37, end_time=end)
        )
        assert isinstance(page.task_count, str)
        total = int(page.task_count)
        assert page.tasks, f"empty page at start={start} of {total}"
        seen.extend(t.id for t in page.tasks)
        start += len(page.tasks)

    assert len(seen) == len(set(seen)) == total >= 300
    assert sim_thread.stats.count("list_tasks") == -(-total // 37)


def test_list_background_tasks_fields_and_window(sim_thread: SimulatorThread) -> None:
    client = sdk_client(sim_thread.url)
    iid = instance_id(sim_thread, "prod-orders")
    now = datetime.now(UTC)
    begin = (now - timedelta(hours=1)).strftime(QUERY_TIME)
    end = now.strftime(QUERY_TIME)

    response = client.list_background_tasks(
        ListBackgroundTasksRequest(
            instance_id=iid, start=1, limit=100, begin_time=begin, end_time=end
        )
    )

    assert int(response.task_count) == len(response.tasks) >= 15
    for task in response.tasks:
        created = datetime.strptime(task.created_at, "%Y-%m-%dT%H:%M:%S.%f%z")
        assert begin <= created.strftime(QUERY_TIME) <= end
        assert len(task.id) == 32
        assert int(task.id, 16) >= 0
        assert task.status in {"CREATED", "EXECUTING", "SUCCESS", "FAILED", "DELETED", "CANCELLED"}
        assert isinstance(task.params, str)
        assert task.params.startswith("{")
        assert task.updated_at.endswith("Z")
        assert task.user_name
        assert task.user_id
    created_times = [t.created_at for t in response.tasks]
    assert created_times == sorted(created_times, reverse=True)


def test_show_background_task(sim_thread: SimulatorThread) -> None:
    client = sdk_client(sim_thread.url)
    iid = instance_id(sim_thread, "prod-payments")
    [listed] = client.list_background_tasks(
        ListBackgroundTasksRequest(instance_id=iid, start=5, limit=1)
    ).tasks

    shown = client.show_background_task(
        ShowBackgroundTaskRequest(instance_id=iid, task_id=listed.id)
    )

    assert shown.task_count == "1"
    assert shown.tasks[0].to_dict() == listed.to_dict()


def test_wrong_sk_gets_401_apigw_0301(sim_thread: SimulatorThread) -> None:
    wrong = "WrongSecretKeyWrongSecretKeyWrongSecret0"
    client = sdk_client(sim_thread.url, sk=wrong)

    with pytest.raises(ClientRequestException) as caught:
        client.list_instances(ListInstancesRequest())

    assert caught.value.status_code == 401
    assert caught.value.error_code == "APIGW.0301"
    assert "verify aksk signature fail" in caught.value.error_msg
    assert wrong not in caught.value.error_msg
    assert DEMO_SK not in caught.value.error_msg
    assert len(caught.value.request_id) == 32


def test_unknown_instance_and_task_get_404(sim_thread: SimulatorThread) -> None:
    client = sdk_client(sim_thread.url)

    with pytest.raises(ClientRequestException) as caught:
        client.list_background_tasks(ListBackgroundTasksRequest(instance_id="no-such-instance"))
    assert (caught.value.status_code, caught.value.error_code) == (404, "DMS.00404022")
    assert caught.value.error_msg == "This instance does not exist."

    iid = instance_id(sim_thread, "dev-sandbox")
    with pytest.raises(ClientRequestException) as caught:
        client.show_background_task(ShowBackgroundTaskRequest(instance_id=iid, task_id="0" * 32))
    assert (caught.value.status_code, caught.value.error_code) == (404, "DMS.00404071")


def test_temporary_credentials_with_security_token() -> None:
    token = "temporary-token-" + "x" * 64
    config = SimulatorConfig(security_token=token)
    with SimulatorThread(config) as sim:
        ok = sdk_client(sim.url, security_token=token).list_instances(ListInstancesRequest())
        assert ok.instance_num >= 6

        for sent in (None, "some-other-token"):
            with pytest.raises(ClientRequestException) as caught:
                sdk_client(sim.url, security_token=sent).list_instances(ListInstancesRequest())
            assert (caught.value.status_code, caught.value.error_code) == (401, "APIGW.0301")
            assert token not in caught.value.error_msg
