"""Typed views of DMS responses, parsed defensively.

The API gives every field as a string, documents few of them, and keeps adding task
names and statuses; so nothing here rejects a value it does not know. Unknown
statuses and names are kept as they come, and a field that cannot be parsed becomes
``None`` rather than failing the whole answer.

Every field is also read within bounds (``bot.core.bounded_json``): a field too long,
nested too deeply or not text where text belongs is left out, and named with why in
``unreadable``, so the rest of the task, and every other task, is still shown.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Literal, TypeAlias

from bot.core import bounded_json
from bot.core.bounded_json import Unreadable

JsonValue = Any

# Why a field was not read: nested too deeply, longer than its bound, or an object or
# list where DMS documents text.
FieldProblem: TypeAlias = Literal["too_deep", "too_large", "not_text"]

# The longest text field kept. Real ones are short (32-hex ids, camelCase task names,
# IAM user names); these are far above them and far below what could hurt a view. An
# id not kept is no id: the client leaves such a task or instance out.
MAX_ID = 256
MAX_TEXT = 1024
MAX_DESCRIPTION = 4096
# An ISO-8601 time is about 30 characters; a longer one is not a time.
_MAX_TIME = 64


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
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        # 9999-12-31T23:59-01:00 and the like: a time past the calendar once in UTC.
        return None


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


class _Reader:
    """Reads one DMS object's fields, noting each that cannot be read, and why."""

    def __init__(self, data: Mapping[str, JsonValue]) -> None:
        self.data = data
        self.unreadable: dict[str, FieldProblem] = {}

    def text(self, key: str, limit: int = MAX_TEXT) -> str:
        value = self.data.get(key)
        if isinstance(value, dict | list | Unreadable):
            self.unreadable[key] = "not_text"
            return ""
        text = _text(value)
        if len(text) > limit:
            self.unreadable[key] = "too_large"
            return ""
        return text

    def time(self, key: str) -> object:
        """A time field as sent, for the parser of its format; None when it is too long
        or not a scalar to be one (the API's missing time)."""
        value = self.data.get(key)
        if isinstance(value, dict | list | Unreadable):
            return None
        return None if isinstance(value, str) and len(value) > _MAX_TIME else value

    def params(self) -> tuple[str, JsonValue | None]:
        """(the params as sent, parsed), or ("", None) with the reason noted."""
        value = self.data.get("params")
        if value is None or isinstance(value, str):
            raw = _text(value)
            parsed = parse_params(raw)
        else:
            # Seen as an object rather than a string: keep it as the structure it is.
            parsed = bounded_json.find_unreadable(value, bounded_json.PARAMS.max_depth) or value
            raw = (
                ""
                if isinstance(parsed, Unreadable)
                else json.dumps(value, ensure_ascii=False, sort_keys=True)
            )
            if len(raw) > bounded_json.PARAMS.max_chars:
                parsed = Unreadable("too_large")
        if isinstance(parsed, Unreadable):
            self.unreadable["params"] = parsed.reason
            return "", None
        return raw, parsed

    def kept(self) -> dict[str, JsonValue]:
        """The object as sent, without what could not be read: what is stored and
        re-sent (outbox rows, ``--json``) never carries it on."""
        kept: dict[str, JsonValue] = {}
        for key, value in self.data.items():
            kept[key] = "" if key in self.unreadable or not _readable(value) else value
        return kept


# The reader the other records of DMS-side services (bot.core.timeline) build on.
FieldReader = _Reader


def _readable(value: JsonValue) -> bool:
    """Whether a field no reader looks at is within the bounds params are read in."""
    if isinstance(value, str):
        return len(value) <= bounded_json.PARAMS.max_chars
    if isinstance(value, dict | list | Unreadable):
        return bounded_json.find_unreadable(value, bounded_json.PARAMS.max_depth) is None
    return True


def parse_params(raw: str) -> JsonValue | None:
    """``params`` is a JSON-encoded string; when it is not JSON it is kept as text.

    Read within ``bounded_json.PARAMS``: params too large, or nested too deeply
    anywhere, are an ``Unreadable`` (the whole field: half a change request would read
    as the whole of it)."""
    if not raw.strip():
        return None
    try:
        parsed, cut = bounded_json.read(raw, bounded_json.PARAMS)
    except bounded_json.UnreadableJson as exc:
        return Unreadable(exc.reason)
    except ValueError:
        return raw
    return Unreadable("too_deep") if cut else parsed


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
    # The API's own object, so ``--json`` output carries its exact field names and text
    # (less any field that could not be read).
    raw: Mapping[str, JsonValue] = field(default_factory=dict, compare=False, repr=False)
    # The API's field names that could not be read, and why; shown as such in Details.
    unreadable: Mapping[str, FieldProblem] = field(default_factory=dict, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, JsonValue]) -> Task:
        read = _Reader(data)
        params_raw, params = read.params()
        return cls(
            id=read.text("id", MAX_ID),
            name=read.text("name") or "(unnamed)",
            user_name=read.text("user_name"),
            user_id=read.text("user_id"),
            status=read.text("status").upper() or "UNKNOWN",
            created_at=parse_iso_utc(read.time("created_at")),
            updated_at=parse_iso_utc(read.time("updated_at")),
            params_raw=params_raw,
            params=params,
            raw=read.kept(),
            unreadable=read.unreadable,
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
    # accounts are configured (by bot.adapters.dms.fleet): with one, answers read as before.
    account: str = ""
    region: str = ""
    # The API's field names that could not be read, and why.
    unreadable: Mapping[str, FieldProblem] = field(default_factory=dict, compare=False)

    @property
    def label(self) -> str:
        """How to name the instance so that it is unique across accounts."""
        return f"{self.name}@{self.account}" if self.account else self.name

    @classmethod
    def from_api(cls, data: Mapping[str, JsonValue]) -> Instance:
        read = _Reader(data)
        return cls(
            instance_id=read.text("instance_id", MAX_ID),
            name=read.text("name"),
            status=read.text("status"),
            engine=read.text("engine"),
            engine_version=read.text("engine_version"),
            specification=read.text("specification"),
            type=read.text("type"),
            description=read.text("description", MAX_DESCRIPTION),
            created_at=parse_epoch_ms(read.time("created_at")),
            unreadable=read.unreadable,
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
