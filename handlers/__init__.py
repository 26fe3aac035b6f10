"""Slack listeners: thin. Each acks, asks ``bot.services.conversation`` and delivers the reply."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp

from bot.adapters.slack.users import UserProfiles
from bot.services.conversation import Conversation
from bot.services.home import HomeService


@dataclass(frozen=True)
class Deps:
    conversation: Conversation
    # Each user's zone and language (users.info), for answers in their time and words.
    profiles: UserProfiles
    # Seconds before a "looking up ..." placeholder is shown for a slow answer.
    slow_after: float = 0.8
    # The App Home tab; None (no store, as in the shell): app_home_opened is not heard.
    home: HomeService | None = None


def register(app: AsyncApp, deps: Deps) -> None:
    from handlers import buttons, home, mentions, slash

    slash.register(app, deps)
    mentions.register(app, deps)
    buttons.register(app, deps)
    home.register(app, deps)
