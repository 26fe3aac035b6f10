"""What a button carries: the query behind an answer, compact enough for a button value.

Buttons must work on any replica, after restarts, with no server-side session: so the
value holds the whole query. Refresh re-reads a relative window ("last 1h") at click
time; paging keeps the exact window the user is looking at, so rows do not shift.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

# action_id values; each button kind has one, listeners match on them.
REFRESH = "kt_refresh"
PAGE_NEXT = "kt_page_next"
PAGE_PREV = "kt_page_prev"
DETAILS = "kt_details"
SHARE = "kt_share"
PICK_INSTANCE = "kt_pick_instance"
RETRY = "kt_retry"
# Subscribe the channel to the instance of an answer; value: SubscribeRef.encode().
SUBSCRIBE = "kt_subscribe"
ALL_ACTIONS = (REFRESH, PAGE_NEXT, PAGE_PREV, DETAILS, SHARE, PICK_INSTANCE, RETRY, SUBSCRIBE)

MAX_VALUE = 2000  # Slack's limit on a button value


class BadActionValue(ValueError):
    pass


@dataclass(frozen=True)
class QueryState:
    """A tasks query as it was answered."""

    instance: str  # the instance id once resolved (names can become ambiguous later)
    window_text: str  # as typed ("" = default window): re-read by Refresh
    begin: datetime  # the exact window answered: kept by paging
    end: datetime
    zone: str  # the zone naive times were read in
    statuses: frozenset[str] = field(default_factory=frozenset)
    name_glob: str | None = None
    page: int = 1

    def with_page(self, page: int) -> QueryState:
        return replace(self, page=max(1, page))

    def encode(self) -> str:
        data = {
            "i": self.instance,
            "w": self.window_text,
            "b": int(self.begin.timestamp() * 1000),
            "e": int(self.end.timestamp() * 1000),
            "z": self.zone,
            "s": sorted(self.statuses),
            "n": self.name_glob,
            "p": self.page,
        }
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        if len(text) > MAX_VALUE:
            # Only a pathological name glob gets here; drop it rather than break the button.
            data["n"] = None
            text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        return text

    @classmethod
    def decode(cls, value: str) -> QueryState:
        try:
            data = json.loads(value)
            return cls(
                instance=str(data["i"]),
                window_text=str(data["w"]),
                begin=datetime.fromtimestamp(int(data["b"]) / 1000, tz=UTC),
                end=datetime.fromtimestamp(int(data["e"]) / 1000, tz=UTC),
                zone=str(data["z"]),
                statuses=frozenset(str(s) for s in data.get("s") or ()),
                name_glob=data.get("n") or None,
                page=max(1, int(data.get("p") or 1)),
            )
        except (ValueError, KeyError, TypeError, OverflowError) as exc:
            raise BadActionValue(f"this button's data could not be read ({exc})") from None


@dataclass(frozen=True)
class TaskRef:
    """What a Details button carries: which task on which instance."""

    instance: str
    task_id: str

    def encode(self) -> str:
        return json.dumps({"i": self.instance, "t": self.task_id}, separators=(",", ":"))

    @classmethod
    def decode(cls, value: str) -> TaskRef:
        try:
            data = json.loads(value)
            return cls(instance=str(data["i"]), task_id=str(data["t"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise BadActionValue(f"this button's data could not be read ({exc})") from None


@dataclass(frozen=True)
class SubscribeRef:
    """What a Subscribe button carries: the instance, and the scope to offer."""

    instance_id: str
    instance_name: str
    scope: str = "failed"

    def encode(self) -> str:
        data = {"i": self.instance_id, "n": self.instance_name, "s": self.scope}
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def decode(cls, value: str) -> SubscribeRef:
        try:
            data = json.loads(value)
            scope = str(data.get("s") or "failed")
            if scope not in ("failed", "all"):
                raise ValueError(f"unknown scope {scope!r}")
            return cls(instance_id=str(data["i"]), instance_name=str(data["n"]), scope=scope)
        except (ValueError, KeyError, TypeError) as exc:
            raise BadActionValue(f"this button's data could not be read ({exc})") from None
