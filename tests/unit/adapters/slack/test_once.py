"""A reply whose post Slack left unknown is looked for before it is posted again."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from aiohttp import ServerDisconnectedError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.adapters.slack.once import REPLY_EVENT, is_ambiguous, post_ephemeral, post_once
from tests.fakes import FakeSlack

THREAD = "1700000000.000100"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as running:
        yield running


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    # No retry handlers: what happens on an unknown outcome is post_once's doing alone.
    return AsyncWebClient(token=fake.bot_token, base_url=fake.api_url, retry_handlers=[])


def slack_error(status: int, error: str) -> SlackApiError:
    response = AsyncSlackResponse(
        client=AsyncWebClient(),
        http_verb="POST",
        api_url="https://slack.com/api/chat.postMessage",
        req_args={},
        data={"ok": False, "error": error},
        headers={},
        status_code=status,
    )
    return SlackApiError(error, response)  # type: ignore[no-untyped-call]  # untyped in slack_sdk


@pytest.mark.parametrize(
    ("exc", "ambiguous"),
    [
        (slack_error(500, "internal_error"), True),
        (slack_error(503, "service_unavailable"), True),
        (slack_error(200, "fatal_error"), True),
        (slack_error(200, "internal_error"), True),
        (slack_error(200, "request_timeout"), True),
        (ServerDisconnectedError(), True),
        (TimeoutError(), True),
        (slack_error(429, "ratelimited"), False),
        (slack_error(200, "not_in_channel"), False),
        (slack_error(200, "invalid_blocks"), False),
        (ValueError("a bug"), False),
    ],
)
def test_which_failures_leave_the_outcome_unknown(exc: BaseException, ambiguous: bool) -> None:
    assert is_ambiguous(exc) is ambiguous


async def post(client: AsyncWebClient) -> str | None:
    return await post_once(
        client, channel="C1", thread_ts=THREAD, text="the answer", blocks=[], look_after_s=0
    )


async def test_a_reply_posted_then_failed_is_found_not_posted_again(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.fail_next("chat.postMessage", status=500, acted=True)
    ts = await post(client)
    [reply] = fake.replies("C1", THREAD)
    assert reply["ts"] == ts
    assert reply["metadata"]["event_type"] == REPLY_EVENT
    assert len(fake.calls_to("chat.postMessage")) == 1
    [look] = fake.calls_to("conversations.replies")
    assert look.args["ts"] == THREAD


async def test_a_reply_slack_did_not_post_is_posted_again_once(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.drop_next("chat.postMessage", acted=False)
    ts = await post(client)
    [reply] = fake.replies("C1", THREAD)
    assert reply["ts"] == ts
    first, second = fake.calls_to("chat.postMessage")
    # The same key both times: a later look finds whichever Slack took.
    assert first.args["metadata"] == second.args["metadata"]


async def test_after_two_unknown_outcomes_not_found_it_gives_up_and_says_so(
    fake: FakeSlack, client: AsyncWebClient, caplog: pytest.LogCaptureFixture
) -> None:
    fake.fail_next("chat.postMessage", status=500, times=2)
    with caplog.at_level(logging.WARNING, logger="kafka_tasks.slack"):
        assert await post(client) is None
    assert fake.replies("C1", THREAD) == []
    assert len(fake.calls_to("chat.postMessage")) == 2
    assert "giving up rather than risk a duplicate" in caplog.text


async def test_a_reply_whose_thread_cannot_be_read_is_not_posted_again(
    fake: FakeSlack, client: AsyncWebClient, caplog: pytest.LogCaptureFixture
) -> None:
    fake.fail_next("chat.postMessage", status=500)
    fake.fail_next("conversations.replies", status=500)
    with caplog.at_level(logging.WARNING, logger="kafka_tasks.slack"):
        assert await post(client) is None
    assert len(fake.calls_to("chat.postMessage")) == 1
    assert "could not read the channel" in caplog.text


async def test_a_refusal_raises_for_the_caller_to_take_another_way(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.fail_next("chat.postMessage", error="not_in_channel")
    with pytest.raises(SlackApiError) as raised:
        await post(client)
    assert raised.value.response["error"] == "not_in_channel"
    assert not fake.calls_to("conversations.replies")


async def test_a_reply_in_a_dm_is_looked_for_in_the_channel(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.fail_next("chat.postMessage", error="fatal_error", acted=True)
    ts = await post_once(client, channel="D1", text="in the DM", blocks=[], look_after_s=0)
    assert [m["ts"] for m in fake.messages("D1")] == [ts]
    assert fake.calls_to("conversations.history")


async def test_an_ephemeral_reply_with_an_unknown_outcome_is_not_sent_again(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.fail_next("chat.postEphemeral", status=500, acted=True)
    shown = await post_ephemeral(client, channel="C1", user="U123", text="only you", blocks=None)
    assert shown is False
    assert [e["text"] for e in fake.ephemerals("C1")] == ["only you"]
    assert len(fake.calls_to("chat.postEphemeral")) == 1
