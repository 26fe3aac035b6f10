"""Access rules end to end: signed Slack requests in, refusals and audit lines out.

The rules come from a real kafka-tasks.toml named by KAFKA_TASKS_CONFIG, as in
production; the bot runs over HTTP against the simulator and the fake Slack.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.adapters.audit import AUDIT_LOGGER
from bot.core import actions
from bot.main.settings import SettingsError
from bot.simulator import DEMO_PROJECT_ID
from tests.fakes.slack import Call
from tests.scenarios.slack_harness import (
    RunningBot,
    buttons_of,
    final_response,
    running_bot,
    text_of,
)

INCIDENTS = "C0INCIDENTS"
LOBBY = "C0LOBBY"
ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"
ONCALL = "S0ONCALL"

RULES = f"""
[access]
default = "deny"

[[access.rules]]
description = "the incident channel may do everything"
channels = ["{INCIDENTS}"]

[[access.rules]]
description = "payments stay out of the lobby"
effect = "deny"
channels = ["{LOBBY}"]
instances = ["prod-payments"]

[[access.rules]]
description = "anyone may look at orders in the lobby, not show it"
channels = ["{LOBBY}"]
actions = ["query"]
instances = ["prod-orders*"]

[[access.rules]]
description = "alice may look at anything anywhere"
users = ["{ALICE}"]
actions = ["query", "share"]

[[access.rules]]
description = "on-call may subscribe and unsubscribe anywhere"
groups = ["{ONCALL}"]
actions = ["subscribe", "unsubscribe"]
"""


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[RunningBot]:
    config = tmp_path / "kafka-tasks.toml"
    config.write_text(RULES, encoding="utf-8")
    async with running_bot(extra={"KAFKA_TASKS_CONFIG": str(config)}) as running:
        for user in (ALICE, BOB, CAROL):
            running.slack.set_user(user)
        running.slack.set_group(ONCALL, [CAROL])
        yield running


@pytest.fixture
def audit(caplog: pytest.LogCaptureFixture) -> Iterator[list[dict[str, object]]]:
    caplog.set_level(logging.INFO, logger=AUDIT_LOGGER)
    lines: list[dict[str, object]] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(json.loads(record.getMessage()))

    handler = Capture()
    logging.getLogger(AUDIT_LOGGER).addHandler(handler)
    yield lines
    logging.getLogger(AUDIT_LOGGER).removeHandler(handler)


def last_result(audit: list[dict[str, object]]) -> object:
    return audit[-1]["result"]


async def ask(bot: RunningBot, text: str, *, user: str, channel: str, name: str) -> Call:
    reply = await bot.sender.slash(
        text, user=user, channel=channel, response_url=bot.slack.response_url(name)
    )
    assert reply.status_code == 200
    return await final_response(bot.slack, name)


async def test_a_query_from_a_channel_without_access_is_refused_without_asking_dms(
    bot: RunningBot, audit: list[dict[str, object]]
) -> None:
    bot.sim.stats.reset()
    refused = await ask(bot, "prod-orders last 1h", user=BOB, channel="C0ELSEWHERE", name="r")
    text = text_of(refused)
    assert refused.args.get("response_type") == "ephemeral"
    assert "You may not look at `prod-orders` from this channel" in text
    assert "kafka-tasks" in text
    # Nobody with no access anywhere costs DMS a request.
    assert bot.sim.stats.snapshot().total == 0
    line = audit[-1]
    assert line["kind"] == "slash"
    assert (line["user"], line["channel"], line["result"]) == (BOB, "C0ELSEWHERE", "refused")
    assert line["what"] == "prod-orders last 1h"

    allowed = await ask(bot, "prod-orders last 1h", user=BOB, channel=INCIDENTS, name="a")
    assert "could not answer" not in text_of(allowed)
    assert actions.REFRESH in buttons_of(allowed)
    assert audit[-1]["result"] == "ok"
    assert audit[-1]["request_ids"], "the upstream request ids are in the audit line"


async def test_a_refusal_says_the_same_for_a_forbidden_instance_and_a_missing_one(
    bot: RunningBot,
) -> None:
    forbidden = await ask(bot, "prod-payments last 1h", user=BOB, channel=LOBBY, name="f")
    missing = await ask(bot, "prod-nosuch last 1h", user=BOB, channel=LOBBY, name="m")
    assert "You may not look at `prod-payments`" in text_of(forbidden)
    assert "You may not look at `prod-nosuch`" in text_of(missing)
    assert text_of(forbidden).replace("payments", "X") == text_of(missing).replace("nosuch", "X")
    # In the lobby the orders instance may be looked at, but not shared.
    orders = await ask(bot, "prod-orders last 1h", user=BOB, channel=LOBBY, name="o")
    assert actions.REFRESH in buttons_of(orders)
    assert actions.SHARE not in buttons_of(orders)
    # Listing instances shows only those the asker may look at.
    listed = text_of(await ask(bot, "instances", user=BOB, channel=LOBBY, name="l"))
    assert "prod-orders" in listed
    assert "prod-payments" not in listed
    assert "dev-sandbox" not in listed


async def test_a_user_rule_lets_one_person_look_where_others_may_not(
    bot: RunningBot, audit: list[dict[str, object]]
) -> None:
    bob = await ask(bot, "dev-sandbox last 1h", user=BOB, channel="C0ELSEWHERE", name="b")
    assert "You may not look at `dev-sandbox`" in text_of(bob)
    alice = await ask(bot, "dev-sandbox last 1h", user=ALICE, channel="C0ELSEWHERE", name="a")
    assert "You may not" not in text_of(alice)
    assert actions.SHARE in buttons_of(alice)
    assert [line["result"] for line in audit[-2:]] == ["refused", "ok"]


async def test_subscribing_is_refused_by_channel_and_allowed_by_group(
    bot: RunningBot, audit: list[dict[str, object]]
) -> None:
    # Bob may look at orders in the lobby, but not subscribe the lobby to it.
    bob = await ask(bot, "subscribe prod-orders failed", user=BOB, channel=LOBBY, name="b")
    assert "You may not subscribe this channel to `prod-orders`" in text_of(bob)
    assert last_result(audit) == "refused"
    listed = await ask(bot, "subscriptions", user=BOB, channel=LOBBY, name="l")
    assert "has no task notifications" in text_of(listed)

    # Carol is on call (a Slack user group): she may.
    carol = await ask(bot, "subscribe prod-orders failed", user=CAROL, channel=LOBBY, name="c")
    assert "You may not" not in text_of(carol)
    assert last_result(audit) == "ok"
    listed = await ask(bot, "subscriptions", user=BOB, channel=LOBBY, name="l2")
    assert "has no task notifications" not in text_of(listed)
    assert "prod-orders" in text_of(listed)

    # Alice may look at anything anywhere, by a rule naming her, but not subscribe.
    alice = await ask(bot, "subscribe prod-orders all", user=ALICE, channel=LOBBY, name="a")
    assert "You may not subscribe this channel to `prod-orders`" in text_of(alice)

    # Bob may not remove it either; Carol may.
    bob_off = await ask(bot, "unsubscribe prod-orders", user=BOB, channel=LOBBY, name="bo")
    assert "You may not remove this channel's subscription" in text_of(bob_off)
    carol_off = await ask(bot, "unsubscribe prod-orders", user=CAROL, channel=LOBBY, name="co")
    assert "You may not" not in text_of(carol_off)


async def test_a_mention_where_sharing_is_not_allowed_answers_the_asker_alone(
    bot: RunningBot,
) -> None:
    await bot.sender.mention("prod-orders last 1h", user=BOB, channel=LOBBY)
    (ephemeral,) = await bot.slack.wait_for("chat.postEphemeral")
    assert ephemeral.args["user"] == BOB
    assert "Only you can see this" in text_of(ephemeral)
    assert not [
        m for m in bot.slack.messages(LOBBY) if "prod-orders" in json.dumps(m.get("blocks"))
    ]


async def test_an_old_share_button_is_refused_where_sharing_is_not_allowed(
    bot: RunningBot,
) -> None:
    # An answer Alice may share, its Share button pressed by Bob in the lobby.
    alice = await ask(bot, "prod-orders last 1h", user=ALICE, channel=LOBBY, name="a")
    share = buttons_of(alice)[actions.SHARE][0]
    reply = await bot.sender.action(
        actions.SHARE,
        str(share["value"]),
        user=BOB,
        channel=LOBBY,
        ephemeral=True,
        response_url=bot.slack.response_url("s"),
    )
    assert reply.status_code == 200
    refused = await final_response(bot.slack, "s")
    assert "may not be shared in this channel" in text_of(refused)
    assert not bot.slack.messages(LOBBY)


async def test_the_audit_log_can_go_to_a_file_of_json_lines(tmp_path: Path) -> None:
    config = tmp_path / "kafka-tasks.toml"
    config.write_text(RULES, encoding="utf-8")
    audit_path = tmp_path / "audit.jsonl"
    extra = {"KAFKA_TASKS_CONFIG": str(config), "KAFKA_TASKS_AUDIT_LOG": str(audit_path)}
    async with running_bot(extra=extra) as bot:
        bot.slack.set_user(BOB)
        await ask(bot, "prod-orders last 1h", user=BOB, channel=INCIDENTS, name="ok")
        await ask(bot, "prod-orders last 1h", user=BOB, channel="C0ELSEWHERE", name="no")
    lines = [json.loads(line) for line in audit_path.read_text("utf-8").splitlines()]
    assert [(line["channel"], line["result"]) for line in lines] == [
        (INCIDENTS, "ok"),
        ("C0ELSEWHERE", "refused"),
    ]
    assert lines[1]["detail"] == "no rule allows it"
    assert all(line["user"] == BOB and line["kind"] == "slash" for line in lines)


async def test_part_of_a_forbidden_name_is_answered_as_if_nothing_matched(
    bot: RunningBot,
) -> None:
    # "payments" finds prod-payments, which the lobby may not see; "paymentz" finds
    # nothing. The two answers must not tell them apart.
    found = text_of(await ask(bot, "payments last 1h", user=BOB, channel=LOBBY, name="p"))
    nothing = text_of(await ask(bot, "paymentz last 1h", user=BOB, channel=LOBBY, name="z"))
    assert found.replace("payments", "X") == nothing.replace("paymentz", "X")
    # And an id of the forbidden instance, as an id nobody has.
    payments = bot.sim.state.find_instances("prod-payments", exact=True)[0].instance_id
    by_id = text_of(await ask(bot, f"{payments} last 1h", user=BOB, channel=LOBBY, name="i"))
    nobody = "00000000-0000-4000-8000-000000000000"
    by_none = text_of(await ask(bot, f"{nobody} last 1h", user=BOB, channel=LOBBY, name="n"))
    assert by_id.replace(payments, "X") == by_none.replace(nobody, "X")
    assert "prod-payments" not in by_id


async def test_details_go_to_the_asker_alone_where_answers_may_not_be_shared(
    bot: RunningBot,
) -> None:
    # Bob may look at orders in the lobby but not show it: Details pressed on a message
    # in the channel does not post the task's params into its thread.
    answer = await ask(bot, "prod-orders last 6h", user=BOB, channel=LOBBY, name="a")
    details = buttons_of(answer)[actions.DETAILS][0]
    reply = await bot.sender.action(
        actions.DETAILS,
        str(details["value"]),
        user=BOB,
        channel=LOBBY,
        response_url=bot.slack.response_url("d"),
    )
    assert reply.status_code == 200
    shown = await final_response(bot.slack, "d")
    assert shown.args.get("response_type") == "ephemeral"
    assert not bot.slack.calls_to("chat.postMessage")


async def test_when_slack_cannot_say_who_is_on_call_the_ask_is_refused_with_why(
    bot: RunningBot, audit: list[dict[str, object]]
) -> None:
    # A deny rule might name the group: guessing could let someone through.
    bot.slack.fail_next("usergroups.users.list", error="missing_scope")
    said = text_of(await ask(bot, "prod-orders last 1h", user=CAROL, channel=LOBBY, name="g"))
    assert "Could not check your access" in said
    assert "Try again in a minute" in said
    assert last_result(audit) == "error"
    # Not remembered: the next ask reads the group again and goes through.
    again = await ask(bot, "subscribe prod-orders failed", user=CAROL, channel=LOBBY, name="h")
    assert "You may not" not in text_of(again)


async def test_an_audit_log_file_that_cannot_be_written_stops_start_up(tmp_path: Path) -> None:
    unwritable = tmp_path / "no-such-dir" / "audit.jsonl"
    with pytest.raises(SettingsError, match="KAFKA_TASKS_AUDIT_LOG"):
        async with running_bot(extra={"KAFKA_TASKS_AUDIT_LOG": str(unwritable)}):
            pass


async def test_a_miss_tells_someone_the_rules_restrict_nothing_of_the_account(
    bot: RunningBot,
) -> None:
    # Bob may look at orders in the lobby: whatever else he names, existing or not, is
    # answered alike, and neither answer names the account's project or region.
    missing = text_of(await ask(bot, "no-such-thing last 1h", user=BOB, channel=LOBBY, name="m"))
    assert "no-such-thing" in missing
    assert DEMO_PROJECT_ID not in missing
    assert "project" not in missing
    # Someone no rule restricts still gets the where, to see which account was searched.
    found = text_of(
        await ask(bot, "no-such-thing last 1h", user=ALICE, channel=INCIDENTS, name="a")
    )
    assert DEMO_PROJECT_ID in found


async def test_words_not_understood_after_a_first_word_are_judged_as_that_word_alone(
    bot: RunningBot,
) -> None:
    # No rule lets Bob look at anything from elsewhere: the grammar's error stands, and
    # it costs DMS no request.
    bot.sim.stats.reset()
    refused = text_of(await ask(bot, "asdf qwer", user=BOB, channel="C0ELSEWHERE", name="r"))
    assert 'couldn\'t read "qwer" as a time window' in refused
    assert "No Kafka instance" not in refused
    assert bot.sim.stats.snapshot().total == 0
    # In the lobby payments may not be looked at: the grammar's error, whether the
    # instance exists or not.
    forbidden = text_of(await ask(bot, "prod-payments qwer", user=BOB, channel=LOBBY, name="f"))
    missing = text_of(await ask(bot, "prod-paymentz qwer", user=BOB, channel=LOBBY, name="m"))
    assert 'couldn\'t read "qwer" as a time window' in forbidden
    assert forbidden.replace("payments", "X") == missing.replace("paymentz", "X")
    # A name the rules let him look at, that names nothing: said first, as for the name
    # alone, and naming no place.
    unknown = text_of(await ask(bot, "prod-ordersx qwer", user=BOB, channel=LOBBY, name="u"))
    assert 'No Kafka instance named "prod-ordersx". Close matches: prod-orders' in unknown
    assert "time window" not in unknown
    assert DEMO_PROJECT_ID not in unknown
    assert "project" not in unknown
