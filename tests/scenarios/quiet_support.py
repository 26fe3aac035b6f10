"""What the snooze and quiet-hours scenarios share: a bot clock the test moves, the
notifications the channel got, and waiting for the store."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.simulator import ManualClock
from bot.simulator.model import TaskRecord
from bot.watch.delivery import METADATA_EVENT
from tests.scenarios.slack_harness import RunningBot, running_bot, walk

FAST = {"KAFKA_TASKS_POLL_FAST": "1", "KAFKA_TASKS_POLL_SLOW": "1"}
CHANNEL = "C123"


class ShiftedClock:
    """Real time, plus however far the test has moved it: polls and deliveries go on at
    their pace, and the end of quiet hours or of a snooze comes when the test says."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset

    def move(self, delta: timedelta) -> None:
        with self._lock:
            self._offset += delta


@dataclass(frozen=True)
class Watched:
    bot: RunningBot
    clock: ShiftedClock

    @property
    def sim_clock(self) -> ManualClock:
        clock = self.bot.sim.clock
        assert isinstance(clock, ManualClock)
        return clock

    def add_instance(self, name: str, running: int) -> tuple[str, list[TaskRecord]]:
        """An instance whose ``running`` tasks are in progress now, by when they end."""
        state = self.bot.sim.state
        iid = state.add_instance(name, 0, timedelta(hours=1), running)
        now = self.sim_clock.now()
        tasks = [t for t in state.timeline(iid) or () if t.finished_at > now]
        return iid, sorted(tasks, key=lambda t: t.finished_at)


@asynccontextmanager
async def watched_bot() -> AsyncIterator[Watched]:
    clock = ShiftedClock()
    sim_clock = ManualClock(datetime.now(UTC))
    async with running_bot(clock=sim_clock, extra=FAST, bot_clock=clock.now) as bot:
        yield Watched(bot, clock)


def key_of(task: TaskRecord, channel: str = CHANNEL) -> str:
    return f"sub:{channel}:{task.id}:{task.final_status}"


def notifications(bot: RunningBot, channel: str = CHANNEL) -> list[Any]:
    """The outbox's posts to ``channel``: each with the keys of every row it stands for."""
    return [
        call
        for call in bot.slack.calls_to("chat.postMessage", ok=True)
        if call.args.get("channel") == channel
        and (call.args.get("metadata") or {}).get("event_type") == METADATA_EVENT
    ]


def covered(call: Any) -> list[str]:
    payload = call.args["metadata"]["event_payload"]
    return [k for k in str(payload.get("covers") or payload["key"]).split(",") if k]


def posted_keys(bot: RunningBot, channel: str = CHANNEL) -> list[str]:
    """Every row key the channel's posts stood for, repeats kept."""
    return [key for call in notifications(bot, channel) for key in covered(call)]


async def until(check: Callable[[], Any], *, what: str, within_s: float = 30) -> Any:
    """Polls ``check`` (in a thread: it may use the store) until it is truthy."""
    deadline = time.monotonic() + within_s
    while True:
        result = await asyncio.to_thread(check)
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


def elements(call_or_message: Any, kind: str) -> list[dict[str, Any]]:
    """The block elements of a type (``static_select``, ``button``) in a post."""
    blocks = getattr(call_or_message, "args", call_or_message).get("blocks") or []
    found = []
    for block in blocks:
        for element in [block.get("accessory"), *(block.get("elements") or [])]:
            if isinstance(element, dict) and element.get("type") == kind:
                found.append(element)
    return found


def message_text(message: dict[str, Any]) -> str:
    """Everything a reader reads in a message as the channel has it now."""
    parts = [str(message.get("text") or "")]
    parts += [
        str(n["text"]) for n in walk(message.get("blocks") or []) if isinstance(n.get("text"), str)
    ]
    return "\n".join(parts)


def posted_message(bot: RunningBot, key: str, channel: str = CHANNEL) -> dict[str, Any]:
    """The channel's message posted for the outbox row ``key``."""
    for message in bot.slack.messages(channel):
        payload = (message.get("metadata") or {}).get("event_payload") or {}
        if payload.get("key") == key:
            return message
    raise AssertionError(f"no message for {key} in {channel}")
