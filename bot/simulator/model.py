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
class InstanceRecord:
    instance_id: str
    name: str
    engine_version: str
    specification: str
    description: str
    created_at: datetime

    def to_api(self) -> dict[str, object]:
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
