"""Queued rows are rendered in the language written into them when they were queued."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from bot.core.records import OutboxItem
from bot.services.conversation import Conversation
from bot.views.kit import Message
from bot.views.limits import check_message
from bot.watch.render import OutboxRenderer

NOW = datetime(2026, 11, 27, 3, 0, 0, tzinfo=UTC)
TASK = {
    "id": "8abfa7b372160bfd0172165864000001",
    "name": "restartInstance",
    "user_name": "paas_dms",
    "user_id": "3df5acbc24a54fadb62a043c9000a307",
    "params": '{"rolling":true}',
    "status": "FAILED",
    "created_at": "2026-11-27T02:40:00.000Z",
    "updated_at": "2026-11-27T02:44:12.000Z",
}
BASE = {"instance_id": "43dab215-d294-570b-99de-c1e44144aaae", "instance_name": "prod-orders"}


def row(kind: str, payload: dict[str, Any], n: int = 1) -> OutboxItem:
    return OutboxItem(
        id=n,
        key=f"k{n}",
        channel="C0INCIDENT",
        thread_ts="1.000" if kind == "thread_reply" else None,
        kind=kind,
        payload=json.dumps(payload),
        created_at=NOW,
        attempts=0,
        next_attempt_at=NOW,
        delivered_at=None,
        delivered_ts=None,
        last_error=None,
    )


def renderer() -> OutboxRenderer:
    # These kinds never ask the conversation (only a parent summary's edit does).
    return OutboxRenderer(cast(Conversation, object()), UTC, clock=lambda: NOW)


async def render(kind: str, payload: dict[str, Any], batch: int = 1) -> Message:
    items = [row(kind, payload, n) for n in range(1, batch + 1)]
    message = await renderer().render(items[0], items)
    assert check_message(message.block_dicts(), message.text) == []
    return message


PAYLOADS: dict[str, dict[str, Any]] = {
    "task_finished": {**BASE, "task": TASK},
    "thread_reply": {**BASE, "task": TASK},
    "thread_closed": {**BASE, "still_running": [{**TASK, "status": "EXECUTING"}], "hours": 6},
    "unreachable": {**BASE, "reason": "DMS did not answer", "since": NOW.isoformat()},
    "reachable": {**BASE, "down_for_s": 720},
}
CHINESE = {
    "task_finished": ":red_circle: prod-orders 上的 重启实例 失败（耗时 4 分 12 秒）",
    "thread_reply": ":red_circle: prod-orders 上的 重启实例 失败，耗时 4 分 12 秒",
    "thread_closed": "已停止跟踪 prod-orders（跟踪了 6 小时）",
    "unreachable": "无法连接 prod-orders：DMS did not answer",
    "reachable": "prod-orders 已恢复连接（中断了 12 分 00 秒）",
}
ENGLISH = {
    "task_finished": ":red_circle: Restart instance Failed on prod-orders (4m 12s)",
    "thread_reply": ":red_circle: Restart instance Failed after 4m 12s on prod-orders",
    "thread_closed": "Stopped following prod-orders after 6 h",
    "unreachable": "Cannot reach prod-orders: DMS did not answer",
    "reachable": "prod-orders is reachable again (after 12m 00s)",
}


@pytest.mark.parametrize("kind", sorted(PAYLOADS))
async def test_a_row_with_lang_zh_is_rendered_in_chinese(kind: str) -> None:
    message = await render(kind, {**PAYLOADS[kind], "lang": "zh"})
    assert message.text == CHINESE[kind]


@pytest.mark.parametrize("kind", sorted(PAYLOADS))
@pytest.mark.parametrize("lang", [None, "en", "fr", 7])
async def test_rows_without_a_language_we_speak_are_in_english(kind: str, lang: object) -> None:
    payload = dict(PAYLOADS[kind])
    if lang is not None:
        payload["lang"] = lang
    message = await render(kind, payload)
    assert message.text == ENGLISH[kind]


async def test_a_digest_is_rendered_in_the_rows_language() -> None:
    message = await render("task_finished", {**PAYLOADS["task_finished"], "lang": "zh"}, batch=5)
    assert message.text == "prod-orders 上有 5 个任务结束：失败 5 个"
    english = await render("task_finished", PAYLOADS["task_finished"], batch=5)
    assert english.text == "5 tasks finished on prod-orders: 5 Failed"


async def test_an_unreachable_row_without_a_reason_says_no_answer_in_its_language() -> None:
    payload = {**BASE, "since": (NOW - timedelta(minutes=5)).isoformat()}
    assert (await render("unreachable", payload)).text == "Cannot reach prod-orders: no answer"
    zh = await render("unreachable", {**payload, "lang": "zh"})
    assert zh.text == "无法连接 prod-orders：无响应"


async def test_an_unreachable_reason_is_read_in_the_subscriptions_language() -> None:
    reasons = {"en": "DMS did not answer within 10 s.", "zh": "DMS 在 10 秒内没有响应。"}
    payload = {**PAYLOADS["unreachable"], "reasons": reasons}
    zh_message = await render("unreachable", {**payload, "lang": "zh"})
    assert zh_message.text == "无法连接 prod-orders：DMS 在 10 秒内没有响应。"
    en_message = await render("unreachable", {**payload, "lang": "en"})
    assert en_message.text == "Cannot reach prod-orders: DMS did not answer within 10 s."


DEEP = 100_000


async def test_a_row_holding_params_nested_past_any_parser_still_renders() -> None:
    # Rows queued before tasks were read within bounds carry such params as DMS sent them.
    hostile = {**TASK, "params": "[" * DEEP + "]" * DEEP}
    one = await render("task_finished", {**BASE, "task": hostile})
    assert one.text == ENGLISH["task_finished"]
    digest = await render("task_finished", {**BASE, "task": hostile}, batch=5)
    assert digest.text == "5 tasks finished on prod-orders: 5 Failed"
    reply = await render("thread_reply", {**BASE, "task": hostile})
    assert reply.text == ENGLISH["thread_reply"]


async def test_a_row_nested_past_any_parser_in_its_own_json_still_renders() -> None:
    # No JSON encoder writes this, so it is written out by hand: params as an object.
    text = json.dumps({**BASE, "task": {**TASK, "params": "HOLE"}})
    text = text.replace('"HOLE"', "[" * DEEP + "]" * DEEP)
    item = dataclasses.replace(row("task_finished", {}), payload=text)
    message = await renderer().render(item, [item])
    assert check_message(message.block_dicts(), message.text) == []
    assert message.text == ENGLISH["task_finished"]
