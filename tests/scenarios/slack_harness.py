"""The real bot in HTTP mode on loopback, with the simulator and a fake Slack Web API."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from bot.core.clock import utc_now
from bot.main.serve import serve
from bot.main.settings import Settings
from bot.simulator import (
    DEMO_AK,
    DEMO_PROJECT_ID,
    DEMO_SK,
    ManualClock,
    Simulator,
    SimulatorConfig,
)
from tests.fakes.slack import Call, FakeSlack
from tests.fakes.slack_requests import SlackSender

SIGNING_SECRET = "test-signing-secret-0123456789"
BOT_TOKEN = "xoxb-test-token"


@dataclass
class RunningBot:
    url: str
    slack: FakeSlack
    sim: Simulator
    sender: SlackSender
    database_url: str

    async def health(self) -> httpx.Response:
        async with httpx.AsyncClient() as client:
            return await client.get(self.url.replace("/slack/events", "/healthz"))

    async def metrics(self) -> httpx.Response:
        async with httpx.AsyncClient() as client:
            return await client.get(self.url.replace("/slack/events", "/metrics"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def running_bot(
    *,
    sim_config: SimulatorConfig | None = None,
    sk: str = DEMO_SK,
    tz: str = "UTC",
    database_url: str | None = None,
    clock: ManualClock | None = None,
    # Settings over the defaults; a function of the started simulator when they need
    # its URL (a config file naming it as one of several accounts).
    extra: dict[str, str] | Callable[[Simulator], dict[str, str]] | None = None,
    # A simulator already running, to outlive this bot (a restart with new settings
    # against the same cloud); else one is started and stopped with the bot.
    simulator: Simulator | None = None,
    # The bot's own "now" (its store, its watcher, what it schedules: daily summaries),
    # when a test moves it; else real time.
    bot_clock: Callable[[], datetime] | None = None,
) -> AsyncIterator[RunningBot]:
    scratch = tempfile.TemporaryDirectory(prefix="kafka-tasks-")
    own = simulator is None
    async with (
        Simulator(sim_config or SimulatorConfig(), clock=clock)
        if own
        else contextlib.nullcontext(simulator) as sim,
        FakeSlack(bot_token=BOT_TOKEN) as slack,
    ):
        assert sim is not None
        port = free_port()
        db = database_url or f"sqlite:///{scratch.name}/bot.db"
        settings = Settings.from_mapping(
            {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": slack.api_url,
                "PORT": str(port),
                "HUAWEICLOUD_SDK_AK": DEMO_AK,
                "HUAWEICLOUD_SDK_SK": sk,
                "HUAWEICLOUD_SDK_PROJECT_ID": DEMO_PROJECT_ID,
                "DMS_ENDPOINT": sim.url,
                "KAFKA_TASKS_TZ": tz,
                "DATABASE_URL": db,
                **((extra(sim) if callable(extra) else extra) or {}),
            }
        )
        stop = asyncio.Event()
        server = asyncio.create_task(serve(settings, stop=stop, clock=bot_clock or utc_now))
        url = f"http://127.0.0.1:{port}/slack/events"
        await _until_listening(port, server)
        sender = SlackSender(url, SIGNING_SECRET)
        try:
            yield RunningBot(url=url, slack=slack, sim=sim, sender=sender, database_url=db)
        finally:
            await sender.aclose()
            stop.set()
            await asyncio.wait_for(server, timeout=10)
            scratch.cleanup()


async def _until_listening(port: int, server: asyncio.Task[None]) -> None:
    for _ in range(200):
        if server.done():
            server.result()  # raises what stopped it
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.02)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise AssertionError("the bot did not start listening")


# -- reading what the bot posted ---------------------------------------------------


def walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from walk(child)
    elif isinstance(value, list):
        for child in value:
            yield from walk(child)


def text_of(call: Call) -> str:
    """Every piece of text a user would read in a posted message."""
    parts = [str(call.args.get("text") or "")]
    parts += [
        str(node["text"])
        for node in walk(call.args.get("blocks") or [])
        if isinstance(node.get("text"), str)
    ]
    return "\n".join(parts)


def buttons_of(call: Call) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for node in walk(call.args.get("blocks") or []):
        if node.get("type") == "button":
            found.setdefault(str(node["action_id"]), []).append(node)
    return found


async def final_response(slack: FakeSlack, name: str) -> Call:
    """The last response_url post named ``name``, once it is an answer, not a placeholder."""
    deadline = time.monotonic() + 30
    while True:
        mine = [c for c in slack.calls_to("response_url") if c.args.get("name") == name]
        if mine and "Looking up" not in text_of(mine[-1]):
            return mine[-1]
        if time.monotonic() > deadline:
            raise AssertionError(f"no answer posted to response_url {name!r}: {mine}")
        await asyncio.sleep(0.02)
