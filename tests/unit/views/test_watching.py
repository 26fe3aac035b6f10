"""Messages of subscriptions and status threads: what a watching channel sees."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.actions import DETAILS, SUBSCRIBE, SubscribeRef, TaskRef
from bot.core.dms.models import Instance, Task
from bot.core.records import Subscription
from bot.core.redact import MASK
from bot.i18n import LANGS, Lang
from bot.views.kit import Message
from bot.views.limits import BUTTON_VALUE, MAX_BLOCKS, check_message
from bot.views.subscriptions import (
    subscribed_message,
    subscriptions_message,
    unsubscribed_message,
)
from bot.views.tasks import tasks_message as summary_message
from bot.views.watching import (
    DIGEST_LINES,
    PARAMS_SUMMARY,
    digest_message,
    reachable_again_message,
    subscription_paused_message,
    subscription_resumed_message,
    task_finished_message,
    thread_closed_message,
    thread_reply_message,
    unreachable_message,
)
from tests.unit.views.test_blocks import all_text, answer_for, buttons_of, state_for, summary

NOW = datetime(2026, 11, 27, 3, 0, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")
INSTANCE_ID = "43dab215-d294-570b-99de-c1e44144aaae"
SUB = Subscription(
    channel="C0INCIDENT",
    instance_id=INSTANCE_ID,
    instance_name="prod-orders",
    scope="failed",
    name_glob="restart*",
    created_by="U0ONCALL",
    created_at=NOW - timedelta(days=2),
)


def task(
    n: int = 1,
    *,
    status: str = "FAILED",
    name: str = "restartInstance",
    seconds: int = 252,
    params: str = '{"topic":"orders","partitions":12}',
    user: str = "paas_dms",
) -> Task:
    started = NOW - timedelta(minutes=10 + n)
    return Task.from_api(
        {
            "id": f"8abfa7b372160bfd0172165864{n:06d}",
            "name": name,
            "user_name": user,
            "user_id": "3df5acbc24a54fadb62a043c9000a307",
            "params": params,
            "status": status,
            "created_at": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "updated_at": (started + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    )


def valid(message: Message) -> list[dict[str, Any]]:
    """The blocks as sent: slack_sdk's validation and our full limits check both pass."""
    blocks = message.block_dicts()
    assert check_message(blocks, message.text) == []
    return blocks


def details_buttons(blocks: Sequence[dict[str, Any]]) -> list[TaskRef]:
    return [TaskRef.decode(b["value"]) for b in buttons_of(blocks) if b["action_id"] == DETAILS]


def finished(t: Task, name: str = "prod-orders") -> Message:
    return task_finished_message(
        t, instance_id=INSTANCE_ID, instance_name=name, tz=SHANGHAI, now=NOW
    )


def digest(tasks: Sequence[Task], name: str = "prod-orders") -> Message:
    return digest_message(tasks, instance_id=INSTANCE_ID, instance_name=name, tz=SHANGHAI, now=NOW)


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


def test_finished_message_carries_status_name_instance_duration_and_details() -> None:
    failed = task(7)
    message = finished(failed)
    blocks = valid(message)
    text = all_text(blocks)
    assert blocks[0]["text"]["text"].startswith(
        ":red_circle: *Restart instance* Failed on *prod-orders*\npaas_dms · "
    )
    assert "took 4m 12s" in text
    assert "params `topic=orders, partitions=12`" in text
    assert details_buttons(blocks) == [TaskRef(INSTANCE_ID, failed.id)]
    assert message.text == ":red_circle: Restart instance Failed on prod-orders (4m 12s)"


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


def test_text_from_dms_cannot_mention_or_link() -> None:
    evil = "<!channel> a&b <@U1>"
    t = task(name=evil, user=evil, status=evil, params=json.dumps({"topic": evil}))
    sub = dataclasses.replace(SUB, instance_name=evil, name_glob=evil, created_by=evil)
    messages = [
        finished(t, name=evil),
        digest([t] * 30, name=evil),
        thread_reply_message(t, instance_id=evil, instance_name=evil, tz=UTC, now=NOW),
        thread_closed_message([t], instance_name=evil, hours=6),
        unreachable_message(evil, evil, since=NOW, tz=UTC),
        reachable_again_message(evil, down_for=timedelta(minutes=12)),
        subscribed_message(sub, created=True, tz=UTC),
        unsubscribed_message(sub, evil, evil),
        unsubscribed_message(None, evil, evil),
        subscriptions_message([sub], evil, tz=UTC),
    ]
    for message in messages:
        blocks = valid(message)
        for shown in [message.text, *(t for b in blocks for t in _mrkdwn(b))]:
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
        shown = [message.text, *(t for b in blocks for t in _mrkdwn(b))]
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


def _mrkdwn(block: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for node in [block.get("text"), *(block.get("elements") or []), *(block.get("fields") or [])]:
        if isinstance(node, dict) and node.get("type") == "mrkdwn":
            found.append(node["text"])
    return found


# --- status threads and reachability ---------------------------------------------------


def test_thread_reply_is_short_with_the_outcome_and_details() -> None:
    done = task(1, status="SUCCESS", name="createTopic", seconds=4)
    reply = thread_reply_message(
        done, instance_id=INSTANCE_ID, instance_name="prod-orders", tz=UTC, now=NOW
    )
    blocks = valid(reply)
    assert len(blocks) == 1
    assert blocks[0]["text"]["text"].startswith(
        ":large_green_circle: *Create topic* finished: Succeeded after 4s · <!date^"
    )
    assert details_buttons(blocks) == [TaskRef(INSTANCE_ID, done.id)]
    failed = thread_reply_message(
        task(2), instance_id=INSTANCE_ID, instance_name="prod-orders", tz=UTC, now=NOW
    )
    assert valid(failed)[0]["text"]["text"].startswith(
        ":red_circle: *Restart instance* Failed after 4m 12s"
    )
    assert failed.text == ":red_circle: Restart instance Failed after 4m 12s on prod-orders"


def test_thread_closed_names_what_is_still_running_and_how_to_ask_again() -> None:
    running = [task(1, status="EXECUTING"), task(2, status="EXECUTING"), task(3, name="x")]
    text = all_text(valid(thread_closed_message(running, instance_name="prod-orders", hours=6)))
    assert (
        "Stopped following after 6 h; still running: Restart instance ×2, x; "
        "ask again with `/kafka-tasks prod-orders` for the latest." in text
    )
    none = thread_closed_message([], instance_name="prod-orders", hours=1.5)
    assert "after 1h 30m; nothing was left running" in all_text(valid(none))


def test_unreachable_and_back_again() -> None:
    since = NOW - timedelta(minutes=12)
    down = unreachable_message("prod-orders", "DMS did not answer", since=since, tz=SHANGHAI)
    text = all_text(valid(down))
    assert f"Cannot reach *prod-orders* since <!date^{int(since.timestamp())}^" in text
    assert ": DMS did not answer.\nNotifications will resume when DMS answers; nothing" in text
    back = reachable_again_message("prod-orders", down_for=timedelta(minutes=12))
    assert "*prod-orders* is reachable again (after 12m 00s). Any tasks" in all_text(valid(back))


# --- the Subscribe button on answers ---------------------------------------------------


def test_answers_offer_to_subscribe_to_failures() -> None:
    blocks = valid(summary())
    [button] = [b for b in buttons_of(blocks) if b["action_id"] == SUBSCRIBE]
    assert button["text"]["text"] == "Subscribe to failures"
    assert SubscribeRef.decode(button["value"]) == SubscribeRef(INSTANCE_ID, "prod-orders")


def test_no_subscribe_button_when_its_value_would_not_fit() -> None:
    instance = Instance(instance_id="i-1", name="n" * BUTTON_VALUE)
    answer = answer_for([task()], instance=instance)
    message = summary_message(answer, state_for(answer), tz=UTC, now=NOW, shareable=True, where="")
    assert all(b["action_id"] != SUBSCRIBE for b in buttons_of(valid(message)))


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
