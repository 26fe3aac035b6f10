"""The simulator's records, and how a task looks at a given moment.

A task is stored as its whole life (created, started, finished, final status) and its
visible status is derived from the clock, so moving the clock is all it takes for
tasks to finish or appear, with no background job to run or to race with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Final

CREATED: Final = "CREATED"
EXECUTING: Final = "EXECUTING"
SUCCESS: Final = "SUCCESS"
FAILED: Final = "FAILED"
DELETED: Final = "DELETED"
CANCELLED: Final = "CANCELLED"
FINAL_STATUSES: Final = frozenset({SUCCESS, FAILED, DELETED, CANCELLED})


@lru_cache(maxsize=200_000)
def iso_millis(dt: datetime) -> str:
    """The API's task time format: ``2020-05-15T03:19:51.046Z``.

    Cached: a task's few distinct times are formatted on every page that shows it, and
    the simulator's CPU per request adds to every benchmark's upstream latency.
    """
    utc = dt.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def epoch_millis(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def truncate_to_millis(dt: datetime) -> datetime:
    return dt.replace(microsecond=dt.microsecond // 1000 * 1000)


@dataclass(frozen=True)
class TaskRecord:
    id: str
    name: str
    user_name: str
    user_id: str
    params: str  # already JSON-encoded, as the API sends it
    created_at: datetime
    started_at: datetime
    finished_at: datetime
    final_status: str

    def __post_init__(self) -> None:
        if not self.created_at <= self.started_at <= self.finished_at:
            raise ValueError(
                f"task {self.id}: created_at <= started_at <= finished_at does not hold"
            )
        if self.final_status not in FINAL_STATUSES:
            raise ValueError(f"task {self.id}: {self.final_status!r} is not a final status")

    def visible_at(self, now: datetime) -> bool:
        return self.created_at <= now

    def status_at(self, now: datetime) -> str:
        if now >= self.finished_at:
            return self.final_status
        return EXECUTING if now >= self.started_at else CREATED

    def updated_at(self, now: datetime) -> datetime:
        if now >= self.finished_at:
            return self.finished_at
        return self.started_at if now >= self.started_at else self.created_at

    def to_api(self, now: datetime) -> dict[str, str]:
        """The task exactly as ListBackgroundTasks returns it: every field a string."""
        return {
            "id": self.id,
            "name": self.name,
            "user_name": self.user_name,
            "user_id": self.user_id,
            "params": self.params,
            "status": self.status_at(now),
            "created_at": iso_millis(self.created_at),
            "updated_at": iso_millis(self.updated_at(now)),
        }


@dataclass(frozen=True)
class InstanceShape:
    """What ShowInstance says beyond identity: size, window and addresses. Defaults are
    a plain three-broker cluster, so a test can build an instance from its name alone."""

    broker_num: int = 3
    storage_space: int = 600  # GB, as configured
    used_storage_space: int = 120  # GB
    partition_num: int = 300
    maintain_begin: str = "02:00:00"
    maintain_end: str = "06:00:00"
    available_zones: tuple[str, ...] = ("cn-north-4a", "cn-north-4b", "cn-north-4c")
    subnet_octet: int = 10
    user_name: str = "li.wei"
    user_id: str = ""


@dataclass(frozen=True)
class InstanceRecord:
    instance_id: str
    name: str
    engine_version: str
    specification: str
    description: str
    created_at: datetime
    shape: InstanceShape = InstanceShape()

    @property
    def flavor(self) -> str:
        """``2u4g`` of ``kafka.2u4g.cluster * 3 broker``."""
        parts = self.specification.split(".")
        return parts[1] if len(parts) > 2 else "2u4g"

    def to_list_api(self) -> dict[str, object]:
        """The instance as an item of ListInstances: the fields the bot resolves with."""
        return {
            "instance_id": self.instance_id,
            "name": self.name,
            "engine": "kafka",
            "engine_version": self.engine_version,
            "specification": self.specification,
            "type": "cluster",
            "status": "RUNNING",
            "description": self.description,
            "enterprise_project_id": "0",
            # A string of epoch milliseconds, unlike the ISO times on tasks.
            "created_at": str(epoch_millis(self.created_at)),
            "tags": [],
        }

    def to_api(self) -> dict[str, object]:
        """The instance as ShowInstance returns it: size, window, addresses and more."""
        shape = self.shape
        prefix = f"192.168.{shape.subnet_octet}"
        brokers = [f"{prefix}.{11 + i}:9092" for i in range(shape.broker_num)]
        return self.to_list_api() | {
            "broker_num": shape.broker_num,
            "node_num": shape.broker_num,
            "storage_space": shape.storage_space,
            "total_storage_space": shape.storage_space,
            "used_storage_space": shape.used_storage_space,
            "partition_num": str(shape.partition_num),  # a string, as documented
            "maintain_begin": shape.maintain_begin,
            "maintain_end": shape.maintain_end,
            "resource_spec_code": "dms.instance.kafka.cluster.c6." + self.flavor,
            "storage_spec_code": "dms.physical.storage.ultra.v2",
            "storage_type": "hec",
            "retention_policy": "time_base",
            "charging_mode": 1,
            "enable_auto_topic": False,
            "is_logical_volume": True,
            "extend_times": 0,
            "available_zones": list(shape.available_zones),
            "connect_address": ",".join(b.split(":")[0] for b in brokers),
            "kafka_private_connect_address": ",".join(brokers),
            "port": 9092,
            "enable_publicip": False,
            "kafka_public_status": "closed",
            "public_access_enabled": "false",
            "ssl_enable": True,
            "kafka_security_protocol": "SASL_SSL",
            "sasl_enabled_mechanisms": ["SCRAM-SHA-512"],
            "user_id": shape.user_id,
            "user_name": shape.user_name,
            "ces_version": "linux",
        }
