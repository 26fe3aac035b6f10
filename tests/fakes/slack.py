"""A fake Slack Web API and ``response_url`` endpoint on loopback, recording every call.

End-to-end tests point the bot's ``AsyncWebClient(base_url=...)`` at :attr:`FakeSlack.api_url`
and put :meth:`FakeSlack.response_url` URLs in the payloads they send, so the bot talks
real HTTP through the real slack_sdk and Bolt code paths. Answers have the shapes of
Slack's documented ones, and messages are checked against Slack's documented limits
(``slack_blocks``), so a message Slack would refuse is refused here too.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self
from zoneinfo import ZoneInfo

from aiohttp import web

from tests.fakes.slack_blocks import (
    MAX_POST_TEXT,
    MAX_UPDATE_TEXT,
    SlackError,
    block_problems,
    check_message,
)
from tests.fakes.slack_files import FakeFiles, FileRefused
from tests.fakes.socket_mode import FakeSocketMode

# One workspace and one bot. The request senders use the same ids, so an event the
# tests send is addressed to the bot this server says it is.
FAKE_TEAM_ID = "T0FAKE"
FAKE_TEAM_NAME = "Fake"
FAKE_TEAM_URL = "https://fake.slack.com/"
FAKE_TEAM_DOMAIN = "fake"
FAKE_APP_ID = "A0FAKE"
FAKE_BOT_USER_ID = "U0BOT"
FAKE_BOT_ID = "B0BOT"
FAKE_BOT_NAME = "kafka-tasks"
DEFAULT_USER_ID = "U123"
DEFAULT_BOT_TOKEN = "xoxb-test-token"
DEFAULT_APP_TOKEN = "xapp-1-test"

# Views (modals and Home tabs) take 1 to 100 blocks; a modal's title up to 24 characters.
MAX_VIEW_BLOCKS = 100
MAX_VIEW_TITLE = 24
MAX_PRIVATE_METADATA = 3000

# Slack documents a response_url as good for five posts within 30 minutes.
RESPONSE_URL_MAX_USES = 5

RESPONSE_URL_METHOD = "response_url"

# How a call whose connection was closed without an answer is recorded (drop_next).
DROPPED_STATUS = 0
DROPPED_ERROR = "connection_dropped"

# The first ts handed out: late November 2026, so ts values look like real ones.
_FIRST_TS_MICROS = 1_764_200_000_000_100
_TS_STEP_MICROS = 100

# Waits for in-flight handlers on stop; idle keep-alive connections close at once.
_SHUTDOWN_TIMEOUT_S = 2.0

_Json = dict[str, Any]
_Handler = Callable[[_Json], _Json]


@dataclass(frozen=True)
class Call:
    """One request as the fake received it."""

    method: str
    """The Web API method (``chat.postMessage``), or ``response_url``."""
    args: dict[str, Any]
    """Query, form or JSON arguments merged; ``blocks``/``attachments`` JSON-decoded. For
    ``response_url`` the JSON body plus ``name``, the name the URL was issued under."""
    token: str | None
    """From ``Authorization: Bearer``, else a ``token`` argument (which is removed)."""
    path: str
    at: float
    """``time.monotonic()`` when the request arrived."""
    status: int = 200
    """The HTTP status the fake answered with."""
    error: str | None = None
    """Slack's error code when the answer was a refusal (``ok: false``), else None."""

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


@dataclass
class _Failure:
    status: int
    error: str
    retry_after: float | None
    remaining: int
    # The call takes effect before the failure is answered: Slack documents that
    # fatal_error, internal_error and 5xx answers may come after it acted.
    acted: bool = False
    # The connection is closed with no answer at all (status 0 in the recorded call).
    dropped: bool = False


@dataclass
class _ResponseTarget:
    """What a response_url was issued for: optionally a message it may replace."""

    channel: str | None
    message_ts: str | None
    uses: int = 0


class _Refused(Exception):
    def __init__(self, refusal: SlackError) -> None:
        super().__init__(refusal.error)
        self.refusal = refusal


def _refuse(error: str) -> _Refused:
    return _Refused(SlackError(error))


class FakeSlack:
    """Stands in for ``https://slack.com/api/`` and for ``response_url`` endpoints.

    State lives on this object: every request in :attr:`calls`, the channel history in
    :meth:`messages`, the users ``users.info`` knows. Use it as an async context manager
    or call :meth:`start` / :meth:`stop`.

    ``apps.connections.open`` with :attr:`app_token` hands out a WebSocket URL served by
    :attr:`socket` (a :class:`~tests.fakes.socket_mode.FakeSocketMode`), so the bot can
    run in Socket Mode against this fake too.
    """

    def __init__(
        self,
        *,
        bot_token: str = DEFAULT_BOT_TOKEN,
        app_token: str = DEFAULT_APP_TOKEN,
        users: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.socket = FakeSocketMode(app_id=FAKE_APP_ID)
        self.calls: list[Call] = []
        self._users: dict[str, _Json] = {}
        self.set_user(FAKE_BOT_USER_ID, name=FAKE_BOT_NAME, real_name=FAKE_BOT_NAME, is_bot=True)
        # The senders' default user exists unless the test says who exists.
        for user_id, fields in (users if users is not None else {DEFAULT_USER_ID: {}}).items():
            self.set_user(user_id, **fields)
        self._channels: dict[str, list[_Json]] = {}
        self._groups: dict[str, list[str]] = {}
        self._ephemerals: dict[str, list[_Json]] = {}
        # channel -> its members, and what users.conversations says of the channel.
        self._members: dict[str, set[str]] = {}
        self._channel_info: dict[str, _Json] = {}
        self._home_views: dict[str, _Json] = {}
        self._modals: dict[str, _Json] = {}
        self._responses: dict[str, _ResponseTarget] = {}
        self._failures: dict[str, deque[_Failure]] = {}
        self._next_ts_micros = _FIRST_TS_MICROS
        self._view_count = 0
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None
        # The upload flow (files_upload_v2): what arrived is in ``files.received``.
        self.files = FakeFiles(lambda: self.base_url, self._post)
        self._methods: dict[str, _Handler] = {
            "files.getUploadURLExternal": self._files(self.files.get_upload_url),
            "files.completeUploadExternal": self._files(self.files.complete),
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.getPermalink": self._chat_get_permalink,
            "users.info": self._users_info,
            "usergroups.users.list": self._usergroups_users_list,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "users.conversations": self._users_conversations,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
        }

    # -- lifecycle ------------------------------------------------------------------

    async def start(self) -> str:
        """Listen on a free loopback port; return :attr:`api_url`."""
        if self._runner is not None:
            raise RuntimeError(f"the fake Slack is already running at {self._base_url}")
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/response/{name}", self._handle_response_url)
        self.files.mount(app)
        self.socket.mount(app)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=_SHUTDOWN_TIMEOUT_S)
        await runner.setup()
        try:
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        port = runner.addresses[0][1]
        self._runner = runner
        self._base_url = f"http://127.0.0.1:{port}"
        return self.api_url

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            # Open WebSockets would keep the runner's shutdown waiting for its timeout.
            await self.socket.close()
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``, no trailing slash."""
        if self._base_url is None:
            raise RuntimeError("the fake Slack is not started")
        return self._base_url

    @property
    def api_url(self) -> str:
        """The Web API base URL for ``AsyncWebClient(base_url=...)``, ending in ``/``."""
        return f"{self.base_url}/api/"

    def response_url(
        self,
        name: str = "default",
        *,
        channel: str | None = None,
        message_ts: str | None = None,
    ) -> str:
        """Issue ``http://127.0.0.1:PORT/response/<name>`` for a slash or action payload.

        Issuing a name again starts it afresh (its five uses, its binding). Give
        ``channel`` (and, for a button on a message, ``message_ts``) to let posts act
        like Slack's: ``in_channel`` posts into the channel (or ``thread_ts``'s thread),
        ``replace_original``/``delete_original`` change that message in :meth:`messages`.
        """
        self._responses[name] = _ResponseTarget(channel=channel, message_ts=message_ts)
        return f"{self.base_url}/response/{name}"

    # -- what happened --------------------------------------------------------------

    def calls_to(self, method: str, *, ok: bool | None = None) -> list[Call]:
        """The calls to ``method`` in arrival order; ``ok`` keeps only successes
        (True) or only refusals and injected failures (False)."""
        return [c for c in self.calls if c.method == method and (ok is None or c.ok == ok)]

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        # A deadline per wait reads better in tests than wrapping each in asyncio.timeout.
        timeout: float = 10.0,  # noqa: ASYNC109
        *,
        ok: bool | None = None,
    ) -> list[Call]:
        """Wait until at least ``count`` calls to ``method`` arrived; return all of them
        so far. On timeout, fail with the list of what did arrive."""

        def arrived() -> bool:
            return len(self.calls_to(method, ok=ok)) >= count

        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(arrived)
        except TimeoutError:
            got = len(self.calls_to(method, ok=ok))
            which = "" if ok is None else (" successful" if ok else " failed")
            raise AssertionError(
                f"expected {count}{which} {method} call(s) within {timeout}s, got {got}; "
                f"received: {self._summary()}"
            ) from None
        return self.calls_to(method, ok=ok)

    def messages(self, channel: str) -> list[_Json]:
        """The channel's messages (thread replies included) in posting order, each in
        its latest state: ``chat.update`` and replacing responses edit in place, and
        deleted messages are gone. Copies: changing them changes nothing here."""
        return copy.deepcopy(self._channels.get(channel, []))

    def message(self, channel: str, ts: str) -> _Json:
        """One message's latest state; KeyError if there is none with that ts."""
        found = self._find(channel, ts)
        if found is None:
            raise KeyError(f"no message {ts} in {channel}")
        return copy.deepcopy(found)

    def replies(self, channel: str, thread_ts: str) -> list[_Json]:
        """The replies in the thread under ``thread_ts``, oldest first."""
        return [
            m
            for m in self.messages(channel)
            if m.get("thread_ts") == thread_ts and m["ts"] != thread_ts
        ]

    def ephemerals(self, channel: str) -> list[_Json]:
        """Ephemeral messages shown in ``channel`` (chat.postEphemeral and ephemeral
        response_url posts for a URL issued with a channel), each with its ``user``."""
        return copy.deepcopy(self._ephemerals.get(channel, []))

    def home_view(self, user: str) -> _Json | None:
        """The Home view last published for ``user`` (``views.publish``), or None."""
        view = self._home_views.get(user)
        return copy.deepcopy(view) if view is not None else None

    def modal(self, view_id: str) -> _Json:
        """A modal opened with ``views.open`` in its latest state (``views.update``)."""
        return copy.deepcopy(self._modals[view_id])

    def responses(self, name: str = "default") -> list[_Json]:
        """The bodies posted to the response_url issued under ``name``, accepted or not."""
        return [c.args for c in self.calls_to(RESPONSE_URL_METHOD) if c.args.get("name") == name]

    # -- scripting ------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: float | None = None,
        times: int = 1,
        acted: bool = False,
    ) -> None:
        """Make the next ``times`` calls to ``method`` (or ``response_url``) fail.

        ``status=429`` answers ``ratelimited`` with a ``Retry-After`` header when
        ``retry_after`` is given (rounded up to whole seconds, as Slack sends it and as
        slack_sdk's retry handler parses it). ``status=200`` with an ``error`` is a plain
        refusal such as ``invalid_blocks``. Queued failures apply in the order given.

        ``acted=True``: the call takes effect first (the message is posted, the
        response_url reply shown) and the failure is answered after, as Slack documents
        for ``fatal_error``, ``internal_error`` and 5xx answers.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        if error is None:
            error = _default_error(status)
        self._failures.setdefault(method, deque()).append(
            _Failure(
                status=status, error=error, retry_after=retry_after, remaining=times, acted=acted
            )
        )

    def drop_next(self, method: str, *, acted: bool = True, times: int = 1) -> None:
        """Close the connection of the next ``times`` calls to ``method`` (or
        ``response_url``) without answering: the caller cannot tell what happened.

        ``acted=True`` (the default): the call took effect before the connection went,
        as when Slack posted and the answer was lost on the way back. The call is
        recorded with status 0 and error ``connection_dropped``. Queued with the
        failures of :meth:`fail_next`, in the order given.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        self._failures.setdefault(method, deque()).append(
            _Failure(
                status=DROPPED_STATUS,
                error=DROPPED_ERROR,
                retry_after=None,
                remaining=times,
                acted=acted,
                dropped=True,
            )
        )

    def set_group(self, group_id: str, users: list[str]) -> None:
        """A user group (``S...``) and its members, as ``usergroups.users.list`` tells."""
        self._groups[group_id] = list(users)

    def set_member(
        self, channel: str, user: str, *, name: str | None = None, private: bool = False
    ) -> None:
        """Put ``user`` in ``channel``, as ``users.conversations`` then tells."""
        self._members.setdefault(channel, set()).add(user)
        info = self._channel_info.setdefault(
            channel, {"name": name or f"channel-{channel.lower()}", "private": private}
        )
        if name is not None:
            info["name"] = name
        info["private"] = private or bool(info["private"])

    def remove_member(self, channel: str, user: str) -> None:
        """Take ``user`` out of ``channel`` (they left, or were removed)."""
        self._members.get(channel, set()).discard(user)

    def set_user(
        self,
        user_id: str,
        *,
        tz: str = "UTC",
        locale: str = "en-US",
        name: str | None = None,
        real_name: str | None = None,
        tz_label: str | None = None,
        is_bot: bool = False,
    ) -> None:
        """Add or replace a user ``users.info`` knows. ``tz`` is an IANA zone; the
        offset is computed when asked, so it follows daylight saving like Slack's."""
        ZoneInfo(tz)  # an unknown zone fails here, not in the middle of a test
        name = name or f"user.{user_id.lower()}"
        self._users[user_id] = {
            "id": user_id,
            "name": name,
            "real_name": real_name or name,
            "tz": tz,
            "tz_label": tz_label,
            "locale": locale,
            "is_bot": is_bot,
        }

    # -- HTTP -----------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        method = request.match_info["method"]
        try:
            args = await _read_args(request)
        except ValueError:
            args, token = {}, _bearer(request)
            body: _Json = {"ok": False, "error": "invalid_json"}
            return await self._answer(request, method, args, token, at, body)
        token = _bearer(request)
        passed = args.pop("token", None)
        if token is None and isinstance(passed, str):
            token = passed
        failure = self._take_failure(method)
        if failure is not None:
            if failure.acted:
                self._dispatch(method, args, token)
            if failure.dropped:
                return await self._drop(request, Call(method, args, token, request.path, at))
            headers = _retry_after_header(failure.retry_after)
            body = {"ok": False, "error": failure.error}
            return await self._answer(
                request, method, args, token, at, body, failure.status, headers
            )
        body = self._dispatch(method, args, token)
        return await self._answer(request, method, args, token, at, body)

    def _dispatch(self, method: str, args: _Json, token: str | None) -> _Json:
        handler = self._methods.get(method)
        try:
            if method == "apps.connections.open":
                return self._apps_connections_open(token)
            if token is None:
                raise _refuse("not_authed")
            if token != self.bot_token:
                raise _refuse("invalid_auth")
            if handler is None:
                raise _refuse("unknown_method")
            return handler(args)
        except _Refused as refused:
            return refused.refusal.body()

    async def _answer(
        self,
        request: web.Request,
        method: str,
        args: _Json,
        token: str | None,
        at: float,
        body: _Json,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> web.Response:
        error = None if body.get("ok") else str(body.get("error"))
        await self._record(Call(method, args, token, request.path, at, status, error))
        return web.json_response(body, status=status, headers=headers)

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        name = request.match_info["name"]
        target = self._responses.setdefault(name, _ResponseTarget(None, None))
        try:
            payload = await _read_response_payload(request)
        except ValueError:
            return await self._answer_response(request, name, {}, at, 400, "invalid_payload")
        failure = self._take_failure(RESPONSE_URL_METHOD)
        if failure is not None:
            if failure.acted:
                self._respond(target, payload)
            if failure.dropped:
                args = {**payload, "name": name}
                return await self._drop(
                    request, Call(RESPONSE_URL_METHOD, args, None, request.path, at)
                )
            return await self._answer_response(
                request,
                name,
                payload,
                at,
                failure.status,
                failure.error,
                _retry_after_header(failure.retry_after),
            )
        status, error = self._respond(target, payload)
        return await self._answer_response(request, name, payload, at, status, error)

    def _respond(self, target: _ResponseTarget, payload: _Json) -> tuple[int, str | None]:
        """What a response_url post does, and the status and error it is answered with."""
        target.uses += 1
        if target.uses > RESPONSE_URL_MAX_USES:
            return 404, "used_url"
        if not _truthy(payload.get("delete_original")):
            refusal = check_message(payload, text_limit=MAX_POST_TEXT)
            if refusal is not None:
                return 400, refusal.error
        self._apply_response(target, payload)
        return 200, None

    async def _drop(self, request: web.Request, call: Call) -> web.Response:
        """Close the connection without an answer; the client sees it disconnected."""
        await self._record(replace(call, status=DROPPED_STATUS, error=DROPPED_ERROR))
        if request.transport is not None:
            request.transport.close()
        # Written to a closed transport, this goes nowhere: the client gets no answer.
        return web.Response()

    async def _answer_response(
        self,
        request: web.Request,
        name: str,
        payload: _Json,
        at: float,
        status: int,
        error: str | None,
        headers: dict[str, str] | None = None,
    ) -> web.Response:
        # Like Slack, a response_url answers in plain text: "ok" or the error code.
        args = {**payload, "name": name}
        await self._record(Call(RESPONSE_URL_METHOD, args, None, request.path, at, status, error))
        return web.Response(text=error or "ok", status=status, headers=headers)

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()

    def _take_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining == 0:
            queue.popleft()
        return failure

    def _summary(self) -> str:
        if not self.calls:
            return "nothing"
        return ", ".join(
            c.method if c.ok else f"{c.method}({c.status} {c.error})" for c in self.calls
        )

    # -- messages -------------------------------------------------------------------

    def _next_ts(self) -> str:
        # Like Slack's: the posting time in epoch seconds (so `oldest` filters work),
        # unique and increasing within the fake.
        now_micros = int(time.time() * 1_000_000)
        micros = max(now_micros, self._next_ts_micros)
        self._next_ts_micros = micros + _TS_STEP_MICROS
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _find(self, channel: str, ts: object) -> _Json | None:
        for message in self._channels.get(channel, []):
            if message["ts"] == ts:
                return message
        return None

    def _post(self, channel: str, content: _Json) -> _Json:
        ts = self._next_ts()
        message: _Json = {
            "type": "message",
            "user": FAKE_BOT_USER_ID,
            "bot_id": FAKE_BOT_ID,
            "app_id": FAKE_APP_ID,
            "team": FAKE_TEAM_ID,
            "text": content.get("text") or "",
            "ts": ts,
        }
        for key in ("blocks", "attachments", "metadata"):
            if content.get(key) is not None:
                message[key] = content[key]
        thread_ts = content.get("thread_ts")
        if thread_ts:
            message["thread_ts"] = str(thread_ts)
            parent = self._find(channel, thread_ts)
            if parent is not None:
                parent["thread_ts"] = parent["ts"]
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                parent["latest_reply"] = ts
        self._channels.setdefault(channel, []).append(message)
        return message

    def _edit(self, message: _Json, content: _Json) -> None:
        # Only what is sent changes: chat.update keeps blocks it is not given.
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in content:
                message[key] = content[key]
        message["edited"] = {"user": FAKE_BOT_USER_ID, "ts": self._next_ts()}

    def _delete(self, channel: str, ts: str) -> bool:
        history = self._channels.get(channel, [])
        kept = [m for m in history if m["ts"] != ts]
        self._channels[channel] = kept
        return len(kept) != len(history)

    def _apply_response(self, target: _ResponseTarget, payload: _Json) -> None:
        if target.channel is None:
            return
        if _truthy(payload.get("delete_original")):
            if target.message_ts is not None:
                self._delete(target.channel, target.message_ts)
            return
        if _truthy(payload.get("replace_original")) and target.message_ts is not None:
            original = self._find(target.channel, target.message_ts)
            if original is not None:
                self._edit(original, payload)
                return
        if payload.get("response_type") == "in_channel":
            self._post(target.channel, payload)
        else:
            self._ephemerals.setdefault(target.channel, []).append(
                {**payload, "ts": self._next_ts()}
            )

    # -- methods --------------------------------------------------------------------

    @staticmethod
    def _files(method: _Handler) -> _Handler:
        def handler(args: _Json) -> _Json:
            try:
                return method(args)
            except FileRefused as refused:
                raise _refuse(refused.error) from None

        return handler

    def _auth_test(self, args: _Json) -> _Json:
        return {
            "ok": True,
            "url": FAKE_TEAM_URL,
            "team": FAKE_TEAM_NAME,
            "user": FAKE_BOT_NAME,
            "team_id": FAKE_TEAM_ID,
            "user_id": FAKE_BOT_USER_ID,
            "bot_id": FAKE_BOT_ID,
            "is_enterprise_install": False,
        }

    def _apps_connections_open(self, token: str | None) -> _Json:
        # Only an app-level token opens a connection; Slack tells a bot or user token
        # apart from a wrong one.
        if token is None:
            raise _refuse("not_authed")
        if token.startswith(("xoxb-", "xoxp-")):
            raise _refuse("not_allowed_token_type")
        if token != self.app_token:
            raise _refuse("invalid_auth")
        return {"ok": True, "url": self.socket.issue_url(self.base_url)}

    def _chat_post_message(self, args: _Json) -> _Json:
        channel = _channel(args)
        _check(args, MAX_POST_TEXT)
        message = self._post(channel, args)
        return {
            "ok": True,
            "channel": channel,
            "ts": message["ts"],
            "message": copy.deepcopy(message),
        }

    def _chat_update(self, args: _Json) -> _Json:
        channel = _channel(args)
        message = self._find(channel, args.get("ts"))
        if message is None:
            raise _refuse("message_not_found")
        _check(args, MAX_UPDATE_TEXT)
        self._edit(message, args)
        return {
            "ok": True,
            "channel": channel,
            "ts": message["ts"],
            "text": message["text"],
            "message": copy.deepcopy(message),
        }

    def _chat_delete(self, args: _Json) -> _Json:
        channel = _channel(args)
        ts = str(args.get("ts"))
        if not self._delete(channel, ts):
            raise _refuse("message_not_found")
        return {"ok": True, "channel": channel, "ts": ts}

    def _chat_post_ephemeral(self, args: _Json) -> _Json:
        channel = _channel(args)
        user = args.get("user")
        if not user:
            raise _refuse("user_not_in_channel")
        _check(args, MAX_POST_TEXT)
        ts = self._next_ts()
        self._ephemerals.setdefault(channel, []).append({**args, "ts": ts})
        return {"ok": True, "message_ts": ts}

    def _chat_get_permalink(self, args: _Json) -> _Json:
        channel = _channel(args)
        ts = args.get("message_ts")
        if self._find(channel, ts) is None:
            raise _refuse("message_not_found")
        permalink = f"{FAKE_TEAM_URL}archives/{channel}/p{str(ts).replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": permalink}

    def _readable(self, messages: list[_Json], args: _Json) -> list[_Json]:
        """Messages after ``oldest``, with metadata only when asked for (as Slack does)."""
        oldest = float(args.get("oldest") or 0)
        with_metadata = _truthy(args.get("include_all_metadata"))
        shown = []
        for message in messages:
            if float(message["ts"]) <= oldest:
                continue
            copied = copy.deepcopy(message)
            if not with_metadata:
                copied.pop("metadata", None)
            shown.append(copied)
        return shown

    def _conversations_history(self, args: _Json) -> _Json:
        channel = _channel(args)
        top_level = [
            m for m in self._channels.get(channel, []) if m.get("thread_ts") in (None, m["ts"])
        ]
        limit = int(args.get("limit") or 100)
        newest_first = list(reversed(self._readable(top_level, args)))
        return {"ok": True, "messages": newest_first[:limit], "has_more": len(newest_first) > limit}

    def _conversations_replies(self, args: _Json) -> _Json:
        channel = _channel(args)
        # The thread's root may be a person's message, which this fake never sees
        # posted; its replies are what the bot reads back.
        root = str(args.get("ts"))
        thread = [
            m
            for m in self._channels.get(channel, [])
            if m["ts"] == root or m.get("thread_ts") == root
        ]
        limit = int(args.get("limit") or 100)
        shown = self._readable(thread, args)
        return {"ok": True, "messages": shown[:limit], "has_more": len(shown) > limit}

    def _usergroups_users_list(self, args: _Json) -> _Json:
        group = str(args.get("usergroup") or "")
        if group not in self._groups:
            raise _refuse("no_such_subteam")
        return {"ok": True, "users": list(self._groups[group])}

    def _users_info(self, args: _Json) -> _Json:
        profile = self._users.get(str(args.get("user")))
        if profile is None:
            raise _refuse("user_not_found")
        zone = ZoneInfo(profile["tz"])
        now = datetime.now(UTC).astimezone(zone)
        offset = now.utcoffset()
        user: _Json = {
            "id": profile["id"],
            "team_id": FAKE_TEAM_ID,
            "name": profile["name"],
            "deleted": False,
            "real_name": profile["real_name"],
            "tz": profile["tz"],
            "tz_label": profile["tz_label"] or now.tzname() or profile["tz"],
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "profile": {"real_name": profile["real_name"], "display_name": profile["name"]},
            "is_bot": profile["is_bot"],
            "is_app_user": False,
        }
        if _truthy(args.get("include_locale")):
            user["locale"] = profile["locale"]
        return {"ok": True, "user": user}

    def _users_conversations(self, args: _Json) -> _Json:
        # Public channels unless asked for more; only the two channel kinds are modelled.
        user = str(args.get("user") or FAKE_BOT_USER_ID)
        types = set(str(args.get("types") or "public_channel").split(","))
        wanted = [
            channel
            for channel in sorted(self._members)
            if user in self._members[channel]
            and ("private_channel" if self._channel_info[channel]["private"] else "public_channel")
            in types
        ]
        limit = int(args.get("limit") or 100)
        cursor = str(args.get("cursor") or "")
        # Slack's cursors are opaque; this one is the offset, which tests need not know.
        if cursor and not (cursor.startswith("dXNlcjo") and cursor[7:].isdigit()):
            raise _refuse("invalid_cursor")
        start = int(cursor[7:]) if cursor else 0
        page = wanted[start : start + limit]
        after = start + len(page)
        return {
            "ok": True,
            "channels": [
                {
                    "id": channel,
                    "name": self._channel_info[channel]["name"],
                    "is_channel": True,
                    "is_private": self._channel_info[channel]["private"],
                    "is_archived": False,
                }
                for channel in page
            ],
            "response_metadata": {"next_cursor": f"dXNlcjo{after}" if after < len(wanted) else ""},
        }

    def _views_open(self, args: _Json) -> _Json:
        if not args.get("trigger_id"):
            raise _refuse("invalid_trigger_id")
        view = _view(args, "modal")
        self._view_count += 1
        view_id = f"V{self._view_count:08d}"
        opened = {**view, "id": view_id, "team_id": FAKE_TEAM_ID, "state": {"values": {}}}
        self._modals[view_id] = opened
        return {"ok": True, "view": copy.deepcopy(opened)}

    def _views_update(self, args: _Json) -> _Json:
        view_id = str(args.get("view_id") or "")
        if view_id not in self._modals:
            raise _refuse("not_found")
        view = _view(args, "modal")
        updated = {**view, "id": view_id, "team_id": FAKE_TEAM_ID, "state": {"values": {}}}
        self._modals[view_id] = updated
        return {"ok": True, "view": copy.deepcopy(updated)}

    def _views_publish(self, args: _Json) -> _Json:
        user = str(args.get("user_id") or "")
        if user not in self._users:
            raise _refuse("user_not_found")
        view = _view(args, "home")
        self._view_count += 1
        published = {**view, "id": f"V{self._view_count:08d}", "team_id": FAKE_TEAM_ID}
        self._home_views[user] = published
        return {"ok": True, "view": copy.deepcopy(published)}


def _default_error(status: int) -> str:
    if status == 429:
        return "ratelimited"
    return "internal_error" if status >= 500 else "fatal_error"


def _view(args: _Json, kind: str) -> _Json:
    """The ``view`` argument, refused as Slack refuses a view: of the wrong type, with a
    modal's title missing or too long, or with blocks breaking a documented limit."""
    view = args.get("view")
    if isinstance(view, str):
        try:
            view = json.loads(view)
        except ValueError:
            raise _refuse("invalid_arguments") from None
    if not isinstance(view, dict) or view.get("type") != kind:
        raise _refuse("invalid_arguments")
    problems: list[str] = []
    blocks = view.get("blocks")
    if not isinstance(blocks, list) or not 0 < len(blocks) <= MAX_VIEW_BLOCKS:
        problems.append(f"must have 1 to {MAX_VIEW_BLOCKS} items [json-pointer:/view/blocks]")
        blocks = []
    for index, block in enumerate(blocks):
        # Each block alone: the 50-block cap of block_problems is a message's, not a view's.
        problems += [
            p.replace("/blocks/0", f"/view/blocks/{index}", 1) for p in block_problems([block])
        ]
    ids = [b.get("block_id") for b in blocks if isinstance(b, dict) and b.get("block_id")]
    if len(ids) != len(set(ids)):
        problems.append("duplicate block_id [json-pointer:/view/blocks]")
    if kind == "modal":
        title = view.get("title")
        if (
            not isinstance(title, dict)
            or title.get("type") != "plain_text"
            or not 0 < len(str(title.get("text") or "")) <= MAX_VIEW_TITLE
        ):
            problems.append(f"must be 1 to {MAX_VIEW_TITLE} characters [json-pointer:/view/title]")
    if len(str(view.get("private_metadata") or "")) > MAX_PRIVATE_METADATA:
        problems.append("too long [json-pointer:/view/private_metadata]")
    if problems:
        raise _Refused(SlackError("invalid_arguments", tuple(problems)))
    return view


def _channel(args: _Json) -> str:
    channel = args.get("channel")
    if not isinstance(channel, str) or not channel:
        raise _refuse("channel_not_found")
    return channel


def _check(args: _Json, text_limit: int) -> None:
    refusal = check_message(args, text_limit=text_limit)
    if refusal is not None:
        raise _Refused(refusal)


def _truthy(value: object) -> bool:
    # Form and query arguments arrive as strings; slack_sdk sends booleans as "1"/"0".
    return value is True or (isinstance(value, str) and value.lower() in {"1", "true"})


def _bearer(request: web.Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def _retry_after_header(retry_after: float | None) -> dict[str, str] | None:
    if retry_after is None:
        return None
    return {"Retry-After": str(math.ceil(retry_after))}


async def _read_args(request: web.Request) -> _Json:
    """Query string, then the form or JSON body on top; ValueError on bad JSON.

    slack_sdk sends most methods as JSON, ``users.info`` as a GET query and
    ``auth.test`` as POST query parameters; other clients send forms, with ``blocks``
    as a JSON string.
    """
    args: _Json = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            raw = await request.read()
            if raw.strip():
                decoded = json.loads(raw)
                if not isinstance(decoded, dict):
                    raise ValueError("the JSON body is not an object")
                args.update(decoded)
        else:
            form = await request.post()
            for key, value in form.items():
                args[key] = value if isinstance(value, str) else getattr(value, "filename", "")
    for key in ("blocks", "attachments", "metadata"):
        text = args.get(key)
        # Left a string when it is not JSON: the message check answers invalid_blocks_format.
        if isinstance(text, str) and text.lstrip().startswith(("[", "{")):
            with contextlib.suppress(ValueError):
                args[key] = json.loads(text)
    return args


async def _read_response_payload(request: web.Request) -> _Json:
    # slack_sdk's webhook client posts JSON; a form ``payload=<json>`` is accepted too.
    if request.content_type == "application/json":
        decoded = json.loads(await request.read())
    else:
        form = await request.post()
        payload = form.get("payload")
        if not isinstance(payload, str):
            raise ValueError("no payload")
        decoded = json.loads(payload)
    if not isinstance(decoded, dict):
        raise ValueError("the payload is not an object")
    return decoded
