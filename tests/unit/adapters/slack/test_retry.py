"""slack_sdk retries only what cannot post twice: reads and edits on a 5xx or a lost
connection, every call on a 429 or a connection never made."""

from __future__ import annotations

import pytest
from aiohttp import ClientConnectorError, ServerDisconnectedError
from aiohttp.client_reqrep import ConnectionKey
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.adapters.slack.retry import (
    RepeatableConnectionErrorRetryHandler,
    RepeatableServerErrorRetryHandler,
    response_url_retry_handlers,
    web_api_retry_handlers,
)
from tests.fakes import FakeSlack

FAST = FixedValueRetryIntervalCalculator(0.01)


def request(method: str) -> HttpRequest:
    return HttpRequest(method="POST", url=f"https://slack.com/api/{method}", headers={})


def refused_connection() -> ClientConnectorError:
    key = ConnectionKey("slack.com", 443, True, True, None, None, None)
    return ClientConnectorError(key, OSError(111, "Connection refused"))


@pytest.mark.parametrize(
    ("method", "retried"),
    [
        ("chat.postMessage", False),
        ("chat.postEphemeral", False),
        ("views.open", False),
        ("chat.update", True),
        ("conversations.history", True),
        ("users.info", True),
    ],
)
async def test_a_server_error_is_retried_for_reads_and_edits_only(
    method: str, retried: bool
) -> None:
    handler = RepeatableServerErrorRetryHandler(max_retry_count=2)
    response = HttpResponse(status_code=500, headers={})
    can = await handler.can_retry_async(
        state=RetryState(), request=request(method), response=response
    )
    assert can is retried


@pytest.mark.parametrize(("method", "retried"), [("chat.postMessage", False), ("users.info", True)])
async def test_a_dropped_connection_is_retried_for_reads_and_edits_only(
    method: str, retried: bool
) -> None:
    handler = RepeatableConnectionErrorRetryHandler(max_retry_count=2)
    dropped = ServerDisconnectedError()
    can = await handler.can_retry_async(state=RetryState(), request=request(method), error=dropped)
    assert can is retried


async def test_a_connection_never_made_is_retried_for_any_call() -> None:
    handler = RepeatableConnectionErrorRetryHandler(max_retry_count=2)
    post = request("chat.postMessage")
    error = refused_connection()
    assert await handler.can_retry_async(state=RetryState(), request=post, error=error)
    # Bounded all the same.
    spent = RetryState(current_attempt=2)
    assert not await handler.can_retry_async(state=spent, request=post, error=error)


async def test_a_post_slack_answered_500_after_posting_is_not_sent_again() -> None:
    async with FakeSlack() as fake:
        client = AsyncWebClient(
            token=fake.bot_token, base_url=fake.api_url, retry_handlers=web_api_retry_handlers()
        )
        fake.fail_next("chat.postMessage", status=500, acted=True)
        with pytest.raises(SlackApiError):
            await client.chat_postMessage(channel="C1", text="once")
        assert [m["text"] for m in fake.messages("C1")] == ["once"]
        assert len(fake.calls_to("chat.postMessage")) == 1


async def test_a_read_or_edit_is_retried_through_5xx_and_drops() -> None:
    async with FakeSlack() as fake:
        handlers: list[AsyncRetryHandler] = [
            RepeatableConnectionErrorRetryHandler(max_retry_count=2, interval_calculator=FAST),
            RepeatableServerErrorRetryHandler(max_retry_count=2, interval_calculator=FAST),
        ]
        client = AsyncWebClient(
            token=fake.bot_token, base_url=fake.api_url, retry_handlers=handlers
        )
        posted = await client.chat_postMessage(channel="C1", text="before")
        fake.fail_next("chat.update", status=503, acted=True)
        fake.drop_next("chat.update")
        await client.chat_update(channel="C1", ts=posted["ts"], text="after")
        assert [m["text"] for m in fake.messages("C1")] == ["after"]
        assert [c.status for c in fake.calls_to("chat.update")] == [503, 0, 200]


async def test_a_response_url_post_is_retried_after_a_429_only() -> None:
    async with FakeSlack() as fake:
        url = fake.response_url("r", channel="C1")
        webhook = AsyncWebhookClient(url, retry_handlers=response_url_retry_handlers())
        fake.fail_next("response_url", status=429, retry_after=0)
        assert (await webhook.send(text="after a 429")).status_code == 200
        fake.drop_next("response_url")
        with pytest.raises(ServerDisconnectedError):
            await webhook.send(text="dropped")
        assert [e["text"] for e in fake.ephemerals("C1")] == ["after a 429", "dropped"]
