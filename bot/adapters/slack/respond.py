"""Replies through response_url: each shown once, and not lost when Slack refuses them.

Bolt's ``respond()`` posts through slack_sdk's webhook client, which sends the post again
when the connection drops; Slack may have shown the reply by then, so that shows it
twice. Here every response_url post goes through :func:`respond_once`, whose client
retries only what cannot show a reply twice (a 429, a connection never made;
``bot.adapters.slack.retry``). Slack documents what each answer means:

- 200: shown.
- A 4xx (an expired or used-up URL, a refused message) or a 429 past the retries: not
  shown. The reply goes to the user as an ephemeral message instead; if its blocks were
  the problem, as plain text.
- A 5xx, a dropped connection, a timeout: maybe shown. An ephemeral reply is in no
  history to look in, so it is not sent again, by either way: that is logged.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook import WebhookResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.adapters.slack.once import describe, is_ambiguous, post_ephemeral
from bot.adapters.slack.retry import response_url_retry_handlers

log = logging.getLogger("kafka_tasks.slack")


async def respond_once(respond: AsyncRespond, **message: Any) -> WebhookResponse | None:
    """Post ``message`` (text, blocks, response_type, replace_original ...) to the
    request's response_url once; Slack's answer, or None when Slack may or may not have
    shown it (logged)."""
    if respond.response_url is None:
        raise ValueError("this request has no response_url")
    webhook = AsyncWebhookClient(
        respond.response_url,
        proxy=respond.proxy,
        ssl=respond.ssl,
        retry_handlers=response_url_retry_handlers(),
    )
    try:
        response = await webhook.send_dict(message)
    except Exception as exc:
        if not is_ambiguous(exc):
            raise
        log.warning(
            "response_url post (%s): Slack may have shown it; not sent again", describe(exc)
        )
        return None
    if response.status_code >= 500:
        log.warning(
            "response_url answered HTTP %s (%s): Slack may have shown the reply; not sent again",
            response.status_code,
            str(response.body)[:200],
        )
        return None
    return response


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
    """Post through response_url; if Slack refuses it, fall back to chat.postEphemeral.

    Returns whether the reply is known to have reached the user one way or the other.
    """
    response = await respond_once(respond, text=text, blocks=blocks, **options)
    if response is None:
        return False
    if response.status_code == 200:
        return True
    log.warning(
        "response_url refused the reply (HTTP %s: %s); sending it ephemerally",
        response.status_code,
        str(response.body)[:200],
    )
    if not (channel and user):
        return False
    for attempt_blocks in (blocks, None):
        try:
            return await post_ephemeral(
                client, channel=channel, user=user, text=text, blocks=attempt_blocks
            )
        except SlackApiError as exc:
            log.warning("ephemeral fallback failed: %s", exc.response.get("error"))
    return False
