"""Buttons: acked at once, then the answer replaces, threads under or shares the message."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.once import post_once
from bot.adapters.slack.respond import respond_reliably
from bot.i18n import t
from bot.services.conversation import Asker
from bot.views.replies import error_message
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
        profile = await deps.profiles.profile((body.get("user") or {}).get("id"))
        tz = profile.tz
        user = str((body.get("user") or {}).get("id") or "")
        reply = await deps.conversation.press(
            str(action.get("action_id")),
            str(action.get("value") or ""),
            tz=tz,
            shareable=ephemeral,
            asker=Asker(user=user, channel=str(channel or "")),
            lang=profile.lang,
        )
        follow_ts: str | None = None
        text, blocks = reply.message.text, reply.message.block_dicts()

        async def via_response_url(**options: Any) -> None:
            await respond_reliably(
                respond, client, channel=channel, user=user, text=text, blocks=blocks, **options
            )

        async def unconfirmed(key: str) -> None:
            # post_once could neither confirm the post nor find it (a channel the bot may
            # post in but not read, or no sign of it after two tries): the presser is told
            # to look before pressing again, rather than left with nothing.
            note = error_message(
                t(profile.lang, key), title=t(profile.lang, "button.unconfirmed"), lang=profile.lang
            )
            await respond_reliably(
                respond,
                client,
                channel=channel,
                user=user,
                text=note.text,
                blocks=note.block_dicts(),
                response_type="ephemeral",
                replace_original=False,
            )

        if reply.delivery == "replace":
            if ephemeral or not (channel and message_ts):
                await via_response_url(replace_original=True)
            else:
                await client.chat_update(channel=channel, ts=message_ts, text=text, blocks=blocks)
                follow_ts = message_ts
        elif reply.delivery == "thread" and not ephemeral and channel:
            try:
                posted = await post_once(
                    client, channel=channel, thread_ts=thread_ts, text=text, blocks=blocks
                )
            except SlackApiError as exc:
                # Refused (the bot left the channel, the thread is gone): the presser
                # still gets what they asked for, to themselves.
                log.info("Details in the thread refused (%s); answering the presser", exc)
                await via_response_url(response_type="ephemeral", replace_original=False)
            else:
                if posted is None:
                    await unconfirmed("button.unconfirmed_thread")
        elif reply.delivery == "channel" and channel:
            try:
                follow_ts = await post_once(client, channel=channel, text=text, blocks=blocks)
            except SlackApiError as exc:
                # Refused (a private channel the bot is not in): response_url may still
                # post there. A post Slack may have made is never shared again this way.
                log.info("share via chat.postMessage failed (%s); using response_url", exc)
                await via_response_url(response_type="in_channel", replace_original=False)
            else:
                if follow_ts is None:
                    await unconfirmed("button.unconfirmed_share")
        else:
            await via_response_url(response_type="ephemeral", replace_original=False)
        if reply.follow is not None and follow_ts and channel:
            # A message others can see: follow its running tasks in its thread.
            await deps.conversation.follow(
                reply.follow,
                channel=channel,
                message_ts=follow_ts,
                thread_ts=(body.get("message") or {}).get("thread_ts") or follow_ts,
            )

    app.action(re.compile(r"^kt_"))(on_button)
