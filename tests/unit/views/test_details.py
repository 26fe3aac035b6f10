"""One task's details: every field, the params read and masked, whatever DMS sent."""

from __future__ import annotations

import json
from datetime import UTC, timedelta, tzinfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.answer import TaskAnswer
from bot.core.dms.models import Instance, Task
from bot.core.redact import MASK
from bot.i18n import LANGS, Lang
from bot.views.details import MAX_PARAM_SECTIONS, task_details_message
from bot.views.limits import SECTION_TEXT, check_message
from tests.unit.views import any_input
from tests.unit.views.support import (
    BIDI,
    DEEP_PARAMS,
    HOSTILE_URL,
    INSTANCE,
    NOW,
    SHANGHAI,
    all_text,
    api_task,
    details,
    mrkdwn_texts,
    nodes,
    task,
    texts,
    valid,
)

FIELDS = {
    "en": (
        "Restart instance",
        [
            *("*Task name*", "*Status*", "*User*", "*Started*", "*Finished*", "*Duration*"),
            *("*Task id*", "*Instance*"),
        ],
        # The label, with the name and status DMS sent beside it (what the console and
        # logs use).
        ("*Task name*\n`restartInstance`", "*Status*\n:red_circle: Failed (`FAILED`)"),
        "*Duration*\n42s",
        "Restart instance · Failed on prod-orders",
    ),
    "zh": (
        "重启实例",
        [
            *("*任务名称*", "*状态*", "*用户*", "*开始时间*", "*结束时间*", "*耗时*"),
            *("*任务 ID*", "*实例*"),
        ],
        ("*任务名称*\n`restartInstance`", "*状态*\n:red_circle: 失败 `FAILED`"),
        "*耗时*\n42 秒",
        "prod-orders 上的 重启实例 · 失败",
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_details_show_the_fields_and_params(lang: Lang) -> None:
    title, field_labels, (name, status), duration, notification = FIELDS[lang]
    task = Task.from_api(api_task(3, status="FAILED", name="restartInstance"))
    message = details(task, lang=lang)
    blocks = valid(message)
    assert blocks[0]["text"]["text"] == title
    fields = [f["text"] for f in blocks[1]["fields"]]
    assert [f.split("\n")[0] for f in fields] == field_labels
    assert fields[0] == name
    assert fields[1] == status
    assert fields[5] == duration
    assert task.id in fields[6]
    assert "prod-orders" in fields[7]
    assert '"new_auto_status": false' in all_text(blocks)
    assert message.text == notification


def test_details_of_an_unknown_name_and_status_show_what_dms_sent() -> None:
    task = Task.from_api(api_task(1, status="ROLLING_BACK", name="rollingUpgradeBrokers"))
    blocks = valid(details(task))
    assert blocks[0]["text"]["text"] == "Rolling upgrade brokers"
    fields = [f["text"] for f in blocks[1]["fields"]]
    assert fields[0] == "*Task name*\n`rollingUpgradeBrokers`"
    # A status without a label is shown once, as sent.
    assert fields[1] == "*Status*\n:grey_question: ROLLING_BACK"


def test_a_name_without_a_chinese_label_is_the_title_with_no_name_field() -> None:
    # Chinese does not make words of a name it has no label for: the title is the name
    # DMS sent, so a field repeating it would say nothing more.
    task = Task.from_api(api_task(1, name="brandNewTask", params=""))
    blocks = valid(task_details_message(TaskAnswer(INSTANCE, task), tz=UTC, now=NOW, lang="zh"))
    assert blocks[0]["text"]["text"] == "brandNewTask"
    assert blocks[1]["fields"][0]["text"].startswith("*状态*")
    assert "无参数。" in all_text(blocks)


MASKED = {"en": "*Params* · secrets masked", "zh": "*参数* · 敏感信息已隐藏"}


@pytest.mark.parametrize("lang", LANGS)
def test_details_mask_passwords_in_params(lang: Lang) -> None:
    params = json.dumps({"user_name": "root", "password": "hunter2!Secret"})
    message = details(Task.from_api(api_task(1, name="resetPassword", params=params)), lang=lang)
    blocks = valid(message)
    dumped = json.dumps(blocks, ensure_ascii=False) + message.text
    assert "hunter2" not in dumped
    assert f'"password": "{MASK}"' in all_text(blocks)
    assert MASKED[lang] in all_text(blocks)


def test_huge_params_are_split_into_code_sections_then_cut() -> None:
    big = {f"key{i:05d}": "x" * 80 + " <&> ```" for i in range(2000)}
    blocks = valid(details(Task.from_api(api_task(1, params=json.dumps(big)))))
    code = [t for t in texts(blocks) if t.startswith("```")]
    assert len(code) == MAX_PARAM_SECTIONS
    assert all(t.endswith("```") and t.count("```") == 2 for t in code)
    assert all(len(t) <= SECTION_TEXT for t in code)
    assert "… (truncated" in all_text(blocks)


NO_PARAMS = {"en": "No params.", "zh": "无参数。"}


@pytest.mark.parametrize("lang", LANGS)
def test_text_params_and_no_params_are_shown_plainly(lang: Lang) -> None:
    raw = valid(details(Task.from_api(api_task(1, params="not json <b>")), lang=lang))
    assert "```\nnot json &lt;b&gt;\n```" in texts(raw)
    none = valid(details(Task.from_api(api_task(1, params="")), lang=lang))
    assert NO_PARAMS[lang] in all_text(none)


@pytest.mark.parametrize("lang", LANGS)
def test_text_from_dms_cannot_mention_or_link(lang: Lang) -> None:
    evil = "<!channel> a&b <@U1>"
    hostile = task(name=evil, user=evil, status=evil, params=json.dumps({"topic": evil}))
    instance = Instance(instance_id=evil, name=evil)
    message = task_details_message(TaskAnswer(instance, hostile), tz=UTC, now=NOW, lang=lang)
    blocks = valid(message)
    for shown in [message.text, *(text for b in blocks for text in mrkdwn_texts(b))]:
        assert "<!channel>" not in shown
        assert "<@U1>" not in shown


@pytest.mark.parametrize(
    ("lang", "marker"),
    [("en", "(unreadable: too deeply nested)"), ("zh", "（无法读取：嵌套过深）")],
)
def test_details_mark_unreadable_params_and_show_the_rest(lang: Lang, marker: str) -> None:
    task = Task.from_api(api_task(3, params=DEEP_PARAMS, status="FAILED"))
    message = task_details_message(TaskAnswer(INSTANCE, task), tz=SHANGHAI, now=NOW, lang=lang)
    blocks = valid(message)
    assert marker in all_text(blocks)
    assert "[[[" not in all_text(blocks)
    assert task.id in all_text(blocks)
    fields = [f["text"] for f in blocks[1]["fields"]]
    assert any("paas_dms" in f for f in fields)


def test_details_name_other_unreadable_fields_without_their_content() -> None:
    data = {**api_task(3), "user_name": "u" * 5000, "name": {"not": "text"}}
    blocks = valid(details(Task.from_api(data)))
    text = all_text(blocks)
    assert (
        "Not readable from DMS: name (unreadable: not text), user_name (unreadable: too large)"
    ) in text
    assert "uuuu" not in text
    assert "old_auto_status" in text  # the params are read and shown as ever


def test_invisible_characters_and_bare_urls_from_dms_never_reach_slack() -> None:
    name = f"restart{BIDI}Instance www.evil.example"
    tasks = [
        Task.from_api(api_task(0, name=name, user=f"li{BIDI} {HOSTILE_URL}", status="FAILED")),
        Task.from_api(api_task(1, params=json.dumps({"callback": HOSTILE_URL}))),
    ]
    instance = Instance.from_api({"instance_id": "i-1", "name": f"prod{BIDI}-orders"})
    for message in (details(tasks[0], instance), details(tasks[1], instance)):
        # Everything a reader sees; button values are opaque data sent back to the bot,
        # where a task id or a name must stay exactly as DMS has it.
        shown = [n["text"] for n in nodes(valid(message)) if isinstance(n.get("text"), str)]
        sent = "\n".join([message.text, *shown])
        assert not any(char in sent for char in BIDI), sent
        assert "://" not in sent
        assert "www.evil" not in sent
        assert "evil.example" in sent  # still readable, just not a link
    # Slack finds nothing else to link by itself in any mrkdwn text either.
    mrkdwn = [
        node for node in nodes(valid(details(tasks[1], instance))) if node.get("type") == "mrkdwn"
    ]
    assert mrkdwn
    assert all(node.get("verbatim") is True for node in mrkdwn)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    data=st.data(),
    template=any_input.templates(),
    tz=any_input.zones,
    lang=st.sampled_from(LANGS),
)
def test_every_task_details_fit_slack_for_any_input(
    data: st.DataObject, template: Task, tz: tzinfo, lang: Lang
) -> None:
    instance = Instance(instance_id=data.draw(any_input.texts), name=data.draw(any_input.texts))
    message = task_details_message(TaskAnswer(instance, template), tz=tz, now=NOW, lang=lang)
    assert check_message(message.block_dicts(), message.text) == []


def test_realistic_demo_data_fits() -> None:
    from bot.simulator.data import DEMO_PROFILES, generate_profile

    generated = generate_profile(7, DEMO_PROFILES[0], NOW)
    tasks = sorted(
        (Task.from_api(r.to_api(NOW)) for r in generated.tasks),
        key=lambda t: t.created_at or NOW,
        reverse=True,
    )
    in_day = [t for t in tasks if t.created_at and NOW - timedelta(days=1) <= t.created_at <= NOW]
    instance = Instance.from_api(generated.instance.to_api())
    for one in in_day[:3]:
        valid(details(one, instance))
