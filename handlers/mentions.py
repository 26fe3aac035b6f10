"""``@kafka-tasks ...`` in a channel (answered in the mention's thread) and DMs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.once import post_ephemeral, post_once
from bot.i18n import t
from bot.services.ask import Ask, Via
from bot.services.reply import Reply
from bot.views.kit import Message
from handlers import Deps
from handlers.slow import with_placeholder


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_mention(event: dict[str, Any], client: AsyncWebClient) -> None:
        await answer_in(deps, client, event, thread_ts=str(event.get("thread_ts") or event["ts"]))

    async def on_direct_message(event: dict[str, Any], client: AsyncWebClient) -> None:
        # Edits, joins and the bot's own posts arrive as subtyped messages: not questions.
        if event.get("subtype") or event.get("bot_id") or event.get("channel_type") != "im":
            return
        await answer_in(deps, client, event, thread_ts=None)

    app.event("app_mention")(on_mention)
    app.event({"type": "message", "channel_type": "im"})(on_direct_message)


@dataclass(frozen=True)
class _Thread:
    """Where the answer goes: the mention's thread, or the DM (``thread_ts`` None)."""

    client: AsyncWebClient
    ask: Ask
    thread_ts: str | None

    async def post(self, message: Message) -> str | None:
        return await post_once(
            self.client,
            channel=self.ask.channel,
            thread_ts=self.thread_ts,
            text=message.text,
            blocks=message.block_dicts(),
        )

    async def edit(self, ts: str, text: str, blocks: list[dict[str, Any]]) -> None:
        await self.client.chat_update(channel=self.ask.channel, ts=ts, text=text, blocks=blocks)

    async def to_asker(self, text: str, blocks: list[dict[str, Any]] | None) -> bool:
        return await post_ephemeral(
            self.client,
            channel=self.ask.channel,
            user=self.ask.user,
            thread_ts=self.thread_ts,
            text=text,
            blocks=blocks,
        )


async def answer_in(
    deps: Deps, client: AsyncWebClient, event: dict[str, Any], *, thread_ts: str | None
) -> None:
    # Visible to the channel: no Share button needed.
    via: Via = "mention" if thread_ts else "dm"
    ask = await deps.ask(
        event.get("user"), event["channel"], via, shareable=False, public=thread_ts is not None
    )
    text = str(event.get("text") or "")
    where = _Thread(client, ask, thread_ts)
    placeholder = deps.conversation.looking_up(text, lang=ask.lang)
    posted: dict[str, str] = {}

    async def show() -> None:
        ts = await where.post(placeholder)
        if ts is not None:
            posted["ts"] = ts

    reply, shown = await with_placeholder(
        deps.conversation.answer(text, ask), after=deps.slow_after, show=show
    )
    # A placeholder whose post Slack left unknown (and the thread did not show) is
    # not there to replace.
    placeholder_ts = posted.get("ts") if shown else None
    if reply.delivery == "ephemeral" and thread_ts is not None and ask.user:
        await _privately(where, reply, placeholder_ts)
        return
    message = reply.message
    if placeholder_ts is not None:
        await where.edit(placeholder_ts, message.text, message.block_dicts())
    answer_ts = placeholder_ts or await where.post(message)
    if answer_ts is None:
        return  # unknown, and not in the thread: logged; nothing to follow from
    if reply.follow is not None:
        # Visible to the channel: its running tasks are followed in this thread.
        await deps.following.follow(
            reply.follow, channel=ask.channel, message_ts=answer_ts, thread_ts=thread_ts
        )


async def _privately(where: _Thread, reply: Reply, placeholder_ts: str | None) -> None:
    """Errors, and answers the access rules keep from the channel, go to the asker
    alone; the placeholder, if any, says where it went."""
    lang, user = where.ask.lang, where.ask.user
    delivered = await where.to_asker(reply.message.text, reply.message.block_dicts())
    if delivered:
        said = "mention.private_answer" if reply.ok else "mention.private_error"
    else:
        # Slack left it unknown whether the asker saw it, and an ephemeral message
        # cannot be looked for: they are told to ask again if it is not there.
        said = "mention.private_unconfirmed"
    if placeholder_ts is not None:
        await where.edit(placeholder_ts, t(lang, said, user=user), [])
    elif not delivered:
        await where.to_asker(t(lang, said, user=user), None)
