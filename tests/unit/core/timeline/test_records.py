"""Traces, alarms, instance detail and progress read from hostile shapes: unknowns,
never an exception."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.core import bounded_json
from bot.core.timeline.operations import operation_words, read_trace_name
from bot.core.timeline.records import Alarm, InstanceDetail, Progress, Trace

HOSTILE: list[Any] = [
    None,
    True,
    12,
    -1e308,
    float("nan"),
    "x" * 100_000,
    [],
    [1, 2],
    {"a": {"b": {}}},
    bounded_json.Unreadable("too_deep"),
]
FIELDS = {
    Trace: ("trace_id", "trace_name", "trace_rating", "trace_type", "user", "source_ip", "time"),
    Alarm: ("record_id", "level", "metric", "condition", "data_points", "begin_time", "status"),
    InstanceDetail: ("status", "broker_num", "used_storage_space", "created_at", "maintain_begin"),
}


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
@pytest.mark.parametrize("record", [Trace, Alarm, InstanceDetail], ids=lambda r: r.__name__)
def test_any_value_in_any_field_reads_as_an_unknown(record: Any, value: Any) -> None:
    for name in FIELDS[record]:
        record.from_api({name: value})
    Progress.from_api("t", {"progress_percentage": value, "remain_time": value, "step_list": value})
    Progress.from_api("t", {"step_list": [{"statue": value, "start_time": value}, value]})


def test_a_document_nested_past_the_bound_still_gives_the_rest_of_the_trace() -> None:
    text = '{"trace_id": "t1", "trace_name": "restartDMSInstanceSuccess", "user": '
    text += "[" * 5000 + "]" * 5000 + "}"
    data = bounded_json.loads(text, bounded_json.BODY)
    trace = Trace.from_api(data)
    assert (trace.id, trace.name, trace.user_name) == ("t1", "restartDMSInstanceSuccess", "")
    assert trace.unreadable == {"user": "not_text"}


def test_a_trace_reads_every_documented_field() -> None:
    trace = Trace.from_api(
        {
            "trace_id": "t1",
            "trace_name": "Kafka_alter_topicsSuccess",
            "trace_rating": "normal",
            "trace_type": "ConsoleAction",
            "time": 1_767_225_600_000,
            "user": {"name": "li.wei", "domain": {"id": "d", "name": "acme"}},
            "source_ip": "203.0.113.7",
            "resource_id": "inst-1",
            "resource_name": "prod-orders",
            "request_id": "req-9",
            "code": "200",
        }
    )
    assert trace.time == datetime(2026, 1, 1, tzinfo=UTC)
    assert (trace.user_name, trace.source_ip, trace.from_console) == ("li.wei", "203.0.113.7", True)
    assert not trace.failed
    assert not trace.incident
    assert operation_words("en", trace.name) == "change a topic"
    assert operation_words("zh", trace.name) == "修改 Topic"


def test_failures_are_seen_by_rating_name_or_code() -> None:
    assert Trace.from_api({"trace_rating": "warning"}).failed
    assert Trace.from_api({"trace_name": "restartDMSInstanceTaskFailure"}).failed
    assert Trace.from_api({"code": "403"}).failed
    assert Trace.from_api({"trace_rating": "INCIDENT"}).incident


def test_trace_names_read_into_operation_phase_and_outcome() -> None:
    name = read_trace_name("extendDMSInstanceTaskSuccess")
    assert (name.stem, name.phase, name.ok, name.op_key) == (
        "extendDMSInstance",
        "task",
        True,
        "extend",
    )
    assert name.starts_or_ends("extendInstance")
    assert read_trace_name("restartdmsinstanceFailure").op_key == "restart"
    unknown = read_trace_name("somethingNew")
    assert (unknown.op_key, unknown.ok) == (None, None)
    assert operation_words("en", "somethingNew") == "somethingNew"


def test_an_alarm_reads_metric_value_threshold_and_times() -> None:
    alarm = Alarm.from_api(
        {
            "record_id": "ah1",
            "name": "disk",
            "status": "ok",
            "level": 1,
            "begin_time": "2026-01-01T00:00:00Z",
            "alarm_recovery_time": "2026-01-01T00:10:00+00:00",
            "metric": {
                "metric_name": "broker_disk_usage",
                "dimensions": [
                    {"name": "kafka_broker", "value": "b1"},
                    {"name": "kafka_instance_id", "value": "i1"},
                ],
            },
            "condition": {"comparison_operator": ">=", "value": "80", "unit": "%"},
            "data_points": [{"value": 85}, {"value": "91.5"}],
        }
    )
    assert (alarm.level, alarm.metric_name, alarm.value, alarm.threshold) == (
        1,
        "broker_disk_usage",
        91.5,
        80.0,
    )
    assert alarm.resource_id == "i1"
    assert alarm.severe
    assert not alarm.raised
    assert alarm.recovered is not None
    assert alarm.began is not None
    assert alarm.recovered - alarm.began == timedelta(minutes=10)
    assert Alarm.from_api({"level": 7}).level is None


def test_an_alarm_with_more_points_than_are_read_shows_its_latest_value() -> None:
    points = [{"value": n} for n in range(1, 201)]  # in time order, 200 > what is read
    alarm = Alarm.from_api({"record_id": "r1", "status": "alarm", "data_points": points})
    assert alarm.value == 200.0
    assert alarm.unreadable.get("data_points") == "too_large"


def test_an_alarm_shows_the_value_of_its_latest_point_whatever_their_order() -> None:
    points = [
        {"time": "2026-01-01T00:02:00Z", "value": 95},
        {"time": "2026-01-01T00:03:00Z", "value": 97},
        {"time": "2026-01-01T00:01:00Z", "value": 90},
        {"time": "2026-01-01T00:03:00Z", "value": "not a number"},
    ]
    assert Alarm.from_api({"record_id": "r1", "data_points": points}).value == 97.0
    assert Alarm.from_api({"record_id": "r1", "data_points": [{"time": "soon"}]}).value is None


def test_instance_detail_and_progress() -> None:
    detail = InstanceDetail.from_api(
        {
            "instance_id": "i1",
            "status": "EXTENDING",
            "specification": "kafka.2u4g.cluster * 3 broker",
            "engine_version": "2.7",
            "broker_num": 3,
            "used_storage_space": 120,
            "total_storage_space": "600",
            "maintain_begin": "02:00:00",
            "maintain_end": "06:00:00",
            "created_at": "1767225600000",
        }
    )
    assert (detail.brokers, detail.storage_used_gb, detail.storage_total_gb) == (3, 120, 600)
    assert detail.created_at == datetime(2026, 1, 1, tzinfo=UTC)
    progress = Progress.from_api(
        "t1",
        {
            "progress_percentage": 40,
            "remain_time": 1124,
            "step_list": [
                {"name": "pre_check", "statue": "COMPLETED", "start_time": 1767225600000},
                {"name": "disk_expansion", "statue": "in_progress"},
                {"name": "rolling", "status": "WAITING"},
            ],
        },
    )
    assert progress.percent == 40
    assert progress.remaining == timedelta(seconds=1124)
    assert progress.current is not None
    assert progress.current.name == "disk_expansion"
    assert Progress.from_api("t", {"progress_percentage": 400}).percent is None
    assert len(Progress.from_api("t", {"step_list": [{}] * 1000}).steps) == 64


def test_every_operation_has_words_in_both_languages() -> None:
    from bot.core.timeline.operations import OP_KEYS
    from bot.i18n import en, zh

    for key in OP_KEYS:
        assert f"timeline.op.{key}" in en.MESSAGES
        assert f"timeline.op.{key}" in zh.MESSAGES


# Times a hostile or broken API may send: past the calendar once moved to UTC, digits
# Python's int() refuses, and years no real record carries.
HOSTILE_TIMES = [
    "9999-12-31T23:59:59-01:00",
    "0001-01-01T00:00:00+01:00",
    "²",
    "١٢٣٤٥٦٧٨٩٠١٢٣",
    "9999-12-31T00:00:00Z",
    "0001-01-01",
    "-1767225600000",
    "17672256000a0",
]


@pytest.mark.parametrize("value", HOSTILE_TIMES)
def test_a_time_out_of_range_or_malformed_is_an_unknown_never_an_exception(value: str) -> None:
    assert Trace.from_api({"time": value}).time is None
    assert Alarm.from_api({"begin_time": value, "end_time": value}).updated is None
    assert InstanceDetail.from_api({"created_at": value}).created_at is None
    steps = Progress.from_api("t", {"step_list": [{"start_time": value}]}).steps
    assert steps[0].started is None


def test_an_iso_time_without_a_zone_is_read_as_utc() -> None:
    trace = Trace.from_api({"time": "2026-01-01T08:00:00"})
    assert trace.time == datetime(2026, 1, 1, 8, tzinfo=UTC)
