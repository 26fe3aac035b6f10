"""What happened to an instance, end to end: the real bot over signed requests, the
simulator serving DMS, CTS and CES on its one port (signed), and the fake Slack with
its upload flow. The simulator's story on prod-orders: a scale-out in progress, a failed
restart followed by an alarm, a topic change from the console by a named user."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

import pytest

from bot.core import actions
from bot.simulator import Simulator
from tests.fakes.slack import Call
from tests.scenarios.slack_harness import (
    RunningBot,
    buttons_of,
    final_response,
    running_bot,
    text_of,
)


def _context(sim: Simulator) -> dict[str, str]:
    return {"CTS_ENDPOINT": sim.url, "CES_ENDPOINT": sim.url}


@pytest.fixture
async def bot() -> AsyncIterator[RunningBot]:
    async with running_bot(extra=_context) as running:
        yield running


def shows(shown: str, *parts: str) -> None:
    missing = [part for part in parts if part not in shown]
    assert not missing, f"{missing} not in {shown}"


async def slash_answer(bot: RunningBot, text: str, name: str = "slash") -> Call:
    response_url = bot.slack.response_url(name)
    reply = await bot.sender.slash(text, response_url=response_url)
    assert reply.status_code == 200
    return await final_response(bot.slack, name)


async def test_the_timeline_tells_the_story_in_one_message(bot: RunningBot) -> None:
    answer = await slash_answer(bot, "prod-orders timeline")
    shown = text_of(answer)
    assert "what happened" in shown
    # The header: the instance now.
    shows(shown, "Now:", "Specification:", "Maintenance window:")
    # A task with who asked, from where and how: one line, not three.
    shows(shown, "by maria.garcia", "from 203.0.113.45", "console")
    # The failed restart through the API, rated an incident, and the alarm that followed.
    shows(shown, "Restart instance · ended Failed", "incident")
    assert "alarm raised: prod-orders-consumer-lag" in shown
    assert "group_msgs" in shown
    # The scale-out still running.
    assert "Scale instance · running" in shown
    found = buttons_of(answer)
    assert set(found) == {actions.TIMELINE_REFRESH, actions.EXPORT}


async def test_the_timeline_in_chinese(bot: RunningBot) -> None:
    bot.slack.set_user("U123", locale="zh-CN")
    answer = await slash_answer(bot, "prod-orders 时间线 最近6小时")
    shown = text_of(answer)
    shows(shown, "时间线", "当前状态", "规格")
    shows(shown, "操作人 maria.garcia", "控制台")
    assert "告警触发：prod-orders-consumer-lag" in shown
    assert "事故" in shown


async def test_what_happened_goes_in_the_thread_and_export_uploads_the_whole_timeline(
    bot: RunningBot,
) -> None:
    await bot.sender.mention("<@U0BOT> prod-orders last 6h", ts="1700000000.000100")
    [posted] = await bot.slack.wait_for("chat.postMessage", 1)
    [happened] = buttons_of(posted)[actions.TIMELINE]
    answer_ts = bot.slack.messages("C123")[-1]["ts"]
    await bot.sender.action(
        actions.TIMELINE,
        happened["value"],
        message_ts=answer_ts,
        response_url=bot.slack.response_url("t"),
    )
    calls = await bot.slack.wait_for("chat.postMessage", 2)
    timeline = calls[-1]
    assert timeline.args["thread_ts"] in (answer_ts, "1700000000.000100")
    assert "what happened" in text_of(timeline)
    [export] = buttons_of(timeline)[actions.EXPORT]
    in_thread = bot.slack.messages("C123")[-1]
    await bot.sender.action(
        actions.EXPORT,
        export["value"],
        message=in_thread,
        response_url=bot.slack.response_url("x"),
    )
    await bot.slack.wait_for("files.completeUploadExternal", 1)
    received = {f.filename.rsplit(".", 1)[1]: f for f in bot.slack.files.received}
    assert set(received) == {"csv", "md"}
    assert {f.thread_ts for f in received.values()} == {timeline.args["thread_ts"]}
    assert {f.channel for f in received.values()} == {"C123"}
    rows = list(csv.DictReader(io.StringIO(received["csv"].text)))
    # The whole timeline: more moments than the message shows.
    assert len(rows) > 30
    assert any(r["who"] == "maria.garcia" and r["source_ip"] == "203.0.113.45" for r in rows)
    assert any(r["kind"] == "alarm" and r["metric"] == "group_msgs" for r in rows)
    assert any(r["incident"] == "yes" for r in rows)
    assert [r["time"] for r in rows] == sorted((r["time"] for r in rows), reverse=True)
    markdown = received["md"].text
    assert markdown.startswith("# prod-orders timeline")
    assert markdown.count("\n| ") == len(rows) + 1  # the header row, then one per moment
    assert "Exported" in (received["csv"].initial_comment or "")


async def test_cts_forbidden_is_one_line_with_the_permission_and_the_rest_shows(
    bot: RunningBot,
) -> None:
    bot.sim.faults.add("403", count=50, service="cts")
    shown = text_of(await slash_answer(bot, "prod-orders timeline"))
    assert "grant `cts:trace:list`" in shown
    # Tasks and alarms are still there.
    assert "Restart instance · ended Failed" in shown
    assert "alarm raised: prod-orders-consumer-lag" in shown
    assert "from 203.0.113.45" not in shown


async def test_ces_forbidden_is_one_line_with_the_permission_and_the_rest_shows(
    bot: RunningBot,
) -> None:
    bot.sim.faults.add("403", count=50, service="ces")
    shown = text_of(await slash_answer(bot, "prod-orders timeline"))
    assert "grant `ces:alarmHistory:list`" in shown
    assert "by maria.garcia" in shown
    assert "alarm raised" not in shown


async def test_a_region_without_ces_is_said_and_the_rest_shows(bot: RunningBot) -> None:
    bot.sim.faults.absent_services = frozenset({"ces"})
    shown = text_of(await slash_answer(bot, "prod-orders timeline"))
    assert "Alarms (Cloud Eye)" in shown
    assert "by maria.garcia" in shown
    assert "alarm raised" not in shown


async def test_a_window_older_than_cts_keeps_says_so(bot: RunningBot) -> None:
    shown = text_of(await slash_answer(bot, "prod-orders timeline last 10d"))
    assert "CTS keeps 7 days" in shown
    assert "Restart instance · ended Failed" in shown


async def test_without_cts_and_ces_hosts_the_timeline_says_so_and_shows_tasks() -> None:
    async with running_bot() as bot:
        shown = text_of(await slash_answer(bot, "prod-orders timeline"))
    assert "Operations (CTS): no endpoint" in shown
    assert "Alarms (Cloud Eye): no endpoint" in shown
    assert "Restart instance · ended Failed" in shown
