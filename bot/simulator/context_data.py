"""Demo CTS traces and CES alarms: the traces that submitted and finished each task,
the operations that are not tasks, the alarms, and one story per seed on prod-orders.

The story, relative to the simulator's start (its anchor):

- 3 h 05 min before: maria.garcia changes topic ``orders.paid`` on prod-orders from the
  console at 203.0.113.45 (``Kafka_alter_topicsSuccess``, a ConsoleAction; no task).
- 2 h 30 min before: oncall-automation restarts prod-orders through the API from
  10.20.0.15 (``restartDMSInstanceSuccess``); the restart task FAILS 8 minutes later
  (``restartDMSInstanceTaskFailure``, rated ``incident``).
- 2 h 18 min before: CES alarm "prod-orders-consumer-lag" (``group_msgs`` > 100000,
  major) is raised; it recovers 1 h 33 min before the start.
- 20 min before: li.wei scales out prod-orders' storage from the console at
  203.0.113.17 (``extendDMSInstanceSuccess``); the scale-out task runs until 40 min
  after the start, its progress moving with the clock, then succeeds
  (``extendDMSInstanceTaskSuccess`` appears then).
"""

from __future__ import annotations

import dataclasses
import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from bot.simulator.context_model import (
    API_CALL,
    CONSOLE,
    SCALE_OUT_TASK,
    SYSTEM,
    AlarmRecord,
    Operator,
    TraceRecord,
)
from bot.simulator.data import user_id_for
from bot.simulator.model import FAILED, SUCCESS, InstanceRecord, TaskRecord, truncate_to_millis
from bot.simulator.task_params import to_json

ACCOUNT_NAME: Final = "kafka-tasks-demo"
STORY_INSTANCE: Final = "prod-orders"
# Documentation address ranges (RFC 5737) for people, a private one for automation.
SOURCE_IPS: Final = {
    "li.wei": "203.0.113.17",
    "maria.garcia": "203.0.113.45",
    "john.smith": "198.51.100.23",
    "chen.jing": "198.51.100.88",
    "oncall-automation": "10.20.0.15",
}
_API_USERS: Final = frozenset({"oncall-automation"})
SYSTEM_USER: Final = "paas_dms"
# Task name -> the CTS operation that submits it, and whether CTS also records the
# task's end (…TaskSuccess / …TaskFailure) for that operation.
TASK_OPERATIONS: Final = {
    "extendInstance": ("extendDMSInstance", True),
    "restartInstance": ("restartDMSInstance", True),
    "modifyConfigs": ("modifyDMSInstanceInfo", True),
    "modifyInstanceName": ("modifyDMSInstanceInfo", True),
    "changeRetentionPolicy": ("modifyDMSInstanceInfo", True),
    "bindInstancePublicIp": ("modifyDMSInstanceInfo", True),
    "reassignPartitions": ("kafka_reassignment", True),
    "modifyAutoTopic": ("enable_auto_topic", False),
    "createTopic": ("Kafka_create_topic", False),
    "deleteTopic": ("Kafka_delete_topics", False),
    "createUser": ("createUser", False),
    "resetPassword": ("resetDMSInstancePassword", False),
}
# Operations that are no task, for volume: (operation, share that fails).
_OTHER_OPERATIONS: Final = (
    ("Kafka_create_topic", 0.05),
    ("Kafka_alter_topics", 0.05),
    ("Kafka_reset_consumer_offset", 0.1),
    ("Kafka_batch_delete_group", 0.05),
    ("createUser", 0.05),
)
# Metric, comparison, threshold, unit, level, peak range: for volume alarms.
_METRICS: Final = (
    ("group_msgs", ">", 100000.0, "count", 2, (1.2e5, 9e5)),
    ("instance_bytes_in_rate", ">", 50_000_000.0, "byte/s", 3, (5.1e7, 9e7)),
    ("broker_disk_usage", ">", 85.0, "%", 1, (86.0, 99.0)),
    ("current_partitions", ">", 1800.0, "count", 4, (1801.0, 2000.0)),
)
_ALNUM: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _token(rng: random.Random, length: int, alphabet: str = _ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


@dataclass(frozen=True)
class Context:
    """What CTS and CES hold about some instances."""

    traces: tuple[TraceRecord, ...] = ()
    alarms: tuple[AlarmRecord, ...] = ()


class _Operators:
    def __init__(self, seed: int) -> None:
        rng = random.Random(f"{seed}/account")
        self._seed = seed
        self.account_id = f"{rng.getrandbits(128):032x}"
        self._made: dict[str, Operator] = {}

    def __call__(self, name: str) -> Operator:
        if name not in self._made:
            rng = random.Random(f"{self._seed}/operator/{name}")
            self._made[name] = Operator(
                name=name,
                user_id=f"{rng.getrandbits(128):032x}",
                account_id=self.account_id,
                account_name=ACCOUNT_NAME,
                access_key_id="HPUA" + _token(rng, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
            )
        return self._made[name]


class TraceFactory:
    """Traces of one instance, from one seeded random."""

    def __init__(self, seed: int, instance: InstanceRecord, salt: str = "") -> None:
        self._rng = random.Random(f"{seed}/traces/{instance.name}{salt}")
        self._instance = instance
        self._operators = _Operators(seed)

    def trace(
        self,
        name: str,
        at: datetime,
        user: str,
        *,
        rating: str = "normal",
        kind: str | None = None,
        request: object = None,
        response: object = None,
    ) -> TraceRecord:
        rng = self._rng
        kind = kind or (SYSTEM if user == SYSTEM_USER else _channel(user))
        failed = rating != "normal"
        return TraceRecord(
            trace_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            trace_name=name,
            trace_rating=rating,
            trace_type=kind,
            time=truncate_to_millis(at),
            record_time=truncate_to_millis(at + timedelta(milliseconds=rng.randint(20, 900))),
            operator=self._operators(user),
            source_ip="" if kind == SYSTEM else SOURCE_IPS.get(user, "100.64.0.9"),
            resource_id=self._instance.instance_id,
            resource_name=self._instance.name,
            request_id=f"{rng.getrandbits(128):032x}",
            code="500" if failed else "200",
            request="" if request is None else to_json(request),
            response="" if response is None else to_json(response),
        )

    def for_task(self, task: TaskRecord) -> list[TraceRecord]:
        """The trace that submitted ``task`` and, for operations CTS follows to the
        end, the one that finished it (it appears when the task ends)."""
        known = TASK_OPERATIONS.get(task.name)
        if known is None:
            return []
        operation, follows_end = known
        submitted = task.created_at - timedelta(milliseconds=self._rng.randint(30, 400))
        job = {"job_id": task.id}
        traces = [
            self.trace(
                f"{operation}Success", submitted, task.user_name, request=_request(task),
                response=job,
            )
        ]  # fmt: skip
        if follows_end and task.final_status in (SUCCESS, FAILED):
            ok = task.final_status == SUCCESS
            ended = task.finished_at + timedelta(milliseconds=self._rng.randint(100, 3000))
            traces.append(
                self.trace(
                    f"{operation}Task{'Success' if ok else 'Failure'}",
                    ended,
                    task.user_name,
                    rating="normal" if ok else "warning",
                    kind=SYSTEM,
                    request=job,
                    response={"job_id": task.id, "status": task.final_status},
                )
            )
        return traces

    def other(self, at: datetime) -> TraceRecord:
        """An operation that is no task: a topic or group change by someone."""
        rng = self._rng
        operation, fail_share = rng.choice(_OTHER_OPERATIONS)
        failed = rng.random() < fail_share
        user = rng.choice(tuple(SOURCE_IPS))
        return self.trace(
            f"{operation}{'Failure' if failed else 'Success'}",
            at,
            user,
            rating="warning" if failed else "normal",
            request={"topic": f"{self._instance.name}.events"},
        )


def _channel(user: str) -> str:
    return API_CALL if user in _API_USERS else CONSOLE


def _request(task: TaskRecord) -> object:
    return {"name": task.name, "params": task.params}


def traces_for_tasks(
    seed: int, instance: InstanceRecord, tasks: Iterable[TaskRecord], since: datetime
) -> list[TraceRecord]:
    """The submit and finish traces of every task created after ``since``."""
    factory = TraceFactory(seed, instance)
    ordered = sorted((t for t in tasks if t.created_at >= since), key=lambda t: t.id)
    return [trace for task in ordered for trace in factory.for_task(task)]


def volume(
    seed: int, instance: InstanceRecord, traces: int, alarms: int, span: timedelta, end: datetime
) -> Context:
    """``traces`` operations that are no task and ``alarms`` alarm records (most of
    them recovered), spread over ``[end - span, end]``: load for benchmarks."""
    if traces < 0 or alarms < 0:
        raise ValueError(f"traces and alarms must be >= 0, got {traces}, {alarms}")
    rng = random.Random(f"{seed}/volume/{instance.name}")
    factory = TraceFactory(seed, instance, salt="/volume")
    span_ms = max(1, int(span / timedelta(milliseconds=1)))

    def moment() -> datetime:
        return end - timedelta(milliseconds=rng.randrange(span_ms))

    made = tuple(factory.other(moment()) for _ in range(traces))
    return Context(made, tuple(_volume_alarm(rng, instance, moment()) for _ in range(alarms)))


def _volume_alarm(rng: random.Random, instance: InstanceRecord, at: datetime) -> AlarmRecord:
    metric, comparison, threshold, unit, level, (low, high) = rng.choice(_METRICS)
    recovered = None if rng.random() < 0.1 else at + timedelta(minutes=rng.randint(3, 90))
    return AlarmRecord(
        record_id="ah" + _token(rng, 22),
        alarm_id="al" + _token(rng, 22),
        name=f"{instance.name}-{metric.replace('_', '-')}",
        level=level,
        metric_name=metric,
        instance_id=instance.instance_id,
        instance_name=instance.name,
        comparison=comparison,
        threshold=threshold,
        unit=unit,
        first_alarm=truncate_to_millis(at).replace(microsecond=0),
        recovered=None if recovered is None else recovered.replace(microsecond=0),
        peak=round(rng.uniform(low, high), 2),
    )


@dataclass(frozen=True)
class Story:
    tasks: tuple[TaskRecord, ...]
    context: Context


def story(seed: int, instance: InstanceRecord, anchor: datetime) -> Story:
    """The demo's one story on ``instance`` (prod-orders), told in the module text."""
    anchor = truncate_to_millis(anchor)
    rng = random.Random(f"{seed}/story/{instance.name}")
    factory = TraceFactory(seed, instance, salt="/story")

    def minutes(offset: int) -> datetime:
        return anchor + timedelta(minutes=offset)

    restart = _story_task(
        seed, rng, "restartInstance", "oncall-automation", {"action": "restart", "rolling": True},
        minutes(-150), minutes(-142), FAILED,
    )  # fmt: skip
    old = instance.shape.storage_space
    scale_out = _story_task(
        seed, rng, SCALE_OUT_TASK, "li.wei",
        {"oper_type": "storage", "old_storage_space": old, "new_storage_space": old * 2},
        minutes(-20), minutes(40), SUCCESS,
    )  # fmt: skip
    topic_change = factory.trace(
        "Kafka_alter_topicsSuccess", minutes(-185), "maria.garcia", kind=CONSOLE,
        request={"topic": "orders.paid", "retention_time": 24, "old_retention_time": 72},
    )  # fmt: skip
    restart_traces = factory.for_task(restart)
    restart_traces[-1] = _incident(restart_traces[-1])
    lag = AlarmRecord(
        record_id="ah" + _token(rng, 22),
        alarm_id="al" + _token(rng, 22),
        name=f"{instance.name}-consumer-lag",
        level=2,
        metric_name="group_msgs",
        instance_id=instance.instance_id,
        instance_name=instance.name,
        comparison=">",
        threshold=100000.0,
        unit="count",
        first_alarm=minutes(-138).replace(microsecond=0),
        recovered=minutes(-93).replace(microsecond=0),
        peak=412000.0,
    )
    traces = (topic_change, *restart_traces, *factory.for_task(scale_out))
    return Story((restart, scale_out), Context(traces, (lag,)))


def _incident(trace: TraceRecord) -> TraceRecord:
    # The failed restart took the brokers down: CTS rates that an incident.
    return dataclasses.replace(trace, trace_rating="incident")


def _story_task(
    seed: int,
    rng: random.Random,
    name: str,
    user: str,
    params: dict[str, object],
    created: datetime,
    finished: datetime,
    status: str,
) -> TaskRecord:
    return TaskRecord(
        id=f"{rng.getrandbits(128):032x}",
        name=name,
        user_name=user,
        user_id=user_id_for(seed, user),
        params=to_json(params),
        created_at=created,
        started_at=created + timedelta(milliseconds=800),
        finished_at=finished,
        final_status=status,
    )


def merge(contexts: Sequence[Context]) -> Context:
    return Context(
        tuple(t for c in contexts for t in c.traces),
        tuple(a for c in contexts for a in c.alarms),
    )
