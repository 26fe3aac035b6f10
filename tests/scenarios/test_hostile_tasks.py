"""A hostile task in DMS, end to end: the real bot, the simulator, the fake Slack.

One task's params nest a hundred thousand levels deep (past any JSON parser's
recursion); another's name, user and params carry bidi controls and bare URLs. The
answer about their instance still lists every task, Details marks the one field it
could not read, a subscribed channel is still told when each ends, the unreadable
field is logged once however often it is read, and nothing invisible and no bare URL
reaches anything a Slack user reads.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.adapters.store.store import Store
from bot.core.actions import DETAILS, TaskRef
from bot.simulator import ManualClock, TaskRecord
from tests.fakes.slack import Call
from tests.scenarios.slack_harness import (
    RunningBot,
    buttons_of,
    final_response,
    running_bot,
    text_of,
)

FAST = {"KAFKA_TASKS_POLL_FAST": "1", "KAFKA_TASKS_POLL_SLOW": "1"}
BIDI = ("\u202e", "\u2066", "\u2069", "\u200f", "\u061c", "\u200b")
URL = "https://evil.example/phish"
WWW = "www.evil.example"
DEEP_ID = "d" * 32
SPOOF_ID = "e" * 32
UNREADABLE = "(unreadable: too deeply nested)"


def hostile_tasks(now: datetime) -> list[TaskRecord]:
    """Both in progress at ``now``; they end, one failed, a minute later."""
    hidden = "".join(BIDI)
    common: dict[str, Any] = {
        "created_at": now - timedelta(minutes=2),
        "started_at": now - timedelta(minutes=2),
        "finished_at": now + timedelta(minutes=1),
    }
    return [
        TaskRecord(
            id=DEEP_ID,
            name="modifyConfigs",
            user_name="li.wei",
            user_id="0" * 32,
            params="[" * 100_000 + "]" * 100_000,
            final_status="FAILED",
            **common,
        ),
        TaskRecord(
            id=SPOOF_ID,
            name=f"restart{hidden}Instance {WWW}",
            user_name=f"ops{hidden} {URL}",
            user_id="1" * 32,
            params=json.dumps({"callback": URL, "note": f"see {WWW}{hidden}"}),
            final_status="SUCCESS",
            **common,
        ),
    ]


async def until(check: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + 30
    while not (result := await asyncio.to_thread(check)):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.1)
    return result


async def slash(bot: RunningBot, text: str, name: str) -> Call:
    await bot.sender.slash(text, response_url=bot.slack.response_url(name))
    return await final_response(bot.slack, name)


def notified(bot: RunningBot, task_id: str) -> list[Call]:
    return [
        c
        for c in bot.slack.calls_to("chat.postMessage", ok=True)
        if task_id in str((c.args.get("metadata") or {}).get("event_payload", {}))
    ]


def unreadable_logged(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        r
        for r in caplog.records
        if r.name == "kafka_tasks.dms" and DEEP_ID in r.getMessage() and "params" in r.getMessage()
    ]


async def test_a_hostile_task_takes_down_no_answer_poll_or_delivery(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="kafka_tasks")
    clock = ManualClock(datetime.now(UTC))
    async with running_bot(clock=clock, extra=FAST) as bot:
        iid = bot.sim.state.add_instance("hostile-ops", 3, span=timedelta(hours=1))
        for record in hostile_tasks(clock.now()):
            bot.sim.state.add_task(iid, record)
        visible = [t.id for t in bot.sim.state.timeline(iid) or () if t.visible_at(clock.now())]
        assert len(visible) == 5

        # The answer lists every task, the hostile ones among them.
        answer = await slash(bot, "hostile-ops last 2h", "answer")
        rows = [TaskRef.decode(b["value"]).task_id for b in buttons_of(answer).get(DETAILS, [])]
        assert sorted(rows) == sorted(visible)
        assert "5 tasks" in text_of(answer)

        # Details of the bad task: the field marked, the rest shown.
        details = text_of(await slash(bot, f"hostile-ops task {DEEP_ID}", "details"))
        assert UNREADABLE in details
        assert DEEP_ID in details
        assert "li.wei" in details
        assert "[[[" not in details
        spoof = text_of(await slash(bot, f"hostile-ops task {SPOOF_ID}", "spoof"))
        assert "evil.example/phish" in spoof  # shown, just not as a link

        # A subscribed channel is still told when each of them ends: polled and delivered.
        await slash(bot, "subscribe hostile-ops all", "subscribe")
        store = Store.open(bot.database_url)
        try:
            await until(lambda: store.polling.has_baseline.sync(iid), "the baseline poll")
        finally:
            store.close()
        clock.advance(timedelta(minutes=5))
        await until(lambda: notified(bot, DEEP_ID) and notified(bot, SPOOF_ID), "notifications")
        assert "Failed" in text_of(notified(bot, DEEP_ID)[0])
        # Polling goes on: the instance is polled again after the ends were announced.
        polls = bot.sim.stats.count("list_tasks")
        await until(lambda: bot.sim.stats.count("list_tasks") > polls + 1, "polls after")
        calls = list(bot.slack.calls)

    # Read by the answer, two Details, and every poll: logged once, without its content.
    [logged] = unreadable_logged(caplog)
    assert "[[" not in logged.getMessage()
    posts = [c for c in calls if c.method == "chat.postMessage"]
    assert len(posts) >= 2
    shown = [text_of(c) for c in calls]
    assert any("evil.example" in text for text in shown), "the hostile text was posted"
    for text in shown:
        assert not [char for char in BIDI if char in text], text
        assert URL not in text
        assert WWW not in text
        assert "://" not in text
    assert all(c.args.get("unfurl_links") is False for c in posts)
