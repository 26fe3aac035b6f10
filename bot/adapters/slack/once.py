"""Posting to Slack when its answer may not say whether the post happened.

Slack documents that ``fatal_error``, ``internal_error`` and 5xx answers may come after
the message was posted; a dropped connection or a timeout says nothing either way. A
post like that is never sent again blindly (slack_sdk's own retries are narrowed to
calls that cannot post twice: :mod:`bot.adapters.slack.retry`). Instead each message carries a
key in its Slack message metadata, and before any second post the channel (or the
thread) is read for a message with that key: found, it is the post; not found, the post
is made again. The outbox does this across restarts (``bot.watch.delivery``); replies to
a person do it within the request (:func:`post_once`). Ephemeral messages and
response_url posts are in no history, so an unknown outcome there is logged and not
sent again (:func:`post_ephemeral`, ``bot.adapters.slack.respond``).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiohttp import ClientConnectionError, ClientConnectorError, ClientError, ClientPayloadError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.clock import utc_now

__all__ = [
    "AMBIGUOUS_ERRORS",
    "REPLY_EVENT",
    "describe",
    "find_posted",
    "is_ambiguous",
    "post_ephemeral",
    "post_once",
]

log = logging.getLogger("kafka_tasks.slack")

# Slack's error codes for "something went wrong on our side, and it may have acted".
AMBIGUOUS_ERRORS = frozenset(
    {"fatal_error", "internal_error", "request_timeout", "service_unavailable"}
)
# The metadata event type of a reply to a person (the outbox has its own).
REPLY_EVENT = "kafka_tasks_reply"
# How far back a channel is read: the post is newer than the moment given, give or take
# the difference between our clock and Slack's.
CLOCK_MARGIN = timedelta(minutes=5)
HISTORY_PAGES = 10
# Posts of one reply, each after a look at the thread found nothing.
REPLY_POSTS = 2
# A post Slack is still finishing when the connection drops shows in history a moment
# later; the look waits this long first.
LOOK_AFTER_S = 1.0


def is_ambiguous(exc: BaseException) -> bool:
    """Whether a failed call may have taken effect all the same."""
    if isinstance(exc, SlackApiError):
        response = exc.response
        if response is None:
            return True
        return response.status_code >= 500 or str(response.get("error")) in AMBIGUOUS_ERRORS
    if isinstance(exc, ClientConnectorError):
        return False  # the connection was never made
    return isinstance(exc, ClientConnectionError | ClientPayloadError | TimeoutError)


def describe(exc: BaseException) -> str:
    """A failure in a few words for the log: Slack's status and error, or the exception."""
    if isinstance(exc, SlackApiError) and exc.response is not None:
        return f"HTTP {exc.response.status_code} {exc.response.get('error')}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


async def find_posted(
    client: AsyncWebClient,
    *,
    channel: str,
    thread_ts: str | None,
    since: datetime,
    event_type: str,
    key: str,
) -> dict[str, Any] | None:
    """Our message carrying ``key`` in its metadata (``event_type``), posted after
    ``since``, in the channel or in the thread under ``thread_ts``; None if not there."""
    oldest = f"{(since - CLOCK_MARGIN).timestamp():.6f}"
    cursor: str | None = None
    for _ in range(HISTORY_PAGES):
        if thread_ts:
            response = await client.conversations_replies(
                channel=channel,
                ts=thread_ts,
                oldest=oldest,
                include_all_metadata=True,
                limit=200,
                cursor=cursor,
            )
        else:
            response = await client.conversations_history(
                channel=channel,
                oldest=oldest,
                include_all_metadata=True,
                limit=200,
                cursor=cursor,
            )
        for message in response.get("messages") or []:
            meta = message.get("metadata") or {}
            if (
                meta.get("event_type") == event_type
                and (meta.get("event_payload") or {}).get("key") == key
            ):
                return dict(message)
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if not response.get("has_more") or not cursor:
            return None
    log.warning("%s %s: history longer than %d pages; not found", event_type, key, HISTORY_PAGES)
    return None


async def post_once(
    client: AsyncWebClient,
    *,
    channel: str,
    text: str,
    blocks: list[dict[str, Any]],
    thread_ts: str | None = None,
    look_after_s: float = LOOK_AFTER_S,
) -> str | None:
    """Post a reply and return its ts; None when Slack left it unknown whether the
    reply was posted and the thread does not show it (logged: nothing is posted blindly).

    A refusal (``not_in_channel``, ``invalid_blocks`` ...) raises as from
    ``chat_postMessage``, so the caller can take another way.
    """
    key = uuid.uuid4().hex
    # Slack stamps the post with its own clock; CLOCK_MARGIN covers the difference.
    since = utc_now()
    metadata = {"event_type": REPLY_EVENT, "event_payload": {"key": key}}
    for _ in range(REPLY_POSTS):
        try:
            response = await client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, text=text, blocks=blocks, metadata=metadata
            )
            return str(response["ts"])
        except Exception as exc:
            if not is_ambiguous(exc):
                raise
            log.warning(
                "reply to %s (%s): Slack may have posted it; looking before posting again",
                channel,
                describe(exc),
            )
        await asyncio.sleep(look_after_s)
        look = await _look_for_reply(
            client, channel=channel, thread_ts=thread_ts, since=since, key=key
        )
        if look.settled:
            return look.ts
    log.warning(
        "reply to %s: %d posts, each with an unknown outcome, and none in the channel; "
        "giving up rather than risk a duplicate",
        channel,
        REPLY_POSTS,
    )
    return None


@dataclass(frozen=True)
class _Look:
    """What a look at the channel found: the reply (``ts``), or that it cannot be known
    (``settled`` with no ts: not posted again); not settled, it may be posted again."""

    settled: bool
    ts: str | None = None


async def _look_for_reply(
    client: AsyncWebClient, *, channel: str, thread_ts: str | None, since: datetime, key: str
) -> _Look:
    try:
        found = await find_posted(
            client,
            channel=channel,
            thread_ts=thread_ts,
            since=since,
            event_type=REPLY_EVENT,
            key=key,
        )
    except (SlackApiError, ClientError, TimeoutError) as exc:
        log.warning(
            "reply to %s: could not read the channel to see if it was posted (%s); "
            "not posting it again",
            channel,
            describe(exc),
        )
        return _Look(settled=True)
    if found is None:
        return _Look(settled=False)
    log.info("reply to %s was posted after all; not posting it again", channel)
    return _Look(settled=True, ts=str(found["ts"]))


async def post_ephemeral(
    client: AsyncWebClient,
    *,
    channel: str,
    user: str,
    text: str,
    blocks: list[dict[str, Any]] | None,
    thread_ts: str | None = None,
) -> bool:
    """``chat.postEphemeral`` once. Ephemeral messages are in no history, so an unknown
    outcome cannot be checked: it is logged and not sent again (False). A refusal raises."""
    try:
        await client.chat_postEphemeral(
            channel=channel, user=user, text=text, blocks=blocks, thread_ts=thread_ts
        )
    except Exception as exc:
        if not is_ambiguous(exc):
            raise
        log.warning(
            "ephemeral reply to %s in %s (%s): Slack may have shown it; not sending it again",
            user,
            channel,
            describe(exc),
        )
        return False
    return True
