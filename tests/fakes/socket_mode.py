"""A fake of Slack's Socket Mode WebSocket server, mounted on :class:`FakeSlack`'s port.

``apps.connections.open`` (answered by FakeSlack for its app token) issues a one-use
``ws://127.0.0.1:PORT/socket/<ticket>`` URL from :meth:`FakeSocketMode.issue_url`. A
client that connects there gets what slack_sdk's Socket Mode clients expect from Slack:
a ``hello`` message first, pongs to its pings, then whatever envelopes the test pushes
with :meth:`FakeSocketMode.send`. Every text frame the client sends back is kept, and
the acks among them (``{"envelope_id": ..., "payload"?: ...}``) are in :attr:`acks`
with the time they arrived.

A test can also drop the connections from the server side (:meth:`disconnect_all`), as
Slack does when it rotates them, and hold the next handshakes open
(:meth:`hold_new_connections`) so the window in which the bot is disconnected lasts as
long as the test needs to look at it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

SOCKET_PATH = "/socket/{ticket}"

# Slack tells a client which of its hosts it reached; slack_sdk only logs it.
_DEBUG_HOST = "applink-fake-0"
_BUILD_NUMBER = 1

# How long the server waits for the client's close frame after sending its own.
_CLOSE_TIMEOUT_S = 2.0

_Json = dict[str, Any]


@dataclass(frozen=True)
class Envelope:
    """An envelope the fake pushed to a client."""

    envelope_id: str
    type: str
    """``slash_commands``, ``events_api`` or ``interactive``."""
    payload: _Json
    accepts_response_payload: bool
    connection: int
    """The number of the connection it went out on (1 for the first accepted)."""
    sent_at: float
    """``time.monotonic()`` just before it was written to the socket."""


@dataclass(frozen=True)
class Ack:
    """An acknowledgement a client sent back for an envelope."""

    envelope_id: str
    payload: _Json | None
    """The response payload, if the ack carried one (``ack("text")`` in Bolt)."""
    connection: int
    at: float
    """``time.monotonic()`` when the frame arrived."""


@dataclass
class _Connection:
    number: int
    ws: web.WebSocketResponse
    # Set by the handler when the socket is done with, however it ended.
    ended: asyncio.Event = field(default_factory=asyncio.Event)


class FakeSocketMode:
    """Socket Mode connections for one app; see the module docstring.

    Created and wired by :class:`tests.fakes.slack.FakeSlack` (as ``fake.socket``).
    """

    def __init__(self, *, app_id: str) -> None:
        self.app_id = app_id
        self.acks: list[Ack] = []
        """Every ack received, in arrival order."""
        self.received: list[_Json | str] = []
        """Every text frame a client sent: decoded JSON objects, else the raw text."""
        self.envelopes: list[Envelope] = []
        """Every envelope pushed, in order."""
        self._tickets: set[str] = set()
        self._open: list[_Connection] = []
        self._numbers = itertools.count(1)
        self._accepted = 0
        self._held = 0
        self._admit = asyncio.Event()
        self._admit.set()
        self._closed = False
        self._changed = asyncio.Condition()

    # -- wiring (FakeSlack) -----------------------------------------------------------

    def mount(self, app: web.Application) -> None:
        """Serve the WebSocket endpoint on ``app`` (again after :meth:`close`)."""
        self._closed = False
        app.router.add_get(SOCKET_PATH, self._handle)

    def issue_url(self, base_url: str) -> str:
        """A fresh one-use WebSocket URL on ``base_url``'s host (``http://127.0.0.1:PORT``),
        as ``apps.connections.open`` hands out."""
        ticket = secrets.token_hex(8)
        self._tickets.add(ticket)
        host = base_url.removeprefix("http://")
        return f"ws://{host}{SOCKET_PATH.format(ticket=ticket)}"

    async def close(self) -> None:
        """Refuse new connections and close the open ones (FakeSlack.stop calls this)."""
        self._closed = True
        self._admit.set()  # held handshakes go on, and are refused
        await self.disconnect_all(code=WSCloseCode.GOING_AWAY)

    # -- what the test reads ----------------------------------------------------------

    @property
    def open_connections(self) -> int:
        """Connections open now."""
        return len(self._open)

    @property
    def accepted(self) -> int:
        """Connections accepted so far (hello sent), open or not: a reconnect counts."""
        return self._accepted

    @property
    def held(self) -> int:
        """Handshakes waiting on :meth:`hold_new_connections` now."""
        return self._held

    async def wait_connected(
        self,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> None:
        """Until ``count`` connections have been accepted in all (the first connection
        makes 1, its reconnect 2) and one is open."""
        await self._wait(
            lambda: self._accepted >= count and bool(self._open),
            timeout,
            lambda: f"{count} accepted Socket Mode connection(s)",
        )

    async def wait_held(
        self,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> None:
        """Until ``count`` handshakes are waiting on :meth:`hold_new_connections`."""
        await self._wait(lambda: self._held >= count, timeout, lambda: f"{count} held handshake(s)")

    async def wait_for_ack(
        self,
        envelope_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> Ack:
        """The first ack for ``envelope_id``, waiting for it up to ``timeout`` seconds."""

        def found() -> Ack | None:
            return next((a for a in self.acks if a.envelope_id == envelope_id), None)

        await self._wait(lambda: found() is not None, timeout, lambda: f"an ack of {envelope_id}")
        ack = found()
        assert ack is not None
        return ack

    # -- what the test does -----------------------------------------------------------

    async def send(
        self,
        kind: str,
        payload: _Json,
        *,
        accepts_response_payload: bool | None = None,
        envelope_id: str | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> Envelope:
        """Push a ``kind`` envelope (``slash_commands``, ``events_api``, ``interactive``)
        to the newest open connection; RuntimeError if none is open.

        ``accepts_response_payload`` defaults as Slack sets it: true for slash commands,
        false for events; for ``interactive`` it is true only for the payload types whose
        ack can carry a response (view submissions, option requests).
        """
        if not self._open:
            raise RuntimeError("no Socket Mode connection is open to send an envelope on")
        connection = self._open[-1]
        if accepts_response_payload is None:
            accepts_response_payload = _accepts_response_payload(kind, payload)
        envelope_id = envelope_id or str(uuid.uuid4())
        message: _Json = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            # Only events are redelivered, so only their envelopes say which attempt this is.
            message["retry_attempt"] = retry_attempt
            message["retry_reason"] = retry_reason
        envelope = Envelope(
            envelope_id=envelope_id,
            type=kind,
            payload=payload,
            accepts_response_payload=accepts_response_payload,
            connection=connection.number,
            sent_at=time.monotonic(),
        )
        self.envelopes.append(envelope)
        await connection.ws.send_str(json.dumps(message))
        return envelope

    async def disconnect_all(self, *, code: int = WSCloseCode.GOING_AWAY) -> int:
        """Close every open connection from the server side with a close frame, as Slack
        does when it retires one; returns how many were closed. Returns once each client
        has answered the close (or after a short timeout), so by then the client knows."""
        closing = list(self._open)
        for connection in closing:
            await connection.ws.close(code=code, message=b"server closed the connection")
        for connection in closing:
            await connection.ended.wait()
        return len(closing)

    def hold_new_connections(self) -> None:
        """Leave new handshakes waiting (the client's ``ws_connect`` does not return)
        until :meth:`release_new_connections`: the client stays disconnected meanwhile."""
        self._admit.clear()

    def release_new_connections(self) -> None:
        self._admit.set()

    # -- WebSocket --------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        ticket = request.match_info["ticket"]
        if self._closed:
            raise web.HTTPServiceUnavailable(text="the fake Slack is stopping")
        if ticket not in self._tickets:
            # A URL is good for one connection; a client must ask apps.connections.open again.
            raise web.HTTPUnauthorized(text="invalid or used Socket Mode ticket")
        self._tickets.discard(ticket)
        if not self._admit.is_set():
            self._held += 1
            await self._notify()
            try:
                await self._admit.wait()
            finally:
                self._held -= 1
        if self._closed:
            raise web.HTTPServiceUnavailable(text="the fake Slack is stopping")
        # autoping: aiohttp answers the client's pings with pongs carrying the same data,
        # which is how slack_sdk measures whether the connection is alive.
        ws = web.WebSocketResponse(autoping=True, timeout=_CLOSE_TIMEOUT_S)
        await ws.prepare(request)
        connection = _Connection(next(self._numbers), ws)
        self._open.append(connection)
        try:
            await ws.send_str(json.dumps(self._hello()))
            self._accepted += 1
            await self._notify()
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    await self._receive(connection, message.data)
        finally:
            self._open.remove(connection)
            connection.ended.set()
            await self._notify()
        return ws

    def _hello(self) -> _Json:
        return {
            "type": "hello",
            "num_connections": len(self._open),
            "debug_info": {
                "host": _DEBUG_HOST,
                "build_number": _BUILD_NUMBER,
                # Slack says how long it means to keep the connection, in seconds.
                "approximate_connection_time": 3600,
            },
            "connection_info": {"app_id": self.app_id},
        }

    async def _receive(self, connection: _Connection, text: str) -> None:
        at = time.monotonic()
        try:
            decoded = json.loads(text)
        except ValueError:
            self.received.append(text)
            await self._notify()
            return
        if not isinstance(decoded, dict):
            self.received.append(text)
            await self._notify()
            return
        self.received.append(decoded)
        envelope_id = decoded.get("envelope_id")
        if isinstance(envelope_id, str):
            payload = decoded.get("payload")
            self.acks.append(
                Ack(
                    envelope_id=envelope_id,
                    payload=payload if isinstance(payload, dict) else None,
                    connection=connection.number,
                    at=at,
                )
            )
        await self._notify()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _wait(self, done: Callable[[], bool], within: float, what: Callable[[], str]) -> None:
        try:
            async with asyncio.timeout(within), self._changed:
                await self._changed.wait_for(done)
        except TimeoutError:
            raise AssertionError(
                f"expected {what()} within {within}s; accepted {self._accepted}, "
                f"open {len(self._open)}, held {self._held}, acks "
                f"{[a.envelope_id for a in self.acks]}"
            ) from None


def _accepts_response_payload(kind: str, payload: _Json) -> bool:
    if kind == "slash_commands":
        return True
    if kind == "interactive":
        return payload.get("type") in {"view_submission", "block_suggestion"}
    return False
