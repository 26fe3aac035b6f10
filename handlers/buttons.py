"""Buttons: acked at once, then the answer replaces, threads under or shares the message."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from handlers import Deps

log = logging.getLogger("kafka_tasks.slack")


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_button(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        container = body.get("container") or {}
        ephemeral = bool(container.get("is_ephemeral"))
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
        message_ts = (body.get("message") or {}).get("ts") or container.get("message_ts")
        thread_ts = (body.get("message") or {}).get("thread_ts") or message_ts
        tz = await deps.zones.zone((body.get("user") or {}).get("id"))
        reply = await deps.conversation.press(
            str(action.get("action_id")), str(action.get("value") or ""), tz=tz, shareable=ephemeral
        )
        text, blocks = reply.message.text, reply.message.block_dicts()

        if reply.delivery == "replace":
            if ephemeral or not (channel and message_ts):
                await respond(text=text, blocks=blocks, replace_original=True)
            else:
                await client.chat_update(channel=channel, ts=message_ts, text=text, blocks=blocks)
        elif reply.delivery == "thread" and not ephemeral and channel:
            await client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, text=text, blocks=blocks
            )
        elif reply.delivery == "channel" and channel:
            try:
                await client.chat_postMessage(channel=channel, text=text, blocks=blocks)
            except SlackApiError as exc:
                # A private channel the bot is not in: response_url may still post there.
                log.info("share via chat.postMessage failed (%s); using response_url", exc)
                await respond(
                    text=text, blocks=blocks, response_type="in_channel", replace_original=False
                )
        else:
            await respond(
                text=text, blocks=blocks, response_type="ephemeral", replace_original=False
            )

    app.action(re.compile(r"^kt_"))(on_button)
