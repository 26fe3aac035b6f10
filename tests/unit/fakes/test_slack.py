"""The fake Slack behaves like Slack where the end-to-end tests depend on it.

Driven through slack_sdk's real clients and a real Bolt AsyncApp, so a fake that
drifts from what those libraries send or expect fails here rather than as a puzzling
end-to-end failure.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond, AsyncSay
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from tests.fakes import FAKE_BOT_USER_ID, FakeSlack, SlackSender, check_message
from tests.fakes.slack import DROPPED_ERROR, DROPPED_STATUS

SIGNING_SECRET = "fake-signing-secret"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as running:
        yield running


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=fake.bot_token, base_url=fake.api_url)


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


# -- Web API ------------------------------------------------------------------------


async def test_auth_test_answers_the_bot_identity_bolt_needs(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    response = await client.auth_test()

    assert response.data == {
        "ok": True,
        "url": "https://fake.slack.com/",
        "team": "Fake",
        "user": "kafka-tasks",
        "team_id": "T0FAKE",
        "user_id": "U0BOT",
        "bot_id": "B0BOT",
        "is_enterprise_install": False,
    }
    (call,) = fake.calls_to("auth.test")
    assert call.token == fake.bot_token
    assert call.path == "/api/auth.test"
    assert call.ok


async def test_an_unknown_token_is_invalid_auth(fake: FakeSlack) -> None:
    stranger = AsyncWebClient(token="xoxb-someone-else", base_url=fake.api_url)

    with pytest.raises(SlackApiError) as raised:
        await stranger.chat_postMessage(channel="C1", text="hi")

    assert raised.value.response["error"] == "invalid_auth"
    assert fake.messages("C1") == []
    assert fake.calls_to("chat.postMessage", ok=False)[0].token == "xoxb-someone-else"


async def test_post_then_update_leaves_the_final_state_in_history(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    first = await client.chat_postMessage(channel="C1", text="working", blocks=[section("1/3")])
    second = await client.chat_postMessage(channel="C1", text="other")
    reply = await client.chat_postMessage(channel="C1", text="done", thread_ts=first["ts"])
    updated = await client.chat_update(
        channel="C1", ts=first["ts"], text="finished", blocks=[section("3/3")]
    )

    assert first["channel"] == "C1"
    assert first["message"]["text"] == "working"
    assert float(first["ts"]) < float(second["ts"]) < float(reply["ts"])
    assert (updated["channel"], updated["ts"], updated["text"]) == ("C1", first["ts"], "finished")
    history = fake.messages("C1")
    assert [m["ts"] for m in history] == [first["ts"], second["ts"], reply["ts"]]
    assert history[0]["text"] == "finished"
    assert history[0]["blocks"] == [section("3/3")]
    assert history[0]["reply_count"] == 1
    assert [m["text"] for m in fake.replies("C1", first["ts"])] == ["done"]
    # The call records what was sent, blocks as data.
    assert fake.calls_to("chat.update")[0].args["blocks"] == [section("3/3")]


async def test_update_keeps_blocks_it_is_not_given(fake: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C1", text="a", blocks=[section("kept")])

    await client.chat_update(channel="C1", ts=posted["ts"], text="b")

    assert fake.message("C1", posted["ts"])["blocks"] == [section("kept")]


async def test_update_of_an_unknown_ts_is_message_not_found(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        await client.chat_update(channel="C1", ts="1.000000", text="x")

    assert raised.value.response["error"] == "message_not_found"


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ({"channel": "C1"}, "no_text"),
        ({"channel": "C1", "text": "x" * 40_001}, "msg_too_long"),
        ({"channel": "C1", "text": "x", "blocks": [section("b")] * 51}, "invalid_blocks"),
        ({"channel": "C1", "text": "x", "blocks": [section("s" * 3_001)]}, "invalid_blocks"),
        ({"text": "x"}, "channel_not_found"),
    ],
)
async def test_post_message_refuses_what_slack_refuses(
    fake: FakeSlack, client: AsyncWebClient, args: dict[str, Any], error: str
) -> None:
    # api_call sends the arguments as given: the SDK's own warnings are not under test.
    with pytest.raises(SlackApiError) as raised:
        await client.api_call("chat.postMessage", json=args)

    assert raised.value.response.status_code == 200
    assert raised.value.response["error"] == error
    assert fake.calls_to("chat.postMessage")[0].error == error
    assert fake.messages("C1") == []


async def test_invalid_blocks_names_the_offending_field(client: AsyncWebClient) -> None:
    blocks = [section("ok"), {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}]

    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C1", text="x", blocks=blocks)

    assert raised.value.response["errors"] == [
        "must be less than 151 characters [json-pointer:/blocks/1/text/text]"
    ]


def test_a_message_built_with_slack_sdk_models_passes_the_checks() -> None:
    # Guards against a fake stricter than Slack: everything our views use, at its limits.
    blocks = [
        HeaderBlock(text="h" * 150),
        SectionBlock(
            text=MarkdownTextObject(text="s" * 3_000),
            fields=[MarkdownTextObject(text="f" * 2_000)] * 10,
            accessory=ButtonElement(text="Details", action_id="details", value="v"),
        ),
        DividerBlock(),
        ContextBlock(elements=[MarkdownTextObject(text="c")] * 10),
        ActionsBlock(
            block_id="buttons",
            elements=[
                ButtonElement(text="b" * 75, action_id=f"a{i}", value="v" * 2_000, style="primary")
                for i in range(25)
            ],
        ),
    ]
    dicts = [{**b.to_dict(), "block_id": f"b{i}"} for i, b in enumerate(blocks * 10)]

    assert len(dicts) == 50
    assert check_message({"text": "t", "blocks": dicts}, text_limit=40_000) is None


def test_duplicate_block_ids_are_refused() -> None:
    blocks = [{**section("a"), "block_id": "same"}, {**section("b"), "block_id": "same"}]

    refusal = check_message({"blocks": blocks}, text_limit=40_000)

    assert refusal is not None
    assert refusal.error == "invalid_blocks"
    assert refusal.messages == ("duplicate block_id [json-pointer:/blocks/1/block_id]",)


async def test_form_encoded_blocks_arrive_decoded(fake: FakeSlack, client: AsyncWebClient) -> None:
    blocks = [section("from a form")]

    await client.api_call(
        "chat.postMessage", data={"channel": "C1", "text": "x", "blocks": json.dumps(blocks)}
    )

    (call,) = fake.calls_to("chat.postMessage")
    assert call.args == {"channel": "C1", "text": "x", "blocks": blocks}
    assert fake.messages("C1")[0]["blocks"] == blocks


async def test_post_ephemeral_answers_a_message_ts(fake: FakeSlack, client: AsyncWebClient) -> None:
    response = await client.chat_postEphemeral(channel="C1", user="U123", text="only you")

    assert response["message_ts"]
    assert fake.messages("C1") == []
    assert [(e["user"], e["text"]) for e in fake.ephemerals("C1")] == [("U123", "only you")]


async def test_users_info_gives_time_zone_and_locale_when_asked(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.set_user("U777", tz="Europe/Berlin", locale="de-DE", name="anna")

    with_locale = await client.users_info(user="U777", include_locale=True)
    without = await client.users_info(user="U777")

    user = with_locale["user"]
    offset = datetime.now(UTC).astimezone(ZoneInfo("Europe/Berlin")).utcoffset()
    assert offset is not None
    assert (user["id"], user["name"], user["tz"]) == ("U777", "anna", "Europe/Berlin")
    assert user["tz_offset"] == int(offset.total_seconds())
    assert user["tz_label"]
    assert user["locale"] == "de-DE"
    assert "locale" not in without["user"]
    assert fake.calls_to("users.info")[0].args == {"user": "U777", "include_locale": "1"}


async def test_users_info_knows_the_default_user_and_no_one_else(client: AsyncWebClient) -> None:
    default = await client.users_info(user="U123")
    with pytest.raises(SlackApiError) as raised:
        await client.users_info(user="U404")

    assert default["user"]["tz"] == "UTC"
    assert raised.value.response["error"] == "user_not_found"


async def test_socket_mode_url_only_for_the_app_token(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as wrong:
        await client.apps_connections_open(app_token="xapp-1")
    assert wrong.value.response["error"] == "invalid_auth"
    with pytest.raises(SlackApiError) as bot_token:
        await client.apps_connections_open(app_token="xoxb-test-token")
    assert bot_token.value.response["error"] == "not_allowed_token_type"
    opened = await client.apps_connections_open(app_token="xapp-1-test")
    assert str(opened["url"]).startswith("ws://127.0.0.1:")


async def test_unmodelled_methods_say_so(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        await client.api_call("reactions.add", json={"channel": "C1", "name": "x"})

    assert raised.value.response["error"] == "unknown_method"


# -- failures and retries -----------------------------------------------------------


async def test_rate_limit_surfaces_status_and_retry_after(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)

    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C1", text="hi")

    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "7"
    assert raised.value.response["error"] == "ratelimited"
    # Only the next call was limited.
    assert (await client.chat_postMessage(channel="C1", text="hi"))["ok"]


async def test_rate_limit_retry_handler_succeeds_on_the_retry(fake: FakeSlack) -> None:
    client = AsyncWebClient(
        token=fake.bot_token,
        base_url=fake.api_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    # Retry-After 0: the handler waits 0 s plus its jitter (under a second).
    fake.fail_next("chat.postMessage", status=429, retry_after=0)

    response = await client.chat_postMessage(channel="C1", text="eventually")

    assert response["ok"]
    failed, succeeded = fake.calls_to("chat.postMessage")
    assert (failed.status, failed.error) == (429, "ratelimited")
    assert succeeded.ok
    assert succeeded.at >= failed.at
    assert [m["text"] for m in fake.messages("C1")] == ["eventually"]


async def test_server_errors_and_refusals_can_be_scripted(fake: FakeSlack) -> None:
    client = AsyncWebClient(
        token=fake.bot_token,
        base_url=fake.api_url,
        retry_handlers=[
            AsyncServerErrorRetryHandler(
                max_retry_count=2, interval_calculator=FixedValueRetryIntervalCalculator(0.01)
            )
        ],
    )
    fake.fail_next("chat.update", status=200, error="invalid_blocks")
    fake.fail_next("chat.postMessage", status=500, times=2)

    posted = await client.chat_postMessage(channel="C1", text="after two 500s")
    with pytest.raises(SlackApiError) as raised:
        await client.chat_update(channel="C1", ts=posted["ts"], text="x")

    assert [c.status for c in fake.calls_to("chat.postMessage")] == [500, 500, 200]
    assert raised.value.response["error"] == "invalid_blocks"
    assert fake.message("C1", posted["ts"])["text"] == "after two 500s"


@pytest.mark.parametrize(
    ("status", "error"),
    [(500, "internal_error"), (200, "fatal_error"), (503, "service_unavailable")],
)
async def test_a_post_can_be_made_then_answered_as_a_failure(
    fake: FakeSlack, client: AsyncWebClient, status: int, error: str
) -> None:
    fake.fail_next("chat.postMessage", status=status, error=error, acted=True)

    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C1", text="posted all the same")

    assert (raised.value.response.status_code, raised.value.response["error"]) == (status, error)
    # Slack acted before it answered: the message is in the channel.
    assert [m["text"] for m in fake.messages("C1")] == ["posted all the same"]
    [call] = fake.calls_to("chat.postMessage")
    assert (call.ok, call.status, call.error) == (False, status, error)


@pytest.mark.parametrize("acted", [True, False])
async def test_a_dropped_connection_gives_no_answer(fake: FakeSlack, acted: bool) -> None:
    # slack_sdk's default handler would re-send once on a dropped connection.
    client = AsyncWebClient(token=fake.bot_token, base_url=fake.api_url, retry_handlers=[])
    fake.drop_next("chat.postMessage", acted=acted)

    with pytest.raises(aiohttp.ServerDisconnectedError):
        await client.chat_postMessage(channel="C1", text="lost answer")

    assert [m["text"] for m in fake.messages("C1")] == (["lost answer"] if acted else [])
    [call] = fake.calls_to("chat.postMessage")
    assert (call.status, call.error) == (DROPPED_STATUS, DROPPED_ERROR)
    # Only that call: the next one is answered.
    assert (await client.chat_postMessage(channel="C1", text="next"))["ok"]


# -- response_url -------------------------------------------------------------------


async def test_response_url_posts_are_recorded(fake: FakeSlack) -> None:
    url = fake.response_url("slash-1")

    response = await AsyncWebhookClient(url).send(text="working on it", response_type="ephemeral")

    assert (response.status_code, response.body) == (200, "ok")
    (call,) = fake.calls_to("response_url")
    assert call.args["name"] == "slash-1"
    assert call.args["text"] == "working on it"
    assert call.path == "/response/slash-1"
    assert fake.responses("slash-1") == [call.args]


async def test_response_url_replaces_and_deletes_the_message_it_was_issued_for(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="C1", text="summary")
    url = fake.response_url("button", channel="C1", message_ts=posted["ts"])
    webhook = AsyncWebhookClient(url)

    await webhook.send(text="refreshed", blocks=[section("new")], replace_original=True)
    assert fake.message("C1", posted["ts"])["blocks"] == [section("new")]
    await webhook.send(text="shared", response_type="in_channel")
    assert [m["text"] for m in fake.messages("C1")] == ["refreshed", "shared"]
    await webhook.send(delete_original=True)
    assert [m["text"] for m in fake.messages("C1")] == ["shared"]


async def test_response_url_refuses_an_empty_post(fake: FakeSlack) -> None:
    empty = await AsyncWebhookClient(fake.response_url()).send_dict({"response_type": "ephemeral"})

    assert (empty.status_code, empty.body) == (400, "no_text")
    assert fake.calls_to("response_url", ok=False)[0].error == "no_text"


async def test_response_url_takes_five_posts(fake: FakeSlack) -> None:
    webhook = AsyncWebhookClient(fake.response_url())

    statuses = [(await webhook.send(text=str(i))).status_code for i in range(6)]

    assert statuses == [200, 200, 200, 200, 200, 404]
    assert fake.calls_to("response_url")[-1].error == "used_url"
    # Issuing the name again gives a fresh URL.
    assert (await AsyncWebhookClient(fake.response_url()).send(text="again")).status_code == 200


async def test_a_response_url_post_can_be_shown_then_failed_or_dropped(fake: FakeSlack) -> None:
    url = fake.response_url("r", channel="C1")
    # No retry handlers: what the fake answers is what the test sees.
    webhook = AsyncWebhookClient(url, retry_handlers=[])
    fake.fail_next("response_url", status=500, acted=True)
    fake.drop_next("response_url")

    failed = await webhook.send(text="shown, then 500", response_type="ephemeral")
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await webhook.send(text="shown, then dropped", response_type="ephemeral")

    assert failed.status_code == 500
    assert [e["text"] for e in fake.ephemerals("C1")] == ["shown, then 500", "shown, then dropped"]
    assert [(c.status, c.error) for c in fake.calls_to("response_url")] == [
        (500, "internal_error"),
        (DROPPED_STATUS, DROPPED_ERROR),
    ]


# -- waiting ------------------------------------------------------------------------


async def test_wait_for_returns_once_the_calls_arrive(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    async def post_later() -> None:
        await asyncio.sleep(0.05)
        await client.chat_postMessage(channel="C1", text="1")
        await client.chat_postMessage(channel="C1", text="2")

    task = asyncio.create_task(post_later())
    calls = await fake.wait_for("chat.postMessage", 2, timeout=5)
    await task

    assert [c.args["text"] for c in calls] == ["1", "2"]


async def test_wait_for_times_out_listing_what_arrived(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    await client.auth_test()

    with pytest.raises(AssertionError, match=r"expected 1 chat.update call\(s\).*auth.test"):
        await fake.wait_for("chat.update", timeout=0.1)


# -- signed requests, through a real Bolt app ---------------------------------------


@pytest.fixture
async def bolt(
    fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """A Bolt AsyncApp on loopback that talks to the fake; yields its events URL and
    the bodies its listeners saw."""
    # With both set, Bolt quietly switches to OAuth and ignores the client's token.
    monkeypatch.delenv("SLACK_CLIENT_ID", raising=False)
    monkeypatch.delenv("SLACK_CLIENT_SECRET", raising=False)
    app = AsyncApp(
        client=AsyncWebClient(token=fake.bot_token, base_url=fake.api_url),
        signing_secret=SIGNING_SECRET,
    )
    seen: list[dict[str, Any]] = []

    @app.command("/kafka-tasks")
    async def on_command(ack: AsyncAck, respond: AsyncRespond, body: dict[str, Any]) -> None:
        await ack()
        seen.append(body)
        await respond(text=f"asked: {body['text']}")

    @app.event("app_mention")
    async def on_mention(event: dict[str, Any], say: AsyncSay, body: dict[str, Any]) -> None:
        seen.append(body)
        await say(text="in the thread", thread_ts=event.get("thread_ts") or event["ts"])

    @app.event("message")
    async def on_dm(event: dict[str, Any], say: AsyncSay, body: dict[str, Any]) -> None:
        seen.append(body)
        await say(text=f"dm: {event['text']}")

    @app.action("refresh")
    async def on_refresh(ack: AsyncAck, respond: AsyncRespond, body: dict[str, Any]) -> None:
        await ack()
        seen.append(body)
        await respond(text="refreshed", replace_original=True)

    runner = web.AppRunner(app.web_app(path="/slack/events"), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/slack/events", seen
    finally:
        await runner.cleanup()


async def test_slash_command_is_acked_and_answered_through_response_url(
    fake: FakeSlack, bolt: tuple[str, list[dict[str, Any]]]
) -> None:
    url, seen = bolt
    async with SlackSender(url, SIGNING_SECRET) as slack:
        response = await slack.slash("prod-orders last 1h", response_url=fake.response_url())

    assert response.status_code == 200
    (call,) = await fake.wait_for("response_url")
    assert call.args["text"] == "asked: prod-orders last 1h"
    assert set(seen[0]) >= {
        "token",
        "team_id",
        "team_domain",
        "channel_id",
        "channel_name",
        "user_id",
        "user_name",
        "command",
        "text",
        "response_url",
        "trigger_id",
        "api_app_id",
    }
    assert (seen[0]["command"], seen[0]["user_id"]) == ("/kafka-tasks", "U123")


async def test_mention_is_answered_in_its_thread(
    fake: FakeSlack, bolt: tuple[str, list[dict[str, Any]]]
) -> None:
    url, seen = bolt
    async with SlackSender(url, SIGNING_SECRET) as slack:
        response = await slack.mention("prod-orders failed", ts="1764200000.000001")

    assert response.status_code == 200
    (post,) = await fake.wait_for("chat.postMessage")
    assert post.args["thread_ts"] == "1764200000.000001"
    assert post.args["channel"] == "C123"
    event = seen[0]["event"]
    assert event["text"] == f"<@{FAKE_BOT_USER_ID}> prod-orders failed"
    assert seen[0]["type"] == "event_callback"
    assert seen[0]["authorizations"][0]["user_id"] == FAKE_BOT_USER_ID
    # Bolt asked who it is before dispatching, as it does on the first request.
    assert fake.calls_to("auth.test")


async def test_direct_message_arrives_as_a_message_im_event(
    fake: FakeSlack, bolt: tuple[str, list[dict[str, Any]]]
) -> None:
    url, seen = bolt
    async with SlackSender(url, SIGNING_SECRET) as slack:
        await slack.dm("help")

    (post,) = await fake.wait_for("chat.postMessage")
    assert (post.args["channel"], post.args["text"]) == ("D123", "dm: help")
    assert seen[0]["event"]["channel_type"] == "im"


async def test_button_click_replaces_the_clicked_message(
    fake: FakeSlack, client: AsyncWebClient, bolt: tuple[str, list[dict[str, Any]]]
) -> None:
    url, seen = bolt
    posted = await client.chat_postMessage(channel="C123", text="summary")
    response_url = fake.response_url("click", channel="C123", message_ts=posted["ts"])
    async with SlackSender(url, SIGNING_SECRET) as slack:
        response = await slack.action(
            "refresh",
            "prod-orders",
            response_url=response_url,
            message=fake.message("C123", posted["ts"]),
        )

    assert response.status_code == 200
    await fake.wait_for("response_url")
    assert fake.message("C123", posted["ts"])["text"] == "refreshed"
    body = seen[0]
    assert body["actions"][0]["value"] == "prod-orders"
    assert body["container"]["message_ts"] == posted["ts"]
    assert body["message"]["text"] == "summary"


async def test_forged_and_stale_requests_are_rejected(
    bolt: tuple[str, list[dict[str, Any]]],
) -> None:
    url, seen = bolt
    body = b"command=%2Fkafka-tasks&text=help"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    async with SlackSender(url, "not-the-secret") as forger:
        forged = await forger.slash("help", response_url="http://127.0.0.1:9/none")
    async with SlackSender(url, SIGNING_SECRET) as slack:
        # Slack's verifier allows five minutes of clock skew; this is just past it.
        stale = await slack.raw(
            body, {**form, **slack.signed_headers(body, timestamp=int(time.time()) - 301)}
        )
        unsigned = await slack.raw(body, form)

    assert [r.status_code for r in (forged, stale, unsigned)] == [401, 401, 401]
    assert seen == []


async def test_a_replay_is_the_same_request_and_a_redelivery_the_same_event(
    fake: FakeSlack, bolt: tuple[str, list[dict[str, Any]]]
) -> None:
    url, seen = bolt
    async with SlackSender(url, SIGNING_SECRET) as slack:
        await slack.slash("help", response_url=fake.response_url())
        sent = slack.last_request
        replayed = await slack.replay()
        assert slack.last_request == sent
        await slack.mention("prod-orders", ts="1764200000.000002")
        first = slack.last_request
        redelivered = await slack.redeliver(retry_num=2, retry_reason="http_error")
        again = slack.last_request

    assert replayed.status_code == redelivered.status_code == 200
    assert first is not None
    assert again is not None
    # The same envelope, signed afresh, saying it is Slack's second retry.
    assert json.loads(first[0]) == json.loads(again[0])
    assert again[1]["X-Slack-Retry-Num"] == "2"
    assert again[1]["X-Slack-Retry-Reason"] == "http_error"
    assert "X-Slack-Retry-Num" not in first[1]
    # This bare Bolt app dedupes nothing: the listeners saw all four.
    assert [b.get("command") or b["event"]["event_ts"] for b in seen] == [
        "/kafka-tasks",
        "/kafka-tasks",
        "1764200000.000002",
        "1764200000.000002",
    ]


async def test_url_verification_gets_the_challenge_back(
    bolt: tuple[str, list[dict[str, Any]]],
) -> None:
    url, _ = bolt
    async with SlackSender(url, SIGNING_SECRET) as slack:
        response = await slack.url_verification("abc123")

    assert response.json() == {"challenge": "abc123"}
