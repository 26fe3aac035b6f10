"""The fake Slack's views and channel membership behave as Slack documents them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack import FakeSlack


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as running:
        yield running


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=fake.bot_token, base_url=fake.api_url)


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


async def test_users_conversations_pages_with_a_cursor(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    for n in range(5):
        fake.set_member(f"C0PUB{n}", "U123")
    fake.set_member("C0PRIV", "U123", name="secret", private=True)
    fake.set_member("C0OTHER", "U999")
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        response = await client.users_conversations(
            user="U123", types="public_channel,private_channel", limit=2, cursor=cursor
        )
        pages += 1
        seen += [c["id"] for c in response["channels"]]
        cursor = response["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert pages == 3
    assert sorted(seen) == sorted([*(f"C0PUB{n}" for n in range(5)), "C0PRIV"])
    public = await client.users_conversations(user="U123")
    assert "C0PRIV" not in [c["id"] for c in public["channels"]]
    with pytest.raises(SlackApiError) as refused:
        await client.users_conversations(user="U123", cursor="made-up")
    assert refused.value.response["error"] == "invalid_cursor"


async def test_views_publish_records_the_home_view_per_user(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    view = {"type": "home", "blocks": [section("hello")]}
    response = await client.views_publish(user_id="U123", view=view)
    assert response["view"]["id"]
    published = fake.home_view("U123")
    assert published is not None
    assert published["blocks"] == [section("hello")]
    assert fake.home_view("U999") is None


@pytest.mark.parametrize(
    ("user", "view", "error"),
    [
        ("U404", {"type": "home", "blocks": [section("x")]}, "user_not_found"),
        ("U123", {"type": "modal", "blocks": [section("x")]}, "invalid_arguments"),
        ("U123", {"type": "home", "blocks": [section("x")] * 101}, "invalid_arguments"),
        ("U123", {"type": "home", "blocks": [section("")]}, "invalid_arguments"),
    ],
)
async def test_views_publish_refuses_what_slack_refuses(
    client: AsyncWebClient, user: str, view: dict[str, Any], error: str
) -> None:
    with pytest.raises(SlackApiError) as refused:
        await client.views_publish(user_id=user, view=view)
    assert refused.value.response["error"] == error


async def test_a_home_view_may_hold_more_blocks_than_a_message(client: AsyncWebClient) -> None:
    view = {"type": "home", "blocks": [section(f"row {n}") for n in range(100)]}
    assert (await client.views_publish(user_id="U123", view=view))["ok"]


async def test_views_open_needs_a_trigger_and_a_title_then_update_replaces_it(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    modal = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Task details"},
        "blocks": [section("loading")],
    }
    with pytest.raises(SlackApiError) as no_trigger:
        await client.views_open(trigger_id="", view=modal)
    assert no_trigger.value.response["error"] == "invalid_trigger_id"
    untitled = {**modal, "title": {"type": "plain_text", "text": "x" * 25}}
    with pytest.raises(SlackApiError):
        await client.views_open(trigger_id="1.2.3", view=untitled)
    opened = await client.views_open(trigger_id="1.2.3", view=modal)
    view_id = opened["view"]["id"]
    await client.views_update(view_id=view_id, view={**modal, "blocks": [section("done")]})
    assert fake.modal(view_id)["blocks"] == [section("done")]
    with pytest.raises(SlackApiError) as unknown:
        await client.views_update(view_id="V404", view=modal)
    assert unknown.value.response["error"] == "not_found"
