"""What a button carries, and the one codec for every button value the bot makes.

Buttons must work on any replica, after restarts, with no server-side session: so the
value holds the whole query. Refresh re-reads a relative window ("last 1h") at click
time; paging keeps the exact window the user is looking at, so rows do not shift.

A value comes back from Slack as the presser's client sent it, so it is read as
untrusted input: bounded in size, a JSON object with the fields expected, every id of
the shape DMS and Slack give ids, or ``BadActionValue``. Who may act on what it names
is decided again at press time by the caller; a value never grants anything.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from typing import Any

# Re-exported: callers meet these as part of the codec.
from bot.core.action_values import MAX_VALUE as MAX_VALUE
from bot.core.action_values import BadActionValue as BadActionValue
from bot.core.action_values import (
    read_channel,
    read_dms_id,
    read_label,
    read_moment,
    read_object,
    read_text,
)
from bot.core.grammar.window import MAX_WINDOW
from bot.core.quiet import SNOOZE_CHOICES

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
SNOOZE, UNSNOOZE = "kt_snooze", "kt_unsnooze"  # a notification's snooze menu, and Undo
# What happened to the instance in an answer's window (the timeline): value QueryState,
# its window read again at the press; Export uploads that timeline's exact window as files.
TIMELINE = "kt_timeline"
TIMELINE_REFRESH = "kt_timeline_refresh"
EXPORT = "kt_export"
# Scheduled tasks (the bot's writes to the cloud): not under "kt_", so that the buttons'
# listener does not take them; Reschedule opens a modal (its callback id below), Cancel
# asks for confirmation in Slack's own dialog first. Value: ScheduledRef.encode().
RESCHEDULE = "kts_reschedule"
CANCEL_SCHEDULED = "kts_cancel"
RESCHEDULE_MODAL = "kts_reschedule_modal"
# The modal's inputs: block and action ids, where view_submission puts the values.
RESCHEDULE_DATE = "kts_date"
RESCHEDULE_TIME = "kts_time"
ALL_ACTIONS = (
    REFRESH,
    PAGE_NEXT,
    PAGE_PREV,
    DETAILS,
    SHARE,
    PICK_INSTANCE,
    RETRY,
    SUBSCRIBE,
    SNOOZE,
    UNSNOOZE,
    TIMELINE,
    TIMELINE_REFRESH,
    EXPORT,
)

# Each pressable button's label (its key in bot.i18n), and the words people type for it,
# English first: the shell presses a button by these, and the grammar's hint for a
# mistyped first word ("detials 2") offers them. One table for both.
LABEL_KEYS: dict[str, str] = {
    DETAILS: "button.details",
    REFRESH: "button.refresh",
    PAGE_PREV: "button.previous",
    PAGE_NEXT: "button.next",
    SHARE: "button.share",
    SUBSCRIBE: "button.subscribe_failures",
    RETRY: "button.retry",
    TIMELINE: "button.timeline",
    TIMELINE_REFRESH: "button.refresh",
    EXPORT: "button.export",
}
TYPED_WORDS: dict[str, tuple[str, ...]] = {
    DETAILS: ("details", "detail", "详情"),
    REFRESH: ("refresh", "刷新"),
    PAGE_PREV: ("previous", "prev", "back", "上一页", "上页"),
    PAGE_NEXT: ("next", "下一页", "下页"),
    SHARE: ("share", "分享"),
    SUBSCRIBE: ("subscribe", "订阅"),
    RETRY: ("retry", "重试"),
    TIMELINE: ("happened", "what-happened", "发生了什么"),
    TIMELINE_REFRESH: ("refresh", "刷新"),
    EXPORT: ("export", "导出"),
}


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
        data = read_object(value, "query")
        statuses = data.get("s") or []
        if not isinstance(statuses, list) or not all(
            isinstance(x, str) and 0 < len(x) <= 40 for x in statuses
        ):
            raise BadActionValue("field 's' is not a list of statuses")
        glob = data.get("n")
        if glob is not None and not isinstance(glob, str):
            raise BadActionValue("field 'n' is not a name filter")
        window = data.get("w")
        if not isinstance(window, str) or len(window) > MAX_VALUE:
            raise BadActionValue("field 'w' is not a window")
        begin, end = read_moment(data, "b"), read_moment(data, "e")
        # The grammar's own bounds, again: a value is the presser's to forge, and every
        # service that reads the window (paging, What happened, Export) trusts it.
        if not begin < end <= begin + MAX_WINDOW:
            raise BadActionValue("this button's window is empty, reversed or too long")
        try:
            return cls(
                instance=read_text(data, "i"),
                window_text=window,
                begin=begin,
                end=end,
                zone=read_text(data, "z", limit=64),
                statuses=frozenset(statuses),
                name_glob=glob or None,
                page=max(1, min(int(data.get("p") or 1), 100_000)),
            )
        except (ValueError, KeyError, TypeError, OverflowError, OSError) as exc:
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
        data = read_object(value, "Details")
        return cls(instance=read_text(data, "i"), task_id=read_dms_id(data, "t"))


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
        data = read_object(value, "Subscribe")
        scope = data.get("s") or "failed"
        if scope not in ("failed", "all"):
            raise BadActionValue(f"unknown scope {scope!r}")
        return cls(
            instance_id=read_dms_id(data, "i"), instance_name=read_label(data, "n"), scope=scope
        )


@dataclass(frozen=True)
class SnoozeRef(SubscribeRef):
    """A snooze menu option, and its Undo: the instance as a Subscribe button carries it,
    and in place of the scope one of ``SNOOZE_CHOICES`` (the end is worked out when it is
    pressed, in the presser's zone)."""

    @classmethod
    def decode(cls, value: str) -> SnoozeRef:
        data = read_object(value, "Snooze")
        if data.get("s") not in SNOOZE_CHOICES:
            raise BadActionValue("unknown snooze choice")
        return cls(read_dms_id(data, "i"), read_label(data, "n"), str(data["s"]))


# --- the App Home tab's buttons ---------------------------------------------------------


@dataclass(frozen=True)
class SubscriptionRef:
    """What a Home Unsubscribe button carries: the channel and the instance."""

    channel: str
    instance_id: str
    instance_name: str = ""

    def encode(self) -> str:
        data = {"c": self.channel, "i": self.instance_id, "n": self.instance_name[:150]}
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def decode(cls, value: str) -> SubscriptionRef:
        data = read_object(value, "Unsubscribe")
        return cls(
            channel=read_channel(data, "c"),
            instance_id=read_dms_id(data, "i"),
            instance_name=read_label(data, "n"),
        )


@dataclass(frozen=True)
class HomeTaskRef:
    """What a Home Details button carries: the task, and the channel whose
    subscription showed it (the rules are judged for that channel)."""

    channel: str
    instance_id: str
    task_id: str

    def encode(self) -> str:
        data = {"c": self.channel, "i": self.instance_id, "t": self.task_id}
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def decode(cls, value: str) -> HomeTaskRef:
        data = read_object(value, "Details")
        return cls(
            channel=read_channel(data, "c"),
            instance_id=read_dms_id(data, "i"),
            task_id=read_dms_id(data, "t"),
        )


# --- scheduled tasks -------------------------------------------------------------------

# Years 2000-2199 only: a plan is for the years ahead, and year 1 or 9999 in the
# presser's zone leaves the calendar when moved to UTC for DMS.
_DATE = re.compile(r"2[01][0-9]{2}-[0-9]{2}-[0-9]{2}")
_CLOCK = re.compile(r"[0-9]{2}:[0-9]{2}")


@dataclass(frozen=True)
class ScheduledRef:
    """What a Reschedule or Cancel button carries: the scheduled task, when it was to run
    as the list showed it (a press is about that plan, not a later one), and, in a
    modal's metadata, the channel the button was pressed in."""

    instance_id: str
    task_id: str
    schedule_at: datetime | None
    instance_name: str = ""
    task_name: str = ""
    channel: str = ""

    def encode(self) -> str:
        data = {
            "i": self.instance_id,
            "t": self.task_id,
            "a": None if self.schedule_at is None else int(self.schedule_at.timestamp() * 1000),
            "n": self.instance_name[:150],
            "k": self.task_name[:100],
            "c": self.channel or None,
        }
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False)

    def in_channel(self, channel: str) -> ScheduledRef:
        return replace(self, channel=channel)

    @classmethod
    def decode(cls, value: str) -> ScheduledRef:
        data = read_object(value, "scheduled task")
        when = None if data.get("a") is None else read_moment(data, "a")
        return cls(
            instance_id=read_dms_id(data, "i"),
            task_id=read_dms_id(data, "t"),
            schedule_at=when,
            instance_name=read_label(data, "n"),
            task_name=read_label(data, "k"),
            channel=read_channel(data, "c") if data.get("c") is not None else "",
        )


@dataclass(frozen=True)
class RescheduleForm:
    """The date and time a reschedule modal was submitted with, as the presser's clock
    reads them (the zone is theirs, applied by the caller)."""

    date: str  # YYYY-MM-DD
    time: str  # HH:mm

    @classmethod
    def decode(cls, values: Any) -> RescheduleForm:
        """From ``view.state.values``: ``{block_id: {action_id: {selected_date...}}}``,
        as the presser's client sent it, so read as untrusted."""
        if not isinstance(values, dict):
            raise BadActionValue("the form's values are not an object")
        date = _picked(values, RESCHEDULE_DATE, "selected_date", _DATE)
        time = _picked(values, RESCHEDULE_TIME, "selected_time", _CLOCK)
        try:
            datetime.strptime(f"{date} {time}", "%Y-%m-%d %H:%M")
        except ValueError:
            raise BadActionValue(f"{date} {time} is no date and time") from None
        return cls(date, time)

    def at(self, zone: tzinfo) -> datetime:
        """The moment meant, in ``zone`` (a tzinfo)."""
        return datetime.strptime(f"{self.date} {self.time}", "%Y-%m-%d %H:%M").replace(tzinfo=zone)


def _picked(values: dict[str, Any], block: str, key: str, shape: re.Pattern[str]) -> str:
    element = (values.get(block) or {}).get(block) if isinstance(values.get(block), dict) else None
    picked = element.get(key) if isinstance(element, dict) else None
    if not isinstance(picked, str) or not shape.fullmatch(picked):
        raise BadActionValue(f"the form's {key} is missing or malformed")
    return picked
