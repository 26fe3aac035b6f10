"""``@kafka-tasks ...`` in a channel (answered in the mention's thread) and DMs."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.once import post_ephemeral, post_once
from bot.i18n import t
from bot.services.conversation import Asker
from handlers import Deps
from handlers.slow import with_placeholder


def register(app: AsyncApp, deps: Deps) -> None:
    async def answer_in(
        client: AsyncWebClient, event: dict[str, Any], *, thread_ts: str | None
    ) -> None:
        channel = str(event["channel"])
        user = event.get("user")
        text = str(event.get("text") or "")
        profile = await deps.profiles.profile(user)
        tz = profile.tz
        placeholder = deps.conversation.looking_up(text, lang=profile.lang)
        posted: dict[str, Any] = {}

        async def show() -> None:
            ts = await post_once(
                client,
                channel=channel,
                thread_ts=thread_ts,
                text=placeholder.text,
                blocks=placeholder.block_dicts(),
            )
            if ts is not None:
                posted["ts"] = ts

        # Visible to the channel: no Share button needed.
        asker = Asker(user=str(user or ""), channel=channel, via="mention" if thread_ts else "dm")
        reply, shown = await with_placeholder(
            deps.conversation.answer(
                text,
                tz=tz,
                shareable=False,
                asker=asker,
                public=thread_ts is not None,
                lang=profile.lang,
            ),
            after=deps.slow_after,
            show=show,
        )
        message = reply.message
        # A placeholder whose post Slack left unknown (and the thread did not show) is
        # not there to replace.
        shown = shown and "ts" in posted
        if reply.delivery == "ephemeral" and thread_ts is not None and user:
            # Errors, and answers the access rules keep from the channel, go to the asker
            # alone; the placeholder, if any, says where it went.
            delivered = await post_ephemeral(
                client,
                channel=channel,
                user=str(user),
                thread_ts=thread_ts,
                text=message.text,
                blocks=message.block_dicts(),
            )
            if delivered:
                said = "mention.private_answer" if reply.ok else "mention.private_error"
            else:
                # Slack left it unknown whether the asker saw it, and an ephemeral message
                # cannot be looked for: they are told to ask again if it is not there.
                said = "mention.private_unconfirmed"
            if shown:
                await client.chat_update(
                    channel=channel,
                    ts=posted["ts"],
                    text=t(profile.lang, said, user=user),
                    blocks=[],
                )
            elif not delivered:
                await post_ephemeral(
                    client,
                    channel=channel,
                    user=str(user),
                    thread_ts=thread_ts,
                    text=t(profile.lang, said, user=user),
                    blocks=None,
                )
            return
        if shown:
            await client.chat_update(
                channel=channel, ts=posted["ts"], text=message.text, blocks=message.block_dicts()
            )
        else:
            ts = await post_once(
                client,
                channel=channel,
                thread_ts=thread_ts,
                text=message.text,
                blocks=message.block_dicts(),
            )
            if ts is None:
                return  # unknown, and not in the thread: logged; nothing to follow from
            posted["ts"] = ts
        if reply.follow is not None:
            # Visible to the channel: its running tasks are followed in this thread.
            await deps.conversation.follow(
                reply.follow, channel=channel, message_ts=str(posted["ts"]), thread_ts=thread_ts
            )

    async def on_mention(event: dict[str, Any], client: AsyncWebClient) -> None:
        await answer_in(client, event, thread_ts=str(event.get("thread_ts") or event["ts"]))

    async def on_direct_message(event: dict[str, Any], client: AsyncWebClient) -> None:
        # Edits, joins and the bot's own posts arrive as subtyped messages: not questions.
        if event.get("subtype") or event.get("bot_id") or event.get("channel_type") != "im":
            return
        await answer_in(client, event, thread_ts=None)

    app.event("app_mention")(on_mention)
    app.event({"type": "message", "channel_type": "im"})(on_direct_message)
