"""Typed views of DMS responses, parsed defensively.

The API gives every field as a string, documents few of them, and keeps adding task
names and statuses; so nothing here rejects a value it does not know. Unknown
statuses and names are kept as they come, and a field that cannot be parsed becomes
``None`` rather than failing the whole answer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

JsonValue = Any


class TaskStatus(StrEnum):
    CREATED = "CREATED"
    EXECUTING = "EXECUTING"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"
    DELETED = "DELETED"
    CANCELLED = "CANCELLED"


IN_PROGRESS = frozenset({TaskStatus.CREATED.value, TaskStatus.EXECUTING.value})
TERMINAL = frozenset(
    {
        TaskStatus.SUCCESS.value,
        TaskStatus.FAILED.value,
        TaskStatus.DELETED.value,
        TaskStatus.CANCELLED.value,
    }
)
KNOWN_STATUSES = IN_PROGRESS | TERMINAL


def parse_iso_utc(value: object) -> datetime | None:
    """``2020-05-15T03:19:51.046Z`` (and offset forms) -> aware UTC; else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        # The API documents UTC; a zoneless stamp is read as UTC, not local time.
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_epoch_ms(value: object) -> datetime | None:
    """Instance ``created_at`` is a string of epoch milliseconds."""
    try:
        return datetime.fromtimestamp(int(str(value)) / 1000, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _text(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def parse_params(raw: str) -> JsonValue | None:
    """``params`` is a JSON-encoded string; when it is not JSON it is kept as text."""
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw


@dataclass(frozen=True)
class Task:
    id: str
    name: str
    user_name: str
    user_id: str
    status: str
    created_at: datetime | None
    updated_at: datetime | None
    params_raw: str = ""
    params: JsonValue | None = field(default=None, compare=False)
    # The API's own object, so ``--json`` output carries its exact field names and text.
    raw: Mapping[str, JsonValue] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, data: Mapping[str, JsonValue]) -> Task:
        params_field = data.get("params")
        if isinstance(params_field, str) or params_field is None:
            params_raw = _text(params_field)
            params = parse_params(params_raw)
        else:
            # Seen as an object rather than a string: keep it as the structure it is.
            params_raw = json.dumps(params_field, ensure_ascii=False, sort_keys=True)
            params = params_field
        return cls(
            id=_text(data.get("id")),
            name=_text(data.get("name")) or "(unnamed)",
            user_name=_text(data.get("user_name")),
            user_id=_text(data.get("user_id")),
            status=_text(data.get("status")).upper() or "UNKNOWN",
            created_at=parse_iso_utc(data.get("created_at")),
            updated_at=parse_iso_utc(data.get("updated_at")),
            params_raw=params_raw,
            params=params,
            raw=dict(data),
        )

    @property
    def in_progress(self) -> bool:
        return self.status in IN_PROGRESS

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL

    @property
    def failed(self) -> bool:
        return self.status == TaskStatus.FAILED

    def duration(self, now: datetime) -> timedelta | None:
        """Run time: to ``updated_at`` once finished, to ``now`` while in progress."""
        if self.created_at is None:
            return None
        end = now if self.in_progress else self.updated_at
        if end is None or end < self.created_at:
            return None
        return end - self.created_at

    def to_api(self) -> dict[str, JsonValue]:
        """The task as the API sent it (field names and values untouched)."""
        return (
            dict(self.raw)
            if self.raw
            else {
                "id": self.id,
                "name": self.name,
                "user_name": self.user_name,
                "user_id": self.user_id,
                "params": self.params_raw,
                "status": self.status,
                "created_at": _iso(self.created_at),
                "updated_at": _iso(self.updated_at),
            }
        )


def _iso(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


@dataclass(frozen=True)
class Instance:
    instance_id: str
    name: str
    status: str = ""
    engine: str = ""
    engine_version: str = ""
    specification: str = ""
    type: str = ""
    description: str = ""
    created_at: datetime | None = None
    # Which configured account and region the instance lives in. Set only when several
    # accounts are configured (by bot.dms.fleet): with one, answers read as before.
    account: str = ""
    region: str = ""

    @property
    def label(self) -> str:
        """How to name the instance so that it is unique across accounts."""
        return f"{self.name}@{self.account}" if self.account else self.name

    @classmethod
    def from_api(cls, data: Mapping[str, JsonValue]) -> Instance:
        return cls(
            instance_id=_text(data.get("instance_id")),
            name=_text(data.get("name")),
            status=_text(data.get("status")),
            engine=_text(data.get("engine")),
            engine_version=_text(data.get("engine_version")),
            specification=_text(data.get("specification")),
            type=_text(data.get("type")),
            description=_text(data.get("description")),
            created_at=parse_epoch_ms(data.get("created_at")),
        )


@dataclass(frozen=True)
class TaskList:
    """The tasks of one instance in one window, newest first, exactly cut to it."""

    instance_id: str
    begin: datetime
    end: datetime
    tasks: tuple[Task, ...]
    # What the server reported; it can differ from len(tasks) when the client-side cut
    # removed tasks the server's filter let through, or the server miscounted.
    reported_count: int
    request_ids: tuple[str, ...] = ()
    fetched_at: datetime | None = None
    from_cache: bool = False
    # True when not every task DMS reported could be fetched: more than the client's
    # max_tasks, or paging stopped on a page that repeated tasks already seen.
    truncated: bool = False
    # The begin_time and end_time DMS was asked for, as sent (the fetch's bucket, which a
    # cached answer shares); None when not known.
    queried: tuple[str, str] | None = None
