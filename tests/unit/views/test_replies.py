"""Short replies: the instance list, help, errors with their choices, the placeholder."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.actions import PICK_INSTANCE, RETRY, QueryState
from bot.core.dms.errors import DmsNotFound
from bot.core.dms.models import Instance
from bot.core.grammar.help import USAGE, USAGE_ZH
from bot.i18n import LANGS, Lang, Said
from bot.main.runtime import DEMO_NOTE
from bot.views.errors import describe_error
from bot.views.kit import Message
from bot.views.limits import check_message, escape
from bot.views.replies import error_message, help_message, instances_message, looking_up_message
from tests.unit.views import any_input
from tests.unit.views.support import (
    CJK,
    INSTANCE,
    NOW,
    all_text,
    answer_for,
    button,
    buttons_of,
    mrkdwn_texts,
    state_for,
    texts,
    valid,
)

INSTANCES = {
    "en": (
        "Kafka instances in cn-north-4",
        "*kafka-0* `id-0000` · RUNNING",
        r"… and [0-9]+ more\. Ask `&lt;instance&gt; last 1h`",
        "10000 Kafka instances in cn-north-4",
        ("No Kafka instances in cn-north-4.", "No Kafka instances in this project."),
    ),
    "zh": (
        "cn-north-4 的 Kafka 实例",
        "*kafka-0* `id-0000` · 运行中",
        r"… 另有 [0-9]+ 个。发送 `&lt;instance&gt; last 1h`",
        "cn-north-4 共有 10000 个 Kafka 实例",
        ("cn-north-4 中没有 Kafka 实例。", "本项目 中没有 Kafka 实例。"),
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_instances_are_listed_by_name_and_id_even_thousands(lang: Lang) -> None:
    title, row, more, notification, (none_in_region, none_anywhere) = INSTANCES[lang]
    instances = [
        Instance.from_api({"instance_id": f"id-{i:04d}", "name": f"kafka-{i}", "status": "RUNNING"})
        for i in range(10_000)
    ]
    message = instances_message(instances, "cn-north-4", lang=lang)
    blocks = valid(message)
    text = all_text(blocks)
    assert blocks[0]["text"]["text"] == title
    assert row in text
    assert re.search(more, text)
    assert message.text == notification
    assert none_in_region in all_text(valid(instances_message([], "cn-north-4", lang=lang)))
    assert instances_message([], "", lang=lang).text == none_anywhere


HELP = {
    "en": (
        USAGE,
        "Demo mode: answers come from the built-in simulator.",
        "The same commands work with `/kafka-tasks`, a mention, and the local shell",
        "kafka-tasks: how to ask",
        "Demo mode",
        ("instances", "subscribe <instance>", "last 1h", "since 09:00"),
    ),
    "zh": (
        USAGE_ZH,
        "演示模式：答案来自内置的模拟器。",
        "以下命令在 `/kafka-tasks` 斜杠命令、@ 机器人和本地命令行中通用",
        "kafka-tasks：使用方法",
        # The command words are the same in both languages; what is filled in is said
        # in the reader's language.
        "演示模式",
        ("instances", "subscribe <实例>", "last 1h", "since 09:00"),
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_help_shows_usage_and_the_note(lang: Lang) -> None:
    usage, note, intro, notification, note_word, commands = HELP[lang]
    message = help_message(note, lang=lang)
    blocks = valid(message)
    assert intro in all_text(blocks)
    assert f"```\n{escape(usage.rstrip())}\n```" in [b["text"]["text"] for b in blocks[:2]]
    assert f"```\n{escape(usage.rstrip())}\n```" in texts(blocks)
    assert blocks[-1]["type"] == "context"
    assert note_word in all_text(blocks[-1:])
    assert all(b["type"] != "context" for b in valid(help_message(lang=lang)))
    assert message.text == notification
    for command in commands:
        assert command in usage


DEMO = {
    "en": ("No Huawei credentials set", str(DEMO_NOTE)),
    "zh": (
        "未设置华为云凭据",
        "未设置华为云凭据（HUAWEICLOUD_SDK_AK/SK）：以下回答来自内置 DMS 模拟器的演示数据。",
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_the_demo_note_is_said_in_the_askers_language(lang: Lang) -> None:
    starts, whole = DEMO[lang]
    said = all_text(valid(help_message(DEMO_NOTE, lang=lang))[-1:])
    assert said.startswith(starts)
    assert said == whole


def test_error_offers_choices_as_buttons_and_retry() -> None:
    retry = state_for(answer_for([]))
    choices = [("prod-orders", "id-1 last 1h"), ("prod-orders-eu", "id-2 last 1h")]
    message = error_message('"prod" matches 2 instances. Pick one:', retry=retry, choices=choices)
    blocks = valid(message)
    assert blocks[0]["text"]["text"] == ':warning: "prod" matches 2 instances. Pick one:'
    picks = [b for b in buttons_of(blocks) if b["action_id"] == PICK_INSTANCE]
    assert [(b["text"]["text"], b["value"]) for b in picks] == choices
    retry_button = button(blocks, RETRY)
    assert retry_button is not None
    assert QueryState.decode(retry_button["value"]) == retry
    assert "Pick one" in message.text


def test_error_with_hundreds_of_choices_and_hostile_text_fits() -> None:
    choices = [(f"kafka-{i} " + "n" * 100, f"id-{i}") for i in range(300)]
    message = error_message("couldn't read <@U1> & " + "x" * 5000, choices=choices)
    blocks = valid(message)
    assert "&lt;@U1&gt; &amp;" in blocks[0]["text"]["text"]
    assert "more" in all_text(blocks)
    assert all(len(b["text"]["text"]) <= 75 for b in buttons_of(blocks))


DMS_ERROR = {
    "en": (
        ":warning: DMS answered 404: This instance",
        "(request id req-1)",
        "kafka-tasks could not answer: DMS answered 404",
        "… and 20 more: type the instance id to pick one.",
        "Retry",
        ("kafka-tasks could not answer: Something went wrong.", "Own title", "Own title: x"),
    ),
    "zh": (
        ":warning: DMS 返回 404：This instance",
        "（请求 ID req-1）",
        "kafka-tasks 无法回答：DMS 返回 404",
        "… 另有 20 个：输入实例 ID 来选择。",
        "重试",
        ("kafka-tasks 无法回答：出错了。", "自定义", "自定义：x"),
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_an_error_from_dms_is_said_with_its_request_id_choices_and_retry(lang: Lang) -> None:
    title, request_id, starts, more, retry_label, (empty, own, titled) = DMS_ERROR[lang]
    said = Said.of("dms.answered", status=404, text="This instance does not exist.")
    exc = DmsNotFound(said, request_id="req-1")
    message = error_message(
        describe_error(exc, lang),
        retry=state_for(answer_for([])),
        choices=[("prod-orders", "id-1"), ("x", "y")] * 30,
        lang=lang,
    )
    blocks = valid(message)
    assert blocks[0]["text"]["text"].startswith(title)
    assert request_id in message.text
    assert message.text.startswith(starts)
    assert more in all_text(blocks)
    retry_button = button(blocks, RETRY)
    assert retry_button is not None
    assert retry_button["text"]["text"] == retry_label
    assert error_message("", lang=lang).text == empty
    assert error_message("x", title=own, lang=lang).text == titled


@pytest.mark.parametrize("lang", LANGS)
def test_text_from_dms_cannot_mention_in_an_error(lang: Lang) -> None:
    evil = "<!channel> a&b <@U1>"
    message = error_message(evil, choices=[(evil, evil)], lang=lang)
    blocks = valid(message)
    for shown in [message.text, *(text for b in blocks for text in mrkdwn_texts(b))]:
        assert "<!channel>" not in shown
        assert "<@U1>" not in shown


LOOKING_UP = {
    "en": {
        "prod-orders · last 1h": ":hourglass_flowing_sand: Looking up prod-orders · last 1h…",
        "prod-orders": ":hourglass_flowing_sand: Looking up prod-orders…",
        "": ":hourglass_flowing_sand: Looking up your tasks…",
    },
    "zh": {
        "prod-orders · last 1h": ":hourglass_flowing_sand: 正在查询“prod-orders · last 1h”…",
        "prod-orders": ":hourglass_flowing_sand: 正在查询“prod-orders”…",
        "": ":hourglass_flowing_sand: 正在查询“你的任务”…",
    },
}


@pytest.mark.parametrize("lang", LANGS)
def test_looking_up_names_what_is_asked(lang: Lang) -> None:
    for what, said in LOOKING_UP[lang].items():
        message = looking_up_message(what, lang=lang)
        valid(message)
        assert message.text == said


@pytest.mark.parametrize(
    "build",
    [
        lambda **kw: help_message("note", **kw),
        lambda **kw: instances_message([INSTANCE], "cn-north-4", **kw),
        lambda **kw: error_message("x", **kw),
        lambda **kw: looking_up_message("x", **kw),
    ],
)
def test_english_is_the_default(build: Callable[..., Message]) -> None:
    default, english, chinese = build(), build(lang="en"), build(lang="zh")
    assert (default.text, valid(default)) == (english.text, valid(english))
    assert chinese.text != english.text
    assert CJK.search(chinese.text + all_text(valid(chinese)))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), lang=st.sampled_from(LANGS))
def test_every_reply_fits_slack_for_any_input(data: st.DataObject, lang: Lang) -> None:
    text = any_input.texts
    choices = data.draw(st.lists(st.tuples(text, text), max_size=200), label="choices")
    state = QueryState(
        instance=data.draw(text, label="instance"),
        window_text=data.draw(text, label="window_text"),
        begin=NOW - timedelta(hours=1),
        end=NOW,
        zone=data.draw(text, label="zone"),
        statuses=frozenset(data.draw(st.lists(any_input.statuses, max_size=3))),
        name_glob=data.draw(st.none() | text, label="glob"),
        page=data.draw(st.integers(1, 10**6), label="page"),
    )
    messages = [
        instances_message(
            [Instance(instance_id=i, name=n, status=n) for i, n in choices],
            data.draw(text, label="where"),
            lang=lang,
        ),
        help_message(data.draw(st.none() | text, label="note"), lang=lang),
        error_message(
            data.draw(text, label="error"),
            retry=data.draw(st.none() | st.just(state)),
            choices=choices,
            title=data.draw(st.none() | text, label="title"),
            lang=lang,
        ),
        looking_up_message(data.draw(text, label="what"), lang=lang),
    ]
    for message in messages:
        assert check_message(message.block_dicts(), message.text) == []
