"""Messages about subscriptions: the confirmation, the unsubscribe, a channel's list."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import UTC

import pytest

from bot.i18n import LANGS, Lang
from bot.views.kit import Message
from bot.views.subscriptions import (
    MAX_LISTED_SUBSCRIPTIONS,
    subscribed_message,
    subscriptions_message,
    unsubscribed_message,
)
from tests.unit.views.support import (
    CJK,
    INSTANCE_ID,
    NOW,
    SHANGHAI,
    SUB,
    all_text,
    mrkdwn_texts,
    valid,
)

CONFIRMATION = {
    "en": (
        "This channel (<#C0INCIDENT>) will get a message each time a task on *prod-orders* "
        "fails and its name matches `restart*`.",
        "`/kafka-tasks unsubscribe prod-orders`",
        "not replayed",
        "Set up by `U0ONCALL` <!date^",
        ":bell: Updated",
        "Subscribed: tasks on prod-orders that fail whose name matches restart*",
    ),
    "zh": (
        ":bell: 每当 *prod-orders* 上有名称匹配 `restart*` 的任务失败时，本频道（<#C0INCIDENT>）"
        "都会收到一条消息。\n多个任务同时结束时会合并成一条摘要。此前已结束的任务不会补发。",
        "取消订阅用 `/kafka-tasks unsubscribe prod-orders`",
        "此前已结束的任务不会补发",
        "由 `U0ONCALL` 于 <!date^",
        ":bell: 已更新",
        "已订阅：prod-orders 上的任务失败时通知，名称匹配 restart*",
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_confirmation_says_channel_instance_scope_glob_and_how_to_stop(lang: Lang) -> None:
    sentence, how_to_stop, not_replayed, set_up_by, updated, notification = CONFIRMATION[lang]
    message = subscribed_message(SUB, created=True, tz=SHANGHAI, lang=lang)
    text = all_text(valid(message))
    assert sentence in text
    assert how_to_stop in text
    assert not_replayed in text  # a new subscription does not post old failures
    # Named as plain code, not a mention: a confirmation does not ping anyone.
    assert set_up_by in text
    assert "<@" not in text
    assert not text.startswith(updated)
    assert message.text == notification


ANY_OUTCOME = {
    "en": "finishes (any outcome) whose name contains `Topic`.",
    "zh": "*prod-orders* 上有名称包含 `Topic` 的任务结束（无论结果）时",
}


@pytest.mark.parametrize("lang", LANGS)
def test_all_outcomes_and_a_plain_text_glob_are_worded_as_they_match(lang: Lang) -> None:
    sub = dataclasses.replace(SUB, scope="all", name_glob="Topic")
    text = all_text(valid(subscribed_message(sub, created=True, tz=UTC, lang=lang)))
    assert ANY_OUTCOME[lang] in text


def test_no_glob_is_worded_as_every_task() -> None:
    none = dataclasses.replace(SUB, name_glob=None)
    assert "each time a task on *prod-orders* fails." in all_text(
        valid(subscribed_message(none, created=True, tz=UTC))
    )


UPDATED = {
    "en": (
        ":bell: Updated: this channel (<#C0INCIDENT>) will get a message",
        "replaces",
        "Updated: ",
    ),
    "zh": (
        ":bell: 已更新：每当 *prod-orders* 上有",
        "这会替换本频道之前对该实例的订阅。",
        "已更新：",
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_subscribing_twice_says_updated(lang: Lang) -> None:
    updated, replaces, notification = UPDATED[lang]
    message = subscribed_message(SUB, created=False, tz=SHANGHAI, lang=lang)
    text = all_text(valid(message))
    assert updated in text
    assert replaces in text
    assert message.text.startswith(notification)


def test_an_instance_name_that_cannot_be_typed_is_stopped_by_id() -> None:
    sub = dataclasses.replace(SUB, instance_name="orders (old)")
    text = all_text(valid(subscribed_message(sub, created=True, tz=UTC)))
    assert f"`/kafka-tasks unsubscribe {INSTANCE_ID}`" in text


UNSUBSCRIBED = {
    "en": (
        "will no longer get messages about tasks on *prod-orders*",
        "`/kafka-tasks subscribe prod-orders failed name restart*`",
        "Unsubscribed from prod-orders",
    ),
    "zh": (
        "将不再收到 *prod-orders* 上的任务消息（此前每当有名称匹配 `restart*` 的任务失败时",
        "重新订阅请发送 `/kafka-tasks subscribe prod-orders failed name restart*`",
        "已取消订阅 prod-orders",
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_unsubscribe_says_what_stopped_and_how_to_come_back(lang: Lang) -> None:
    stopped, come_back, notification = UNSUBSCRIBED[lang]
    message = unsubscribed_message(SUB, "prod-orders", "C0INCIDENT", lang=lang)
    text = all_text(valid(message))
    assert stopped in text
    assert come_back in text
    assert message.text == notification


NOT_SUBSCRIBED = {
    "en": (
        {
            "C0INCIDENT": "This channel (<#C0INCIDENT>) was not subscribed to *prod-orders*",
            "D0DM": "This conversation was not subscribed to *prod-orders*; nothing changed.",
        },
        "This channel was not subscribed to prod-orders",
    ),
    "zh": (
        {
            "C0INCIDENT": (
                "本频道（<#C0INCIDENT>）没有订阅 *prod-orders* 的任务通知，未做任何更改。"
            ),
            "D0DM": "本会话没有订阅 *prod-orders* 的任务通知，未做任何更改。",
        },
        "本频道没有订阅 prod-orders",
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_unsubscribe_when_not_subscribed_says_so_and_how_to_list(lang: Lang) -> None:
    said, notification = NOT_SUBSCRIBED[lang]
    for channel, sentence in said.items():
        message = unsubscribed_message(None, "prod-orders", channel, lang=lang)
        text = all_text(valid(message))
        assert sentence in text
        assert "`/kafka-tasks subscriptions`" in text
        assert message.text == notification


def test_subscriptions_list_shows_what_who_and_when() -> None:
    other = dataclasses.replace(
        SUB, instance_id="i-2", instance_name="stage", scope="all", name_glob=None
    )
    message = subscriptions_message(
        [SUB, other], "C0INCIDENT", tz=SHANGHAI, people={"U0ONCALL": "Chen Jing"}
    )
    text = all_text(valid(message))
    created = int(SUB.created_at.timestamp())
    # Each maker by their Slack name, never a <@U…> mention: the list is posted in the
    # channel again and again, and a mention would ping them every time.
    assert (
        f"• *prod-orders* `{INSTANCE_ID}` · failures only · name `restart*` · by Chen Jing "
        f"<!date^{created}^" in text
    )
    assert "• *stage* `i-2` · any outcome · by Chen Jing" in text
    assert "<@" not in text
    assert text.index("prod-orders") < text.index("stage")
    assert message.text == "2 subscriptions in this channel"


def test_subscribers_slack_does_not_name_are_shown_by_id_without_a_mention() -> None:
    text = all_text(valid(subscriptions_message([SUB], "C0INCIDENT", tz=UTC, people={})))
    assert "· by `U0ONCALL` <!date^" in text
    assert "<@" not in text


def test_a_paused_subscription_says_so_in_the_list() -> None:
    paused = dataclasses.replace(SUB, paused_at=NOW)
    other = dataclasses.replace(SUB, instance_id="i-2", instance_name="stage")
    text = all_text(valid(subscriptions_message([paused, other], "C0INCIDENT", tz=UTC)))
    first, second = text.split("• ")[1:3]
    assert "paused: the access rules no longer allow it" in first
    assert "paused" not in second
    zh = all_text(valid(subscriptions_message([paused], "C0INCIDENT", tz=UTC, lang="zh")))
    assert "已暂停" in zh


NO_SUBSCRIPTIONS = {
    "en": (
        "This channel (<#C0INCIDENT>) has no task notifications.",
        "This channel has no task notifications",
    ),
    "zh": ("本频道（<#C0INCIDENT>）没有任务通知。", "本频道没有任务通知"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_no_subscriptions_says_how_to_subscribe(lang: Lang) -> None:
    none, notification = NO_SUBSCRIPTIONS[lang]
    message = subscriptions_message([], "C0INCIDENT", tz=UTC, lang=lang)
    text = all_text(valid(message))
    assert none in text
    assert "`/kafka-tasks subscribe prod-orders failed`" in text
    assert message.text == notification


LONG_LIST = {
    "en": (
        "Task notifications in this channel",
        "This channel (<#C0INCIDENT>) · 60 subscriptions",
        f"• *prod-orders* `{INSTANCE_ID}` · failures only · name `restart*` · by `U0ONCALL`",
        "• *stage* `i-2` · any outcome · by `U0ONCALL`",
        "… and 20 more. To stop one: `/kafka-tasks unsubscribe &lt;instance&gt;`",
        "60 subscriptions in this channel",
    ),
    "zh": (
        "本频道的任务通知",
        "本频道（<#C0INCIDENT>） · 60 个订阅",
        f"• *prod-orders* `{INSTANCE_ID}` · 仅失败 · 名称 `restart*` · `U0ONCALL` 设置于",
        "• *stage* `i-2` · 任何结果 · `U0ONCALL` 设置于",
        "… 另有 20 个。取消其中一个请发送 `/kafka-tasks unsubscribe &lt;instance&gt;`",
        "本频道有 60 个订阅",
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_long_list_is_headed_counted_and_cut(lang: Lang) -> None:
    title, counted, first, second, more, notification = LONG_LIST[lang]
    other = dataclasses.replace(SUB, instance_id="i-2", instance_name="stage", scope="all")
    subs = [SUB, dataclasses.replace(other, name_glob=None)] * 30
    message = subscriptions_message(subs, "C0INCIDENT", tz=SHANGHAI, lang=lang)
    blocks = valid(message)
    text = all_text(blocks)
    assert blocks[0]["text"]["text"] == title
    assert counted in text
    assert first in text
    assert second in text
    assert more in text
    assert message.text == notification


@pytest.mark.parametrize("lang", LANGS)
def test_text_from_dms_cannot_mention_or_link(lang: Lang) -> None:
    evil = "<!channel> a&b <@U1>"
    sub = dataclasses.replace(SUB, instance_name=evil, name_glob=evil, created_by=evil)
    messages = [
        subscribed_message(sub, created=True, tz=UTC, lang=lang),
        unsubscribed_message(sub, evil, evil, lang=lang),
        unsubscribed_message(None, evil, evil, lang=lang),
        subscriptions_message([sub], evil, tz=UTC, lang=lang),
    ]
    for message in messages:
        blocks = valid(message)
        for shown in [message.text, *(t for b in blocks for t in mrkdwn_texts(b))]:
            assert "<!channel>" not in shown
            assert "<@U1>" not in shown
            assert not re.search(r"&(?!amp;|lt;|gt;)", shown), shown
        assert "&lt;!channel&gt;" in all_text(blocks) + message.text


@pytest.mark.parametrize(
    "build",
    [
        lambda **kw: subscribed_message(SUB, created=True, tz=UTC, **kw),
        lambda **kw: unsubscribed_message(SUB, "p", "C1", **kw),
        lambda **kw: subscriptions_message([SUB], "C1", tz=UTC, **kw),
    ],
)
def test_english_is_the_default(build: Callable[..., Message]) -> None:
    default, english, chinese = build(), build(lang="en"), build(lang="zh")
    assert (default.text, valid(default)) == (english.text, valid(english))
    assert chinese.text != english.text
    assert CJK.search(chinese.text + all_text(valid(chinese)))


def test_hundreds_of_subscriptions_list_forty_then_the_count() -> None:
    subs = [dataclasses.replace(SUB, instance_name=f"kafka-{i:03d}") for i in range(130)]
    blocks = valid(subscriptions_message(subs, "C0INCIDENT", tz=UTC))
    text = all_text(blocks)
    assert f"kafka-{MAX_LISTED_SUBSCRIPTIONS - 1:03d}" in text
    assert f"kafka-{MAX_LISTED_SUBSCRIPTIONS:03d}" not in text
    assert f"… and {130 - MAX_LISTED_SUBSCRIPTIONS} more." in text
