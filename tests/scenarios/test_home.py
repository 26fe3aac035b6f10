"""The App Home tab end to end: the real bot over signed HTTP, the simulator for DMS (on
a clock the test holds still, so task statuses do not move under the assertions) and
the fake Slack Web API recording every views.publish."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.audit import AUDIT_LOGGER
from bot.adapters.store.store import Store
from bot.core import actions
from bot.core.actions import HomeTaskRef, SnoozeRef, SubscriptionRef
from bot.simulator import ManualClock
from bot.views.home_page import DETAILS, REFRESH, UNSUBSCRIBE
from tests.fakes.slack import FAKE_APP_ID, FAKE_TEAM_ID
from tests.scenarios.slack_harness import RunningBot, final_response, running_bot, text_of, walk

USER = "U123"


@pytest.fixture
async def bot() -> AsyncIterator[RunningBot]:
    async with running_bot(clock=ManualClock(datetime.now(UTC))) as running:
        yield running


# -- driving the bot -----------------------------------------------------------------


async def subscribe(bot: RunningBot, text: str, channel: str) -> None:
    # A name that fits in a URL path, whatever the command holds ("Asia/Shanghai").
    name = re.sub(r"[^\w-]", "-", f"{channel}-{text}")
    await bot.sender.slash(text, channel=channel, response_url=bot.slack.response_url(name))
    answer = text_of(await final_response(bot.slack, name))
    assert "will get a message" in answer, answer


async def open_home(bot: RunningBot, user: str = USER, *, tab: str = "home") -> None:
    event = {
        "type": "app_home_opened",
        "user": user,
        "channel": "D0HOME",
        "tab": tab,
        "event_ts": f"{time.time():.6f}",
    }
    response = await bot.sender.event(event)
    assert response.status_code == 200


async def home_after(bot: RunningBot, user: str, count: int) -> dict[str, Any]:
    """The user's tab once more than ``count`` publishes reached Slack, past any
    "Loading" placeholder."""
    deadline = time.monotonic() + 30
    while True:
        mine = [
            c for c in bot.slack.calls_to("views.publish", ok=True) if c.args["user_id"] == user
        ]
        if len(mine) > count and "Loading" not in json.dumps(mine[-1].args["view"]):
            view = bot.slack.home_view(user)
            assert view is not None
            return view
        if time.monotonic() > deadline:
            raise AssertionError(f"no Home view published for {user}: {bot.slack.calls}")
        await asyncio.sleep(0.02)


def publishes(bot: RunningBot, user: str = USER) -> int:
    return len([c for c in bot.slack.calls_to("views.publish") if c.args["user_id"] == user])


async def press(bot: RunningBot, user: str, view: dict[str, Any], button: dict[str, Any]) -> None:
    """A click on a button of a published Home view, as Slack sends it: no channel, no
    message and no response_url; the view, with its private_metadata, instead."""
    payload = {
        "type": "block_actions",
        "user": {
            "id": user,
            "username": user.lower(),
            "name": user.lower(),
            "team_id": FAKE_TEAM_ID,
        },
        "api_app_id": FAKE_APP_ID,
        "token": "fake-verification-token",
        "container": {"type": "view", "view_id": view["id"]},
        "trigger_id": f"{time.time_ns()}.1234.abcd",
        "team": {"id": FAKE_TEAM_ID, "domain": "fake"},
        "enterprise": None,
        "is_enterprise_install": False,
        "view": {**view, "app_id": FAKE_APP_ID, "bot_id": "B0BOT", "hash": "1.abc"},
        "actions": [
            {
                "action_id": button["action_id"],
                "block_id": "home",
                "text": button["text"],
                "value": button.get("value", ""),
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        **bot.sender.signed_headers(body),
    }
    response = await bot.sender.raw(body, headers)
    assert response.status_code == 200


# -- reading the tab -------------------------------------------------------------------


def texts(view: dict[str, Any]) -> str:
    return "\n".join(str(n["text"]) for n in walk(view["blocks"]) if isinstance(n.get("text"), str))


def buttons(view: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [
        n
        for n in walk(view["blocks"])
        if n.get("type") == "button" and str(n["action_id"]).split(".")[0] == kind
    ]


def instance_id(bot: RunningBot, name: str) -> str:
    return bot.sim.state.find_instances(name, exact=True)[0].instance_id


def recent(bot: RunningBot, name: str, margin: timedelta) -> Iterator[tuple[str, str, datetime]]:
    """(task id, status, created) of tasks created in the last 24 h, ``margin`` either
    way: the bot's window ends at its own "now", a moment after the simulator's."""
    now = bot.sim.clock.now()
    for record in bot.sim.state.timeline(instance_id(bot, name)) or ():
        if now - timedelta(hours=24) - margin <= record.created_at <= now:
            yield record.id, record.status_at(now), record.created_at


def newest(
    bot: RunningBot, name: str, statuses: set[str], count: int, margin: timedelta
) -> set[str]:
    found = sorted(
        (r for r in recent(bot, name, margin) if r[1] in statuses), key=lambda r: r[2], reverse=True
    )
    return {r[0] for r in found[:count]}


# -- the tests -------------------------------------------------------------------------


@pytest.fixture
async def subscribed(bot: RunningBot) -> RunningBot:
    """U123 is in C0ONE (prod-orders, failed) and C0TWO (prod-payments, all); U999 alone
    is in C0THREE (staging-orders)."""
    bot.slack.set_member("C0ONE", USER, name="orders-alerts")
    bot.slack.set_member("C0TWO", USER, name="payments-oncall", private=True)
    bot.slack.set_user("U999")
    bot.slack.set_member("C0THREE", "U999")
    await subscribe(bot, "subscribe prod-orders failed", "C0ONE")
    await subscribe(bot, "subscribe prod-payments all", "C0TWO")
    await subscribe(bot, "subscribe staging-orders failed", "C0THREE")
    return bot


async def test_home_shows_the_users_subscriptions_with_running_and_failed_tasks(
    subscribed: RunningBot,
) -> None:
    bot = subscribed
    await open_home(bot)
    view = await home_after(bot, USER, 0)
    text = texts(view)
    assert "*prod-orders*" in text
    assert "*prod-payments*" in text
    assert "staging-orders" not in text  # a channel U123 is not in
    assert "<#C0ONE> · failed tasks" in text
    assert "<#C0TWO> · every finished task" in text
    (call,) = bot.slack.calls_to("users.conversations")
    assert call.args["user"] == USER
    assert call.args["types"] == "public_channel,private_channel"

    shown: dict[str, set[str]] = {}
    for button in buttons(view, DETAILS):
        ref = HomeTaskRef.decode(button["value"])
        shown.setdefault(ref.instance_id, set()).add(ref.task_id)
    margin = timedelta(minutes=5)
    for name in ("prod-orders", "prod-payments"):
        for statuses in ({"CREATED", "EXECUTING"}, {"FAILED"}):
            candidates = {r[0] for r in recent(bot, name, margin) if r[1] in statuses}
            of_kind = shown.get(instance_id(bot, name), set()) & candidates
            # The newest five of each kind, whatever side of the window's edge is taken.
            sure = newest(bot, name, statuses, 5, -margin)
            assert sure, f"the demo data has {statuses} tasks on {name}"
            assert sure <= of_kind <= newest(bot, name, statuses, 5, margin), (name, statuses)
    refs = {SubscriptionRef.decode(b["value"]) for b in buttons(view, UNSUBSCRIBE)}
    assert {(r.channel, r.instance_id) for r in refs} == {
        ("C0ONE", instance_id(bot, "prod-orders")),
        ("C0TWO", instance_id(bot, "prod-payments")),
    }


async def test_a_user_in_no_channel_gets_the_empty_state(subscribed: RunningBot) -> None:
    bot = subscribed
    bot.slack.set_user("U777")
    await open_home(bot, "U777")
    text = texts(await home_after(bot, "U777", 0))
    assert "No task notifications in your channels yet" in text
    assert "`/kafka-tasks subscribe prod-orders failed`" in text


async def test_unsubscribe_removes_the_subscription_and_republishes(
    subscribed: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=AUDIT_LOGGER)
    bot = subscribed
    await open_home(bot)
    view = await home_after(bot, USER, 0)
    (payments,) = [
        b
        for b in buttons(view, UNSUBSCRIBE)
        if SubscriptionRef.decode(b["value"]).channel == "C0TWO"
    ]
    assert payments["confirm"]["style"] == "danger"
    before = publishes(bot)
    await press(bot, USER, view, payments)
    after = await home_after(bot, USER, before)
    text = texts(after)
    assert "<#C0TWO> will no longer get messages about tasks on *prod-payments*." in text
    assert "*prod-payments*\n" not in text
    assert "*prod-orders*" in text
    store = Store.open(bot.database_url)
    try:
        assert store.subscriptions.in_channel.sync("C0TWO") == []
        assert len(store.subscriptions.in_channel.sync("C0ONE")) == 1
    finally:
        store.close()
    # Answered in the tab only: the message buttons' listener (^kt_) stayed out of it.
    assert bot.slack.calls_to("chat.postMessage") == []
    assert bot.slack.calls_to("chat.postEphemeral") == []
    audit = [json.loads(r.getMessage()) for r in caplog.records if r.name == AUDIT_LOGGER]
    (line,) = [a for a in audit if a["kind"] == "home"]
    assert (line["user"], line["channel"], line["what"], line["result"]) == (
        USER,
        "C0TWO",
        "unsubscribe",
        "ok",
    )


async def test_refresh_republishes_with_what_changed(subscribed: RunningBot) -> None:
    bot = subscribed
    await open_home(bot)
    view = await home_after(bot, USER, 0)
    assert "prod-orders-dr" not in texts(view)
    await subscribe(bot, "subscribe prod-orders-dr failed", "C0ONE")
    (refresh,) = buttons(view, REFRESH)
    before = publishes(bot)
    await press(bot, USER, view, refresh)
    after = await home_after(bot, USER, before)
    assert "*prod-orders-dr*" in texts(after)
    # Refresh reads the channels afresh too.
    assert len(bot.slack.calls_to("users.conversations")) == 2


async def test_details_opens_a_modal_with_the_task(subscribed: RunningBot) -> None:
    bot = subscribed
    await open_home(bot)
    view = await home_after(bot, USER, 0)
    button = buttons(view, DETAILS)[0]
    ref = HomeTaskRef.decode(button["value"])
    await press(bot, USER, view, button)
    (opened,) = await bot.slack.wait_for("views.open", ok=True)
    (updated,) = await bot.slack.wait_for("views.update", ok=True)
    modal = bot.slack.modal(updated.args["view_id"])
    assert opened.args["view"]["type"] == "modal"
    assert ref.task_id in texts(modal)


async def test_the_messages_tab_publishes_nothing(subscribed: RunningBot) -> None:
    bot = subscribed
    await open_home(bot, tab="messages")
    await asyncio.sleep(0.5)
    assert publishes(bot) == 0


async def test_a_stale_tab_cannot_unsubscribe_a_channel_the_presser_has_left(
    subscribed: RunningBot,
) -> None:
    bot = subscribed
    await open_home(bot)
    view = await home_after(bot, USER, 0)
    (payments,) = [
        b
        for b in buttons(view, UNSUBSCRIBE)
        if SubscriptionRef.decode(b["value"]).channel == "C0TWO"
    ]
    bot.slack.remove_member("C0TWO", USER)  # they left the channel after the tab was drawn
    before = publishes(bot)
    await press(bot, USER, view, payments)
    after = await home_after(bot, USER, before)
    assert "You may not unsubscribe <#C0TWO>" in texts(after)
    store = Store.open(bot.database_url)
    try:
        assert len(store.subscriptions.in_channel.sync("C0TWO")) == 1
    finally:
        store.close()


async def test_forged_details_values_open_nothing_and_never_reach_dms(
    subscribed: RunningBot,
) -> None:
    bot = subscribed
    await open_home(bot)
    view = await home_after(bot, USER, 0)
    real = buttons(view, DETAILS)[0]
    staging = instance_id(bot, "staging-orders")
    task = next(t.id for t in bot.sim.state.timeline(staging) or ())
    forged_values = [
        # A task of a channel the presser is not in.
        HomeTaskRef("C0THREE", staging, task).encode(),
        # A path that would address another resource with the bot's signature.
        json.dumps({"c": "C0ONE", "i": instance_id(bot, "prod-orders"), "t": "../../../x"}),
        json.dumps({"c": "C0ONE", "i": f"{staging}/../..", "t": task}),
    ]
    bot.sim.stats.reset()
    for n, value in enumerate(forged_values, start=1):
        await press(bot, USER, view, {**real, "value": value})
        updated = await bot.slack.wait_for("views.update", n, ok=True)
        modal = texts(bot.slack.modal(updated[-1].args["view_id"]))
        assert task not in modal
        assert "do not let you see" in modal or "could not be read" in modal
    assert bot.sim.stats.snapshot().total == 0


async def test_a_snoozed_subscription_says_until_when_and_who_until_it_ends() -> None:
    """Why a channel is silent, read where the on-call engineer looks: snoozed from a
    notification's menu by someone else, quiet hours, a daily summary."""
    clock = ManualClock(datetime.now(UTC))  # the bot's "now", moved past the snooze's end
    async with running_bot(clock=ManualClock(clock.now()), bot_clock=clock.now) as bot:
        bot.slack.set_user(USER, tz="Asia/Shanghai")
        bot.slack.set_user("U0ALICE")
        for channel in ("C0ONE", "C0TWO"):
            bot.slack.set_member(channel, USER)
        bot.slack.set_member("C0ONE", "U0ALICE")
        await subscribe(
            bot, "subscribe prod-orders failed quiet 22:00-08:00 Asia/Shanghai", "C0ONE"
        )
        await subscribe(bot, "subscribe prod-payments all daily 09:00 Asia/Shanghai", "C0TWO")
        orders = instance_id(bot, "prod-orders")
        before = len(bot.slack.messages("C0ONE"))
        await bot.sender.action(
            actions.SNOOZE,
            SnoozeRef(orders, "prod-orders", "1h").encode(),
            user="U0ALICE",
            channel="C0ONE",
            menu=True,
            response_url=bot.slack.response_url("snooze"),
        )
        deadline = time.monotonic() + 30
        while len(bot.slack.messages("C0ONE")) == before:  # the channel is told
            assert time.monotonic() < deadline, "no snooze announcement"
            await asyncio.sleep(0.02)
        until = clock.now() + timedelta(hours=1)

        await open_home(bot)
        view = await home_after(bot, USER, 0)
        (line,) = [x for x in texts(view).splitlines() if x.startswith("<#C0ONE> · ")]
        # Until when in the viewer's zone (Slack shows each reader's own; the fallback is
        # the viewer's), and who to ask.
        local = until.astimezone(ZoneInfo("Asia/Shanghai"))
        assert f"<!date^{int(until.timestamp())}^" in line
        assert f"|{local:%Y-%m-%d %H:%M:%S} Asia/Shanghai> by <@U0ALICE>_" in line
        assert ":crescent_moon: quiet 22:00-08:00 (Asia/Shanghai)" in line
        (payments,) = [x for x in texts(view).splitlines() if x.startswith("<#C0TWO> · ")]
        assert payments.endswith(" · :spiral_calendar_pad: daily summary at 09:00 (Asia/Shanghai)")
        assert ":zzz:" not in payments

        # Past its end the snooze holds nothing back, and the tab no longer says it does.
        clock.advance(timedelta(hours=1, minutes=1))
        (refresh,) = buttons(view, REFRESH)
        published = publishes(bot)
        await press(bot, USER, view, refresh)
        after = texts(await home_after(bot, USER, published))
        (line,) = [x for x in after.splitlines() if x.startswith("<#C0ONE> · ")]
        assert ":zzz:" not in line
        assert "U0ALICE" not in line
        assert ":crescent_moon: quiet 22:00-08:00 (Asia/Shanghai)" in line
