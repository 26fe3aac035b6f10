"""``/kafka-tasks``: acked at once; the answer follows through response_url, ephemeral."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.respond import respond_once, respond_reliably
from handlers import Deps
from handlers.slow import with_placeholder

COMMAND = "/kafka-tasks"


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_command(
        ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        # Slack gives 3 s for this ack; nothing slow may come before it.
        await ack()
        await answer_command(deps, command, respond, client)

    app.command(COMMAND)(on_command)


async def answer_command(
    deps: Deps, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
) -> None:
    text = str(command.get("text") or "")
    ask = await deps.ask(command.get("user_id"), command.get("channel_id"), "slash", shareable=True)
    placeholder = deps.conversation.looking_up(text, lang=ask.lang)
    placed: list[bool] = []

    async def show() -> None:
        response = await respond_once(
            respond,
            text=placeholder.text,
            blocks=placeholder.block_dicts(),
            response_type="ephemeral",
        )
        if response is not None and response.status_code == 200:
            placed.append(True)

    reply, shown = await with_placeholder(
        deps.conversation.answer(text, ask), after=deps.slow_after, show=show
    )
    # Only a placeholder Slack said it showed is replaced: one it refused, or whose
    # post had an unknown outcome, may not be there, and the answer must still arrive.
    shown = shown and bool(placed)
    await respond_reliably(
        respond,
        client,
        channel=command.get("channel_id"),
        user=command.get("user_id"),
        text=reply.message.text,
        blocks=reply.message.block_dicts(),
        response_type="ephemeral",
        replace_original=shown,
    )
