"""The bot in Socket Mode, as Slack sees it: envelopes in over a WebSocket, acks back.

Each test runs the real ``serve()`` with SLACK_APP_TOKEN set against the fake Slack,
whose ``apps.connections.open`` hands out a URL to its own Socket Mode server, so the
real slack_sdk aiohttp client and Bolt's Socket Mode adapter are what is exercised.
"""

from __future__ import annotations

import asyncio
import secrets
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.main.serve import serve
from bot.main.settings import Settings, SettingsError
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Simulator, SimulatorConfig
from tests.fakes.slack import (
    FAKE_APP_ID,
    FAKE_BOT_USER_ID,
    FAKE_TEAM_DOMAIN,
    FAKE_TEAM_ID,
    FakeSlack,
)
from tests.scenarios.slack_harness import final_response, free_port, text_of

BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-1-A0FAKE-1-socket"
USER = "U123"
CHANNEL = "C123"

# Slack redelivers an envelope that is not acked within 3 s.
ACK_DEADLINE_S = 3.0
# Every wait is bounded so a broken connection fails a test instead of hanging it.
WAIT_S = 10.0


@dataclass
class SocketBot:
    slack: FakeSlack
    sim: Simulator
    port: int
    server: asyncio.Task[None]
    http: httpx.AsyncClient

    async def health(self) -> httpx.Response:
        return await self.http.get(f"http://127.0.0.1:{self.port}/healthz")

    async def health_until(self, status: int, within: float = WAIT_S) -> httpx.Response:
        """Poll /healthz until it answers ``status``; fail with the last answer."""
        deadline = time.monotonic() + within
        last: httpx.Response | str = "nothing"
        while time.monotonic() < deadline:
            if self.server.done():
                self.server.result()  # raises what stopped it
                raise AssertionError("serve() returned while the test was waiting")
            try:
                last = await self.health()
            except httpx.TransportError as exc:  # not listening yet
                last = repr(exc)
            else:
                if last.status_code == status:
                    return last
            await asyncio.sleep(0.02)
        shown = f"{last.status_code} {last.text}" if isinstance(last, httpx.Response) else last
        raise AssertionError(f"/healthz did not answer {status} within {within}s: {shown}")


def socket_settings(
    slack: FakeSlack, sim: Simulator, port: int, app_token: str, data: Path
) -> Settings:
    # No signing secret: Socket Mode needs none, and serve() must not ask for one.
    return Settings.from_mapping(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_APP_TOKEN": app_token,
            "SLACK_API_URL": slack.api_url,
            "PORT": str(port),
            "HUAWEICLOUD_SDK_AK": DEMO_AK,
            "HUAWEICLOUD_SDK_SK": DEMO_SK,
            "HUAWEICLOUD_SDK_PROJECT_ID": DEMO_PROJECT_ID,
            "DMS_ENDPOINT": sim.url,
            # Whatever the bot stores goes to the test's own directory, not ./data.
            "DATABASE_URL": f"sqlite:///{data / 'kafka-tasks.db'}",
        }
    )


@asynccontextmanager
async def socket_bot(data: Path) -> AsyncIterator[SocketBot]:
    async with (
        Simulator(SimulatorConfig()) as sim,
        FakeSlack(bot_token=BOT_TOKEN, app_token=APP_TOKEN) as slack,
    ):
        port = free_port()
        stop = asyncio.Event()
        settings = socket_settings(slack, sim, port, APP_TOKEN, data)
        server = asyncio.create_task(serve(settings, stop=stop))
        try:
            async with httpx.AsyncClient(timeout=5) as http:
                bot = SocketBot(slack=slack, sim=sim, port=port, server=server, http=http)
                await slack.socket.wait_connected(1, timeout=WAIT_S)
                await bot.health_until(200)
                yield bot
        finally:
            stop.set()
            await asyncio.wait_for(server, timeout=WAIT_S)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[SocketBot]:
    async with socket_bot(tmp_path) as running:
        yield running


def slash_payload(text: str, *, response_url: str) -> dict[str, Any]:
    """A slash command as Socket Mode delivers it: the HTTP form's fields as JSON."""
    return {
        "token": "fake-verification-token",
        "team_id": FAKE_TEAM_ID,
        "team_domain": FAKE_TEAM_DOMAIN,
        "channel_id": CHANNEL,
        "channel_name": "channel-c123",
        "user_id": USER,
        "user_name": "user.u123",
        "command": "/kafka-tasks",
        "text": text,
        "api_app_id": FAKE_APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": f"1.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}",
    }


def mention_payload(text: str, *, ts: str) -> dict[str, Any]:
    """An ``app_mention`` inside the ``event_callback`` body the Events API sends."""
    text = f"<@{FAKE_BOT_USER_ID}> {text}"
    return {
        "token": "fake-verification-token",
        "team_id": FAKE_TEAM_ID,
        "context_team_id": FAKE_TEAM_ID,
        "context_enterprise_id": None,
        "api_app_id": FAKE_APP_ID,
        "event": {
            "type": "app_mention",
            "user": USER,
            "text": text,
            "ts": ts,
            "channel": CHANNEL,
            "event_ts": ts,
            "team": FAKE_TEAM_ID,
            "client_msg_id": str(uuid.uuid4()),
        },
        "type": "event_callback",
        "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": FAKE_TEAM_ID,
                "user_id": FAKE_BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{secrets.token_hex(16)}",
    }


async def test_healthz_reports_the_socket_connected(bot: SocketBot) -> None:
    reply = await bot.health()
    assert reply.status_code == 200
    assert reply.json() == {"ok": True, "mode": "socket", "connected": True}
    # serve() asked for the URL itself, and the client used it: one ticket, one connection.
    [opened] = bot.slack.calls_to("apps.connections.open")
    assert opened.token == APP_TOKEN
    assert opened.ok
    assert bot.slack.socket.accepted == 1


async def test_slash_command_is_acked_over_the_socket_and_answered_at_response_url(
    bot: SocketBot,
) -> None:
    response_url = bot.slack.response_url("slash")
    envelope = await bot.slack.socket.send(
        "slash_commands", slash_payload("prod-orders last 1h", response_url=response_url)
    )
    assert envelope.accepts_response_payload
    ack = await bot.slack.socket.wait_for_ack(envelope.envelope_id, timeout=WAIT_S)
    assert ack.at - envelope.sent_at < ACK_DEADLINE_S
    # The handler acks with nothing; the answer goes to response_url instead.
    assert ack.payload is None
    answer = await final_response(bot.slack, "slash")
    assert "prod-orders" in text_of(answer)
    assert answer.args.get("response_type") == "ephemeral"
    # With DMS slow, the ack still comes at once: Slack never waits on DMS for it.
    bot.sim.faults.latency_ms = 1500
    slow_url = bot.slack.response_url("slow")
    slow = await bot.slack.socket.send(
        "slash_commands", slash_payload("prod-payments last 2h", response_url=slow_url)
    )
    slow_ack = await bot.slack.socket.wait_for_ack(slow.envelope_id, timeout=WAIT_S)
    slow_answer = await final_response(bot.slack, "slow")
    assert slow_ack.at - slow.sent_at < 1.0
    assert slow_ack.at < slow_answer.at


async def test_app_mention_is_acked_and_answered_in_its_thread(bot: SocketBot) -> None:
    ts = "1700000000.000100"
    envelope = await bot.slack.socket.send(
        "events_api", mention_payload("prod-orders last 7d", ts=ts)
    )
    ack = await bot.slack.socket.wait_for_ack(envelope.envelope_id, timeout=WAIT_S)
    assert ack.at - envelope.sent_at < ACK_DEADLINE_S
    [posted] = await bot.slack.wait_for("chat.postMessage", 1, timeout=WAIT_S)
    assert posted.token == BOT_TOKEN
    assert posted.args["channel"] == CHANNEL
    assert posted.args["thread_ts"] == ts
    assert "prod-orders" in text_of(posted)


async def test_healthz_is_503_while_disconnected_and_200_after_the_reconnect(
    bot: SocketBot,
) -> None:
    socket = bot.slack.socket
    # Keep the client's next handshake waiting, so "disconnected" lasts until released.
    socket.hold_new_connections()
    assert await socket.disconnect_all() == 1
    await socket.wait_held(1, timeout=WAIT_S)

    down = await bot.health()
    assert down.status_code == 503
    assert down.json() == {"ok": False, "mode": "socket", "connected": False}

    socket.release_new_connections()
    await socket.wait_connected(2, timeout=WAIT_S)
    up = await bot.health_until(200)
    assert up.json() == {"ok": True, "mode": "socket", "connected": True}
    # The client asked for a fresh URL rather than reusing the spent one.
    assert [c.ok for c in bot.slack.calls_to("apps.connections.open")] == [True, True]

    # And envelopes flow on the new connection.
    response_url = bot.slack.response_url("after")
    envelope = await socket.send(
        "slash_commands", slash_payload("prod-orders last 1h", response_url=response_url)
    )
    assert envelope.connection == 2
    await socket.wait_for_ack(envelope.envelope_id, timeout=WAIT_S)
    assert "prod-orders" in text_of(await final_response(bot.slack, "after"))


async def test_an_app_token_slack_refuses_stops_serve_naming_slack_app_token(
    tmp_path: Path,
) -> None:
    async with (
        Simulator(SimulatorConfig()) as sim,
        FakeSlack(bot_token=BOT_TOKEN, app_token=APP_TOKEN) as slack,
    ):
        revoked = "xapp-1-A0FAKE-1-revoked"
        settings = socket_settings(slack, sim, free_port(), revoked, tmp_path)
        with pytest.raises(SettingsError, match="SLACK_APP_TOKEN"):
            await asyncio.wait_for(serve(settings, stop=asyncio.Event()), timeout=WAIT_S)
        [refused] = slack.calls_to("apps.connections.open")
        assert refused.error == "invalid_auth"
        assert slack.socket.accepted == 0


async def test_the_fake_opens_connections_only_for_its_app_token_and_once_per_url() -> None:
    # What the tests above rely on from the fake, checked with slack_sdk's own client.
    async with FakeSlack(bot_token=BOT_TOKEN, app_token=APP_TOKEN) as slack:
        client = AsyncWebClient(base_url=slack.api_url)
        for token, error in [(BOT_TOKEN, "not_allowed_token_type"), ("xapp-1-x", "invalid_auth")]:
            with pytest.raises(SlackApiError) as raised:
                await client.apps_connections_open(app_token=token)
            assert raised.value.response["error"] == error
        url = str((await client.apps_connections_open(app_token=APP_TOKEN))["url"])
        assert url.startswith(f"ws://{slack.base_url.removeprefix('http://')}/socket/")
        async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
            hello = await ws.receive_json(timeout=WAIT_S)
            assert hello["type"] == "hello"
            assert hello["num_connections"] == 1
            assert hello["connection_info"] == {"app_id": FAKE_APP_ID}
            # A second connection on the same URL is refused: tickets are one-use.
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(url)
            assert refused.value.status == 401
