"""The App Home tab: published on ``app_home_opened``, and its buttons (``kth_*``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.home import HomeService
from bot.views.home import im_channel_of
from bot.views.home_page import DETAILS, REFRESH, UNSUBSCRIBE, Notice
from handlers import Deps
from handlers.slow import with_placeholder


def register(app: AsyncApp, deps: Deps) -> None:
    if deps.home is None:
        return
    tab = _Tab(deps, deps.home)
    app.event("app_home_opened")(tab.on_home_opened)
    # Each button's id carries an index after a dot (unique within the view).
    app.action(re.compile(rf"^{REFRESH}(\.\d+)?$"))(tab.on_refresh)
    app.action(re.compile(rf"^{UNSUBSCRIBE}(\.\d+)?$"))(tab.on_unsubscribe)
    app.action(re.compile(rf"^{DETAILS}(\.\d+)?$"))(tab.on_details)


def _presser(body: dict[str, Any]) -> str:
    return str((body.get("user") or {}).get("id") or "")


@dataclass(frozen=True)
class _Tab:
    deps: Deps
    home: HomeService

    async def publish(
        self,
        client: AsyncWebClient,
        user: str,
        body: dict[str, Any],
        *,
        fresh: bool = False,
        notice: Notice | None = None,
    ) -> None:
        profile = await self.deps.profiles.profile(user)
        # A button on the tab carries no DM channel; the view keeps it for Refresh.
        im = im_channel_of((body.get("view") or {}).get("private_metadata"))
        view = await self.home.view(
            user, lang=profile.lang, tz=profile.tz, im_channel=im, fresh=fresh, notice=notice
        )
        await client.views_publish(user_id=user, view=view)

    async def on_home_opened(self, event: dict[str, Any], client: AsyncWebClient) -> None:
        # The Messages tab opens with the same event.
        user = str(event.get("user") or "")
        if event.get("tab") != "home" or not user:
            return
        profile = await self.deps.profiles.profile(user)
        channel = str(event.get("channel") or "")
        im = channel if channel.startswith("D") else None
        work = self.home.view(user, lang=profile.lang, tz=profile.tz, im_channel=im)
        if event.get("view"):
            # Slack keeps showing the last published view meanwhile: no placeholder.
            view = await work
        else:

            async def show() -> None:
                await client.views_publish(user_id=user, view=self.home.loading_view(profile.lang))

            view, _ = await with_placeholder(work, after=self.deps.slow_after, show=show)
        await client.views_publish(user_id=user, view=view)

    async def on_refresh(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await self.publish(client, _presser(body), body, fresh=True)

    async def on_unsubscribe(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        user = _presser(body)
        notice = await self.home.unsubscribe(user, str(action.get("value") or ""))
        await self.publish(client, user, body, notice=notice)

    async def on_details(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        user = _presser(body)
        profile = await self.deps.profiles.profile(user)
        # The trigger_id expires 3 s after the press: open first, fill in once DMS answers.
        opened = await client.views_open(
            trigger_id=str(body.get("trigger_id") or ""), view=self.home.loading_modal(profile.lang)
        )
        modal = await self.home.details(
            user, str(action.get("value") or ""), lang=profile.lang, tz=profile.tz
        )
        await client.views_update(view_id=str(opened["view"]["id"]), view=modal)
