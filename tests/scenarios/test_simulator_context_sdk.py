"""The official CTS, CES and Kafka SDKs against the simulator's CTS, CES, ShowInstance
and progress routes: signed by the real signer, read by the real models."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from huaweicloudsdkces.v2 import CesClient, ListAlarmHistoriesRequest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcts.v3 import CtsClient, ListTracesRequest
from huaweicloudsdkkafka.v2 import (
    KafkaClient,
    ShowBackgroundTaskProgressRequest,
    ShowInstanceRequest,
)

from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, ManualClock, SimulatorThread

MINUTE = timedelta(minutes=1)


def client(kind: Any, url: str, sk: str = DEMO_SK) -> Any:
    config = HttpConfig.get_default_config()
    config.timeout = (5, 10)
    return (
        kind.new_builder()
        .with_credentials(BasicCredentials(DEMO_AK, sk, DEMO_PROJECT_ID))
        .with_endpoints([url])
        .with_http_config(config)
        .build()
    )


def as_time(value: object) -> datetime:
    """A CES time as the SDK returns it: a datetime when python-dateutil is installed,
    else the wire text, which must then be UTC with a ``Z`` (what the SDK parses)."""
    if isinstance(value, datetime):
        assert value.tzinfo is not None
        return value
    assert isinstance(value, str), value
    assert value.endswith("Z"), value
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorThread]:
    """The timeline stands still (a manual clock) while signatures use the real time."""
    with SimulatorThread(clock=ManualClock(datetime.now(UTC))) as thread:
        yield thread


def prod_orders(sim: SimulatorThread) -> str:
    [found] = sim.state.find_instances("prod-orders", exact=True)
    return found.instance_id


def all_pages(cts: CtsClient, **query: object) -> list[Any]:
    traces, marker, pages = [], None, 0
    while True:
        page = cts.list_traces(ListTracesRequest(trace_type="system", next=marker, **query))
        assert page.meta_data.count == len(page.traces)
        traces.extend(page.traces)
        pages += 1
        marker = page.meta_data.marker
        if marker is None:
            return traces
        assert marker == page.traces[-1].trace_id
        assert pages < 1000


def test_list_traces_pages_cover_every_trace_once_newest_first(sim: SimulatorThread) -> None:
    cts = client(CtsClient, sim.url)
    now = sim.clock.now()
    iid = prod_orders(sim)
    window = {"_from": ms(now - timedelta(days=1)), "to": ms(now), "resource_id": iid}

    paged = all_pages(cts, limit=7, **window)
    whole = all_pages(cts, limit=200, **window)

    ids = [t.trace_id for t in paged]
    assert len(ids) == len(set(ids)) > 50
    assert ids == [t.trace_id for t in whole]
    times = [t.time for t in paged]
    assert times == sorted(times, reverse=True)
    assert all(ms(now - timedelta(days=1)) < t < ms(now) for t in times)
    script = [
        t
        for t in sim.state.context.all_traces()
        if t.resource_id == iid and now - timedelta(days=1) < t.time < now and t.record_time <= now
    ]
    assert set(ids) == {t.trace_id for t in script}


def test_every_trace_field_reads_as_the_sdk_model(sim: SimulatorThread) -> None:
    cts = client(CtsClient, sim.url)
    now = sim.clock.now()
    [trace] = cts.list_traces(
        ListTracesRequest(
            trace_type="system",
            _from=ms(now - timedelta(hours=4)),
            to=ms(now),
            trace_name="Kafka_alter_topicsSuccess",
            resource_name="prod-orders",
        )
    ).traces
    assert trace.trace_type == "ConsoleAction"
    assert trace.source_ip == "203.0.113.45"
    assert trace.trace_rating == "normal"
    assert (trace.resource_type, trace.service_type) == ("kafka", "DMS")
    assert isinstance(trace.time, int)
    assert isinstance(trace.record_time, int)
    assert trace.record_time >= trace.time
    assert len(trace.request_id) == 32
    assert '"orders.paid"' in trace.request
    user = trace.user
    assert (user.name, user.user_name) == ("maria.garcia", "maria.garcia")
    assert user.domain.name == "kafka-tasks-demo"
    assert user.domain.id == user.account_id
    assert user.principal_urn == f"iam::{user.account_id}:user:maria.garcia"
    assert user.invoked_by == ["service.console"]
    assert user.session_context.attributes.mfa_authenticated == "true"
    assert trace.read_only is False
    for name in trace.attribute_map:
        assert getattr(trace, name) is not None, name


def test_list_traces_needs_trace_type_and_bounds_limit(sim: SimulatorThread) -> None:
    cts = client(CtsClient, sim.url)
    for request in (ListTracesRequest(trace_type=None), ListTracesRequest("system", limit=201)):
        with pytest.raises(ClientRequestException) as caught:
            cts.list_traces(request)
        assert caught.value.status_code == 400
        assert caught.value.error_code.startswith("CTS.")
    default = cts.list_traces(ListTracesRequest(trace_type="system"))
    assert len(default.traces) == 10  # an hour back by default, 10 at most


def test_traces_older_than_seven_days_are_not_returned(sim: SimulatorThread) -> None:
    cts = client(CtsClient, sim.url)
    now = sim.clock.now()
    old = [t for t in sim.state.context.all_traces() if t.time < now - timedelta(days=7)]
    assert old, "the script holds traces past the retention"
    got = all_pages(cts, limit=200, _from=ms(now - timedelta(days=30)), to=ms(now))
    assert got
    assert min(t.time for t in got) >= ms(now - timedelta(days=7))


def job_of(trace: Any) -> str:
    return str(json.loads(trace.response or trace.request)["job_id"])


def test_the_story_in_traces(sim: SimulatorThread) -> None:
    cts = client(CtsClient, sim.url)
    now = sim.clock.now()
    iid = prod_orders(sim)
    traces = all_pages(
        cts, limit=50, _from=ms(now - timedelta(hours=6)), to=ms(now), resource_id=iid
    )
    [failure] = [t for t in traces if t.trace_rating == "incident"]
    assert failure.trace_name == "restartDMSInstanceTaskFailure"
    assert failure.trace_type == "SystemAction"
    # A task's traces name it: DMS answers a submission with its job_id.
    [submitted] = [
        t
        for t in traces
        if t.trace_name == "restartDMSInstanceSuccess" and job_of(t) == job_of(failure)
    ]
    assert (submitted.user.name, submitted.trace_type) == ("oncall-automation", "ApiCall")
    assert submitted.source_ip == "10.20.0.15"
    tasks = {t.id: t for t in sim.state.timeline(iid) or ()}
    restart = tasks[job_of(failure)]
    assert (restart.name, restart.final_status) == ("restartInstance", "FAILED")
    assert abs(submitted.time - ms(restart.created_at)) < 1000
    assert 0 <= failure.time - ms(restart.finished_at) < 5000

    scale_out = max(
        (t for t in traces if t.trace_name == "extendDMSInstanceSuccess"), key=lambda t: t.time
    )
    assert abs(scale_out.time - ms(sim.state.started_at - 20 * MINUTE)) < 1000
    assert scale_out.user.name == "li.wei"
    assert (scale_out.source_ip, scale_out.trace_type) == ("203.0.113.17", "ConsoleAction")
    running = tasks[job_of(scale_out)]
    assert running.status_at(now) == "EXECUTING"
    ended = [t for t in traces if t.trace_name.startswith("extendDMSInstanceTask")]
    assert job_of(scale_out) not in {job_of(t) for t in ended}  # still running

    [topic_change] = [t for t in traces if t.trace_name == "Kafka_alter_topicsSuccess"]
    assert topic_change.time < submitted.time  # the change came first


def test_alarm_history_reads_as_the_sdk_model(sim: SimulatorThread) -> None:
    ces = client(CesClient, sim.url)
    now = sim.clock.now()
    response = ces.list_alarm_histories(
        ListAlarmHistoriesRequest(
            namespace="SYS.DMS",
            resource_id=prod_orders(sim),
            _from=(now - timedelta(hours=6)).isoformat(timespec="seconds"),
            to=now.isoformat(timespec="seconds"),
        )
    )
    [alarm] = response.alarm_histories
    assert response.count == 1
    assert alarm.name == "prod-orders-consumer-lag"
    assert (alarm.status, alarm.level, alarm.type) == ("ok", 2, "MULTI_INSTANCE")
    assert alarm.record_id.startswith("ah")
    assert len(alarm.record_id) == len(alarm.alarm_id) == 24
    first, recovered = as_time(alarm.first_alarm_time), as_time(alarm.alarm_recovery_time)
    assert as_time(alarm.begin_time) == first
    assert recovered - first == 45 * MINUTE
    assert alarm.metric.namespace == "SYS.DMS"
    assert alarm.metric.metric_name == "group_msgs"
    [dimension] = alarm.metric.dimensions
    assert (dimension.name, dimension.value) == ("kafka_instance_id", prod_orders(sim))
    assert (alarm.condition.comparison_operator, alarm.condition.value) == (">", 100000.0)
    assert alarm.additional_info.resource_name == "prod-orders"
    assert all(isinstance(p.value, float) for p in alarm.data_points)


def test_alarm_history_plus_in_the_offset_is_read(sim: SimulatorThread) -> None:
    ces = client(CesClient, sim.url)
    now = sim.clock.now()
    shanghai = now.astimezone(datetime.strptime("+0800", "%z").tzinfo)
    found = ces.list_alarm_histories(
        ListAlarmHistoriesRequest(
            _from=(shanghai - timedelta(hours=6)).isoformat(timespec="seconds"),
            status=["ok", "alarm"],
            level=2,
            limit=5,
        )
    )
    assert [a.name for a in found.alarm_histories] == ["prod-orders-consumer-lag"]
    none = ces.list_alarm_histories(
        ListAlarmHistoriesRequest(_from=shanghai.isoformat(timespec="seconds"))
    )
    assert (none.count, none.alarm_histories) == (0, [])


def test_show_instance_full_shape(sim: SimulatorThread) -> None:
    kafka = client(KafkaClient, sim.url)
    shown = kafka.show_instance(ShowInstanceRequest(instance_id=prod_orders(sim)))
    assert (shown.name, shown.status, shown.engine) == ("prod-orders", "RUNNING", "kafka")
    assert shown.broker_num == 3
    assert 0 < shown.used_storage_space < shown.storage_space
    assert shown.partition_num.isdigit()
    for window in (shown.maintain_begin, shown.maintain_end):
        assert datetime.strptime(window, "%H:%M:%S")
    assert shown.created_at.isdigit()
    assert len(shown.created_at) == 13
    assert shown.specification.startswith("kafka.")


def test_progress_moves_with_the_clock() -> None:
    clock = ManualClock(datetime.now(UTC))
    with SimulatorThread(clock=clock) as sim:
        kafka = client(KafkaClient, sim.url)
        iid = prod_orders(sim)
        started = sim.state.started_at
        [scale_out] = [
            t
            for t in sim.state.timeline(iid) or ()
            if t.name == "extendInstance"
            and abs(t.created_at - (started - 20 * MINUTE)) < timedelta(milliseconds=1)
        ]
        request = ShowBackgroundTaskProgressRequest(instance_id=iid, task_id=scale_out.id)

        first = kafka.show_background_task_progress(request)
        assert 25 <= first.progress_percentage <= 40
        assert 2300 <= first.remain_time <= 2500  # seconds: 40 minutes left
        assert [s.name for s in first.step_list] == ["pre_check", "disk_expansion", "post_check"]
        assert [s.statue for s in first.step_list] == ["COMPLETED", "IN_PROGRESS", "WAITING"]
        assert isinstance(first.step_list[0].end_time, int)
        assert first.step_list[2].start_time is None

        clock.advance(20 * MINUTE)
        later = kafka.show_background_task_progress(request)
        assert later.progress_percentage > first.progress_percentage
        assert later.remain_time < first.remain_time

        clock.advance(30 * MINUTE)
        done = kafka.show_background_task_progress(request)
        assert (done.progress_percentage, done.remain_time) == (100, 0)
        assert {s.statue for s in done.step_list} == {"COMPLETED"}


def test_progress_only_for_scale_out() -> None:
    with SimulatorThread() as sim:
        kafka = client(KafkaClient, sim.url)
        iid = prod_orders(sim)
        now = sim.clock.now()
        other = next(
            t
            for t in sim.state.timeline(iid) or ()
            if t.name == "createTopic" and t.visible_at(now)
        )
        with pytest.raises(ClientRequestException) as caught:
            kafka.show_background_task_progress(
                ShowBackgroundTaskProgressRequest(instance_id=iid, task_id=other.id)
            )
        assert caught.value.status_code == 400


def test_wrong_sk_gets_401_on_cts_and_ces(sim: SimulatorThread) -> None:
    wrong = "WrongSecretKeyWrongSecretKeyWrongSecret0"
    cts, ces = client(CtsClient, sim.url, wrong), client(CesClient, sim.url, wrong)
    for call, request in (
        (cts.list_traces, ListTracesRequest("system")),
        (ces.list_alarm_histories, ListAlarmHistoriesRequest()),
    ):
        with pytest.raises(ClientRequestException) as caught:
            call(request)
        assert (caught.value.status_code, caught.value.error_code) == (401, "APIGW.0301")


def test_a_fault_aimed_at_cts_leaves_ces_and_dms_alone() -> None:
    with SimulatorThread() as sim:
        sim.faults.add("403", service="cts")
        kafka, ces = client(KafkaClient, sim.url), client(CesClient, sim.url)
        kafka.show_instance(ShowInstanceRequest(instance_id=prod_orders(sim)))
        ces.list_alarm_histories(ListAlarmHistoriesRequest())
        with pytest.raises(ClientRequestException) as caught:
            client(CtsClient, sim.url).list_traces(ListTracesRequest("system"))
        assert caught.value.status_code == 403
        assert "cts:trace:list" in caught.value.error_msg

        sim.faults.add("403", service="ces")
        with pytest.raises(ClientRequestException) as caught:
            ces.list_alarm_histories(ListAlarmHistoriesRequest())
        assert "ces:alarmHistory:list" in caught.value.error_msg


def test_a_region_without_ces() -> None:
    with SimulatorThread() as sim:
        sim.faults.absent_services = frozenset({"ces"})
        with pytest.raises(ClientRequestException) as caught:
            client(CesClient, sim.url).list_alarm_histories(ListAlarmHistoriesRequest())
        assert (caught.value.status_code, caught.value.error_code) == (404, "APIGW.0101")
        client(CtsClient, sim.url).list_traces(ListTracesRequest("system"))
