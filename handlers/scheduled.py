"""Scheduled tasks' Reschedule button and its modal (Cancel is an ordinary button:
``handlers.buttons`` takes it, its confirmation dialog being Slack's own)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.once import post_once
from bot.core.actions import RESCHEDULE, RESCHEDULE_MODAL
from bot.i18n import Lang, t
from bot.services.reply import Reply
from bot.views.replies import error_message
from handlers import Deps

log = logging.getLogger("kafka_tasks.slack")


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_reschedule(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        user = str((body.get("user") or {}).get("id") or "")
        channel = str((body.get("channel") or {}).get("id") or "")
        profile = await deps.profiles.profile(user or None)
        modal = deps.conversation.scheduled.modal(
            str(action.get("value") or ""), channel, tz=profile.tz, lang=profile.lang
        )
        if modal is None or not channel:
            note = error_message(t(profile.lang, "error.unreadable_button"), lang=profile.lang)
            await respond(
                text=note.text,
                blocks=note.block_dicts(),
                response_type="ephemeral",
                replace_original=False,
            )
            return
        await client.views_open(trigger_id=str(body.get("trigger_id") or ""), view=modal)

    async def on_submit(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        user = str((body.get("user") or {}).get("id") or "")
        # Cached since the press that opened the modal: the ack is not kept waiting.
        profile = await deps.profiles.profile(user or None)
        submitted = deps.conversation.scheduled.read_form(
            str(view.get("private_metadata") or ""),
            (view.get("state") or {}).get("values"),
            tz=profile.tz,
            lang=profile.lang,
        )
        if submitted.errors:
            await ack(response_action="errors", errors=submitted.errors)
            return
        await ack()
        channel = submitted.ref.channel if submitted.ref is not None else ""
        ask = await deps.ask(user, channel, "slash", shareable=False)
        reply = await deps.conversation.reschedule(submitted, ask)
        await _deliver(client, reply, channel=channel, user=user, lang=profile.lang)

    app.action(RESCHEDULE)(on_reschedule)
    app.view(RESCHEDULE_MODAL)(on_submit)


async def _deliver(
    client: AsyncWebClient, reply: Reply, *, channel: str, user: str, lang: Lang
) -> None:
    """A modal has no response_url: the change goes to the channel it was pressed in,
    anything else to the presser alone there."""
    if not channel:
        log.warning("a reschedule's answer has no channel to go to")
        return
    text, blocks = reply.message.text, reply.message.block_dicts()
    try:
        if reply.delivery == "channel":
            if await post_once(client, channel=channel, text=text, blocks=blocks) is not None:
                return
            # Made in DMS, yet its announcement not confirmed: the presser is told to
            # look in the channel, as for a share (handlers.buttons), not left guessing.
            log.warning("the reschedule's announcement was not confirmed in %s", channel)
            note = error_message(
                t(lang, "button.unconfirmed_share"), title=t(lang, "button.unconfirmed"), lang=lang
            )
            text, blocks = note.text, note.block_dicts()
        await client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=blocks)
    except SlackApiError as exc:
        log.warning("could not tell %s in %s of a reschedule (%s)", user, channel, exc)
