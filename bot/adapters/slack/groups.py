"""Members of Slack user groups, for access rules that name a group (``usergroups:read``)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.cache import SingleFlightCache

log = logging.getLogger("kafka_tasks.access")


class GroupMembers:
    """``usergroups.users.list`` per group, cached: a rule is checked on every ask, and
    a group's membership changes far more slowly than people type."""

    def __init__(self, client: AsyncWebClient, *, ttl: float = 300) -> None:
        self._client = client
        self._cache: SingleFlightCache[str, tuple[str, ...]] = SingleFlightCache(
            ttl=ttl, maxsize=1000
        )

    async def __call__(self, group_id: str) -> Sequence[str]:
        members, _ = await self._cache.get(group_id, lambda: self._fetch(group_id))
        return members

    async def _fetch(self, group_id: str) -> tuple[str, ...]:
        try:
            response = await self._client.usergroups_users_list(usergroup=group_id)
        except SlackApiError as exc:
            if (exc.response or {}).get("error") == "no_such_subteam":
                # Slack says the group is not there (deleted, a typo in the rules): it
                # has no members, which is an answer, not an outage.
                log.warning("access rules name user group %s, which Slack does not know", group_id)
                return ()
            raise
        return tuple(str(u) for u in response.get("users") or ())
