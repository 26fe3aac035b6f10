"""The timeline: a task and its traces one moment; order; condense."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.core.dms.models import Task
from bot.core.timeline.merge import build_timeline
from bot.core.timeline.records import Alarm, Trace

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def at(minutes_ago: float) -> datetime:
    return NOW - timedelta(minutes=minutes_ago)


def task(id: str, name: str, status: str, began: float, ended: float | None = None) -> Task:
    iso = "%Y-%m-%dT%H:%M:%S.000Z"
    data = {"id": id, "name": name, "status": status, "user_name": "paas_dms"}
    data["created_at"] = at(began).strftime(iso)
    if ended is not None:
        data["updated_at"] = at(ended).strftime(iso)
    return Task.from_api(data)


def trace(id: str, name: str, minutes_ago: float, **extra: Any) -> Trace:
    return Trace.from_api(
        {
            "trace_id": id,
            "trace_name": name,
            "time": int(at(minutes_ago).timestamp() * 1000),
            "resource_id": "i1",
            "user": {"name": extra.pop("user", "li.wei")},
            "source_ip": "203.0.113.7",
            "trace_type": "ConsoleAction",
            **extra,
        }
    )


def timeline(tasks: Any = (), traces: Any = (), alarms: Any = ()) -> Any:
    return build_timeline(
        instance_id="i1",
        instance_name="prod-orders",
        begin=at(360),
        end=NOW,
        now=NOW,
        tasks=tasks,
        traces=traces,
        alarms=alarms,
    )


def test_a_task_and_the_traces_that_submitted_and_finished_it_are_one_moment() -> None:
    restart = task("t1", "restartInstance", "FAILED", began=60, ended=50)
    submitted = trace("c1", "restartDMSInstanceSuccess", 60.5)
    finished = trace("c2", "restartDMSInstanceTaskFailure", 50, trace_type="SystemAction")
    other = trace("c3", "Kafka_alter_topicsSuccess", 30)
    result = timeline([restart], [finished, other, submitted])
    assert [(m.kind, m.event) for m in result.moments] == [("trace", "trace"), ("task", "finished")]
    moment = result.moments[1]
    assert moment.task == restart
    assert moment.traces == (submitted, finished)
    assert (moment.who, moment.asked_by.source_ip) == ("li.wei", "203.0.113.7")
    assert moment.duration == timedelta(minutes=10)
    assert moment.failed
    assert moment.important


def test_traces_far_in_time_or_of_another_kind_do_not_join_a_task() -> None:
    create = task("t1", "createTopic", "SUCCESS", began=100, ended=99)
    late = trace("c1", "Kafka_create_topicSuccess", 80)  # 20 minutes after the task
    restart = trace("c2", "restartDMSInstanceSuccess", 100)
    result = timeline([create], [late, restart])
    assert [m.kind for m in result.moments] == ["trace", "task", "trace"]
    assert result.moments[1].traces == ()
    assert result.moments[1].who == "paas_dms"


def test_each_trace_joins_the_closest_task_only() -> None:
    first = task("t1", "createTopic", "SUCCESS", began=100, ended=100)
    second = task("t2", "createTopic", "SUCCESS", began=99, ended=99)
    result = timeline(
        [first, second],
        [
            trace("c1", "Kafka_create_topicSuccess", 100),
            trace("c2", "Kafka_create_topicSuccess", 99),
        ],
    )
    joined = {m.task.id: [t.id for t in m.traces] for m in result.moments}
    assert joined == {"t1": ["c1"], "t2": ["c2"]}


def test_a_running_task_is_placed_at_its_start() -> None:
    scale = task("t1", "extendInstance", "EXECUTING", began=30)
    result = timeline([scale], [trace("c1", "extendDMSInstanceSuccess", 30)])
    (moment,) = result.moments
    assert (moment.event, moment.at, moment.duration) == ("started", at(30), timedelta(minutes=30))


def test_alarms_are_raised_and_recovered_moments_and_active_ones_are_kept() -> None:
    def alarm(record: str, status: str, began: float, recovered: float | None = None) -> Alarm:
        fmt = "%Y-%m-%dT%H:%M:%SZ"
        data = {
            "record_id": record,
            "status": status,
            "level": 2,
            "begin_time": at(began).strftime(fmt),
        }
        if recovered is not None:
            data["alarm_recovery_time"] = at(recovered).strftime(fmt)
        return Alarm.from_api(data)

    ok, firing, old = alarm("a1", "ok", 40, 20), alarm("a2", "alarm", 10), alarm("a3", "alarm", 900)
    result = timeline(alarms=[ok, firing, old])
    assert [(m.alarm.record_id, m.event) for m in result.moments] == [
        ("a2", "raised"),
        ("a1", "recovered"),
        ("a1", "raised"),
    ]
    assert result.moments[1].duration == timedelta(minutes=20)
    assert {a.record_id for a in result.active_alarms} == {"a2", "a3"}


def test_newest_first_and_the_summary_counts() -> None:
    traces = [trace(f"c{i}", "Kafka_alter_topicsSuccess", i) for i in range(1, 6)]
    traces.append(trace("bad", "Kafka_alter_topicsFailure", 3.5, trace_rating="warning"))
    result = timeline([task("t1", "createTopic", "SUCCESS", 200, 199)], traces)
    assert [m.at for m in result.moments] == sorted((m.at for m in result.moments), reverse=True)
    summary = result.summary()
    assert (summary.tasks, summary.traces, summary.failures, summary.total) == (1, 6, 1, 7)


def test_condense_keeps_the_important_then_the_newest_and_leaves_the_rest() -> None:
    traces = [trace(f"c{i:03d}", "Kafka_alter_topicsSuccess", i) for i in range(1, 101)]
    traces.append(trace("boom", "restartDMSInstanceTaskFailure", 300, trace_rating="incident"))
    traces.append(trace("fail", "Kafka_alter_topicsFailure", 200, trace_rating="warning"))
    condensed = timeline(traces=traces).condense(5)
    ids = [m.traces[0].id for m in condensed.shown]
    assert ids == ["c001", "c002", "c003", "fail", "boom"]
    assert len(condensed.rest) == 97
    assert condensed.summary.total == 102
    assert condensed.summary.incidents == 1
    everything = timeline(traces=traces[:3]).condense(5)
    assert len(everything.shown) == 3
    assert everything.rest == ()


# How fast is bench/timeline.py's to measure (issue 14's 1.5 s); this one checks that a
# timeline of that size keeps every task and trace.
@pytest.mark.timeout(30)
def test_a_large_timeline_keeps_every_task_and_trace() -> None:
    tasks = [task(f"t{i}", "createTopic", "SUCCESS", i * 0.7, i * 0.7 - 0.1) for i in range(500)]
    traces = [trace(f"c{i}", "Kafka_create_topicSuccess", i * 0.18) for i in range(2000)]
    result = timeline(tasks, traces)
    summary = result.summary()
    assert summary.tasks == 500
    joined = sum(len(m.traces) for m in result.moments if m.kind == "task")
    assert joined + summary.traces == 2000
