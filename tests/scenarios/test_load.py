"""A minute of steady use: 1,000 commands from 50 channels, each acked and answered.

The real bot (HTTP mode, loopback) against the simulator and the fake Slack, all in
this process: slash commands with different instances and windows (a few of them
mistyped, as people do), and mentions answered in their threads, sent at a steady
rate whether or not the earlier ones have been answered. Every request must be acked
with 200 and answered, nothing may be logged as an error, and memory must stay flat:
the resident set after the first 200 commands and after the last differ by less than
``MAX_GROWTH_MB``.

The fake Slack keeps every call it receives; this test moves them out as they arrive
into a ledger of what was answered, so that what the fake holds counts as little as it
can against the bot's memory. What remains is the channels' history (the mentions'
answers, which is where an answer that replaced its placeholder is read from).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import statistics
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest

from tests.fakes.slack import Call, FakeSlack
from tests.scenarios.slack_harness import RunningBot, running_bot, text_of

COMMANDS = 1_000
CHANNELS = [f"C{n:03d}LOAD" for n in range(50)]
USERS = {
    f"U{n:02d}LOAD": zone for n, zone in enumerate(["UTC", "Asia/Shanghai", "Europe/Berlin"] * 4)
}
SPREAD_S = 57.0  # the commands go out evenly over this long
ANSWER_WITHIN_S = 10.0  # after the last is sent
MEASURE_AFTER = 200
MAX_GROWTH_MB = 30.0
TOTAL_WITHIN_S = 75.0

INSTANCES = (
    "prod-orders",
    "prod-payments",
    "prod-orders-dr",
    "staging-orders",
    "dev-sandbox",
    "analytics-events",
)
QUERIES = (
    "last 1h",
    "last 2h",
    "last 6h",
    "last 24h",
    "last 7d",
    "today",
    "yesterday",
    "failed last 7d",
    "running",
    "last 30m name restart*",
    "",
)
# What people also type: a list, the help, a typo in a name, a window that is not one.
ODD = ("instances", "help", "prod-ordrs last 1h", "prod-orders last 7x")
PLACEHOLDER = "Looking up"  # the placeholder a slow answer replaces


@dataclass(frozen=True)
class Command:
    n: int
    kind: str  # "slash" or "mention"
    text: str
    channel: str
    user: str

    @property
    def name(self) -> str:
        return f"load{self.n}"

    @property
    def ts(self) -> str:
        return f"1700000000.{self.n:06d}"


def the_commands() -> list[Command]:
    """A fixed mix: about seven in ten are slash commands, one in twenty-five is odd."""
    users = list(USERS)
    commands = []
    for n in range(COMMANDS):
        instance = INSTANCES[n % len(INSTANCES)]
        query = QUERIES[(n // len(INSTANCES)) % len(QUERIES)]
        text = f"{instance} {query}".strip()
        kind = "mention" if n % 10 in (3, 6, 9) else "slash"
        if n % 25 == 7 and kind == "slash":
            text = ODD[(n // 25) % len(ODD)]
        channel, user = CHANNELS[n % len(CHANNELS)], users[n % len(users)]
        commands.append(Command(n, kind, text, channel, user))
    return commands


@dataclass
class Ledger:
    """What the fake Slack received, reduced to which commands were answered."""

    slash_answered: set[str] = field(default_factory=set)  # response_url names
    threads_answered: set[str] = field(default_factory=set)  # mention ts
    refused: list[str] = field(default_factory=list)
    calls: int = 0
    placeholders: int = 0

    def take(self, calls: list[Call]) -> None:
        for call in calls:
            self.calls += 1
            if not call.ok:
                self.refused.append(f"{call.method}: {call.status} {call.error}")
                continue
            if PLACEHOLDER in text_of(call):
                self.placeholders += 1
            elif call.method == "response_url":
                self.slash_answered.add(str(call.args["name"]))
            elif call.method in ("chat.postMessage", "chat.postEphemeral"):
                self.threads_answered.add(str(call.args.get("thread_ts") or ""))

    def take_edited(self, slack: FakeSlack) -> None:
        """A mention answered late edits its placeholder (chat.update names only the
        message's ts): those answers are read from the channels' latest state."""
        for channel in CHANNELS:
            for message in slack.messages(channel):
                text = str(message.get("text") or "")
                if message.get("thread_ts") and PLACEHOLDER not in text:
                    self.threads_answered.add(str(message["thread_ts"]))

    def answered(self, command: Command) -> bool:
        if command.kind == "slash":
            return command.name in self.slash_answered
        return command.ts in self.threads_answered


def rss_mb() -> float:
    """This process's resident set (the bot runs in it), from /proc/self/status."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def settled_rss_mb() -> float:
    gc.collect()
    return rss_mb()


@pytest.fixture
async def bot() -> AsyncIterator[RunningBot]:
    async with running_bot() as running:
        for user, zone in USERS.items():
            running.slack.set_user(user, tz=zone)
        yield running


async def test_a_thousand_commands_in_a_minute_from_fifty_channels(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    started = time.monotonic()
    caplog.set_level(logging.WARNING)
    commands = the_commands()
    ledger = Ledger()
    acks: dict[int, tuple[int, float]] = {}  # n -> (status, seconds)

    def drain() -> None:
        # No await between reading and deleting: the fake appends on this loop too.
        taken = bot.slack.calls[:]
        del bot.slack.calls[: len(taken)]
        ledger.take(taken)

    async def send(command: Command) -> None:
        at = time.monotonic()
        reply: httpx.Response
        if command.kind == "slash":
            reply = await bot.sender.slash(
                command.text,
                user=command.user,
                channel=command.channel,
                # Not bound to the channel: the fake then keeps no copy of the answer.
                response_url=bot.slack.response_url(command.name),
            )
        else:
            reply = await bot.sender.mention(
                command.text, user=command.user, channel=command.channel, ts=command.ts
            )
        acks[command.n] = (reply.status_code, time.monotonic() - at)

    sending: list[asyncio.Task[None]] = []
    rss_at_measure = 0.0
    first = time.monotonic()
    for command in commands:
        due = first + command.n * SPREAD_S / COMMANDS
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        if command.n == MEASURE_AFTER:
            drain()
            rss_at_measure = settled_rss_mb()
        sending.append(asyncio.create_task(send(command)))
        if command.n % 50 == 0:
            drain()
    sent_in = time.monotonic() - first
    await asyncio.gather(*sending)

    deadline = time.monotonic() + ANSWER_WITHIN_S
    while True:
        drain()
        ledger.take_edited(bot.slack)
        unanswered = [c for c in commands if not ledger.answered(c)]
        if not unanswered or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    rss_at_end = settled_rss_mb()

    ack_times = sorted(seconds for _, seconds in acks.values())
    figures = {
        "commands": COMMANDS,
        "sent in s": round(sent_in, 1),
        "slash / mentions": (
            sum(c.kind == "slash" for c in commands),
            sum(c.kind == "mention" for c in commands),
        ),
        "ack p50 ms": round(statistics.median(ack_times) * 1000, 1),
        "ack p99 ms": round(ack_times[int(len(ack_times) * 0.99)] * 1000, 1),
        "ack max ms": round(ack_times[-1] * 1000, 1),
        "Slack calls": ledger.calls,
        "placeholders shown": ledger.placeholders,
        "DMS requests": bot.sim.stats.snapshot().total,
        f"RSS after {MEASURE_AFTER} MB": round(rss_at_measure, 1),
        "RSS at end MB": round(rss_at_end, 1),
        "RSS growth MB": round(rss_at_end - rss_at_measure, 1),
        "warnings logged": sum(r.levelno == logging.WARNING for r in caplog.records),
    }
    print("\nload:", figures)

    assert sorted(acks) == list(range(COMMANDS))
    assert {status for status, _ in acks.values()} == {200}
    assert [c.n for c in unanswered] == []
    assert ledger.refused == []
    errors = [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
    assert rss_at_end - rss_at_measure < MAX_GROWTH_MB, figures
    assert sent_in < SPREAD_S + 3, "the sender fell behind: the rate was not what was meant"
    assert time.monotonic() - started < TOTAL_WITHIN_S
