"""Requests Slack did not send, or not just now: refused before any handler runs.

test_slack_bot.py has the basics (a zeroed signature, a stale one, none at all). Here:
a request Slack really sent and the bot accepted, replayed once its five minutes are
up; the edges of that window both ways; real signatures for another body, another
time or another secret; signing headers and bodies that do not parse; and bodies too
big to read. Each refusal leaves no trace: no handler asked the conversation anything,
nothing went to Slack or to DMS, and nothing was logged as an error.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from slack_sdk import signature

from bot.core import actions
from bot.services.conversation import Conversation
from tests.fakes.slack_requests import VERIFICATION_TOKEN
from tests.scenarios.slack_harness import (
    SIGNING_SECRET,
    RunningBot,
    buttons_of,
    final_response,
    running_bot,
    text_of,
)

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}
# Slack's window: a timestamp more than five minutes from the server's clock is refused.
WINDOW_S = 5 * 60
# How long a refused request is given to show any later effect before the test looks.
SETTLE_S = 0.3


@dataclass
class Handled:
    """What the bot's listeners asked the conversation: each typed text or button."""

    asked: list[str]


@pytest.fixture
def handled(monkeypatch: pytest.MonkeyPatch) -> Handled:
    """Counts every call into ``Conversation.answer`` and ``.press``: each listener for a
    command, mention or button makes one, so a refused request must make none."""
    seen = Handled(asked=[])
    answer, press = Conversation.answer, Conversation.press

    async def counted_answer(self: Conversation, text: str, *args: Any, **kwargs: Any) -> Any:
        seen.asked.append(f"answer {text}")
        return await answer(self, text, *args, **kwargs)

    async def counted_press(
        self: Conversation, action_id: str, value: str, *args: Any, **kw: Any
    ) -> Any:
        seen.asked.append(f"press {action_id}")
        return await press(self, action_id, value, *args, **kw)

    monkeypatch.setattr(Conversation, "answer", counted_answer)
    monkeypatch.setattr(Conversation, "press", counted_press)
    return seen


@dataclass
class BotClock:
    """How far ahead of the real time the bot's signature check reads the clock."""

    ahead: float = 0.0


@pytest.fixture
def bot_clock(monkeypatch: pytest.MonkeyPatch) -> BotClock:
    """Moves the clock Bolt's signature check reads (slack_sdk's ``Clock``), and only
    that: the bot runs in this process, and so a request captured now can be replayed
    "six minutes later" without waiting six minutes."""
    clock = BotClock()

    def now(_: signature.Clock) -> float:
        return time.time() + clock.ahead

    monkeypatch.setattr(signature.Clock, "now", now)
    return clock


@pytest.fixture
async def bot() -> AsyncIterator[RunningBot]:
    async with running_bot() as running:
        yield running


@dataclass(frozen=True)
class Sent:
    body: bytes
    headers: dict[str, str]


def recording(bot: RunningBot, monkeypatch: pytest.MonkeyPatch) -> list[Sent]:
    """Keeps the exact bytes and headers of every request the sender sends from now on,
    as someone on the path between Slack and the bot could."""
    sent: list[Sent] = []
    raw = bot.sender.raw

    async def keep(body: bytes, headers: dict[str, str]) -> httpx.Response:
        sent.append(Sent(body, dict(headers)))
        return await raw(body, headers)

    monkeypatch.setattr(bot.sender, "raw", keep)
    return sent


@dataclass(frozen=True)
class Footprint:
    asked: int
    slack_calls: int
    dms_requests: int


def footprint(bot: RunningBot, handled: Handled) -> Footprint:
    return Footprint(len(handled.asked), len(bot.slack.calls), bot.sim.stats.snapshot().total)


async def assert_left_no_trace(
    bot: RunningBot,
    handled: Handled,
    before: Footprint,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await asyncio.sleep(SETTLE_S)
    assert footprint(bot, handled) == before
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []


def slash_body(bot: RunningBot, text: str, name: str) -> bytes:
    """A slash command's form, as test_slack_bot's forged one but complete."""
    fields = {
        "token": VERIFICATION_TOKEN,
        "team_id": bot.sender.team,
        "channel_id": "C123",
        "user_id": "U123",
        "command": "/kafka-tasks",
        "text": text,
        "api_app_id": bot.sender.app_id,
        "response_url": bot.slack.response_url(name),
        "trigger_id": f"1.2.{name}",
    }
    return urlencode(fields).encode()


def sign(body: bytes, timestamp: int, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """Slack's v0 signature over the raw bytes with any secret and any timestamp: the
    sender's own signs only with the app's secret and a whole-number timestamp."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}


async def answered_at(bot: RunningBot, name: str) -> str:
    return text_of(await final_response(bot.slack, name))


# -- replay ---------------------------------------------------------------------------


async def _slash(bot: RunningBot) -> None:
    reply = await bot.sender.slash("prod-orders last 1h", response_url=bot.slack.response_url("r"))
    assert reply.status_code == 200
    assert "prod-orders" in await answered_at(bot, "r")


async def _mention(bot: RunningBot) -> None:
    reply = await bot.sender.mention("prod-orders failed last 7d", ts="1700000000.000100")
    assert reply.status_code == 200
    [posted] = await bot.slack.wait_for("chat.postMessage", 1)
    assert posted.args["thread_ts"] == "1700000000.000100"


async def _button(bot: RunningBot) -> None:
    await _slash(bot)
    [refresh] = buttons_of(await final_response(bot.slack, "r"))[actions.REFRESH]
    reply = await bot.sender.action(
        actions.REFRESH,
        refresh["value"],
        ephemeral=True,
        response_url=bot.slack.response_url("click"),
    )
    assert reply.status_code == 200
    assert "prod-orders" in await answered_at(bot, "click")


ACCEPTED_REQUESTS: dict[str, Callable[[RunningBot], Awaitable[None]]] = {
    "slash command": _slash,
    "mention": _mention,
    "button click": _button,
}


@pytest.mark.parametrize("kind", ACCEPTED_REQUESTS)
async def test_a_request_the_bot_accepted_is_refused_when_replayed_six_minutes_later(
    bot: RunningBot,
    handled: Handled,
    bot_clock: BotClock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    kind: str,
) -> None:
    sent = recording(bot, monkeypatch)
    await ACCEPTED_REQUESTS[kind](bot)
    assert handled.asked, "the original request was answered by a listener"
    captured = sent[-1]

    bot_clock.ahead = 6 * 60
    before = footprint(bot, handled)
    replayed = await bot.sender.raw(captured.body, captured.headers)
    assert replayed.status_code == 401
    await assert_left_no_trace(bot, handled, before, caplog)


@pytest.mark.parametrize(
    ("offset_s", "accepted"),
    [
        (-(WINDOW_S + 60), False),  # six minutes old: a replay
        (WINDOW_S + 60, False),  # six minutes ahead: made now, to be replayed later
        (-(WINDOW_S - 60), True),  # four minutes: a slow hop, or a clock a little off
        (WINDOW_S - 60, True),
    ],
)
async def test_the_window_is_five_minutes_either_side_of_the_bots_clock(
    bot: RunningBot,
    handled: Handled,
    caplog: pytest.LogCaptureFixture,
    offset_s: int,
    accepted: bool,
) -> None:
    body = slash_body(bot, "prod-orders last 1h", "edge")
    before = footprint(bot, handled)
    reply = await bot.sender.raw(body, FORM | sign(body, int(time.time()) + offset_s))
    if accepted:
        assert reply.status_code == 200
        assert "prod-orders" in await answered_at(bot, "edge")
    else:
        assert reply.status_code == 401
        await assert_left_no_trace(bot, handled, before, caplog)


# -- forged: a real signature, but not for this request -------------------------------


def _forgeries(bot: RunningBot) -> dict[str, tuple[bytes, dict[str, str]]]:
    now = int(time.time())
    genuine = slash_body(bot, "prod-orders last 1h", "genuine")
    # The same command, answered somewhere else: what a forger would most like to send.
    elsewhere = genuine.replace(b"response%2Fgenuine", b"response%2Fforger")
    assert elsewhere != genuine
    old = now - 10 * 60
    return {
        "another secret": (genuine, sign(genuine, now, "not-the-apps-signing-secret")),
        "body changed after signing": (elsewhere, sign(genuine, now)),
        "old signature, fresh timestamp": (
            genuine,
            sign(genuine, old) | {"X-Slack-Request-Timestamp": str(now)},
        ),
        "signature of another request": (genuine, sign(slash_body(bot, "help", "x"), now)),
        "unknown version": (
            genuine,
            sign(genuine, now)
            | {"X-Slack-Signature": sign(genuine, now)["X-Slack-Signature"].replace("v0=", "v1=")},
        ),
    }


FORGERIES = (
    "another secret",
    "body changed after signing",
    "old signature, fresh timestamp",
    "signature of another request",
    "unknown version",
)


@pytest.mark.parametrize("kind", FORGERIES)
async def test_a_real_signature_for_something_else_is_refused(
    bot: RunningBot, handled: Handled, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    body, headers = _forgeries(bot)[kind]
    before = footprint(bot, handled)
    reply = await bot.sender.raw(body, FORM | headers)
    assert reply.status_code == 401
    await assert_left_no_trace(bot, handled, before, caplog)


# -- unsigned, or signed with headers that do not parse -------------------------------


def _bad_headers(body: bytes) -> dict[str, dict[str, str]]:
    now = int(time.time())
    good = sign(body, now)
    signature_of = good["X-Slack-Signature"]

    def stamped(stamp: str) -> dict[str, str]:
        # Signed over the odd timestamp too, so only its form can be what is wrong.
        base = b"v0:" + stamp.encode() + b":" + body
        digest = hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
        return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}

    return {
        "timestamp only": {"X-Slack-Request-Timestamp": str(now)},
        "signature only": {"X-Slack-Signature": signature_of},
        "empty timestamp": stamped(""),
        "word for a timestamp": stamped("now"),
        "fractional timestamp": stamped(f"{now}.5"),
        "timestamp beyond a float": stamped("9" * 400),
        "signature without its version": good | {"X-Slack-Signature": signature_of[3:]},
        "empty signature": good | {"X-Slack-Signature": ""},
    }


BAD_HEADERS = (
    "timestamp only",
    "signature only",
    "empty timestamp",
    "word for a timestamp",
    "fractional timestamp",
    "timestamp beyond a float",
    "signature without its version",
    "empty signature",
)


@pytest.mark.parametrize("kind", BAD_HEADERS)
async def test_signing_headers_that_do_not_parse_get_401_not_an_error(
    bot: RunningBot, handled: Handled, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    body = slash_body(bot, "prod-orders last 1h", "odd")
    before = footprint(bot, handled)
    reply = await bot.sender.raw(body, FORM | _bad_headers(body)[kind])
    assert reply.status_code == 401
    await assert_left_no_trace(bot, handled, before, caplog)


# Bodies no Slack request has: not UTF-8, not JSON where JSON is due, not an object.
MALFORMED_BODIES: dict[str, tuple[bytes, dict[str, str]]] = {
    "not UTF-8": (b"command=%2Fkafka-tasks&text=\xff\xfe", FORM),
    "broken JSON event": (b'{"type": "event_callback", "event": ', JSON),
    "JSON array event": (b'[{"type": "event_callback"}]', JSON),
    "JSON string event": (b'"event_callback"', JSON),
    "broken interaction payload": (b"payload=%7B%22type%22%3A", FORM),
    "interaction payload not an object": (b"payload=%5B1%2C2%5D", FORM),
}


@pytest.mark.parametrize("kind", MALFORMED_BODIES)
async def test_an_unsigned_body_that_does_not_parse_gets_401_not_an_error(
    bot: RunningBot, handled: Handled, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    """The signature is checked on the raw bytes before anything parses them: whoever
    does not hold the signing secret can make the bot read nothing, nor log a trace."""
    body, headers = MALFORMED_BODIES[kind]
    before = footprint(bot, handled)
    reply = await bot.sender.raw(body, headers)
    assert reply.status_code == 401
    await assert_left_no_trace(bot, handled, before, caplog)


@pytest.mark.parametrize("kind", [k for k in MALFORMED_BODIES if k != "not UTF-8"])
async def test_a_signed_body_that_does_not_parse_gets_400(
    bot: RunningBot, handled: Handled, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    """Only the secret's holder could send these; still a clean refusal, not a crash."""
    body, headers = MALFORMED_BODIES[kind]
    before = footprint(bot, handled)
    reply = await bot.sender.raw(body, headers | sign(body, int(time.time())))
    assert reply.status_code == 400
    await assert_left_no_trace(bot, handled, before, caplog)


# -- size -----------------------------------------------------------------------------

TWO_MB = 2 * 1024 * 1024


def _padded_slash(bot: RunningBot, size: int) -> bytes:
    body = slash_body(bot, "prod-orders last 1h", "big")
    return body + b"&padding=" + b"x" * (size - len(body) - len(b"&padding="))


def _gzip_bomb(inflated: int) -> bytes:
    """A small gzip body that inflates to ``inflated`` bytes, made a megabyte at a time."""
    packer = zlib.compressobj(wbits=31)  # 31: the gzip container
    chunk = b"a" * (1024 * 1024)
    packed = [packer.compress(chunk) for _ in range(inflated // len(chunk))]
    return b"".join([*packed, packer.flush()])


async def _chunks(body: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


OVERSIZED = (
    "2 MB, signed",
    "2 MB, unsigned",
    "2 MB, chunked with no length",
    "64 MB inflated from gzip",
)


@pytest.mark.parametrize("kind", OVERSIZED)
async def test_an_oversized_body_is_refused_and_the_bot_keeps_serving(
    bot: RunningBot, handled: Handled, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    body = _padded_slash(bot, TWO_MB)
    before = footprint(bot, handled)
    if kind == "2 MB, signed":
        reply = await bot.sender.raw(body, FORM | sign(body, int(time.time())))
    elif kind == "2 MB, unsigned":
        reply = await bot.sender.raw(body, FORM)
    elif kind == "2 MB, chunked with no length":
        async with httpx.AsyncClient() as client:
            reply = await client.post(
                bot.url, content=_chunks(body), headers=FORM | sign(body, int(time.time()))
            )
        assert "content-length" not in reply.request.headers
    else:
        bomb = _gzip_bomb(64 * 1024 * 1024)
        assert len(bomb) < 256 * 1024
        headers = FORM | {"Content-Encoding": "gzip"} | sign(bomb, int(time.time()))
        reply = await bot.sender.raw(bomb, headers)
    assert reply.status_code == 413
    await assert_left_no_trace(bot, handled, before, caplog)

    after = await bot.sender.slash("prod-orders last 1h", response_url=bot.slack.response_url("ok"))
    assert after.status_code == 200
    assert "prod-orders" in await answered_at(bot, "ok")


async def test_the_largest_message_slack_sends_is_accepted(
    bot: RunningBot, handled: Handled, caplog: pytest.LogCaptureFixture
) -> None:
    """The limit leaves room for what Slack can really send: a mention of 40,000
    characters (Slack's limit for a message) with its rich_text copy, JSON-escaped, is
    some 480 KB; a limit of 512 KB would be within a few percent of refusing it."""
    text = "日本語" * 13_330
    reply = await bot.sender.mention(text, ts="1700000000.000500")
    assert reply.status_code == 200
    assert len(json.dumps(bot.sender.last_payload)) > 450_000  # six bytes a character
    await _until(lambda: any(a.startswith("answer") for a in handled.asked))
    await _until(
        lambda: bool(
            bot.slack.calls_to("chat.postEphemeral") or bot.slack.calls_to("chat.postMessage")
        )
    )
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []


async def _until(check: Callable[[], bool], within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.02)
