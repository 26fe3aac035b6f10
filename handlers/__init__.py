"""Slack listeners: thin. Each acks, builds the asker's ``Ask`` once, asks a use case in
``bot.services`` and delivers the reply."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp

from bot.adapters.slack.users import UserProfiles
from bot.services.ask import Ask, Via
from bot.services.conversation import Conversation
from bot.services.following import Following
from bot.services.home import HomeService


@dataclass(frozen=True)
class Deps:
    conversation: Conversation
    # Each user's zone and language (users.info), for answers in their time and words.
    profiles: UserProfiles
    # Answers with running tasks, followed in their thread once others can see them.
    following: Following
    # Seconds before a "looking up ..." placeholder is shown for a slow answer.
    slow_after: float = 0.8
    # The App Home tab; None (no store, as in the shell): app_home_opened is not heard.
    home: HomeService | None = None

    async def ask(
        self,
        user: object,
        channel: object,
        via: Via,
        *,
        shareable: bool,
        public: bool = False,
    ) -> Ask:
        """The typed ask of a Slack user: their zone and language from their cached
        profile. Built after the ack (users.info may be slow; the ack may not wait)."""
        who = str(user or "")
        profile = await self.profiles.profile(who or None)
        return Ask(
            user=who,
            channel=str(channel or ""),
            via=via,
            tz=profile.tz,
            lang=profile.lang,
            shareable=shareable,
            public=public,
        )


def register(app: AsyncApp, deps: Deps) -> None:
    from handlers import buttons, home, mentions, scheduled, slash

    slash.register(app, deps)
    mentions.register(app, deps)
    buttons.register(app, deps)
    scheduled.register(app, deps)
    home.register(app, deps)
