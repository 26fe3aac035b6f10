"""Who is asking: zone and language from users.info, over the fake Slack Web API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.users import UserProfile, UserProfiles
from tests.fakes import FakeSlack

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as running:
        yield running


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    # No retries: a failure injected once must reach UserProfiles, not be retried away.
    web = AsyncWebClient(token=fake.bot_token, base_url=fake.api_url)
    web.retry_handlers = []
    return web


async def test_a_chinese_locale_gets_chinese_and_the_users_zone(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.set_user("U1", name="chen.jing", tz="Asia/Shanghai", locale="zh-CN")
    profiles = UserProfiles(client, UTC)

    assert await profiles.profile("U1") == UserProfile(SHANGHAI, "zh", "chen.jing")
    assert await profiles.zone("U1") == SHANGHAI
    assert await profiles.lang("U1") == "zh"
    # One users.info for all three, asking for the locale Slack otherwise leaves out.
    [call] = fake.calls_to("users.info")
    assert call.args == {"user": "U1", "include_locale": "1"}


@pytest.mark.parametrize(
    ("locale", "default", "lang"),
    [
        ("en-US", "zh", "en"),
        ("zh-TW", "en", "zh"),
        ("de-DE", "en", "en"),
        ("de-DE", "zh", "zh"),
    ],
)
async def test_other_locales_and_the_default(
    fake: FakeSlack, client: AsyncWebClient, locale: str, default: str, lang: str
) -> None:
    fake.set_user("U2", tz="Europe/Berlin", locale=locale)
    profiles = UserProfiles(client, UTC, default_lang=default)  # type: ignore[arg-type]
    profile = await profiles.profile("U2")
    assert profile.lang == lang
    assert profile.tz == ZoneInfo("Europe/Berlin")


async def test_profiles_are_cached(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.set_user("U3", tz="Asia/Shanghai", locale="zh-CN")
    profiles = UserProfiles(client, UTC)
    for _ in range(3):
        await profiles.profile("U3")
        await profiles.zone("U3")
    assert len(fake.calls_to("users.info")) == 1


async def test_defaults_when_slack_cannot_say(fake: FakeSlack, client: AsyncWebClient) -> None:
    profiles = UserProfiles(client, SHANGHAI, default_lang="zh")
    default = UserProfile(SHANGHAI, "zh")
    assert await profiles.profile(None) == default
    assert await profiles.profile("") == default
    assert await profiles.profile("U404") == default  # users.info: user_not_found
    fake.set_user("U5", name="li.wei", tz="Asia/Shanghai", locale="en-US")
    fake.fail_next("users.info", status=500)
    assert await profiles.profile("U5") == default
    # A failure is not cached: the next ask gets the user's own.
    assert await profiles.profile("U5") == UserProfile(SHANGHAI, "en", "li.wei")


async def test_names_are_what_slack_shows_and_only_for_users_slack_knows(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.set_user("U7", name="zhang.san", real_name="Zhang San")
    profiles = UserProfiles(client, UTC)
    # Display name first (the fake gives `name` as it); unknown users are left out.
    assert await profiles.names(["U7", "U404", "U7", ""]) == {"U7": "zhang.san"}


async def test_zone_alone_is_the_users_zone(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.set_user("U6", tz="America/New_York", locale="zh-CN")
    zones = UserProfiles(client, UTC)
    assert await zones.zone("U6") == ZoneInfo("America/New_York")
    assert await zones.zone(None) == UTC
