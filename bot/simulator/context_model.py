"""CTS traces, CES alarm records and task progress: how each looks at a given moment.

Like tasks, each is stored as its whole life and shown as the clock says: a trace
exists once CTS has recorded it, an alarm record is ``alarm`` from its first alarm
and ``ok`` from its recovery, and a scale-out's steps advance with the time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from bot.simulator.model import FAILED, TaskRecord, epoch_millis

CES_TIME_FORMAT: Final = "%Y-%m-%dT%H:%M:%SZ"
DMS_SERVICE: Final = "DMS"  # ⚠ unconfirmed in the docs; the likely value
KAFKA_RESOURCE: Final = "kafka"
CONSOLE: Final = "ConsoleAction"
API_CALL: Final = "ApiCall"
SYSTEM: Final = "SystemAction"


def ces_time(dt: datetime) -> str:
    """CES's times on the wire, in UTC with a ``Z``: the SDK appends ``Z`` to a time
    without one before parsing, so an offset form would come back as a raw string."""
    return dt.astimezone(UTC).strftime(CES_TIME_FORMAT)


@dataclass(frozen=True)
class Operator:
    """Who made a call, as CTS records it."""

    name: str
    user_id: str
    account_id: str
    account_name: str
    access_key_id: str

    def to_api(self, trace_type: str) -> dict[str, object]:
        console = trace_type == CONSOLE
        return {
            "id": self.user_id,
            "name": self.name,
            "user_name": self.name,
            "domain": {"id": self.account_id, "name": self.account_name},
            "account_id": self.account_id,
            "access_key_id": self.access_key_id,
            "principal_urn": f"iam::{self.account_id}:user:{self.name}",
            "principal_id": self.user_id,
            "principal_is_root_user": "false",
            "type": "User",
            "invoked_by": ["service.console"] if console else [],
            "session_context": {
                "attributes": {"created_at": "", "mfa_authenticated": str(console).lower()}
            },
        }


@dataclass(frozen=True)
class TraceRecord:
    trace_id: str
    trace_name: str
    trace_rating: str  # normal | warning | incident
    trace_type: str  # ConsoleAction | ApiCall | SystemAction
    time: datetime  # when the operation happened
    record_time: datetime  # when CTS recorded it: the trace exists from then on
    operator: Operator
    source_ip: str  # "" for system actions
    resource_id: str
    resource_name: str
    request_id: str
    code: str
    request: str = ""
    response: str = ""
    resource_type: str = KAFKA_RESOURCE
    service_type: str = DMS_SERVICE
    read_only: bool = False

    def to_api(self) -> dict[str, object]:
        """One item of ListTraces' ``traces``, every field the SDK's Traces model has."""
        return {
            "trace_id": self.trace_id,
            "trace_name": self.trace_name,
            "trace_rating": self.trace_rating,
            "trace_type": self.trace_type,
            "request": self.request,
            "response": self.response,
            "code": self.code,
            "api_version": "v2",
            "message": "",
            "record_time": epoch_millis(self.record_time),
            "time": epoch_millis(self.time),
            "user": self.operator.to_api(self.trace_type),
            "service_type": self.service_type,
            "resource_type": self.resource_type,
            "resource_name": self.resource_name,
            "resource_id": self.resource_id,
            "source_ip": self.source_ip,
            "request_id": self.request_id,
            "location_info": "" if self.trace_rating == "normal" else self.response,
            "endpoint": "https://console.huaweicloud.com/dms/",
            "resource_url": f"?engine=kafka#/queue/manager/newKafkaDetail?id={self.resource_id}",
            "enterprise_project_id": "0",
            "resource_account_id": "",
            "read_only": self.read_only,
            "operation_id": self.trace_name.removesuffix("Success").removesuffix("Failure"),
        }


@dataclass(frozen=True)
class AlarmRecord:
    """One CES alarm record: raised at ``first_alarm``, recovered at ``recovered``
    (None: still alarming)."""

    record_id: str
    alarm_id: str
    name: str
    level: int
    metric_name: str
    instance_id: str
    instance_name: str
    comparison: str
    threshold: float
    unit: str
    first_alarm: datetime
    recovered: datetime | None
    peak: float

    def visible_at(self, now: datetime) -> bool:
        return self.first_alarm <= now

    def recovered_at(self, now: datetime) -> datetime | None:
        return self.recovered if self.recovered is not None and self.recovered <= now else None

    def status_at(self, now: datetime) -> str:
        return "ok" if self.recovered_at(now) else "alarm"

    def updated_at(self, now: datetime) -> datetime:
        """CES's "update time": the last change of state."""
        return self.recovered_at(now) or self.first_alarm

    def to_api(self, now: datetime) -> dict[str, object]:
        recovered = self.recovered_at(now)
        last = recovered - timedelta(minutes=1) if recovered else max(self.first_alarm, now)
        last = max(last, self.first_alarm)
        points = [self.first_alarm - timedelta(minutes=m) for m in (2, 1, 0)]
        return {
            "record_id": self.record_id,
            "alarm_id": self.alarm_id,
            "name": self.name,
            "status": self.status_at(now),
            "level": self.level,
            "type": "MULTI_INSTANCE",
            "action_enabled": True,
            "begin_time": ces_time(self.first_alarm),
            "end_time": ces_time(recovered) if recovered else None,
            "first_alarm_time": ces_time(self.first_alarm),
            "last_alarm_time": ces_time(last),
            "alarm_recovery_time": ces_time(recovered) if recovered else None,
            "metric": {
                "namespace": "SYS.DMS",
                "metric_name": self.metric_name,
                "dimensions": [{"name": "kafka_instance_id", "value": self.instance_id}],
            },
            "condition": {
                "period": 60,
                "filter": "average",
                "comparison_operator": self.comparison,
                "value": self.threshold,
                "unit": self.unit,
                "count": 3,
                "suppress_duration": 300,
            },
            "additional_info": {
                "resource_id": self.instance_id,
                "resource_name": self.instance_name,
                "event_id": "",
            },
            "alarm_actions": [{"type": "notification", "notification_list": []}],
            "ok_actions": [{"type": "notification", "notification_list": []}],
            "data_points": [
                {"time": ces_time(t), "value": round(self.peak * (0.8 + 0.1 * i), 2)}
                for i, t in enumerate(points)
            ],
            "mask_status": "UN_MASKED",
        }


# The steps of a Kafka scale-out and their share of its run. `pre_check` and
# `disk_expansion` are the documented examples; `post_check` is assumed.
SCALE_OUT_STEPS: Final = (("pre_check", 0.1), ("disk_expansion", 0.8), ("post_check", 0.1))
SCALE_OUT_TASK: Final = "extendInstance"
# How far a scale-out that ends FAILED gets: into its disk expansion.
_FAILS_AT: Final = 0.55


def _step(
    name: str, statue: str, begin: datetime | None, end: datetime | None
) -> dict[str, object]:
    return {
        "name": name,
        "statue": statue,  # sic: the API's field name
        "start_time": None if begin is None else epoch_millis(begin),
        "end_time": None if end is None else epoch_millis(end),
    }


def progress(task: TaskRecord, now: datetime) -> dict[str, object]:
    """ShowBackgroundTaskProgress of a scale-out at ``now``: the share of its run behind
    it, split into steps; one that ends FAILED stops in its disk expansion."""
    begin, end = task.started_at, task.finished_at
    run = max((end - begin).total_seconds(), 0.001)
    elapsed = max(0.0, min(run, (now - begin).total_seconds()))
    failing = task.final_status == FAILED
    done = elapsed / run * (_FAILS_AT if failing else 1.0)
    failed = failing and now >= end
    steps, low = [], 0.0
    for name, share in SCALE_OUT_STEPS:
        high = low + share
        step_begin = begin + timedelta(seconds=run * low / (_FAILS_AT if failing else 1.0))
        step_end = begin + timedelta(seconds=run * high / (_FAILS_AT if failing else 1.0))
        if now < begin or done < low or (done == low and low > 0):
            steps.append(_step(name, "WAITING", None, None))
        elif done >= high:
            steps.append(_step(name, "COMPLETED", step_begin, step_end))
        elif failed:
            steps.append(_step(name, "FAILED", step_begin, end))
        else:
            steps.append(_step(name, "IN_PROGRESS", step_begin, None))
        low = high
    remain = 0 if failed or now >= end else round((end - max(now, begin)).total_seconds())
    return {
        "progress_percentage": int(done * 100),
        "remain_time": remain,  # ⚠ unit not documented for DMS; seconds, as DCS says
        "step_list": steps,
    }
