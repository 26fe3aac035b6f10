"""The bot as Slack sees it: signed requests in over HTTP, Web API calls out to a fake.

Each test runs the real server (``python -m bot serve``'s code) on loopback against the
simulator, sends what Slack would send, and reads what the bot posted back.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.core import actions
from bot.simulator import SimulatorConfig
from tests.fakes.slack import Call
from tests.scenarios.slack_harness import (
    RunningBot,
    buttons_of,
    final_response,
    running_bot,
    text_of,
)


@pytest.fixture
async def bot() -> AsyncIterator[RunningBot]:
    async with running_bot() as running:
        yield running


async def slash_answer(bot: RunningBot, text: str, name: str = "slash") -> Call:
    response_url = bot.slack.response_url(name)
    reply = await bot.sender.slash(text, response_url=response_url)
    assert reply.status_code == 200
    return await final_response(bot.slack, name)


async def test_slash_command_answers_ephemerally_with_a_summary_and_buttons(
    bot: RunningBot,
) -> None:
    answer = await slash_answer(bot, "prod-orders last 1h")
    assert answer.args.get("response_type") == "ephemeral"
    text = text_of(answer)
    assert "prod-orders" in text
    assert "last 1h" in text
    assert "begin_time" in text or "UTC" in text
    found = buttons_of(answer)
    for action_id in (actions.REFRESH, actions.SHARE, actions.DETAILS):
        assert action_id in found, action_id


async def test_slow_upstream_is_acked_at_once_and_answered_after_a_placeholder() -> None:
    async with running_bot(sim_config=SimulatorConfig(latency_ms=2000)) as bot:
        response_url = bot.slack.response_url("slow")
        started = time.monotonic()
        reply = await bot.sender.slash("prod-orders last 1h", response_url=response_url)
        acked_in = time.monotonic() - started
        assert reply.status_code == 200
        assert acked_in < 3.0
        calls = await bot.slack.wait_for("response_url", 2, timeout=30)
        placeholder, answer = calls[0], calls[-1]
        assert "Looking up" in text_of(placeholder) or "looking up" in text_of(placeholder)
        assert answer.args.get("replace_original") is True
        assert "prod-orders" in text_of(answer)
        assert answer.at - started > acked_in


async def test_mention_is_answered_in_its_thread_without_share(bot: RunningBot) -> None:
    reply = await bot.sender.mention("<@U0BOT> prod-orders failed last 7d", ts="1700000000.000100")
    assert reply.status_code == 200
    [posted] = await bot.slack.wait_for("chat.postMessage", 1)
    assert posted.args["thread_ts"] == "1700000000.000100"
    assert posted.args["channel"] == "C123"
    assert "match status Failed" in text_of(posted)
    assert actions.SHARE not in buttons_of(posted)


async def test_direct_message_is_answered_in_the_dm(bot: RunningBot) -> None:
    await bot.sender.dm("prod-payments last 24h", channel="D999")
    [posted] = await bot.slack.wait_for("chat.postMessage", 1)
    assert posted.args["channel"] == "D999"
    assert "prod-payments" in text_of(posted)


async def test_next_page_on_a_channel_message_updates_it_in_place(bot: RunningBot) -> None:
    await bot.sender.mention("<@U0BOT> prod-orders last 7d", ts="1700000000.000200")
    [posted] = await bot.slack.wait_for("chat.postMessage", 1)
    [next_button] = buttons_of(posted)[actions.PAGE_NEXT]
    ts = bot.slack.messages("C123")[-1]["ts"]
    await bot.sender.action(
        actions.PAGE_NEXT,
        next_button["value"],
        message_ts=ts,
        response_url=bot.slack.response_url("n"),
    )
    [updated] = await bot.slack.wait_for("chat.update", 1)
    assert updated.args["ts"] == ts
    assert actions.PAGE_PREV in buttons_of(updated)
    assert "11" in text_of(updated)


async def test_buttons_on_an_ephemeral_answer_replace_it_through_response_url(
    bot: RunningBot,
) -> None:
    answer = await slash_answer(bot, "prod-orders last 7d", name="first")
    [refresh] = buttons_of(answer)[actions.REFRESH]
    await bot.sender.action(
        actions.REFRESH,
        refresh["value"],
        ephemeral=True,
        response_url=bot.slack.response_url("refresh"),
    )
    refreshed = await final_response(bot.slack, "refresh")
    assert refreshed.args.get("replace_original") is True
    assert "prod-orders" in text_of(refreshed)


async def test_details_go_in_the_thread_with_secrets_masked(bot: RunningBot) -> None:
    await bot.sender.mention(
        "<@U0BOT> prod-orders last 30d name resetPassword", ts="1700000000.000300"
    )
    [posted] = await bot.slack.wait_for("chat.postMessage", 1)
    details = buttons_of(posted)[actions.DETAILS]
    ts = bot.slack.messages("C123")[-1]["ts"]
    await bot.sender.action(
        actions.DETAILS,
        details[0]["value"],
        message_ts=ts,
        response_url=bot.slack.response_url("d"),
    )
    calls = await bot.slack.wait_for("chat.postMessage", 2)
    shown = calls[-1]
    assert shown.args["thread_ts"] in (ts, "1700000000.000300")
    task_id = json.loads(details[0]["value"])["t"]
    assert task_id in text_of(shown)
    timeline = bot.sim.state.timeline(
        bot.sim.state.find_instances("prod-orders", exact=True)[0].instance_id
    )
    assert timeline is not None
    task = next(t for t in timeline if t.id == task_id)
    secret = json.loads(task.params)
    for key, value in secret.items():
        if "password" in key.lower() and isinstance(value, str) and value:
            assert value not in text_of(shown)


async def test_details_slack_refuses_in_the_thread_reach_the_presser(bot: RunningBot) -> None:
    await bot.sender.mention("<@U0BOT> prod-orders last 30d", ts="1700000000.000400")
    [posted] = await bot.slack.wait_for("chat.postMessage", 1)
    details = buttons_of(posted)[actions.DETAILS]
    ts = bot.slack.messages("C123")[-1]["ts"]
    bot.slack.fail_next("chat.postMessage", error="not_in_channel")
    await bot.sender.action(
        actions.DETAILS,
        details[0]["value"],
        message_ts=ts,
        response_url=bot.slack.response_url("r"),
    )
    shown = await final_response(bot.slack, "r")
    assert shown.args.get("response_type") == "ephemeral"
    assert json.loads(details[0]["value"])["t"] in text_of(shown)


async def test_share_posts_the_answer_in_the_channel(bot: RunningBot) -> None:
    answer = await slash_answer(bot, "prod-orders last 1h")
    [share] = buttons_of(answer)[actions.SHARE]
    await bot.sender.action(
        actions.SHARE, share["value"], ephemeral=True, response_url=bot.slack.response_url("s")
    )
    [shared] = await bot.slack.wait_for("chat.postMessage", 1)
    assert shared.args["channel"] == "C123"
    assert "prod-orders" in text_of(shared)
    assert actions.SHARE not in buttons_of(shared)


@pytest.mark.parametrize("kind", ["forged", "stale", "missing"])
async def test_badly_signed_requests_get_401_and_run_nothing(bot: RunningBot, kind: str) -> None:
    body = (
        b"command=%2Fkafka-tasks&text=prod-orders&user_id=U1&channel_id=C1"
        b"&response_url=http%3A%2F%2F127.0.0.1%3A1%2Fx"
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if kind == "forged":
        headers |= bot.sender.signed_headers(body) | {"X-Slack-Signature": "v0=" + "0" * 64}
    elif kind == "stale":
        headers |= bot.sender.signed_headers(body, timestamp=int(time.time()) - 600)
    reply = await bot.sender.raw(body, headers)
    assert reply.status_code == 401
    assert [c.method for c in bot.slack.calls if c.method != "auth.test"] == []


async def test_health_reports_http_mode(bot: RunningBot) -> None:
    health = await bot.health()
    assert health.status_code == 200
    assert health.json()["mode"] == "http"


async def test_times_are_read_in_the_users_slack_zone(bot: RunningBot) -> None:
    bot.slack.set_user("U123", tz="Asia/Shanghai")
    answer = await slash_answer(bot, "prod-orders since 09:00")
    assert "Asia/Shanghai" in text_of(answer)
    assert await bot.slack.wait_for("users.info", 1)


# -- the errors table of design.md, one row per test ----------------------------------


async def test_unparseable_command_quotes_it_and_shows_the_nearest_form(bot: RunningBot) -> None:
    text = text_of(await slash_answer(bot, "prod-orders lst 2h"))
    assert '"lst' in text or "lst" in text
    assert "last 2h" in text


async def test_unknown_instance_names_the_place_and_close_matches(bot: RunningBot) -> None:
    text = text_of(await slash_answer(bot, "prod-ordrs last 1h"))
    assert "prod-ordrs" in text
    assert "prod-orders" in text


async def test_ambiguous_name_offers_the_candidates_as_buttons(bot: RunningBot) -> None:
    answer = await slash_answer(bot, "orders last 1h", name="ambiguous")
    picks = buttons_of(answer)[actions.PICK_INSTANCE]
    labels = {b["text"]["text"] for b in picks}
    assert {"prod-orders", "prod-orders-dr", "staging-orders"} <= labels
    chosen = next(b for b in picks if b["text"]["text"] == "staging-orders")
    await bot.sender.action(
        actions.PICK_INSTANCE,
        chosen["value"],
        ephemeral=True,
        response_url=bot.slack.response_url("pick"),
    )
    picked = await final_response(bot.slack, "pick")
    assert "staging-orders" in text_of(picked)
    assert "last 1h" in text_of(picked)


async def test_rejected_credentials_say_which_to_check_and_never_the_key() -> None:
    async with running_bot(sk="definitely-wrong-secret") as bot:
        text = text_of(await slash_answer(bot, "prod-orders last 1h"))
        assert "HUAWEICLOUD_SDK_SK" in text
        assert "definitely-wrong-secret" not in json.dumps([c.args for c in bot.slack.calls])


async def test_throttling_says_when_to_try_again(bot: RunningBot) -> None:
    await slash_answer(bot, "help", name="warm")  # nothing upstream yet
    bot.sim.faults.add("429", count=5, retry_after=120)
    text = text_of(await slash_answer(bot, "prod-orders last 1h", name="throttled"))
    assert "throttling" in text
    assert "120 s" in text


async def test_dms_down_gives_the_request_id_and_a_retry_button(bot: RunningBot) -> None:
    bot.sim.faults.add("503", count=50)
    answer = await slash_answer(bot, "prod-orders last 1h")
    assert "DMS did not answer" in text_of(answer)
    assert "request id" in text_of(answer)
    [retry] = buttons_of(answer)[actions.RETRY]
    bot.sim.faults.clear()
    await bot.sender.action(
        actions.RETRY, retry["value"], ephemeral=True, response_url=bot.slack.response_url("retry")
    )
    retried = await final_response(bot.slack, "retry")
    assert "prod-orders" in text_of(retried)
    assert actions.RETRY not in buttons_of(retried)


async def test_malformed_upstream_body_is_reported_with_the_request_id(bot: RunningBot) -> None:
    await slash_answer(bot, "instances", name="warm")  # resolve names first
    bot.sim.faults.add("malformed", count=1)
    text = text_of(await slash_answer(bot, "prod-orders last 1h", name="bad"))
    assert "unexpected" in text
    assert "request id" in text


async def test_slack_rate_limit_on_posting_is_retried_and_the_answer_arrives(
    bot: RunningBot,
) -> None:
    bot.slack.fail_next("chat.postMessage", status=429, retry_after=1)
    await bot.sender.mention("<@U0BOT> prod-orders last 1h", ts="1700000000.000400")
    calls = await bot.slack.wait_for("chat.postMessage", 2, timeout=15)
    assert "prod-orders" in text_of(calls[-1])
    assert calls[-1].at - calls[0].at >= 1.0


async def test_a_command_containing_the_word_payload_is_still_answered(bot: RunningBot) -> None:
    bot.sim.state.add_instance("payload-gateway", 12, span=timedelta(hours=1))
    text = text_of(await slash_answer(bot, "payload-gateway last 2h"))
    assert "payload-gateway" in text
