"""Every message kind in Simplified Chinese, as a Chinese-locale on-call engineer sees it.

English is held word for word by test_blocks.py, test_watching.py and
test_subscriptions.py; here each view is asked in Chinese, and also checked to give
exactly today's English by default.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from datetime import UTC, timedelta

import pytest

from bot.core.actions import DETAILS, PAGE_NEXT, PAGE_PREV, REFRESH, RETRY, SHARE, SUBSCRIBE
from bot.core.answer import TaskAnswer
from bot.core.dms.errors import DmsNotFound
from bot.core.dms.models import Instance, Task
from bot.core.grammar.help import USAGE_ZH
from bot.core.redact import MASK
from bot.i18n import Said
from bot.main.runtime import DEMO_NOTE
from bot.views.details import task_details_message
from bot.views.errors import describe_error
from bot.views.kit import Message
from bot.views.limits import escape
from bot.views.replies import error_message, help_message, instances_message, looking_up_message
from bot.views.subscriptions import subscribed_message, subscriptions_message, unsubscribed_message
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
from tests.unit.views.test_blocks import (
    INSTANCE,
    NOW,
    SHANGHAI,
    all_text,
    answer_for,
    api_task,
    button,
    buttons_of,
    incident_tasks,
    state_for,
    task_rows,
    valid,
)
from tests.unit.views.test_watching import INSTANCE_ID, SUB, _mrkdwn, task

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


def test_summary_in_chinese() -> None:
    message = zh_summary()
    blocks = valid(message)
    text = all_text(blocks)
    assert blocks[0]["text"]["text"] == "prod-orders · 过去 1 小时"
    assert ":red_circle: *3 个失败* · 重置密码 ×2，修改配置参数\n" in text
    assert "*37 个任务* 在本窗口内启动：失败 3 个，成功 34 个" in text
    assert "时间按 Asia/Shanghai 解读" in text
    assert f"实例 `{INSTANCE.instance_id}` 位于 cn-north-4" in text
    assert "`begin_time=20261127020000` `end_time=20261127030000`" in text
    assert "任务启动数，每格 5 分钟（最高 4）" in text
    assert "第 1–10 个，共 37 个 · 第 1/4 页" in text
    assert message.text == "prod-orders · 过去 1 小时：共 37 个任务，3 个失败"


def test_summary_rows_use_labels_and_chinese_statuses() -> None:
    rows = task_rows(valid(zh_summary()))
    failed = rows[2]["text"]["text"]
    assert failed.startswith(":red_circle: *重置密码* · 失败 · paas_dms · 开始于 <!date^")
    assert failed.endswith(" · 42 秒")
    assert "失败" not in rows[0]["text"]["text"]  # success rows stay quiet, as in English
    assert all(row["accessory"]["text"]["text"] == "详情" for row in rows)


def test_summary_buttons_in_chinese_keep_their_values() -> None:
    zh = valid(zh_summary(page=2))
    assert labels(zh) == [
        *(["详情"] * 10),
        "刷新",
        "‹ 上一页",
        "下一页 ›",
        "分享到频道",
        "订阅失败通知",
    ]
    answer = answer_for(incident_tasks())
    en = valid(
        tasks_message(
            answer, state_for(answer, 2), tz=SHANGHAI, now=NOW, shareable=True, where="cn-north-4"
        )
    )
    for action in (REFRESH, PAGE_PREV, PAGE_NEXT, SHARE, SUBSCRIBE):
        zh_button, en_button = button(zh, action), button(en, action)
        assert zh_button is not None
        assert en_button is not None
        assert zh_button["value"] == en_button["value"]
    values = [[row["accessory"]["value"] for row in task_rows(blocks)] for blocks in (zh, en)]
    assert values[0] == values[1]


def test_filtered_empty_running_and_unknown_in_chinese() -> None:
    filtered = all_text(valid(zh_summary(statuses=frozenset({"FAILED"}), name_glob="re*")))
    assert "*2 个任务* 符合筛选条件 状态 失败 · 名称 `re*` （窗口内共 37 个）" in filtered
    empty = all_text(valid(zh_summary([])))
    assert "本窗口内 *prod-orders* 上没有启动任何任务。" in empty
    none_match = all_text(
        valid(zh_summary(incident_tasks(failed=()), statuses=frozenset({"FAILED"})))
    )
    assert "没有符合筛选条件 状态 失败 的任务（37 个任务均不符合）" in none_match
    running = Task.from_api(api_task(0, status="EXECUTING", name="restartInstance"))
    row = task_rows(valid(zh_summary([running])))[0]["text"]["text"]
    assert row.startswith(":large_blue_circle: *重启实例* · 执行中 · ")
    assert row.endswith("已运行 1 分 00 秒")
    odd = Task.from_api(api_task(0, status="ROLLING_BACK", name="brandNewTask"))
    row = task_rows(valid(zh_summary([odd])))[0]["text"]["text"]
    assert row.startswith(":grey_question: *brandNewTask* · ROLLING_BACK")


def test_cached_and_truncated_in_chinese() -> None:
    text = all_text(
        valid(zh_summary(from_cache=True, fetched_at=NOW, truncated=True, reported_count=5200))
    )
    assert ":floppy_disk: 缓存结果，获取于 <!date^" in text
    assert "点“刷新”获取最新结果" in text
    assert ":warning: DMS 报告了 5200 个任务，只取回了 37 个；请缩小时间窗口。" in text


# --- one task, instances, help, errors -----------------------------------------------


def test_details_in_chinese_show_the_label_and_dms_name() -> None:
    params = json.dumps({"user_name": "root", "password": "hunter2"})
    task_ = Task.from_api(api_task(3, status="FAILED", name="resetPassword", params=params))
    message = task_details_message(TaskAnswer(INSTANCE, task_), tz=SHANGHAI, now=NOW, lang="zh")
    blocks = valid(message)
    assert blocks[0]["text"]["text"] == "重置密码"
    fields = [f["text"] for f in blocks[1]["fields"]]
    assert [f.split("\n")[0] for f in fields] == [
        "*任务名称*",
        "*状态*",
        "*用户*",
        "*开始时间*",
        "*结束时间*",
        "*耗时*",
        "*任务 ID*",
        "*实例*",
    ]
    assert fields[0] == "*任务名称*\n`resetPassword`"
    assert fields[1] == "*状态*\n:red_circle: 失败 `FAILED`"
    assert fields[5] == "*耗时*\n42 秒"
    text = all_text(blocks)
    assert "*参数* · 敏感信息已隐藏" in text
    assert "hunter2" not in json.dumps(blocks, ensure_ascii=False)
    assert MASK in text
    assert message.text == "prod-orders 上的 重置密码 · 失败"


def test_details_of_an_unknown_name_has_no_extra_field() -> None:
    task_ = Task.from_api(api_task(1, name="brandNewTask", params=""))
    blocks = valid(task_details_message(TaskAnswer(INSTANCE, task_), tz=UTC, now=NOW, lang="zh"))
    assert blocks[0]["text"]["text"] == "brandNewTask"
    assert blocks[1]["fields"][0]["text"].startswith("*状态*")
    assert "无参数。" in all_text(blocks)


def test_instances_in_chinese() -> None:
    instances = [
        Instance.from_api({"instance_id": f"id-{i:04d}", "name": f"kafka-{i}", "status": "RUNNING"})
        for i in range(10_000)
    ]
    message = instances_message(instances, "cn-north-4", lang="zh")
    text = all_text(valid(message))
    assert valid(message)[0]["text"]["text"] == "cn-north-4 的 Kafka 实例"
    assert "*kafka-0* `id-0000` · 运行中" in text
    assert re.search(r"… 另有 [0-9]+ 个。发送 `&lt;instance&gt; last 1h`", text)
    assert message.text == "cn-north-4 共有 10000 个 Kafka 实例"
    empty = instances_message([], "", lang="zh")
    assert empty.text == "本项目 中没有 Kafka 实例。"


def test_help_in_chinese() -> None:
    message = help_message("演示模式：答案来自内置的模拟器。", lang="zh")
    blocks = valid(message)
    assert "以下命令在 `/kafka-tasks` 斜杠命令、@ 机器人和本地命令行中通用" in all_text(blocks)
    assert f"```\n{escape(USAGE_ZH.rstrip())}\n```" in [b["text"]["text"] for b in blocks[:2]]
    assert "演示模式" in all_text(blocks[-1:])
    assert message.text == "kafka-tasks：使用方法"
    # The command words are the same in both languages; what is filled in is said in Chinese.
    for command in ("instances", "subscribe <实例>", "last 1h", "since 09:00"):
        assert command in USAGE_ZH


def test_the_demo_note_is_said_in_the_askers_language() -> None:
    chinese = all_text(valid(help_message(DEMO_NOTE, lang="zh"))[-1:])
    assert (
        chinese
        == "未设置华为云凭据（HUAWEICLOUD_SDK_AK/SK）：以下回答来自内置 DMS 模拟器的演示数据。"
    )
    english = all_text(valid(help_message(DEMO_NOTE))[-1:])
    assert english == str(DEMO_NOTE)
    assert english.startswith("No Huawei credentials set")


def test_errors_in_chinese() -> None:
    retry = state_for(answer_for([]))
    said = Said.of("dms.answered", status=404, text="This instance does not exist.")
    exc = DmsNotFound(said, request_id="req-1")
    message = error_message(
        describe_error(exc, "zh"),
        retry=retry,
        choices=[("prod-orders", "id-1"), ("x", "y")] * 30,
        lang="zh",
    )
    blocks = valid(message)
    assert blocks[0]["text"]["text"].startswith(":warning: DMS 返回 404：This instance")
    assert "（请求 ID req-1）" in message.text
    assert message.text.startswith("kafka-tasks 无法回答：DMS 返回 404")
    assert "… 另有 20 个：输入实例 ID 来选择。" in all_text(blocks)
    retry_button = button(blocks, RETRY)
    assert retry_button is not None
    assert retry_button["text"]["text"] == "重试"
    assert error_message("", lang="zh").text == "kafka-tasks 无法回答：出错了。"
    assert error_message("x", title="自定义", lang="zh").text == "自定义：x"


def test_looking_up_in_chinese() -> None:
    assert looking_up_message("prod-orders", lang="zh").text == (
        ":hourglass_flowing_sand: 正在查询“prod-orders”…"
    )
    assert looking_up_message("", lang="zh").text == ":hourglass_flowing_sand: 正在查询“你的任务”…"


# --- subscriptions -------------------------------------------------------------------------


def test_subscribed_in_chinese() -> None:
    message = subscribed_message(SUB, created=True, tz=SHANGHAI, lang="zh")
    text = all_text(valid(message))
    assert (
        ":bell: 每当 *prod-orders* 上有名称匹配 `restart*` 的任务失败时，本频道（<#C0INCIDENT>）"
        "都会收到一条消息。\n多个任务同时结束时会合并成一条摘要。此前已结束的任务不会补发。" in text
    )
    assert "由 `U0ONCALL` 于 <!date^" in text  # named without a ping
    assert "取消订阅用 `/kafka-tasks unsubscribe prod-orders`" in text
    assert message.text == "已订阅：prod-orders 上的任务失败时通知，名称匹配 restart*"
    updated = subscribed_message(
        dataclasses.replace(SUB, scope="all", name_glob="Topic"), created=False, tz=UTC, lang="zh"
    )
    text = all_text(valid(updated))
    assert ":bell: 已更新：每当 *prod-orders* 上有名称包含 `Topic` 的任务结束（无论结果）时" in text
    assert "这会替换本频道之前对该实例的订阅。" in text


def test_unsubscribed_in_chinese() -> None:
    done = unsubscribed_message(SUB, "prod-orders", "C0INCIDENT", lang="zh")
    text = all_text(valid(done))
    assert (
        "将不再收到 *prod-orders* 上的任务消息（此前每当有名称匹配 `restart*` 的任务失败时" in text
    )
    assert "重新订阅请发送 `/kafka-tasks subscribe prod-orders failed name restart*`" in text
    assert done.text == "已取消订阅 prod-orders"
    nothing = unsubscribed_message(None, "prod-orders", "D0DM", lang="zh")
    assert "本会话没有订阅 *prod-orders* 的任务通知，未做任何更改。" in all_text(valid(nothing))
    assert nothing.text == "本频道没有订阅 prod-orders"


def test_subscriptions_in_chinese() -> None:
    other = dataclasses.replace(SUB, instance_id="i-2", instance_name="stage", scope="all")
    subs = [SUB, dataclasses.replace(other, name_glob=None)] * 30
    message = subscriptions_message(subs, "C0INCIDENT", tz=SHANGHAI, lang="zh")
    blocks = valid(message)
    text = all_text(blocks)
    assert blocks[0]["text"]["text"] == "本频道的任务通知"
    assert "本频道（<#C0INCIDENT>） · 60 个订阅" in text
    assert f"• *prod-orders* `{INSTANCE_ID}` · 仅失败 · 名称 `restart*` · `U0ONCALL` 设置于" in text
    assert "• *stage* `i-2` · 任何结果 · `U0ONCALL` 设置于" in text
    assert "… 另有 20 个。取消其中一个请发送 `/kafka-tasks unsubscribe &lt;instance&gt;`" in text
    assert message.text == "本频道有 60 个订阅"
    none = subscriptions_message([], "C0INCIDENT", tz=UTC, lang="zh")
    assert "本频道（<#C0INCIDENT>）没有任务通知。" in all_text(valid(none))
    assert none.text == "本频道没有任务通知"


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
        lambda **kw: help_message("note", **kw),
        lambda **kw: instances_message([INSTANCE], "cn-north-4", **kw),
        lambda **kw: error_message("x", **kw),
        lambda **kw: looking_up_message("x", **kw),
        lambda **kw: subscribed_message(SUB, created=True, tz=UTC, **kw),
        lambda **kw: unsubscribed_message(SUB, "p", "C1", **kw),
        lambda **kw: subscriptions_message([SUB], "C1", tz=UTC, **kw),
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
    sub = dataclasses.replace(SUB, instance_name=evil, name_glob=evil, created_by=evil)
    instance = Instance(instance_id=evil, name=evil)
    messages = [
        zh_summary([hostile], instance=instance),
        task_details_message(TaskAnswer(instance, hostile), tz=UTC, now=NOW, lang="zh"),
        task_finished_message(
            hostile, instance_id=evil, instance_name=evil, tz=UTC, now=NOW, lang="zh"
        ),
        digest_message(
            [hostile] * 30, instance_id=evil, instance_name=evil, tz=UTC, now=NOW, lang="zh"
        ),
        subscribed_message(sub, created=True, tz=UTC, lang="zh"),
        subscriptions_message([sub], evil, tz=UTC, lang="zh"),
        error_message(evil, choices=[(evil, evil)], lang="zh"),
    ]
    for message in messages:
        blocks = valid(message)
        for shown in [message.text, *(text for b in blocks for text in _mrkdwn(b))]:
            assert "<!channel>" not in shown
            assert "<@U1>" not in shown
