"""Scheduled changes end to end: the real bot over signed requests, the simulator keeping
prod-orders' scheduled tasks, the fake Slack with its modals. Listed in both languages;
rescheduled through a modal and cancelled through a confirmed button where a rule grants
``change``; refused where none does; a press that arrives twice changes once."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.audit import AUDIT_LOGGER
from bot.core import actions
from bot.simulator.scheduled import ScheduledRecord
from tests.fakes.slack import Call
from tests.scenarios.slack_harness import (
    RunningBot,
    buttons_of,
    final_response,
    running_bot,
    text_of,
)

OPS, LOBBY = "C0OPS", "C0LOBBY"
ALICE, BOB = "U0ALICE", "U0BOB"

RULES = f"""
[access]
default = "allow"

[[access.rules]]
description = "alice may change what is scheduled on orders, from the ops channel"
users = ["{ALICE}"]
channels = ["{OPS}"]
actions = ["change"]
instances = ["prod-orders*"]
"""


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[RunningBot]:
    config = tmp_path / "kafka-tasks.toml"
    config.write_text(RULES, encoding="utf-8")
    async with running_bot(extra={"KAFKA_TASKS_CONFIG": str(config)}) as running:
        for user in (ALICE, BOB):
            running.slack.set_user(user)
        yield running


@pytest.fixture
def audit() -> Iterator[list[dict[str, Any]]]:
    lines: list[dict[str, Any]] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(json.loads(record.getMessage()))

    handler = Capture()
    logger = logging.getLogger(AUDIT_LOGGER)
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(level)


def orders_id(bot: RunningBot) -> str:
    return bot.sim.state.find_instances("prod-orders", exact=True)[0].instance_id


def planned(bot: RunningBot) -> dict[str, ScheduledRecord]:
    return {p.name: p for p in bot.sim.state.scheduled(orders_id(bot)) or ()}


async def listing(bot: RunningBot, text: str, *, user: str, channel: str, name: str) -> Call:
    reply = await bot.sender.slash(
        text, user=user, channel=channel, response_url=bot.slack.response_url(name)
    )
    assert reply.status_code == 200
    return await final_response(bot.slack, name)


def button_for(answer: Call, action_id: str, task_name: str) -> dict[str, Any]:
    for found in buttons_of(answer)[action_id]:
        if json.loads(found["value"])["k"] == task_name:
            return found
    raise AssertionError(f"no {action_id} button for {task_name}")


async def press(
    bot: RunningBot, found: dict[str, Any], *, user: str, channel: str, name: str
) -> None:
    reply = await bot.sender.action(
        found["action_id"],
        found["value"],
        user=user,
        channel=channel,
        response_url=bot.slack.response_url(name),
        ephemeral=True,
    )
    assert reply.status_code == 200


async def opened_modal(bot: RunningBot) -> dict[str, Any]:
    [opened] = await bot.slack.wait_for("views.open", 1)
    view = opened.args["view"]
    return dict(json.loads(view) if isinstance(view, str) else view)


async def said_privately(bot: RunningBot, name: str) -> str:
    return text_of(await final_response(bot.slack, name))


async def test_the_list_in_english_flags_what_is_outside_the_window(bot: RunningBot) -> None:
    answer = await listing(bot, "prod-orders scheduled", user=BOB, channel=LOBBY, name="l")
    shown = text_of(answer)
    assert "prod-orders · scheduled changes" in shown
    assert "2 changes scheduled on prod-orders" in shown
    assert "Outside the maintenance window" in shown
    assert "set by" in shown
    # Each time as a Slack date token: every viewer reads it in their own zone.
    for plan in planned(bot).values():
        assert f"<!date^{int(plan.schedule_at.timestamp())}^" in shown
    found = buttons_of(answer)
    assert len(found[actions.RESCHEDULE]) == 2
    cancels = found[actions.CANCEL_SCHEDULED]
    assert len(cancels) == 2
    assert all(c["confirm"]["style"] == "danger" for c in cancels)


async def test_the_list_in_chinese(bot: RunningBot) -> None:
    bot.slack.set_user(BOB, locale="zh-CN")
    shown = text_of(await listing(bot, "prod-orders 计划", user=BOB, channel=LOBBY, name="zh"))
    assert "prod-orders · 计划任务" in shown
    assert "不在维护时间窗内" in shown
    assert "改期" in shown
    assert "取消" in shown


async def test_a_cancel_the_rules_allow(bot: RunningBot, audit: list[dict[str, Any]]) -> None:
    answer = await listing(bot, "prod-orders scheduled", user=ALICE, channel=OPS, name="l")
    cancel = button_for(answer, actions.CANCEL_SCHEDULED, "extendInstance")
    await press(bot, cancel, user=ALICE, channel=OPS, name="c")
    [posted] = await bot.slack.wait_for("chat.postMessage", 1)
    shown = text_of(posted)
    assert posted.args["channel"] == OPS
    assert f"<@{ALICE}> cancelled" in shown
    request_id = re.search(r"DMS request id ([0-9a-f]{32})", shown)
    assert request_id is not None
    assert planned(bot)["extendInstance"].cancelled
    assert not planned(bot)["restartInstance"].cancelled
    line = next(a for a in audit if a.get("what") == actions.CANCEL_SCHEDULED)
    assert line["result"] == "ok"
    assert line["user"] == ALICE
    assert request_id.group(1) in line["request_ids"]


async def test_a_reschedule_the_rules_allow(bot: RunningBot, audit: list[dict[str, Any]]) -> None:
    answer = await listing(bot, "prod-orders scheduled", user=ALICE, channel=OPS, name="l")
    reschedule = button_for(answer, actions.RESCHEDULE, "restartInstance")
    await press(bot, reschedule, user=ALICE, channel=OPS, name="r")
    modal = await opened_modal(bot)
    assert modal["callback_id"] == actions.RESCHEDULE_MODAL
    to = (datetime.now(UTC) + timedelta(days=2)).replace(hour=3, minute=30, second=0, microsecond=0)
    values = {
        actions.RESCHEDULE_DATE: {
            actions.RESCHEDULE_DATE: {"type": "datepicker", "selected_date": f"{to:%Y-%m-%d}"}
        },
        actions.RESCHEDULE_TIME: {
            actions.RESCHEDULE_TIME: {"type": "timepicker", "selected_time": f"{to:%H:%M}"}
        },
    }
    submitted = await bot.sender.view_submission(modal, values, user=ALICE)
    assert submitted.status_code == 200
    [posted] = await bot.slack.wait_for("chat.postMessage", 1)
    assert f"<@{ALICE}> rescheduled" in text_of(posted)
    assert f"<!date^{int(to.timestamp())}^" in text_of(posted)
    assert planned(bot)["restartInstance"].schedule_at == to
    line = next(a for a in audit if a.get("what") == actions.RESCHEDULE_MODAL)
    assert line["result"] == "ok"
    assert line["request_ids"]


async def test_a_reschedule_whose_announcement_is_unconfirmed_tells_the_presser(
    bot: RunningBot,
) -> None:
    answer = await listing(bot, "prod-orders scheduled", user=ALICE, channel=OPS, name="l")
    await press(
        bot, button_for(answer, actions.RESCHEDULE, "restartInstance"),
        user=ALICE, channel=OPS, name="r",
    )  # fmt: skip
    modal = await opened_modal(bot)
    to = (datetime.now(UTC) + timedelta(days=2)).replace(hour=3, minute=30, second=0, microsecond=0)
    values = {
        actions.RESCHEDULE_DATE: {actions.RESCHEDULE_DATE: {"selected_date": f"{to:%Y-%m-%d}"}},
        actions.RESCHEDULE_TIME: {actions.RESCHEDULE_TIME: {"selected_time": f"{to:%H:%M}"}},
    }
    # Slack may or may not have taken the post, and the channel cannot be read to see.
    bot.slack.fail_next("chat.postMessage", status=500)
    bot.slack.fail_next("conversations.history", error="missing_scope")
    submitted = await bot.sender.view_submission(modal, values, user=ALICE)
    assert submitted.status_code == 200
    [told] = await bot.slack.wait_for("chat.postEphemeral", 1)
    assert told.args["user"] == ALICE
    assert "Look in the channel" in text_of(told)
    # The change itself was made: only its announcement is in doubt.
    assert planned(bot)["restartInstance"].schedule_at == to


async def test_a_time_that_has_passed_is_said_in_the_modal(bot: RunningBot) -> None:
    answer = await listing(bot, "prod-orders scheduled", user=ALICE, channel=OPS, name="l")
    await press(
        bot, button_for(answer, actions.RESCHEDULE, "restartInstance"),
        user=ALICE, channel=OPS, name="r",
    )  # fmt: skip
    modal = await opened_modal(bot)
    past = datetime.now(UTC) - timedelta(days=1)
    values = {
        actions.RESCHEDULE_DATE: {actions.RESCHEDULE_DATE: {"selected_date": f"{past:%Y-%m-%d}"}},
        actions.RESCHEDULE_TIME: {actions.RESCHEDULE_TIME: {"selected_time": "10:00"}},
    }
    submitted = await bot.sender.view_submission(modal, values, user=ALICE)
    assert submitted.json()["response_action"] == "errors"
    assert actions.RESCHEDULE_TIME in submitted.json()["errors"]
    before = planned(bot)["restartInstance"]
    await asyncio.sleep(0.2)
    assert planned(bot)["restartInstance"] == before
    assert not bot.slack.calls_to("chat.postMessage")


async def test_a_change_the_rules_refuse(bot: RunningBot, audit: list[dict[str, Any]]) -> None:
    # Bob may read everything here, and change nothing: no rule names change for him.
    answer = await listing(bot, "prod-orders scheduled", user=BOB, channel=OPS, name="l")
    await press(
        bot, button_for(answer, actions.CANCEL_SCHEDULED, "extendInstance"),
        user=BOB, channel=OPS, name="c",
    )  # fmt: skip
    said = await said_privately(bot, "c")
    assert "You may not change the scheduled tasks of `prod-orders`" in said
    assert 'actions = ["change"]' in said
    assert not planned(bot)["extendInstance"].cancelled
    assert not bot.slack.calls_to("chat.postMessage")
    line = next(a for a in audit if a.get("what") == actions.CANCEL_SCHEDULED)
    assert line["result"] == "refused"
    # Alice in another channel is refused as well: the rule names the ops channel.
    await press(
        bot, button_for(answer, actions.CANCEL_SCHEDULED, "extendInstance"),
        user=ALICE, channel=LOBBY, name="elsewhere",
    )  # fmt: skip
    assert "You may not change" in await said_privately(bot, "elsewhere")
    assert not planned(bot)["extendInstance"].cancelled


async def test_with_no_rules_at_all_changes_are_refused() -> None:
    async with running_bot() as bot:
        bot.slack.set_user(ALICE)
        answer = await listing(bot, "prod-orders scheduled", user=ALICE, channel=OPS, name="l")
        await press(
            bot, button_for(answer, actions.CANCEL_SCHEDULED, "extendInstance"),
            user=ALICE, channel=OPS, name="c",
        )  # fmt: skip
        assert 'actions = ["change"]' in await said_privately(bot, "c")
        assert not planned(bot)["extendInstance"].cancelled


async def test_a_double_press_changes_once(bot: RunningBot) -> None:
    answer = await listing(bot, "prod-orders scheduled", user=ALICE, channel=OPS, name="l")
    cancel = button_for(answer, actions.CANCEL_SCHEDULED, "extendInstance")
    await asyncio.gather(
        press(bot, cancel, user=ALICE, channel=OPS, name="one"),
        press(bot, cancel, user=ALICE, channel=OPS, name="two"),
    )
    [posted] = await bot.slack.wait_for("chat.postMessage", 1)
    assert f"<@{ALICE}> cancelled" in text_of(posted)
    [other] = [
        c
        for c in await bot.slack.wait_for("response_url", 2)
        if c.args.get("name") in ("one", "two")
    ]
    assert "pressed twice" in text_of(other)
    await asyncio.sleep(0.3)
    assert len(bot.slack.calls_to("chat.postMessage")) == 1
    assert planned(bot)["extendInstance"].cancelled


async def test_a_cancel_names_what_was_changed_not_what_the_button_said(bot: RunningBot) -> None:
    answer = await listing(bot, "prod-orders scheduled", user=ALICE, channel=OPS, name="l")
    cancel = button_for(answer, actions.CANCEL_SCHEDULED, "extendInstance")
    forged = json.loads(cancel["value"]) | {"n": "dev-payments <!channel>", "k": "deleteInstance"}
    await press(
        bot, cancel | {"value": json.dumps(forged)}, user=ALICE, channel=OPS, name="c"
    )  # fmt: skip
    [posted] = await bot.slack.wait_for("chat.postMessage", 1)
    shown = text_of(posted) + str(posted.args.get("text"))
    assert planned(bot)["extendInstance"].cancelled
    assert "prod-orders" in shown
    assert "dev-payments" not in shown
    assert "<!channel>" not in shown
    assert "deleteInstance" not in shown


async def test_a_cancel_forged_for_another_instance_is_judged_for_that_instance(
    bot: RunningBot,
) -> None:
    answer = await listing(bot, "prod-orders scheduled", user=ALICE, channel=OPS, name="l")
    cancel = button_for(answer, actions.CANCEL_SCHEDULED, "extendInstance")
    other = next(i for i in bot.sim.state.instances() if not i.name.startswith("prod-orders"))
    forged = json.loads(cancel["value"]) | {"i": other.instance_id}
    await press(
        bot, cancel | {"value": json.dumps(forged)}, user=ALICE, channel=OPS, name="c"
    )  # fmt: skip
    assert f"You may not change the scheduled tasks of `{other.name}`" in await said_privately(
        bot, "c"
    )
    assert not planned(bot)["extendInstance"].cancelled
