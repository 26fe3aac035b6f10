"""Who is asking: a Slack user's time zone, from users.info, cached for an hour."""

from __future__ import annotations

import logging
from datetime import tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.dms.cache import SingleFlightCache

log = logging.getLogger("kafka_tasks.slack")


class UserZones:
    def __init__(self, client: AsyncWebClient, default: tzinfo, *, ttl: float = 3600) -> None:
        self._client = client
        self._default = default
        self._cache: SingleFlightCache[str, tzinfo] = SingleFlightCache(ttl=ttl, maxsize=10_000)

    async def zone(self, user_id: str | None) -> tzinfo:
        """The user's Slack zone; the configured default when it cannot be had."""
        if not user_id:
            return self._default
        try:
            zone, _ = await self._cache.get(user_id, lambda: self._fetch(user_id))
        except (SlackApiError, OSError, TimeoutError) as exc:
            # Not cached: the next ask tries again. The answer still comes, in the
            # default zone, and says which zone it used.
            log.warning("users.info for %s failed (%s); using the default zone", user_id, exc)
            return self._default
        return zone

    async def _fetch(self, user_id: str) -> tzinfo:
        response = await self._client.users_info(user=user_id)
        name = (response.get("user") or {}).get("tz")
        if not name:
            return self._default
        try:
            return ZoneInfo(str(name))
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("user %s has an unknown zone %r; using the default", user_id, name)
            return self._default
