"""Every message kind in Simplified Chinese, as a Chinese-locale on-call engineer sees it.

English is held word for word by test_blocks.py, test_watching.py and
test_subscriptions.py; here each view is asked in Chinese, and also checked to give
exactly today's English by default.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, timedelta

import pytest

from bot.core.actions import DETAILS
from bot.core.answer import TaskAnswer
from bot.core.dms.models import Task
from bot.views.kit import Message
from bot.views.tasks import tasks_message
from bot.views.terminal import instances_text, task_text, tasks_text
from bot.views.watching import (
    digest_message,
    params_summary,
    reachable_again_message,
    task_finished_message,
    thread_closed_message,
    thread_reply_message,
    unreachable_message,
)
from tests.unit.views.support import (
    INSTANCE,
    INSTANCE_ID,
    NOW,
    SHANGHAI,
    all_text,
    answer_for,
    buttons_of,
    incident_tasks,
    state_for,
    task,
    valid,
)
from tests.unit.views.support import mrkdwn_texts as _mrkdwn

CJK = re.compile(r"[\u4e00-\u9fff]")


def zh_summary(tasks: list[Task] | None = None, *, page: int = 1, **kw: object) -> Message:
    answer = answer_for(incident_tasks() if tasks is None else tasks, **kw)  # type: ignore[arg-type]
    return tasks_message(
        answer,
        state_for(answer, page),
        tz=SHANGHAI,
        now=NOW,
        shareable=True,
        where="cn-north-4",
        lang="zh",
    )


def labels(blocks: list[dict[str, object]]) -> list[str]:
    return [b["text"]["text"] for b in buttons_of(blocks)]


# --- the tasks summary -------------------------------------------------------------------


# --- one task, instances, help, errors -----------------------------------------------


# --- subscriptions -------------------------------------------------------------------------


# --- notifications, digests, threads -------------------------------------------------------


def test_task_finished_in_chinese() -> None:
    message = task_finished_message(
        task(7),
        instance_id=INSTANCE_ID,
        instance_name="prod-orders",
        tz=SHANGHAI,
        now=NOW,
        lang="zh",
    )
    blocks = valid(message)
    assert blocks[0]["text"]["text"].startswith(
        ":red_circle: *prod-orders* 上的 *重启实例* 失败\npaas_dms · 开始于 <!date^"
    )
    assert blocks[0]["text"]["text"].endswith(" · 耗时 4 分 12 秒")
    assert blocks[0]["accessory"]["text"]["text"] == "详情"
    assert blocks[0]["accessory"]["action_id"] == DETAILS
    assert "参数 `topic=orders, partitions=12`" in all_text(blocks)
    assert message.text == ":red_circle: prod-orders 上的 重启实例 失败（耗时 4 分 12 秒）"


def test_params_summary_in_chinese() -> None:
    assert (
        params_summary("reset password to x", lang="zh")
        == "（已隐藏：可能含有敏感信息，请查看详情）"
    )
    many = params_summary({"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}, lang="zh")
    assert many == "a=1, b=2, c=3，…（另有 2 项）"


def test_digest_in_chinese() -> None:
    tasks = [
        task(1, status="SUCCESS", name="createTopic", seconds=4),
        task(2, status="FAILED"),
        task(3, status="CANCELLED", name="modifyConfigs"),
        task(4, status="FAILED", name="resetPassword"),
        *[task(10 + i, status="SUCCESS", name="createTopic", seconds=4) for i in range(30)],
    ]
    message = digest_message(
        tasks,
        instance_id=INSTANCE_ID,
        instance_name="prod-orders",
        tz=SHANGHAI,
        now=NOW,
        lang="zh",
    )
    blocks = valid(message)
    text = all_text(blocks)
    assert blocks[0]["text"]["text"] == "prod-orders 上有 34 个任务结束"
    assert (
        ":red_circle: *失败 2 个* · :large_green_circle: 成功 31 个 · "
        ":heavy_minus_sign: 已取消 1 个" in text
    )
    assert blocks[2]["text"]["text"].startswith(
        ":red_circle: *重启实例* · 失败 · paas_dms · 开始于"
    )
    assert "… 另有 14 个：创建 Topic 成功 ×14" in text
    assert "查看任一任务的详情请发送 `/kafka-tasks prod-orders task &lt;task-id&gt;`" in text
    assert message.text == "prod-orders 上有 34 个任务结束：失败 2 个，成功 31 个，已取消 1 个"


def test_thread_replies_in_chinese() -> None:
    def reply(t: Task) -> Message:
        return thread_reply_message(
            t, instance_id=INSTANCE_ID, instance_name="prod-orders", tz=UTC, now=NOW, lang="zh"
        )

    done = reply(task(1, status="SUCCESS", name="createTopic", seconds=200))
    assert valid(done)[0]["text"]["text"].startswith(
        ":large_green_circle: *创建 Topic* 已结束：成功，耗时 3 分 20 秒 · <!date^"
    )
    assert done.text == ":large_green_circle: prod-orders 上的 创建 Topic 成功，耗时 3 分 20 秒"
    failed = reply(task(2))
    assert valid(failed)[0]["text"]["text"].startswith(
        ":red_circle: *重启实例* 失败，耗时 4 分 12 秒"
    )
    running = reply(task(3, status="EXECUTING"))
    assert valid(running)[0]["text"]["text"].startswith(
        ":large_blue_circle: *重启实例* 当前状态：执行中（已运行 13 分 00 秒）"
    )


def test_thread_closed_in_chinese() -> None:
    running = [task(1, status="EXECUTING"), task(2, status="EXECUTING"), task(3, name="x")]
    closed = thread_closed_message(running, instance_name="prod-orders", hours=6, lang="zh")
    assert all_text(valid(closed)) == (
        ":zzz: 已跟踪 6 小时，现在停止跟踪；仍在运行：重启实例 ×2，x；"
        "请再次发送 `/kafka-tasks prod-orders` 查看最新状态。"
    )
    assert closed.text == "已停止跟踪 prod-orders（跟踪了 6 小时）"
    none = thread_closed_message([], instance_name="prod-orders", hours=1.5, lang="zh")
    assert "已跟踪 1 小时 30 分，现在停止跟踪；没有仍在运行的任务" in all_text(valid(none))
    odd = thread_closed_message([], instance_name="prod-orders", hours=float("nan"), lang="zh")
    assert "已跟踪 一段时间" in all_text(valid(odd))


def test_reachability_in_chinese() -> None:
    since = NOW - timedelta(minutes=12)
    down = unreachable_message("prod-orders", "", since=since, tz=SHANGHAI, lang="zh")
    text = all_text(valid(down))
    assert text.startswith(f":warning: *prod-orders* 自 <!date^{int(since.timestamp())}^")
    assert "起无法连接：无响应。\nDMS 恢复响应后会继续发送通知，不会丢失任何通知。" in text
    assert down.text == "无法连接 prod-orders：无响应"
    back = reachable_again_message("prod-orders", down_for=timedelta(minutes=12), lang="zh")
    assert all_text(valid(back)) == (
        ":white_check_mark: *prod-orders* 已恢复连接（中断了 12 分 00 秒）。"
        "期间结束的任务随后补发。"
    )


# --- the terminal --------------------------------------------------------------------------


def test_terminal_in_chinese() -> None:
    answer = answer_for(incident_tasks(count=4), statuses=frozenset({"FAILED", "SUCCESS"}))
    text = tasks_text(answer, SHANGHAI, NOW, lang="zh")
    lines = text.split("\n")
    assert " · 过去 1 小时 · " in lines[0]
    assert lines[1] == "4 个任务符合筛选条件（窗口内共 4 个）：失败 1 个，成功 3 个"
    assert lines[3].split() == ["状态", "名称", "用户", "开始时间", "耗时", "ID"]
    assert lines[6].startswith("失败  重置密码      paas_dms")
    detail = task_text(TaskAnswer(INSTANCE, incident_tasks()[2]), SHANGHAI, NOW, lang="zh")
    assert "名称      重置密码 (resetPassword)\n状态      失败 (FAILED)\n" in detail
    assert detail.endswith('参数\n{\n  "new_auto_status": false,\n  "old_auto_status": true\n}')
    listed = instances_text([INSTANCE], "cn-north-4", lang="zh")
    assert listed.startswith("cn-north-4 共有 1 个 Kafka 实例\n\n名称")
    assert instances_text([], "cn-north-4", lang="zh") == "cn-north-4 中没有 Kafka 实例。"


# --- English stays as it was ------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda **kw: task_finished_message(
            task(), instance_id="i", instance_name="n", tz=UTC, now=NOW, **kw
        ),
        lambda **kw: digest_message(
            [task()] * 3, instance_id="i", instance_name="n", tz=UTC, now=NOW, **kw
        ),
        lambda **kw: thread_reply_message(
            task(), instance_id="i", instance_name="n", tz=UTC, now=NOW, **kw
        ),
        lambda **kw: thread_closed_message([task()], instance_name="n", hours=2, **kw),
        lambda **kw: unreachable_message("n", "r", since=NOW, tz=UTC, **kw),
        lambda **kw: reachable_again_message("n", down_for=timedelta(seconds=5), **kw),
    ],
)
def test_english_is_the_default(build: Callable[..., Message]) -> None:
    default, english, chinese = build(), build(lang="en"), build(lang="zh")
    assert (default.text, valid(default)) == (english.text, valid(english))
    assert chinese.text != english.text
    assert CJK.search(chinese.text + all_text(valid(chinese)))


def test_text_from_dms_cannot_mention_or_link_in_chinese() -> None:
    evil = "<!channel> a&b <@U1>"
    hostile = task(name=evil, user=evil, status=evil, params=json.dumps({"topic": evil}))
    messages = [
        task_finished_message(
            hostile, instance_id=evil, instance_name=evil, tz=UTC, now=NOW, lang="zh"
        ),
        digest_message(
            [hostile] * 30, instance_id=evil, instance_name=evil, tz=UTC, now=NOW, lang="zh"
        ),
    ]
    for message in messages:
        blocks = valid(message)
        for shown in [message.text, *(text for b in blocks for text in _mrkdwn(b))]:
            assert "<!channel>" not in shown
            assert "<@U1>" not in shown
