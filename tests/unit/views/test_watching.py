"""Messages of subscriptions and status threads: what a watching channel sees."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.actions import DETAILS, TaskRef
from bot.core.dms.models import Task
from bot.core.records import Subscription
from bot.core.redact import MASK
from bot.i18n import LANGS, Lang
from bot.views.kit import Message
from bot.views.limits import MAX_BLOCKS, check_message
from bot.views.subscriptions import (
    subscribed_message,
    subscriptions_message,
    unsubscribed_message,
)
from bot.views.watching import (
    DIGEST_LINES,
    PARAMS_SUMMARY,
    digest_message,
    params_summary,
    reachable_again_message,
    subscription_paused_message,
    subscription_resumed_message,
    task_finished_message,
    thread_closed_message,
    thread_reply_message,
    unreachable_message,
)
from tests.unit.views.support import (
    CJK,
    INSTANCE_ID,
    NOW,
    SHANGHAI,
    all_text,
    buttons_of,
    mrkdwn_texts,
    task,
    valid,
)


def details_buttons(blocks: Sequence[dict[str, Any]]) -> list[TaskRef]:
    return [TaskRef.decode(b["value"]) for b in buttons_of(blocks) if b["action_id"] == DETAILS]


def finished(t: Task, name: str = "prod-orders", lang: Lang = "en") -> Message:
    return task_finished_message(
        t, instance_id=INSTANCE_ID, instance_name=name, tz=SHANGHAI, now=NOW, lang=lang
    )


def digest(tasks: Sequence[Task], name: str = "prod-orders", lang: Lang = "en") -> Message:
    return digest_message(
        tasks, instance_id=INSTANCE_ID, instance_name=name, tz=SHANGHAI, now=NOW, lang=lang
    )


# --- paused by the access rules -------------------------------------------------------


def test_pause_and_resume_notices_name_the_instance_and_why() -> None:
    paused = subscription_paused_message("prod-payments")
    text = all_text(valid(paused))
    assert "*prod-payments* are paused here" in text
    assert "access rules" in text
    assert paused.text == "Task notifications for prod-payments are paused here by the access rules"
    resumed = all_text(valid(subscription_resumed_message("prod-payments", lang="zh")))
    assert "*prod-payments* 任务通知已恢复" in resumed


# --- task-finished notifications -------------------------------------------------------


FINISHED = {
    "en": (
        ":red_circle: *Restart instance* Failed on *prod-orders*\npaas_dms · started <!date^",
        " · took 4m 12s",
        "Details",
        "params `topic=orders, partitions=12`",
        ":red_circle: Restart instance Failed on prod-orders (4m 12s)",
    ),
    "zh": (
        ":red_circle: *prod-orders* 上的 *重启实例* 失败\npaas_dms · 开始于 <!date^",
        " · 耗时 4 分 12 秒",
        "详情",
        "参数 `topic=orders, partitions=12`",
        ":red_circle: prod-orders 上的 重启实例 失败（耗时 4 分 12 秒）",
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_finished_message_carries_status_name_instance_duration_and_details(lang: Lang) -> None:
    starts, took, details_label, params, notification = FINISHED[lang]
    failed = task(7)
    message = finished(failed, lang=lang)
    blocks = valid(message)
    text = all_text(blocks)
    assert blocks[0]["text"]["text"].startswith(starts)
    assert blocks[0]["text"]["text"].endswith(took)
    assert took.lstrip(" ·") in text
    assert blocks[0]["accessory"]["text"]["text"] == details_label
    assert blocks[0]["accessory"]["action_id"] == DETAILS
    assert params in text
    assert details_buttons(blocks) == [TaskRef(INSTANCE_ID, failed.id)]
    assert message.text == notification


def test_finished_message_masks_a_password_in_the_params_summary() -> None:
    params = '{"user_name":"alice","password":"hunter2","topic":"orders","more":1}'
    message = finished(task(params=params, name="resetPassword", status="SUCCESS"))
    text = all_text(valid(message)) + message.text
    assert "hunter2" not in text
    assert f"user_name=alice, password={MASK}, topic=orders, … (+1 more)" in text


def test_text_params_that_name_a_secret_are_not_shown() -> None:
    text = all_text(valid(finished(task(params="reset password to hunter2"))))
    assert "hunter2" not in text
    assert "hidden" in text


PARAMS_SUMMARIES = {
    "en": ("(hidden: may hold a secret; see Details)", "a=1, b=2, c=3, … (+2 more)"),
    "zh": ("（已隐藏：可能含有敏感信息，请查看详情）", "a=1, b=2, c=3，…（另有 2 项）"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_params_summary_hides_secret_text_and_counts_what_it_leaves_out(lang: Lang) -> None:
    hidden, many = PARAMS_SUMMARIES[lang]
    assert params_summary("reset password to x", lang=lang) == hidden
    assert params_summary({"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}, lang=lang) == many


def test_huge_params_summary_is_one_clipped_line() -> None:
    params = json.dumps({f"k{i}": "x" * 5000 for i in range(50)})
    blocks = valid(finished(task(params=params)))
    context = next(b for b in blocks if b["type"] == "context")["elements"][0]["text"]
    assert "\n" not in context
    assert len(context) <= len("params ``") + PARAMS_SUMMARY


def test_digest_orders_failures_first_with_details_only_for_them() -> None:
    tasks = [
        task(1, status="SUCCESS", name="createTopic", seconds=4),
        task(2, status="FAILED"),
        task(3, status="CANCELLED", name="modifyConfigs"),
        task(4, status="FAILED", name="resetPassword"),
        task(5, status="SUCCESS", name="createTopic", seconds=4),
    ]
    message = digest(tasks)
    blocks = valid(message)
    assert blocks[0]["text"]["text"] == "5 tasks finished on prod-orders"
    text = all_text(blocks)
    assert (
        ":red_circle: *2 Failed* · :large_green_circle: 2 Succeeded · "
        ":heavy_minus_sign: 1 Cancelled" in text
    )
    rows = [b["text"]["text"] for b in blocks[2:]]
    assert [r.split("*")[1] for r in rows] == [
        "Restart instance",
        "Reset password",
        "Create topic",
        "Change configuration",
        "Create topic",
    ]
    assert details_buttons(blocks) == [
        TaskRef(INSTANCE_ID, tasks[1].id),
        TaskRef(INSTANCE_ID, tasks[3].id),
    ]
    assert message.text == "5 tasks finished on prod-orders: 2 Failed, 2 Succeeded, 1 Cancelled"


def test_digest_of_500_tasks_stays_under_50_blocks() -> None:
    tasks = [
        task(i, status="FAILED" if i % 7 == 0 else "SUCCESS", name=f"createTopic{i % 3}")
        for i in range(500)
    ]
    blocks = valid(digest(tasks))
    assert len(blocks) < MAX_BLOCKS
    text = all_text(blocks)
    assert f"… and {500 - DIGEST_LINES} more: " in text
    assert "`/kafka-tasks prod-orders task &lt;task-id&gt;`" in text
    # The first lines are all failures (72 of them), each with its button.
    assert len(details_buttons(blocks)) == DIGEST_LINES


LONG_DIGEST = {
    "en": (
        "34 tasks finished on prod-orders",
        ":red_circle: *2 Failed* · :large_green_circle: 31 Succeeded · "
        ":heavy_minus_sign: 1 Cancelled",
        ":red_circle: *Restart instance* · Failed · paas_dms · started",
        "… and 14 more: Create topic Succeeded ×14",
        "Any task's details: `/kafka-tasks prod-orders task &lt;task-id&gt;`",
        "34 tasks finished on prod-orders: 2 Failed, 31 Succeeded, 1 Cancelled",
    ),
    "zh": (
        "prod-orders 上有 34 个任务结束",
        ":red_circle: *失败 2 个* · :large_green_circle: 成功 31 个 · "
        ":heavy_minus_sign: 已取消 1 个",
        ":red_circle: *重启实例* · 失败 · paas_dms · 开始于",
        "… 另有 14 个：创建 Topic 成功 ×14",
        "查看任一任务的详情请发送 `/kafka-tasks prod-orders task &lt;task-id&gt;`",
        "prod-orders 上有 34 个任务结束：失败 2 个，成功 31 个，已取消 1 个",
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_long_digest_counts_each_outcome_and_what_it_leaves_out(lang: Lang) -> None:
    title, counts, first_row, more, how_to_ask, notification = LONG_DIGEST[lang]
    tasks = [
        task(1, status="SUCCESS", name="createTopic", seconds=4),
        task(2, status="FAILED"),
        task(3, status="CANCELLED", name="modifyConfigs"),
        task(4, status="FAILED", name="resetPassword"),
        *[task(10 + i, status="SUCCESS", name="createTopic", seconds=4) for i in range(30)],
    ]
    message = digest(tasks, lang=lang)
    blocks = valid(message)
    text = all_text(blocks)
    assert blocks[0]["text"]["text"] == title
    assert counts in text
    assert blocks[2]["text"]["text"].startswith(first_row)
    assert more in text
    assert how_to_ask in text
    assert message.text == notification


@pytest.mark.parametrize("lang", LANGS)
def test_text_from_dms_cannot_mention_or_link(lang: Lang) -> None:
    evil = "<!channel> a&b <@U1>"
    t = task(name=evil, user=evil, status=evil, params=json.dumps({"topic": evil}))
    messages = [
        finished(t, name=evil, lang=lang),
        digest([t] * 30, name=evil, lang=lang),
        thread_reply_message(t, instance_id=evil, instance_name=evil, tz=UTC, now=NOW, lang=lang),
        thread_closed_message([t], instance_name=evil, hours=6, lang=lang),
        unreachable_message(evil, evil, since=NOW, tz=UTC, lang=lang),
        reachable_again_message(evil, down_for=timedelta(minutes=12), lang=lang),
    ]
    for message in messages:
        blocks = valid(message)
        for shown in [message.text, *(t for b in blocks for t in mrkdwn_texts(b))]:
            assert "<!channel>" not in shown
            assert "<@U1>" not in shown
            assert not re.search(r"&(?!amp;|lt;|gt;)", shown), shown
        assert "&lt;!channel&gt;" in all_text(blocks) + message.text


def test_notifications_carry_nothing_invisible_and_link_no_url_from_dms() -> None:
    hostile = "\u202eevil\u2066 https://evil.example/x www.evil.example"
    t = task(name=hostile, user=hostile, params=json.dumps({"callback": hostile}))
    messages = [
        finished(t, name=hostile),
        digest([t] * 30, name=hostile),
        thread_reply_message(t, instance_id=hostile, instance_name=hostile, tz=UTC, now=NOW),
        thread_closed_message([t], instance_name=hostile, hours=6),
        unreachable_message(hostile, hostile, since=NOW, tz=UTC),
    ]
    for message in messages:
        blocks = valid(message)
        shown = [message.text, *(t for b in blocks for t in mrkdwn_texts(b))]
        shown += [b["text"]["text"] for b in blocks if b["type"] == "header"]
        for text in shown:
            assert "\u202e" not in text
            assert "\u2066" not in text
            assert "://" not in text
            assert "www.evil" not in text
        assert "https[:]//evil.example/x" in all_text(blocks) + message.text


def test_a_notification_of_a_task_with_unreadable_params_is_still_posted() -> None:
    t = task(params="[" * 100_000 + "]" * 100_000)
    assert t.unreadable == {"params": "too_deep"}
    blocks = valid(finished(t))
    assert "Restart instance" in all_text(blocks)
    assert details_buttons(blocks) == [TaskRef(INSTANCE_ID, t.id)]
    assert "[[[" not in all_text(blocks)


# --- status threads and reachability ---------------------------------------------------


THREAD_REPLY = {
    "en": (
        ":large_green_circle: *Create topic* finished: Succeeded after 4s · <!date^",
        (
            ":large_green_circle: *Create topic* finished: Succeeded after 3m 20s · <!date^",
            ":large_green_circle: Create topic Succeeded after 3m 20s on prod-orders",
        ),
        ":red_circle: *Restart instance* Failed after 4m 12s",
        ":red_circle: Restart instance Failed after 4m 12s on prod-orders",
        ":large_blue_circle: *Restart instance* is now Running (13m 00s so far)",
    ),
    "zh": (
        ":large_green_circle: *创建 Topic* 已结束：成功，耗时 4 秒 · <!date^",
        (
            ":large_green_circle: *创建 Topic* 已结束：成功，耗时 3 分 20 秒 · <!date^",
            ":large_green_circle: prod-orders 上的 创建 Topic 成功，耗时 3 分 20 秒",
        ),
        ":red_circle: *重启实例* 失败，耗时 4 分 12 秒",
        ":red_circle: prod-orders 上的 重启实例 失败，耗时 4 分 12 秒",
        ":large_blue_circle: *重启实例* 当前状态：执行中（已运行 13 分 00 秒）",
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_thread_reply_is_short_with_the_outcome_and_details(lang: Lang) -> None:
    quick, (slow, slow_text), failed_starts, failed_text, running_starts = THREAD_REPLY[lang]

    def reply(t: Task) -> Message:
        return thread_reply_message(
            t, instance_id=INSTANCE_ID, instance_name="prod-orders", tz=UTC, now=NOW, lang=lang
        )

    done = task(1, status="SUCCESS", name="createTopic", seconds=4)
    blocks = valid(reply(done))
    assert len(blocks) == 1
    assert blocks[0]["text"]["text"].startswith(quick)
    assert details_buttons(blocks) == [TaskRef(INSTANCE_ID, done.id)]
    took_longer = reply(task(1, status="SUCCESS", name="createTopic", seconds=200))
    assert valid(took_longer)[0]["text"]["text"].startswith(slow)
    assert took_longer.text == slow_text
    failed = reply(task(2))
    assert valid(failed)[0]["text"]["text"].startswith(failed_starts)
    assert failed.text == failed_text
    running = reply(task(3, status="EXECUTING"))
    assert valid(running)[0]["text"]["text"].startswith(running_starts)


THREAD_CLOSED = {
    "en": (
        ":zzz: Stopped following after 6 h; still running: Restart instance ×2, x; "
        "ask again with `/kafka-tasks prod-orders` for the latest.",
        "Stopped following prod-orders after 6 h",
        "after 1h 30m; nothing was left running",
        "Stopped following after a while",
    ),
    "zh": (
        ":zzz: 已跟踪 6 小时，现在停止跟踪；仍在运行：重启实例 ×2，x；"
        "请再次发送 `/kafka-tasks prod-orders` 查看最新状态。",
        "已停止跟踪 prod-orders（跟踪了 6 小时）",
        "已跟踪 1 小时 30 分，现在停止跟踪；没有仍在运行的任务",
        "已跟踪 一段时间",
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_thread_closed_names_what_is_still_running_and_how_to_ask_again(lang: Lang) -> None:
    said, notification, nothing_left, no_hours = THREAD_CLOSED[lang]
    running = [task(1, status="EXECUTING"), task(2, status="EXECUTING"), task(3, name="x")]
    closed = thread_closed_message(running, instance_name="prod-orders", hours=6, lang=lang)
    assert all_text(valid(closed)) == said
    assert closed.text == notification
    none = thread_closed_message([], instance_name="prod-orders", hours=1.5, lang=lang)
    assert nothing_left in all_text(valid(none))
    odd = thread_closed_message([], instance_name="prod-orders", hours=float("nan"), lang=lang)
    assert no_hours in all_text(valid(odd))


REACHABILITY = {
    "en": (
        "Cannot reach *prod-orders* since <!date^{since}^",
        {
            "DMS did not answer": (
                ": DMS did not answer.\nNotifications will resume when DMS answers; nothing",
                "Cannot reach prod-orders: DMS did not answer",
            ),
            "": (
                ": no answer.\nNotifications will resume when DMS answers; nothing will be lost.",
                "Cannot reach prod-orders: no answer",
            ),
        },
        ":white_check_mark: *prod-orders* is reachable again (after 12m 00s). Any tasks that "
        "finished meanwhile follow.",
    ),
    "zh": (
        ":warning: *prod-orders* 自 <!date^{since}^",
        {
            "DMS did not answer": (
                "起无法连接：DMS did not answer。\nDMS 恢复响应后会继续发送通知",
                "无法连接 prod-orders：DMS did not answer",
            ),
            "": (
                "起无法连接：无响应。\nDMS 恢复响应后会继续发送通知，不会丢失任何通知。",
                "无法连接 prod-orders：无响应",
            ),
        },
        ":white_check_mark: *prod-orders* 已恢复连接（中断了 12 分 00 秒）。"
        "期间结束的任务随后补发。",
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_unreachable_and_back_again(lang: Lang) -> None:
    cannot_reach, reasons, back_again = REACHABILITY[lang]
    since = NOW - timedelta(minutes=12)
    for reason, (why, notification) in reasons.items():
        down = unreachable_message("prod-orders", reason, since=since, tz=SHANGHAI, lang=lang)
        text = all_text(valid(down))
        assert cannot_reach.format(since=int(since.timestamp())) in text
        assert why in text
        assert down.text == notification
    back = reachable_again_message("prod-orders", down_for=timedelta(minutes=12), lang=lang)
    assert all_text(valid(back)) == back_again


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


# --- any input fits Slack --------------------------------------------------------------

_SPECIAL = (
    "<!channel>",
    "<@U1>",
    "&",
    "&amp;",
    "<",
    ">",
    "`",
    "```",
    "*",
    "_",
    "\n",
    "卡夫卡",
    "👨‍👩‍👧",
)
_pieces = st.lists(st.one_of(st.text(max_size=10), st.sampled_from(_SPECIAL)), max_size=6).map(
    "".join
)
# Mostly short, sometimes far past every limit.
_texts = st.one_of(
    _pieces, st.tuples(_pieces, st.integers(1, 500)).map(lambda pair: pair[0] * pair[1])
)
_statuses = st.one_of(
    st.sampled_from(["CREATED", "EXECUTING", "SUCCESS", "FAILED", "DELETED", "CANCELLED"]),
    _texts,
)
# Names DMS sends get labels in Chinese; any other text is shown as it came.
_names = st.one_of(_texts, st.sampled_from(("restartInstance", "createTopic", "modifyConfigs")))
_instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
_moments = st.none() | _instants
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | _pieces,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_pieces, inner, max_size=6),
    max_leaves=8,
)
_zones: st.SearchStrategy[tzinfo] = st.sampled_from(
    [UTC, SHANGHAI, ZoneInfo("America/New_York"), timezone(timedelta(hours=-9, minutes=-30))]
)


@st.composite
def _tasks(draw: st.DrawFn) -> Task:
    params = draw(st.one_of(_json, st.integers(1, 50_000).map(lambda n: {"blob": "<&" * n})))
    return Task(
        id=draw(_texts),
        name=draw(_names),
        user_name=draw(_texts),
        user_id=draw(_texts),
        status=draw(_statuses),
        created_at=draw(_moments),
        updated_at=draw(_moments),
        params_raw="",
        params=params,
    )


@st.composite
def _subscriptions(draw: st.DrawFn) -> Subscription:
    return Subscription(
        channel=draw(st.one_of(_texts, st.just("C0INCIDENT"))),
        instance_id=draw(_texts),
        instance_name=draw(_texts),
        scope=draw(st.sampled_from(["failed", "all"])),
        name_glob=draw(st.none() | _texts),
        created_by=draw(st.one_of(_texts, st.just("U0ONCALL"))),
        created_at=draw(_instants),
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    data=st.data(),
    templates=st.lists(_tasks(), min_size=1, max_size=5),
    count=st.one_of(st.integers(0, 30), st.integers(0, 2000)),
    subs=st.lists(_subscriptions(), max_size=3),
    tz=_zones,
    lang=st.sampled_from(LANGS),
)
def test_every_watching_message_fits_slack_for_any_input(
    data: st.DataObject,
    templates: list[Task],
    count: int,
    subs: list[Subscription],
    tz: tzinfo,
    lang: Lang,
) -> None:
    # Many tasks from a few drawn ones: drawing 2000 each would make the test slow.
    tasks = [
        dataclasses.replace(
            templates[i % len(templates)], id=f"{templates[i % len(templates)].id}{i}"
        )
        for i in range(count)
    ]
    many_subs = subs * data.draw(st.sampled_from([1, 30]), label="repeat")
    instance_id, name = data.draw(_texts, label="id"), data.draw(_texts, label="name")
    channel = data.draw(_texts, label="channel")
    now = data.draw(_instants, label="now")
    one = templates[0]
    messages = [
        task_finished_message(
            one, instance_id=instance_id, instance_name=name, tz=tz, now=now, lang=lang
        ),
        digest_message(
            tasks, instance_id=instance_id, instance_name=name, tz=tz, now=now, lang=lang
        ),
        thread_reply_message(
            one, instance_id=instance_id, instance_name=name, tz=tz, now=now, lang=lang
        ),
        thread_closed_message(
            tasks,
            instance_name=name,
            hours=data.draw(st.floats(allow_nan=True), label="hours"),
            instance_id=instance_id,
            lang=lang,
        ),
        unreachable_message(name, data.draw(_texts, label="reason"), since=now, tz=tz, lang=lang),
        reachable_again_message(
            name, down_for=timedelta(seconds=data.draw(st.integers(-(10**6), 10**9))), lang=lang
        ),
        unsubscribed_message(None, name, channel, lang=lang),
        subscriptions_message(many_subs, channel, tz=tz, lang=lang),
    ]
    for sub in subs:
        messages += [
            subscribed_message(sub, created=data.draw(st.booleans()), tz=tz, lang=lang),
            unsubscribed_message(sub, name, channel, lang=lang),
        ]
    for message in messages:
        blocks = message.block_dicts()  # slack_sdk's validation
        assert check_message(blocks, message.text) == []
        assert len(blocks) <= MAX_BLOCKS
