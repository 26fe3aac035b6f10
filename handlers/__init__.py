"""Slack listeners: thin. Each acks, asks ``bot.conversation`` and delivers the reply."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp

from bot.conversation import Conversation
from bot.slack_users import UserZones


@dataclass(frozen=True)
class Deps:
    conversation: Conversation
    zones: UserZones
    # Seconds before a "looking up ..." placeholder is shown for a slow answer.
    slow_after: float = 0.8


def register(app: AsyncApp, deps: Deps) -> None:
    from handlers import buttons, mentions, slash

    slash.register(app, deps)
    mentions.register(app, deps)
    buttons.register(app, deps)
