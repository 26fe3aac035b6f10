"""Replies through response_url that are not lost when Slack refuses them.

Bolt's ``respond()`` posts to the response_url once and returns Slack's answer without
raising, so a 429, a 5xx or a refused message would drop the user's answer silently.
Here a refusal is retried (honouring Retry-After) and, if the URL still refuses, the
reply goes to the user as an ephemeral message instead; if its blocks were the
problem, as plain text.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.async_app import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("kafka_tasks.slack")

ATTEMPTS = 3
MAX_WAIT_S = 5.0


async def respond_reliably(
    respond: AsyncRespond,
    client: AsyncWebClient,
    *,
    channel: str | None,
    user: str | None,
    text: str,
    blocks: list[dict[str, Any]],
    **options: Any,
) -> bool:
    """Post through response_url; on refusal fall back to chat.postEphemeral.

    Returns whether the reply reached the user one way or the other.
    """
    status, body = 0, ""
    for attempt in range(ATTEMPTS):
        response = await respond(text=text, blocks=blocks, **options)
        status, body = response.status_code, str(response.body)[:200]
        if status == 200:
            return True
        if status == 429 or status >= 500:
            wait = _retry_after(response.headers) if status == 429 else 0.5 * 2**attempt
            await asyncio.sleep(min(wait, MAX_WAIT_S))
            continue
        break  # a 4xx other than 429: expired URL or a refused message; retrying won't help
    log.warning(
        "response_url refused the reply (HTTP %s: %s); sending it ephemerally", status, body
    )
    if not (channel and user):
        return False
    for attempt_blocks in (blocks, None):
        try:
            await client.chat_postEphemeral(
                channel=channel, user=user, text=text, blocks=attempt_blocks
            )
            return True
        except SlackApiError as exc:
            log.warning("ephemeral fallback failed: %s", exc.response.get("error"))
    return False


def _retry_after(headers: Any) -> float:
    try:
        return float((headers or {}).get("Retry-After", 1))
    except (TypeError, ValueError):
        return 1.0
