"""Requests to the bot shaped and signed the way Slack sends them.

Slash commands and interactions arrive form-encoded, events as JSON, each signed with
the v0 scheme over the raw body. The signature comes from slack_sdk's own
``SignatureVerifier`` rather than our code, so a test signs exactly as Slack's
library expects and cannot agree with a bug in ours.
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
import time
import uuid
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from tests.fakes.slack import FAKE_APP_ID, FAKE_BOT_USER_ID, FAKE_TEAM_DOMAIN, FAKE_TEAM_ID

# Slack still sends the deprecated verification token in payloads; nothing checks it.
VERIFICATION_TOKEN = "fake-verification-token"
SLACK_USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"

_FORM = "application/x-www-form-urlencoded"
_JSON = "application/json"
_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")

_Json = dict[str, Any]


class SlackSender:
    """Sends signed slash commands, events and block actions to the bot at ``bot_url``.

    One httpx client per sender; close it with :meth:`aclose` or ``async with``. Every
    payload sent is kept in :attr:`last_payload`, so a test can read the ts or
    trigger_id it was given.
    """

    def __init__(
        self,
        bot_url: str,
        signing_secret: str,
        *,
        team: str = FAKE_TEAM_ID,
        app_id: str = FAKE_APP_ID,
        bot_user_id: str = FAKE_BOT_USER_ID,
        timeout: float = 10.0,
    ) -> None:
        self.bot_url = bot_url
        self.team = team
        self.app_id = app_id
        self.bot_user_id = bot_user_id
        self.last_payload: _Json | None = None
        # The last request exactly as sent (body and headers), for replaying it.
        self.last_request: tuple[bytes, dict[str, str]] | None = None
        self._verifier = SignatureVerifier(signing_secret)
        self._client = httpx.AsyncClient(timeout=timeout, headers={"User-Agent": SLACK_USER_AGENT})
        self._seq = itertools.count(1)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- signing and sending ----------------------------------------------------------

    def signed_headers(self, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
        """The two signing headers for ``body``; ``timestamp`` (Unix seconds) defaults
        to now, and an old one makes a stale request. No Content-Type: callers add it."""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signature = self._verifier.generate_signature(timestamp=stamp, body=body)
        if signature is None:  # only when the timestamp is None, which it is not
            raise RuntimeError("slack_sdk produced no signature")
        return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}

    async def raw(self, body: bytes, headers: dict[str, str]) -> httpx.Response:
        """POST ``body`` with exactly these headers: for forged, stale or unsigned requests."""
        return await self._client.post(self.bot_url, content=body, headers=headers)

    async def _send(
        self, body: bytes, content_type: str, extra: dict[str, str] | None = None
    ) -> httpx.Response:
        headers = {"Content-Type": content_type, **self.signed_headers(body), **(extra or {})}
        self.last_request = (body, headers)
        return await self.raw(body, headers)

    async def replay(self) -> httpx.Response:
        """The last request sent again byte for byte, signing headers and all: what a
        replay within the signature's five minutes looks like to the bot."""
        if self.last_request is None:
            raise RuntimeError("nothing was sent yet")
        body, headers = self.last_request
        return await self.raw(body, headers)

    async def _send_form(self, fields: dict[str, str]) -> httpx.Response:
        return await self._send(urlencode(fields).encode(), _FORM)

    # -- slash commands ---------------------------------------------------------------

    async def slash(
        self,
        text: str,
        *,
        user: str = "U123",
        channel: str = "C123",
        response_url: str,
        command: str = "/kafka-tasks",
        team: str | None = None,
    ) -> httpx.Response:
        """A slash command: the form fields Slack posts (no ``enterprise_*``: not an
        Enterprise org). ``text`` is what follows the command."""
        team = team or self.team
        fields = {
            "token": VERIFICATION_TOKEN,
            "team_id": team,
            "team_domain": FAKE_TEAM_DOMAIN,
            "channel_id": channel,
            "channel_name": _channel_name(channel),
            "user_id": user,
            "user_name": _user_name(user),
            "command": command,
            "text": text,
            "api_app_id": self.app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": self._trigger_id(),
        }
        self.last_payload = dict(fields)
        return await self._send_form(fields)

    # -- events -----------------------------------------------------------------------

    async def event(
        self,
        event: _Json,
        *,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
    ) -> httpx.Response:
        """Any event inside an ``event_callback`` envelope. ``retry_num`` adds the
        headers Slack sends when it redelivers an event it thinks was not acked."""
        envelope = {
            "token": VERIFICATION_TOKEN,
            "team_id": self.team,
            "context_team_id": self.team,
            "context_enterprise_id": None,
            "api_app_id": self.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team,
                    "user_id": self.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{secrets.token_hex(16)}",
        }
        return await self._send_event(envelope, retry_num, retry_reason)

    async def redeliver(
        self,
        envelope: _Json | None = None,
        *,
        retry_num: int = 1,
        retry_reason: str = "http_timeout",
    ) -> httpx.Response:
        """Slack's retry of an event it thinks was not acked: the same envelope (the
        same ``event_id``), signed afresh, with the retry headers. ``envelope``: one
        sent before, by this sender or another (another replica); by default the last
        one this sender sent."""
        envelope = envelope if envelope is not None else self.last_payload
        if envelope is None or envelope.get("type") != "event_callback":
            raise RuntimeError("no event was sent to redeliver")
        return await self._send_event(envelope, retry_num, retry_reason)

    async def _send_event(
        self, envelope: _Json, retry_num: int | None, retry_reason: str
    ) -> httpx.Response:
        self.last_payload = envelope
        extra = None
        if retry_num is not None:
            extra = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return await self._send(json.dumps(envelope).encode(), _JSON, extra)

    async def mention(
        self,
        text: str,
        *,
        user: str = "U123",
        channel: str = "C123",
        ts: str | None = None,
        thread_ts: str | None = None,
    ) -> httpx.Response:
        """An ``app_mention``. Slack's text always holds the bot's mention, so one is
        put in front when ``text`` lacks it (``"prod-orders last 1h"`` is enough)."""
        mention = f"<@{self.bot_user_id}>"
        if mention not in text:
            text = f"{mention} {text}"
        event = self._message_event("app_mention", text, user, channel, ts, thread_ts)
        return await self.event(event)

    async def dm(self, text: str, *, user: str = "U123", channel: str = "D123") -> httpx.Response:
        """A direct message to the bot: a ``message`` event with ``channel_type: im``."""
        event = self._message_event("message", text, user, channel, None, None)
        event["channel_type"] = "im"
        return await self.event(event)

    async def url_verification(self, challenge: str = "fake-challenge") -> httpx.Response:
        """The handshake Slack sends when a Request URL is saved."""
        body = {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
        self.last_payload = body
        return await self._send(json.dumps(body).encode(), _JSON)

    def _message_event(
        self,
        kind: str,
        text: str,
        user: str,
        channel: str,
        ts: str | None,
        thread_ts: str | None,
    ) -> _Json:
        ts = ts or self.new_ts()
        event: _Json = {
            "type": kind,
            "user": user,
            "text": text,
            "ts": ts,
            "channel": channel,
            "event_ts": ts,
            "team": self.team,
            "client_msg_id": str(uuid.uuid4()),
            "blocks": [_rich_text(text)],
        }
        if thread_ts is not None:
            event["thread_ts"] = thread_ts
        return event

    # -- interactions -----------------------------------------------------------------

    async def action(
        self,
        action_id: str,
        value: str,
        *,
        user: str = "U123",
        channel: str = "C123",
        message_ts: str | None = None,
        response_url: str,
        container: _Json | None = None,
        ephemeral: bool = False,
        message: _Json | None = None,
        block_id: str = "actions",
        text: str | None = None,
        menu: bool = False,
    ) -> httpx.Response:
        """A button click (``block_actions``), form-encoded as ``payload=<json>``.

        Pass ``message`` (e.g. ``fake.message(channel, ts)``) to send the clicked message
        as Slack does, blocks and all; otherwise a bare bot message with ``message_ts``.
        An ephemeral message has no ``message`` in the payload, as in Slack. ``menu``: an
        option chosen in a static select, whose ``value`` is the option's.
        """
        if message_ts is None:
            message_ts = str(message["ts"]) if message is not None else self.new_ts()
        payload: _Json = {
            "type": "block_actions",
            "user": {
                "id": user,
                "username": _user_name(user),
                "name": _user_name(user),
                "team_id": self.team,
            },
            "api_app_id": self.app_id,
            "token": VERIFICATION_TOKEN,
            "container": container
            or {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            },
            "trigger_id": self._trigger_id(),
            "team": {"id": self.team, "domain": FAKE_TEAM_DOMAIN},
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": channel, "name": _channel_name(channel)},
            "state": {"values": {}},
            "response_url": response_url,
            "actions": [_pressed(action_id, value, block_id, text, menu=menu)],
        }
        if not ephemeral:
            payload["message"] = message or {
                "type": "message",
                "user": self.bot_user_id,
                "ts": message_ts,
                "text": "",
                "blocks": [],
            }
        self.last_payload = payload
        return await self._send_form({"payload": json.dumps(payload)})

    async def view_submission(
        self,
        view: _Json,
        values: _Json,
        *,
        user: str = "U123",
    ) -> httpx.Response:
        """A modal submitted (``view_submission``): ``view`` as ``views.open`` made it
        (``fake.modal(view_id)``), ``values`` its ``state.values`` as the presser's client
        fills them in: ``{block_id: {action_id: {"type": ..., "selected_date": ...}}}``.
        The bot's answer to it (an ack, or ``response_action: errors``) is the body."""
        payload: _Json = {
            "type": "view_submission",
            "team": {"id": self.team, "domain": FAKE_TEAM_DOMAIN},
            "user": {
                "id": user,
                "username": _user_name(user),
                "name": _user_name(user),
                "team_id": self.team,
            },
            "api_app_id": self.app_id,
            "token": VERIFICATION_TOKEN,
            "trigger_id": self._trigger_id(),
            "view": {**view, "state": {"values": values}},
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        self.last_payload = payload
        return await self._send_form({"payload": json.dumps(payload)})

    # -- ids --------------------------------------------------------------------------

    def new_ts(self) -> str:
        """A fresh, increasing message ts of the current time, as a user's message has."""
        return f"{int(time.time())}.{next(self._seq):06d}"

    def _trigger_id(self) -> str:
        return f"{next(self._seq)}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"


def _channel_name(channel: str) -> str:
    # Slack names a DM "directmessage" in slash payloads; the rest need only be stable.
    return "directmessage" if channel.startswith("D") else f"channel-{channel.lower()}"


def _user_name(user: str) -> str:
    return f"user.{user.lower()}"


def _rich_text(text: str) -> _Json:
    """The rich_text block Slack attaches to a typed message: mentions as user elements."""
    elements: list[_Json] = []
    position = 0
    for match in _MENTION.finditer(text):
        if match.start() > position:
            elements.append({"type": "text", "text": text[position : match.start()]})
        elements.append({"type": "user", "user_id": match.group(1)})
        position = match.end()
    if position < len(text):
        elements.append({"type": "text", "text": text[position:]})
    return {
        "type": "rich_text",
        "block_id": secrets.token_hex(3),
        "elements": [{"type": "rich_text_section", "elements": elements}],
    }


def _pressed(action_id: str, value: str, block_id: str, text: str | None, *, menu: bool) -> _Json:
    """One element of ``actions``: a button, or a menu with the option chosen."""
    label = {"type": "plain_text", "text": text or action_id, "emoji": True}
    pressed: _Json = {"action_id": action_id, "block_id": block_id}
    if menu:
        pressed |= {"type": "static_select", "selected_option": {"text": label, "value": value}}
    else:
        pressed |= {"text": label, "value": value, "type": "button"}
    return pressed | {"action_ts": f"{time.time():.6f}"}
