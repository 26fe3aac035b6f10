"""Who asks, where, and how the answer is shown: one typed ``Ask`` for every way in.

Slash commands, mentions, direct messages, buttons, the local shell and the CLI each
build one and hand it to the same use cases, so an answer depends on what was asked and
by whom, never on which door it came through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import Literal

from bot.i18n import Lang

# How an ask arrived, for the audit log and the metrics. The shell and the CLI have no
# Slack user: nobody for the access rules to check, no channel to subscribe.
Via = Literal["slash", "mention", "dm", "shell", "cli"]


@dataclass(frozen=True)
class Ask:
    user: str = ""
    channel: str = ""
    via: Via = "shell"
    # The asker's zone (times without one are read in it) and language.
    tz: tzinfo = UTC
    lang: Lang = "en"
    # A Share button may be offered: the answer is shown to the asker alone.
    shareable: bool = True
    # The answer will be posted for the channel to see (a mention), so the access rules
    # must let it be shared there too.
    public: bool = False

    @property
    def in_slack(self) -> bool:
        """Asked by a Slack user in a channel (subscriptions and access rules apply)."""
        return self.via not in ("shell", "cli")
