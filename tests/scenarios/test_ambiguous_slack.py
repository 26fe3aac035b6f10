"""Slack said "failed" after it had posted, or the connection dropped with no answer, or
Slack sent the same request twice: what people read is still each message once.

Slack documents that a 5xx, ``fatal_error`` or ``internal_error`` answer may come after
the message was posted; a dropped connection says nothing either way. The fake Slack
does exactly that (``fail_next(..., acted=True)``, ``drop_next``), and each test reads
the channel, the thread or the ephemerals the user saw: one message, never two, and
never none when Slack did not post. Slack also retries events (``X-Slack-Retry-Num``),
and a signed request can be replayed within its five minutes: each is answered once,
by one replica of two sharing a store, and in Socket Mode as over HTTP.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.store.store import Store
from bot.core import actions
from bot.core.records import Subscription
from bot.simulator import ManualClock, SimulatorConfig
from bot.watch.delivery import METADATA_EVENT
from tests.fakes.slack import FakeSlack
from tests.scenarios.slack_harness import (
    RunningBot,
    buttons_of,
    final_response,
    running_bot,
    text_of,
)
from tests.scenarios.test_socket_mode import mention_payload, slash_payload, socket_bot

CHANNEL = "C123"  # where the senders' mentions and commands come from
WATCHED = "C0AMBIGUOUS"
WATCH = {"KAFKA_TASKS_POLL_FAST": "1", "KAFKA_TASKS_POLL_SLOW": "1"}
# No new call for this long: the bot has finished what it was doing with the request.
QUIET_S = 2.5
WAIT_S = 30.0

Fault = Callable[[FakeSlack, str], None]
FAULTS: dict[str, Fault] = {
    "500 after posting": lambda s, m: s.fail_next(m, status=500, acted=True),
    "fatal_error after posting": lambda s, m: s.fail_next(m, error="fatal_error", acted=True),
    "internal_error after posting": lambda s, m: s.fail_next(m, error="internal_error", acted=True),
    "connection dropped after posting": lambda s, m: s.drop_next(m),
    # Not posted, but the bot cannot tell that from the cases above: posted once all the same.
    "500 before posting": lambda s, m: s.fail_next(m, status=500),
}
# A response_url post that may have been shown cannot be looked for (it is ephemeral).
SHOWN_FAULTS = ("500 after posting", "connection dropped after posting")


async def until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def quiet(slack: FakeSlack) -> None:
    """Until the fake has received nothing for QUIET_S: whatever the bot was going to
    send again, it has sent."""
    deadline = time.monotonic() + WAIT_S
    while True:
        seen = len(slack.calls)
        await asyncio.sleep(QUIET_S)
        if len(slack.calls) == seen:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"the bot kept calling Slack: {slack.calls[seen:]}")


@pytest.fixture
async def bot() -> AsyncIterator[RunningBot]:
    async with running_bot() as running:
        yield running


# -- notifications -------------------------------------------------------------------


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_digest_slack_may_have_posted_is_in_the_channel_once(fault: str) -> None:
    clock = ManualClock(datetime.now(UTC))
    async with running_bot(clock=clock, extra=WATCH) as bot:
        iid = bot.sim.state.add_instance("ambiguous", 0, span=timedelta(hours=1), running=5)
        finishing = bot.sim.state.timeline(iid) or ()
        store = Store.open(bot.database_url)
        try:
            store.subscriptions.upsert.sync(
                Subscription(
                    channel=WATCHED,
                    instance_id=iid,
                    instance_name="ambiguous",
                    scope="all",
                    name_glob=None,
                    created_by="U123",
                    created_at=clock.now(),
                )
            )

            async def baselined() -> bool:
                return await store.polling.has_baseline(iid)

            await until(baselined, "the baseline poll")
            FAULTS[fault](bot.slack, "chat.postMessage")
            clock.advance(timedelta(days=1))  # all five end: one digest

            async def settled() -> bool:
                empty = await store.outbox.depth() == 0
                return empty and bool(bot.slack.messages(WATCHED))

            await until(settled, "the digest delivered and the outbox empty")
            await quiet(bot.slack)
            assert await store.outbox.depth() == 0
        finally:
            store.close()
        [digest] = bot.slack.messages(WATCHED)
        meta = digest["metadata"]
        assert meta["event_type"] == METADATA_EVENT
        expected = {f"sub:{WATCHED}:{t.id}:{t.final_status}" for t in finishing}
        assert set(meta["event_payload"]["covers"].split(",")) == expected
        # The post that failed or dropped was the only one Slack took, or, when it did not
        # take it, the one after a look at the channel.
        posts = bot.slack.calls_to("chat.postMessage")
        assert len(posts) == (2 if fault == "500 before posting" else 1)
        assert bot.slack.calls_to("conversations.history"), "the channel was looked at"


# -- replies to a person -------------------------------------------------------------


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_mention_slack_may_have_answered_is_answered_once(
    bot: RunningBot, fault: str
) -> None:
    FAULTS[fault](bot.slack, "chat.postMessage")
    ts = bot.sender.new_ts()
    await bot.sender.mention("prod-orders last 1h", ts=ts)

    async def answered() -> bool:
        return bool(bot.slack.replies(CHANNEL, ts))

    await until(answered, "the answer in the mention's thread")
    await quiet(bot.slack)
    [answer] = bot.slack.replies(CHANNEL, ts)
    assert "prod-orders" in answer["text"]
    # Before any second post the thread was read, never posted into blindly.
    posts = bot.slack.calls_to("chat.postMessage")
    assert len(posts) == (2 if fault == "500 before posting" else 1)
    assert bot.slack.calls_to("conversations.replies")


def answers_in(bot: RunningBot, thread_ts: str) -> list[dict[str, object]]:
    return [m for m in bot.slack.replies(CHANNEL, thread_ts) if "Looking up" not in m["text"]]


async def test_a_mention_whose_placeholder_slack_left_unknown_is_answered_once() -> None:
    # DMS is slow, so a placeholder is posted first; Slack fails both its posts without
    # posting, and the thread shows nothing: there is no placeholder to edit.
    async with running_bot(sim_config=SimulatorConfig(latency_ms=1500)) as bot:
        bot.slack.fail_next("chat.postMessage", status=500, times=2)
        ts = bot.sender.new_ts()
        await bot.sender.mention("prod-orders last 1h", ts=ts)

        async def answered() -> bool:
            return bool(answers_in(bot, ts))

        await until(answered, "the answer in the mention's thread")
        await quiet(bot.slack)
        # The answer as a message of its own, once; no edit of a message not there.
        [answer] = bot.slack.replies(CHANNEL, ts)
        assert "prod-orders" in answer["text"]
        assert "Looking up" not in answer["text"]
        assert not bot.slack.calls_to("chat.update")
        assert len(bot.slack.calls_to("chat.postMessage", ok=True)) == 1


async def test_a_command_whose_placeholder_slack_left_unknown_still_gets_its_answer() -> None:
    async with running_bot(sim_config=SimulatorConfig(latency_ms=1500)) as bot:
        bot.slack.fail_next("response_url", status=500)  # the placeholder: not shown
        url = bot.slack.response_url("slow", channel=CHANNEL)
        await bot.sender.slash("prod-orders last 1h", response_url=url)
        await final_response(bot.slack, "slow")
        await quiet(bot.slack)
        placeholder, answer = bot.slack.calls_to("response_url")
        assert "Looking up" in text_of(placeholder)
        # Posted as a reply of its own, not as the replacement of a placeholder that may
        # not be there.
        assert answer.args["replace_original"] is False
        [shown] = bot.slack.ephemerals(CHANNEL)
        assert "prod-orders" in shown["text"]
        assert "Looking up" not in shown["text"]


async def test_a_private_answer_slack_left_unknown_tells_the_asker_to_look(
    bot: RunningBot,
) -> None:
    # An error goes to the asker alone; Slack fails that ephemeral post, not showing it.
    bot.slack.fail_next("chat.postEphemeral", status=500)
    ts = bot.sender.new_ts()
    await bot.sender.mention("prod-orders last banana", ts=ts)
    await bot.slack.wait_for("chat.postEphemeral", 2)
    await quiet(bot.slack)
    # Not sent again (it may have been shown), but a note says to ask again if not.
    [note] = bot.slack.ephemerals(CHANNEL)
    assert note["user"] == "U123"
    assert note["thread_ts"] == ts
    assert "Slack did not confirm" in note["text"]
    assert not bot.slack.replies(CHANNEL, ts)


async def test_a_private_answer_slack_left_unknown_is_said_by_the_placeholder() -> None:
    async with running_bot(sim_config=SimulatorConfig(latency_ms=1500)) as bot:
        bot.slack.fail_next("chat.postEphemeral", status=500)
        ts = bot.sender.new_ts()
        await bot.sender.mention("no-such-cluster last 1h", ts=ts)
        await bot.slack.wait_for("chat.update", 1, timeout=WAIT_S)
        await quiet(bot.slack)
        # The public placeholder says it, instead of "answered privately".
        [placeholder] = bot.slack.replies(CHANNEL, ts)
        assert "Slack did not confirm" in placeholder["text"]
        assert "<@U123>" in placeholder["text"]
        assert len(bot.slack.calls_to("chat.postEphemeral")) == 1


@pytest.mark.parametrize("fault", SHOWN_FAULTS)
async def test_a_command_answer_response_url_may_have_shown_is_not_sent_again(
    bot: RunningBot, fault: str
) -> None:
    FAULTS[fault](bot.slack, "response_url")
    url = bot.slack.response_url("maybe", channel=CHANNEL)
    await bot.sender.slash("prod-orders last 1h", response_url=url)
    await bot.slack.wait_for("response_url", 1)
    await quiet(bot.slack)
    # Neither posted to response_url again nor sent as an ephemeral message instead.
    [shown] = bot.slack.ephemerals(CHANNEL)
    assert "prod-orders" in shown["text"]
    assert len(bot.slack.calls_to("response_url")) == 1
    assert not bot.slack.calls_to("chat.postEphemeral")


@pytest.mark.parametrize("fault", SHOWN_FAULTS)
async def test_a_share_slack_may_have_posted_is_in_the_channel_once(
    bot: RunningBot, fault: str
) -> None:
    await bot.sender.slash("prod-orders last 1h", response_url=bot.slack.response_url("ask"))
    [share] = buttons_of(await final_response(bot.slack, "ask"))[actions.SHARE]
    FAULTS[fault](bot.slack, "chat.postMessage")
    await bot.sender.action(
        actions.SHARE, share["value"], ephemeral=True, response_url=bot.slack.response_url("s")
    )
    await bot.slack.wait_for("chat.postMessage", 1)
    await quiet(bot.slack)
    [shared] = bot.slack.messages(CHANNEL)
    assert "prod-orders" in shared["text"]
    # Not shared a second time through response_url either.
    assert not bot.slack.responses("s")


UNCONFIRMED = {"en": "Slack did not confirm", "zh": "Slack 没有确认"}


@pytest.mark.parametrize("lang", UNCONFIRMED)
async def test_a_share_slack_left_unknown_in_a_channel_the_bot_cannot_read_is_said(
    bot: RunningBot, lang: str
) -> None:
    if lang == "zh":
        bot.slack.set_user("U123", locale="zh-CN")
    await bot.sender.slash("prod-orders last 1h", response_url=bot.slack.response_url("ask"))
    [share] = buttons_of(await final_response(bot.slack, "ask"))[actions.SHARE]
    # Not posted, but Slack's answer cannot say so; and the channel is public, so the
    # bot may post in it without being a member, but not read it to look.
    bot.slack.fail_next("chat.postMessage", status=500)
    bot.slack.fail_next("conversations.history", error="not_in_channel")
    await bot.sender.action(
        actions.SHARE, share["value"], ephemeral=True, response_url=bot.slack.response_url("s")
    )

    async def told() -> bool:
        return bool(bot.slack.responses("s"))

    await until(told, "a note to the presser")
    await quiet(bot.slack)
    # One note, to the presser alone, in their language; nothing shared blindly again.
    [note] = bot.slack.responses("s")
    assert UNCONFIRMED[lang] in note["text"]
    assert note["response_type"] == "ephemeral"
    assert note["replace_original"] is False
    assert not bot.slack.messages(CHANNEL)
    assert len(bot.slack.calls_to("chat.postMessage")) == 1


async def test_details_slack_twice_left_unknown_and_not_in_the_thread_are_said(
    bot: RunningBot,
) -> None:
    ts = bot.sender.new_ts()
    await bot.sender.mention("prod-orders last 30d", ts=ts)
    [answer] = await bot.slack.wait_for("chat.postMessage", 1)
    details = buttons_of(answer)[actions.DETAILS]
    posted = bot.slack.messages(CHANNEL)[-1]["ts"]
    bot.slack.fail_next("chat.postMessage", status=500, times=2)  # neither posted
    await bot.sender.action(
        actions.DETAILS,
        details[0]["value"],
        message_ts=posted,
        response_url=bot.slack.response_url("d"),
    )

    async def told() -> bool:
        return bool(bot.slack.responses("d"))

    await until(told, "a note to the presser")
    await quiet(bot.slack)
    [note] = bot.slack.responses("d")
    assert "Slack did not confirm" in note["text"]
    assert "thread" in note["text"]
    assert note["response_type"] == "ephemeral"
    # Posted twice, each after a look at the thread, then no third blind post.
    assert len(bot.slack.calls_to("chat.postMessage")) == 3
    assert len(bot.slack.calls_to("conversations.replies")) == 2
    assert bot.slack.replies(CHANNEL, ts) == [bot.slack.message(CHANNEL, posted)]


# -- the same request twice ----------------------------------------------------------


async def test_an_event_slack_retries_after_it_was_answered_is_not_answered_again(
    bot: RunningBot,
) -> None:
    ts = bot.sender.new_ts()
    await bot.sender.mention("prod-orders last 1h", ts=ts)
    await bot.slack.wait_for("chat.postMessage", 1)
    retried = await bot.sender.redeliver(retry_num=1, retry_reason="http_timeout")
    # Acked, so that Slack stops retrying.
    assert retried.status_code == 200
    await quiet(bot.slack)
    assert len(bot.slack.replies(CHANNEL, ts)) == 1
    assert len(bot.slack.calls_to("chat.postMessage")) == 1


async def test_an_event_retried_while_its_answer_is_on_the_way_is_answered_once() -> None:
    # DMS takes longer than Slack waits: the retry comes while the first is being answered.
    async with running_bot(sim_config=SimulatorConfig(latency_ms=1500)) as bot:
        ts = bot.sender.new_ts()
        await bot.sender.mention("prod-orders last 1h", ts=ts)
        first = bot.sender.last_payload
        retries = [
            await bot.sender.redeliver(first, retry_num=n, retry_reason="http_timeout")
            for n in (1, 2)
        ]
        assert [r.status_code for r in retries] == [200, 200]

        async def answered() -> bool:
            return any("prod-orders" in m["text"] for m in bot.slack.replies(CHANNEL, ts))

        await until(answered, "the answer")
        await quiet(bot.slack)
        # One message in the thread: the placeholder, edited into the answer.
        [answer] = bot.slack.replies(CHANNEL, ts)
        assert "prod-orders" in answer["text"]


REPLAYABLE = ("slash command", "button click")


@pytest.mark.parametrize("kind", REPLAYABLE)
async def test_a_signed_request_replayed_within_its_five_minutes_is_answered_once(
    bot: RunningBot, kind: str
) -> None:
    if kind == "slash command":
        await bot.sender.slash("prod-orders last 1h", response_url=bot.slack.response_url("r"))
    else:
        await bot.sender.slash("prod-orders last 1h", response_url=bot.slack.response_url("ask"))
        [refresh] = buttons_of(await final_response(bot.slack, "ask"))[actions.REFRESH]
        await bot.sender.action(
            actions.REFRESH,
            refresh["value"],
            ephemeral=True,
            response_url=bot.slack.response_url("r"),
        )
    answer = await final_response(bot.slack, "r")
    replayed = await bot.sender.replay()
    assert replayed.status_code == 200
    await quiet(bot.slack)
    assert bot.slack.responses("r") == [answer.args]


async def test_two_replicas_sharing_a_store_answer_a_retried_event_once(tmp_path: Path) -> None:
    shared = f"sqlite:///{tmp_path}/shared.db"
    async with (
        running_bot(database_url=shared) as one,
        running_bot(database_url=shared) as two,
    ):
        ts = one.sender.new_ts()
        event = {
            "type": "app_mention",
            "user": "U123",
            "text": "<@U0BOT> prod-orders last 1h",
            "ts": ts,
            "channel": CHANNEL,
            "event_ts": ts,
        }
        # Slack's first delivery reaches one replica; its retry, at once, the other.
        await one.sender.event(event)
        envelope = one.sender.last_payload
        both = await asyncio.gather(
            one.sender.redeliver(envelope, retry_num=1),
            two.sender.redeliver(envelope, retry_num=2),
        )
        assert [r.status_code for r in both] == [200, 200]

        async def answered() -> bool:
            return bool(one.slack.replies(CHANNEL, ts) or two.slack.replies(CHANNEL, ts))

        await until(answered, "the answer from one of the replicas")
        await asyncio.gather(quiet(one.slack), quiet(two.slack))
        answers = one.slack.replies(CHANNEL, ts) + two.slack.replies(CHANNEL, ts)
        assert len(answers) == 1


async def test_socket_mode_answers_a_redelivered_envelope_once(tmp_path: Path) -> None:
    async with socket_bot(tmp_path) as bot:
        ts = "1700000000.000900"
        event = mention_payload("prod-orders last 1h", ts=ts)
        first = await bot.slack.socket.send("events_api", event)
        again = await bot.slack.socket.send(
            "events_api", event, retry_attempt=1, retry_reason="timeout"
        )
        url = bot.slack.response_url("socket", channel=CHANNEL)
        command = slash_payload("prod-orders last 2h", response_url=url)
        once = await bot.slack.socket.send("slash_commands", command)
        twice = await bot.slack.socket.send("slash_commands", command)
        for envelope in (first, again, once, twice):
            # Every envelope is acked, or Slack would keep sending it.
            await bot.slack.socket.wait_for_ack(envelope.envelope_id, timeout=WAIT_S)
        await bot.slack.wait_for("chat.postMessage", 1)
        await final_response(bot.slack, "socket")
        await quiet(bot.slack)
        assert len(bot.slack.replies(CHANNEL, ts)) == 1
        assert len(bot.slack.responses("socket")) == 1
        assert "prod-orders" in text_of(bot.slack.calls_to("response_url")[0])
