"""Who is asking: a Slack user's time zone and language, from users.info, cached for an hour."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.cache import SingleFlightCache
from bot.i18n import Lang, lang_from_locale

log = logging.getLogger("kafka_tasks.slack")


@dataclass(frozen=True)
class UserProfile:
    """What an answer needs to know of its reader: where their clock is, what they read."""

    tz: tzinfo
    lang: Lang
    # How Slack shows them (display name, else real name): to name them in a list
    # without the ping a ``<@U…>`` mention would send.
    name: str = ""


class UserProfiles:
    """Each user's zone and language, from one ``users.info`` call per user per hour."""

    def __init__(
        self,
        client: AsyncWebClient,
        default: tzinfo,
        *,
        default_lang: Lang = "en",
        ttl: float = 3600,
    ) -> None:
        self._client = client
        self._default = UserProfile(default, default_lang)
        self._cache: SingleFlightCache[str, UserProfile] = SingleFlightCache(
            ttl=ttl, maxsize=10_000
        )

    async def profile(self, user_id: str | None) -> UserProfile:
        """The user's Slack zone and language; the configured defaults for what cannot
        be had."""
        if not user_id:
            return self._default
        try:
            profile, _ = await self._cache.get(user_id, lambda: self._fetch(user_id))
        except (SlackApiError, OSError, TimeoutError) as exc:
            # Not cached: the next ask tries again. The answer still comes, in the
            # default zone and language, and says which zone it used.
            log.warning("users.info for %s failed (%s); using the defaults", user_id, exc)
            return self._default
        return profile

    async def zone(self, user_id: str | None) -> tzinfo:
        """The user's Slack zone; the configured default when it cannot be had."""
        return (await self.profile(user_id)).tz

    async def lang(self, user_id: str | None) -> Lang:
        """The language of the user's Slack locale; the default when it is neither
        English nor Chinese, or cannot be had."""
        return (await self.profile(user_id)).lang

    async def names(self, user_ids: Iterable[str]) -> dict[str, str]:
        """Each user's Slack name, for those Slack names (one cached users.info each)."""
        wanted = sorted({u for u in user_ids if u})
        found = await asyncio.gather(*(self.profile(u) for u in wanted))
        return {u: p.name for u, p in zip(wanted, found, strict=True) if p.name}

    async def _fetch(self, user_id: str) -> UserProfile:
        # Slack sends ``locale`` only when asked for it.
        response = await self._client.users_info(user=user_id, include_locale=True)
        user = response.get("user") or {}
        locale = user.get("locale")
        lang = lang_from_locale(str(locale) if locale else None, self._default.lang)
        found = user.get("profile")
        profile: dict[str, object] = found if isinstance(found, dict) else {}
        name = next(
            (
                str(n).strip()
                for n in (profile.get("display_name"), profile.get("real_name"), user.get("name"))
                if isinstance(n, str) and n.strip()
            ),
            "",
        )
        return UserProfile(self._zone(user_id, user.get("tz")), lang, name)

    def _zone(self, user_id: str, name: object) -> tzinfo:
        if not name:
            return self._default.tz
        try:
            return ZoneInfo(str(name))
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("user %s has an unknown zone %r; using the default", user_id, name)
            return self._default.tz
