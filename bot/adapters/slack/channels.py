"""Which channels a user is in, from ``users.conversations``, for the Home tab."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.cache import SingleFlightCache


@dataclass(frozen=True)
class Membership:
    # channel id -> name ("" when Slack gave none)
    channels: Mapping[str, str]
    # False when there were more pages than we read.
    complete: bool = True


class ChannelsUnreadable(Exception):
    """Slack would not list the user's channels; ``error`` is its error code."""

    def __init__(self, error: str) -> None:
        self.error = error
        super().__init__(error)


class ChannelDirectory:
    """The public and private channels a user is in, from ``users.conversations``.

    Why this and not ``conversations.members`` of each subscribed channel: the cost here
    is the viewer's channel count (one page of 200 covers most people, Tier 3), whatever
    the subscriptions; ``conversations.members`` costs every page of every subscribed
    channel's member list, and a subscription in a big channel (#general, #incidents)
    is thousands of members. Both need ``channels:read`` (public) and ``groups:read``
    (private); in both, Slack shows a private channel only when the bot is in it too,
    which it is wherever it posts notifications. The answer is cached per user for
    ``ttl`` seconds: opening the tab again soon costs nothing; Refresh reads afresh.
    """

    TYPES = "public_channel,private_channel"

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        ttl: float = 60,
        page_size: int = 200,
        max_pages: int = 10,
    ) -> None:
        self._client = client
        self._page_size = page_size
        self._max_pages = max_pages
        self._cache: SingleFlightCache[str, Membership] = SingleFlightCache(ttl=ttl, maxsize=10_000)

    async def channels_of(self, user: str, *, fresh: bool = False) -> Membership:
        """Raises ``ChannelsUnreadable`` (not cached) when Slack refuses, e.g. a missing
        scope."""
        try:
            membership, _ = await self._cache.get(user, lambda: self._fetch(user), fresh=fresh)
        except SlackApiError as exc:
            raise ChannelsUnreadable(
                str((exc.response or {}).get("error") or "no reason given")
            ) from exc
        return membership

    async def _fetch(self, user: str) -> Membership:
        channels: dict[str, str] = {}
        cursor: str | None = None
        for _ in range(self._max_pages):
            response = await self._client.users_conversations(
                user=user,
                types=self.TYPES,
                exclude_archived=True,
                limit=self._page_size,
                cursor=cursor,
            )
            for channel in response.get("channels") or []:
                if isinstance(channel, dict) and channel.get("id"):
                    channels[str(channel["id"])] = str(channel.get("name") or "")
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return Membership(channels)
        # Someone in thousands of channels: the tab shows what was read, and says so.
        return Membership(channels, complete=False)
