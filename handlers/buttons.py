"""Buttons: acked at once, then the answer replaces, threads under or shares the message."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.once import post_once
from bot.adapters.slack.respond import respond_reliably
from bot.adapters.slack.uploads import upload_files
from bot.core.actions import CANCEL_SCHEDULED
from bot.i18n import Lang, t
from bot.services.reply import Reply
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
        await answer_press(deps, body, action, respond, client)

    # Cancel of a scheduled task too: a press like any other once its dialog is confirmed.
    app.action(re.compile(rf"^kt_|^{CANCEL_SCHEDULED}$"))(on_button)


@dataclass(frozen=True)
class _Pressed:
    """The message whose button was pressed, and the ways back to the presser."""

    respond: AsyncRespond
    client: AsyncWebClient
    user: str
    lang: Lang
    channel: str | None
    message_ts: str | None
    # The thread the message is in (its own ts when it is in none).
    thread_ts: str | None
    ephemeral: bool

    async def via_response_url(self, reply: Reply, **options: Any) -> None:
        await respond_reliably(
            self.respond,
            self.client,
            channel=self.channel,
            user=self.user,
            text=reply.message.text,
            blocks=reply.message.block_dicts(),
            **options,
        )

    async def unconfirmed(self, key: str) -> None:
        """post_once could neither confirm the post nor find it (a channel the bot may
        post in but not read, or no sign of it after two tries): the presser is told to
        look before pressing again, rather than left with nothing."""
        note = error_message(
            t(self.lang, key), title=t(self.lang, "button.unconfirmed"), lang=self.lang
        )
        await respond_reliably(
            self.respond,
            self.client,
            channel=self.channel,
            user=self.user,
            text=note.text,
            blocks=note.block_dicts(),
            response_type="ephemeral",
            replace_original=False,
        )


async def answer_press(
    deps: Deps,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
) -> None:
    container = body.get("container") or {}
    message = body.get("message") or {}
    ephemeral = bool(container.get("is_ephemeral"))
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    message_ts = message.get("ts") or container.get("message_ts")
    ask = await deps.ask((body.get("user") or {}).get("id"), channel, "slash", shareable=ephemeral)
    # A button carries its value; a menu, the value of the option chosen.
    value = action.get("value") or (action.get("selected_option") or {}).get("value")
    reply = await deps.conversation.press(str(action.get("action_id")), str(value or ""), ask)
    pressed = _Pressed(
        respond,
        client,
        ask.user,
        ask.lang,
        channel,
        message_ts,
        message.get("thread_ts") or message_ts,
        ephemeral,
    )
    follow_ts = await _deliver(pressed, reply)
    if reply.follow is not None and follow_ts and channel:
        # A message others can see: follow its running tasks in its thread.
        await deps.following.follow(
            reply.follow,
            channel=channel,
            message_ts=follow_ts,
            thread_ts=message.get("thread_ts") or follow_ts,
        )


async def _deliver(pressed: _Pressed, reply: Reply) -> str | None:
    """Delivers ``reply`` as it asks; the ts of a message others can now see, if any."""
    channel, text, blocks = pressed.channel, reply.message.text, reply.message.block_dicts()
    if reply.files and channel:
        await _upload(pressed, reply, channel)
        return None
    if reply.delivery == "replace":
        if pressed.ephemeral or not (channel and pressed.message_ts):
            await pressed.via_response_url(reply, replace_original=True)
            return None
        await pressed.client.chat_update(
            channel=channel, ts=pressed.message_ts, text=text, blocks=blocks
        )
        return pressed.message_ts
    if reply.delivery == "thread" and not pressed.ephemeral and channel:
        try:
            posted = await post_once(
                pressed.client,
                channel=channel,
                thread_ts=pressed.thread_ts,
                text=text,
                blocks=blocks,
            )
        except SlackApiError as exc:
            # Refused (the bot left the channel, the thread is gone): the presser
            # still gets what they asked for, to themselves.
            log.info("Details in the thread refused (%s); answering the presser", exc)
            await pressed.via_response_url(reply, response_type="ephemeral", replace_original=False)
        else:
            if posted is None:
                await pressed.unconfirmed("button.unconfirmed_thread")
        return None
    if reply.delivery == "channel" and channel:
        return await _share(pressed, reply, channel)
    await pressed.via_response_url(reply, response_type="ephemeral", replace_original=False)
    return None


async def _upload(pressed: _Pressed, reply: Reply, channel: str) -> None:
    """An export's files into the thread of the message pressed (into the channel for
    an ephemeral one, which has no thread), its message as the files' comment."""
    try:
        await upload_files(
            pressed.client,
            channel=channel,
            files=reply.files,
            thread_ts=None if pressed.ephemeral else pressed.thread_ts,
            comment=reply.message.text,
        )
    except (SlackApiError, SlackRequestError) as exc:
        log.warning("the export's upload failed (%s); telling the presser", exc)
        note = error_message(t(pressed.lang, "timeline.export.failed"), lang=pressed.lang)
        await respond_reliably(
            pressed.respond,
            pressed.client,
            channel=channel,
            user=pressed.user,
            text=note.text,
            blocks=note.block_dicts(),
            response_type="ephemeral",
            replace_original=False,
        )


async def _share(pressed: _Pressed, reply: Reply, channel: str) -> str | None:
    try:
        shared = await post_once(
            pressed.client,
            channel=channel,
            text=reply.message.text,
            blocks=reply.message.block_dicts(),
        )
    except SlackApiError as exc:
        # Refused (a private channel the bot is not in): response_url may still
        # post there. A post Slack may have made is never shared again this way.
        log.info("share via chat.postMessage failed (%s); using response_url", exc)
        await pressed.via_response_url(reply, response_type="in_channel", replace_original=False)
        return None
    if shared is None:
        await pressed.unconfirmed("button.unconfirmed_share")
    return shared
