"""The App Home tab: published on ``app_home_opened``, and its buttons (``kth_*``)."""

from __future__ import annotations

import re
from datetime import tzinfo
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import Lang
from bot.views.home import im_channel_of
from bot.views.home_page import DETAILS, REFRESH, UNSUBSCRIBE
from handlers import Deps
from handlers.slow import with_placeholder


def register(app: AsyncApp, deps: Deps) -> None:
    home = deps.home
    if home is None:
        return

    async def viewer(user: str) -> tuple[Lang, tzinfo]:
        profile = await deps.profiles.profile(user)
        return profile.lang, profile.tz

    async def publish(
        client: AsyncWebClient, user: str, body: dict[str, Any], **options: Any
    ) -> None:
        lang, tz = await viewer(user)
        # A button on the tab carries no DM channel; the view keeps it for Refresh.
        im = im_channel_of((body.get("view") or {}).get("private_metadata"))
        view = await home.view(user, lang=lang, tz=tz, im_channel=im, **options)
        await client.views_publish(user_id=user, view=view)

    async def on_home_opened(event: dict[str, Any], client: AsyncWebClient) -> None:
        # The Messages tab opens with the same event.
        user = str(event.get("user") or "")
        if event.get("tab") != "home" or not user:
            return
        lang, tz = await viewer(user)
        channel = str(event.get("channel") or "")
        im = channel if channel.startswith("D") else None
        work = home.view(user, lang=lang, tz=tz, im_channel=im)
        if event.get("view"):
            # Slack keeps showing the last published view meanwhile: no placeholder.
            view = await work
        else:

            async def show() -> None:
                await client.views_publish(user_id=user, view=home.loading_view(lang))

            view, _ = await with_placeholder(work, after=deps.slow_after, show=show)
        await client.views_publish(user_id=user, view=view)

    async def on_refresh(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        user = str((body.get("user") or {}).get("id") or "")
        await publish(client, user, body, fresh=True)

    async def on_unsubscribe(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        user = str((body.get("user") or {}).get("id") or "")
        notice = await home.unsubscribe(user, str(action.get("value") or ""))
        await publish(client, user, body, notice=notice)

    async def on_details(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        user = str((body.get("user") or {}).get("id") or "")
        lang, tz = await viewer(user)
        # The trigger_id expires 3 s after the press: open first, fill in once DMS answers.
        opened = await client.views_open(
            trigger_id=str(body.get("trigger_id") or ""), view=home.loading_modal(lang)
        )
        modal = await home.details(user, str(action.get("value") or ""), lang=lang, tz=tz)
        await client.views_update(view_id=str(opened["view"]["id"]), view=modal)

    app.event("app_home_opened")(on_home_opened)
    # Each button's id carries an index after a dot (unique within the view).
    app.action(re.compile(rf"^{REFRESH}(\.\d+)?$"))(on_refresh)
    app.action(re.compile(rf"^{UNSUBSCRIBE}(\.\d+)?$"))(on_unsubscribe)
    app.action(re.compile(rf"^{DETAILS}(\.\d+)?$"))(on_details)
