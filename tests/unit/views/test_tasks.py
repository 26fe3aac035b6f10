"""The tasks summary: what an on-call engineer sees when asking for a window of tasks."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, timedelta, tzinfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.actions import (
    PAGE_NEXT,
    PAGE_PREV,
    REFRESH,
    SHARE,
    SUBSCRIBE,
    QueryState,
    SubscribeRef,
    TaskRef,
)
from bot.core.answer import TasksAnswer, filter_tasks
from bot.core.dms.models import Instance, Task, TaskList
from bot.core.grammar.window import TimeWindow
from bot.i18n import LANGS, Lang
from bot.views.limits import BUTTON_VALUE, check_message
from bot.views.tasks import activity_strip, tasks_message
from tests.unit.views import any_input
from tests.unit.views.support import (
    BIDI,
    DEEP_PARAMS,
    HOSTILE_URL,
    INSTANCE,
    INSTANCE_ID,
    NOW,
    all_text,
    answer_for,
    api_task,
    button,
    buttons_of,
    incident_tasks,
    labels,
    nodes,
    state_for,
    summary,
    task,
    task_rows,
    texts,
    valid,
)

# --- the summary ---------------------------------------------------------------------


HEADER = {"en": "prod-orders · last 1h", "zh": "prod-orders · 过去 1 小时"}


@pytest.mark.parametrize("lang", LANGS)
def test_header_names_the_instance_and_the_window(lang: Lang) -> None:
    blocks = valid(summary(lang=lang))
    assert blocks[0]["type"] == "header"
    assert blocks[0]["text"]["text"] == HEADER[lang]


FAILURES = {
    "en": (
        ":red_circle: *3 Failed*: Reset password ×2, Change configuration\n",
        ("3 Failed", "34 Succeeded"),
        "*37 tasks* started in this window: 3 Failed, 34 Succeeded",
        "prod-orders · last 1h: 37 tasks, 3 Failed",
    ),
    "zh": (
        ":red_circle: *3 个失败* · 重置密码 ×2，修改配置参数\n",
        ("3 个失败", "成功 34 个"),
        "*37 个任务* 在本窗口内启动：失败 3 个，成功 34 个",
        "prod-orders · 过去 1 小时：共 37 个任务，3 个失败",
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_failures_are_called_out_first_with_their_names(lang: Lang) -> None:
    called_out, (failed, succeeded), counts, notification = FAILURES[lang]
    message = summary(lang=lang)
    blocks = valid(message)
    text = all_text(blocks)
    assert called_out in text
    assert text.index(failed) < text.index(succeeded)
    assert counts in text
    assert message.text == notification


WINDOW_ECHO = {
    "en": ("times read in Asia/Shanghai", f"instance `{INSTANCE.instance_id}` in cn-north-4"),
    "zh": ("时间按 Asia/Shanghai 解读", f"实例 `{INSTANCE.instance_id}` 位于 cn-north-4"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_the_exact_window_is_echoed_in_utc_viewer_time_and_the_zone_typed(lang: Lang) -> None:
    zone_read, where = WINDOW_ECHO[lang]
    answer = answer_for(incident_tasks())
    text = all_text(valid(summary(lang=lang)))
    params = answer.window.api_params()
    assert params == {"begin_time": "20261127020000", "end_time": "20261127030000"}
    assert "`begin_time=20261127020000` `end_time=20261127030000`" in text
    begin, end = int(answer.window.begin.timestamp()), int(answer.window.end.timestamp())
    assert (
        f"<!date^{begin}^{{date_short_pretty}} {{time}}|2026-11-27 10:00:00 Asia/Shanghai>" in text
    )
    assert f"<!date^{end}^" in text
    assert zone_read in text
    assert INSTANCE.instance_id in text
    assert "cn-north-4" in text
    assert where in text


FIRST_PAGE = {"en": "1–10 of 37 · page 1 of 4", "zh": "第 1–10 个，共 37 个 · 第 1/4 页"}


@pytest.mark.parametrize("lang", LANGS)
def test_first_page_shows_the_newest_ten_and_next_only(lang: Lang) -> None:
    blocks = valid(summary(page=1, lang=lang))
    rows = task_rows(blocks)
    assert len(rows) == 10
    assert FIRST_PAGE[lang] in all_text(blocks)
    assert button(blocks, PAGE_PREV) is None
    next_button = button(blocks, PAGE_NEXT)
    assert next_button is not None
    assert QueryState.decode(next_button["value"]).page == 2


def test_second_page_has_previous_and_next() -> None:
    blocks = valid(summary(page=2))
    assert "11–20 of 37 · page 2 of 4" in all_text(blocks)
    previous, following = button(blocks, PAGE_PREV), button(blocks, PAGE_NEXT)
    assert previous is not None
    assert following is not None
    assert QueryState.decode(previous["value"]).page == 1
    assert QueryState.decode(following["value"]).page == 3


def test_last_page_has_no_next_and_a_page_past_the_end_shows_the_last() -> None:
    for page in (4, 99):
        blocks = valid(summary(page=page))
        assert "31–37 of 37" in all_text(blocks)
        assert len(task_rows(blocks)) == 7
        assert button(blocks, PAGE_NEXT) is None
        previous = button(blocks, PAGE_PREV)
        assert previous is not None
        assert QueryState.decode(previous["value"]).page == 3


def test_one_page_has_neither_previous_nor_next_but_refresh() -> None:
    blocks = valid(summary(incident_tasks(count=5, failed=())))
    assert button(blocks, PAGE_PREV) is None
    assert button(blocks, PAGE_NEXT) is None
    refresh = button(blocks, REFRESH)
    assert refresh is not None
    assert QueryState.decode(refresh["value"]).window_text == "last 1h"
    assert ":large_green_circle: No failed tasks" in all_text(blocks)


def test_share_button_only_when_shareable() -> None:
    shared = button(valid(summary(shareable=True, page=2)), SHARE)
    assert shared is not None
    assert QueryState.decode(shared["value"]).page == 2
    assert button(valid(summary(shareable=False)), SHARE) is None


def test_answers_offer_to_subscribe_to_failures() -> None:
    blocks = valid(summary())
    [subscribe] = [b for b in buttons_of(blocks) if b["action_id"] == SUBSCRIBE]
    assert subscribe["text"]["text"] == "Subscribe to failures"
    assert SubscribeRef.decode(subscribe["value"]) == SubscribeRef(INSTANCE_ID, "prod-orders")


def test_no_subscribe_button_when_its_value_would_not_fit() -> None:
    instance = Instance(instance_id="i-1", name="n" * BUTTON_VALUE)
    answer = answer_for([task()], instance=instance)
    message = tasks_message(answer, state_for(answer), tz=UTC, now=NOW, shareable=True, where="")
    assert all(b["action_id"] != SUBSCRIBE for b in buttons_of(valid(message)))


@pytest.mark.parametrize("lang", LANGS)
def test_each_row_has_a_details_button_carrying_its_task_id(lang: Lang) -> None:
    tasks = incident_tasks()
    rows = task_rows(valid(summary(tasks, page=2, lang=lang)))
    refs = [TaskRef.decode(row["accessory"]["value"]) for row in rows]
    assert [r.task_id for r in refs] == [t.id for t in tasks[10:20]]
    assert {r.instance for r in refs} == {INSTANCE.instance_id}
    assert all(row["accessory"]["text"]["text"] == BUTTONS[lang][0] for row in rows)


BUTTONS = {
    "en": [
        "Details",
        "Refresh",
        "‹ Previous",
        "Next ›",
        "Share in channel",
        "Subscribe to failures",
        "What happened",
    ],
    "zh": ["详情", "刷新", "‹ 上一页", "下一页 ›", "分享到频道", "订阅失败通知", "发生了什么"],
}


@pytest.mark.parametrize("lang", LANGS)
def test_buttons_are_labelled_in_the_askers_language(lang: Lang) -> None:
    details_label, *answer_buttons = BUTTONS[lang]
    assert labels(valid(summary(page=2, lang=lang))) == [*([details_label] * 10), *answer_buttons]


def test_buttons_carry_the_same_values_in_every_language() -> None:
    zh = valid(summary(page=2, lang="zh"))
    en = valid(summary(page=2))
    for action in (REFRESH, PAGE_PREV, PAGE_NEXT, SHARE, SUBSCRIBE):
        zh_button, en_button = button(zh, action), button(en, action)
        assert zh_button is not None
        assert en_button is not None
        assert zh_button["value"] == en_button["value"]
    values = [[row["accessory"]["value"] for row in task_rows(blocks)] for blocks in (zh, en)]
    assert values[0] == values[1]


FAILED_ROW = {
    "en": (
        ":red_circle: *Reset password* · Failed · paas_dms · started <!date^",
        " · 42s",
        ("Succeeded", "Failed"),
    ),
    "zh": (
        ":red_circle: *重置密码* · 失败 · paas_dms · 开始于 <!date^",
        " · 42 秒",
        ("成功", "失败"),
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_row_shows_status_name_user_start_and_duration(lang: Lang) -> None:
    starts, ends, outcomes = FAILED_ROW[lang]
    rows = task_rows(valid(summary(lang=lang)))
    failed_row = rows[2]["text"]["text"]
    assert failed_row.startswith(starts)
    assert failed_row.endswith(ends)
    for outcome in outcomes:
        assert outcome not in rows[0]["text"]["text"]  # success rows stay quiet


RUNNING_ROW = {
    "en": (":large_blue_circle: *Restart instance* · Running · ", "1m 00s so far"),
    "zh": (":large_blue_circle: *重启实例* · 执行中 · ", "已运行 1 分 00 秒"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_running_row_says_how_long_it_has_run(lang: Lang) -> None:
    starts, ends = RUNNING_ROW[lang]
    running = Task.from_api(api_task(0, status="EXECUTING", name="restartInstance"))
    row = task_rows(valid(summary([running], lang=lang)))[0]["text"]["text"]
    assert row.startswith(starts)
    assert row.endswith(ends)


def test_unknown_status_is_shown_as_it_comes_with_a_neutral_mark() -> None:
    tasks = [Task.from_api(api_task(0, status="ROLLING_BACK"))]
    blocks = valid(summary(tasks))
    row = task_rows(blocks)[0]["text"]["text"]
    assert row.startswith(":grey_question: *Change topic auto-creation* · ROLLING_BACK")
    assert "1 ROLLING_BACK" in all_text(blocks)


def test_unknown_name_is_shown_as_words() -> None:
    tasks = [Task.from_api(api_task(0, status="FAILED", name="rollingUpgradeBrokers"))]
    row = task_rows(valid(summary(tasks)))[0]["text"]["text"]
    assert row.startswith(":red_circle: *Rolling upgrade brokers* · Failed · ")


# English makes words of a name it has no label for; Chinese shows it as DMS sent it.
UNKNOWN_ROW = {
    "en": ":grey_question: *Brand new task* · ROLLING_BACK",
    "zh": ":grey_question: *brandNewTask* · ROLLING_BACK",
}


@pytest.mark.parametrize("lang", LANGS)
def test_an_unknown_name_and_status_read_as_far_as_the_language_can(lang: Lang) -> None:
    odd = Task.from_api(api_task(0, status="ROLLING_BACK", name="brandNewTask"))
    row = task_rows(valid(summary([odd], lang=lang)))[0]["text"]["text"]
    assert row.startswith(UNKNOWN_ROW[lang])


FILTERED = {
    "en": (
        "*2 tasks* match status Failed · name `re*` (of 37 in the window)",
        "prod-orders · last 1h: 2 of 37 tasks match the filter, 2 Failed",
    ),
    "zh": (
        "*2 个任务* 符合筛选条件 状态 失败 · 名称 `re*` （窗口内共 37 个）",
        "prod-orders · 过去 1 小时：37 个任务中有 2 个符合筛选条件，2 个失败",
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_filters_are_stated_with_the_total_in_the_window(lang: Lang) -> None:
    stated, notification = FILTERED[lang]
    message = summary(statuses=frozenset({"FAILED"}), name_glob="re*", lang=lang)
    text = all_text(valid(message))
    assert stated in text
    assert message.text == notification


EMPTY = {
    "en": "No tasks started on *prod-orders* in this window",
    "zh": "本窗口内 *prod-orders* 上没有启动任何任务。",
}


@pytest.mark.parametrize("lang", LANGS)
def test_empty_window_says_so_with_a_hint_and_keeps_refresh(lang: Lang) -> None:
    blocks = valid(summary([], lang=lang))
    text = all_text(blocks)
    assert EMPTY[lang] in text
    assert "last 24h" in text
    assert task_rows(blocks) == []
    assert button(blocks, REFRESH) is not None
    assert button(blocks, PAGE_NEXT) is None


NONE_MATCH = {
    "en": (
        "No tasks matching status Failed started on *prod-orders*",
        "37 tasks did not match",
        "Drop the filter",
    ),
    "zh": ("没有符合筛选条件 状态 失败 的任务（37 个任务均不符合）", "去掉筛选条件"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_empty_after_filter_suggests_dropping_it(lang: Lang) -> None:
    answer = summary(incident_tasks(failed=()), statuses=frozenset({"FAILED"}), lang=lang)
    text = all_text(valid(answer))
    for said in NONE_MATCH[lang]:
        assert said in text


TRUNCATED = {
    "en": "Only 37 of 5200 tasks DMS reported could be fetched; narrow the window.",
    "zh": ":warning: DMS 报告了 5200 个任务，只取回了 37 个；请缩小时间窗口。",
}


@pytest.mark.parametrize("lang", LANGS)
def test_truncated_listing_warns_with_both_counts(lang: Lang) -> None:
    text = all_text(valid(summary(reported_count=5200, truncated=True, lang=lang)))
    assert TRUNCATED[lang] in text


CACHED = {
    "en": ("cached, fetched <!date^{fetched}^{{ago}}|", "Refresh", "cached"),
    "zh": (
        ":floppy_disk: 缓存结果，获取于 <!date^{fetched}^{{ago}}|",
        "点“刷新”获取最新结果",
        "缓存",
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_cached_answer_says_when_it_was_fetched(lang: Lang) -> None:
    fetched_at, refresh, cached = CACHED[lang]
    fetched = NOW - timedelta(seconds=12)
    text = all_text(valid(summary(from_cache=True, fetched_at=fetched, lang=lang)))
    assert fetched_at.format(fetched=int(fetched.timestamp())) in text
    assert refresh in text
    assert cached not in all_text(valid(summary(lang=lang)))


def test_the_echo_is_what_dms_was_asked_not_the_window_rounded() -> None:
    # A window ending now is asked to its cache bucket's edges: that is what is shown.
    window = TimeWindow(
        begin=NOW - timedelta(hours=1, microseconds=-400_000),
        end=NOW + timedelta(microseconds=400_000),
        label="last 1h",
        zone="UTC",
        ends_now=True,
    )
    answer = dataclasses.replace(
        answer_for(incident_tasks(), queried=("20261127015945", "20261127030000")),
        window=window,
    )
    message = tasks_message(answer, state_for(answer), tz=UTC, now=NOW, shareable=True)
    text = all_text(valid(message))
    assert "asked DMS for `begin_time=20261127015945` `end_time=20261127030000` (UTC)" in text
    assert "20261127030001" not in text  # the window's end, rounded up, was never sent
    assert "UTC · UTC" not in text


def test_a_window_line_without_knowing_what_was_asked_echoes_nothing() -> None:
    text = all_text(valid(summary(queried=None)))
    assert "begin_time" not in text
    assert "times read in Asia/Shanghai" in text


@pytest.mark.parametrize(
    ("window_text", "bars", "slot"),
    [
        ("last 1h", 12, "5m"),
        ("last 2h", 24, "5m"),
        ("last 6h", 24, "15m"),
        ("last 12h", 24, "30m"),
        ("last 24h", 24, "1h"),
        ("last 3d", 24, "3h"),
        ("last 7d", 28, "6h"),
        ("last 30d", 30, "1d"),
        ("last 90d", 13, "1w"),
        ("last 50m", 10, "5m"),
        ("last 56m", 12, "5m"),
    ],
)
def test_a_strip_bar_is_a_round_length(window_text: str, bars: int, slot: str) -> None:
    answer = answer_for(incident_tasks(), window_text=window_text)
    strip = activity_strip(answer.tasks, answer.window.begin, answer.window.end)
    shown = re.findall(r"`([^`]*)`", strip)[0]
    assert len(shown) == bars
    assert f"a bar per {slot} " in strip


def test_a_page_past_the_last_says_how_many_there_are() -> None:
    blocks = valid(summary(page=99))
    text = all_text(blocks)
    assert ":warning: There is no page 99: there are 4 pages; this is the last." in text
    assert "31–37 of 37 · page 4 of 4" in text
    one_page = all_text(valid(summary(incident_tasks(count=3), page=2)))
    assert "There is no page 2: there is only 1 page." in one_page
    # Pages that exist say nothing of the kind.
    assert "There is no page" not in all_text(valid(summary(page=2)))


def test_one_task_matching_a_filter_reads_as_english() -> None:
    text = all_text(valid(summary(statuses=frozenset({"FAILED"}), name_glob="modify*")))
    assert "*1 task* matches status Failed · name `modify*` (of 37 in the window)" in text


STRIP = {
    "en": ("task starts", "a bar per 5m", "task starts, a bar per 5m (tallest: 4)"),
    "zh": ("任务启动数", "每格 5 分钟", "任务启动数，每格 5 分钟（最高 4）"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_activity_strip_shows_starts_and_marks_failures(lang: Lang) -> None:
    starts, per_bar, legend = STRIP[lang]
    strip = next(t for t in texts(valid(summary(lang=lang))) if starts in t)
    bars, marks = (re.findall(r"`([^`]*)`", line)[0] for line in strip.split("\n"))
    # A round length per bar: 5 minutes over the hour, from its start.
    assert len(bars) == len(marks) == 12
    assert set(bars) <= set("▁▂▃▄▅▆▇█·")
    assert marks == "··x······x·x"  # three failures, each in its own 5m slot
    assert per_bar in strip
    assert legend in strip


@pytest.mark.parametrize("lang", LANGS)
def test_text_from_dms_cannot_mention_or_link(lang: Lang) -> None:
    evil = "<@U123> & <!channel> <https://evil.example|click>"
    tasks = [Task.from_api(api_task(0, name=evil, user="<!here>", status="FAILED"))]
    instance = Instance.from_api({"instance_id": "i-1", "name": "a<b>&c"})
    message = summary(tasks, instance=instance, lang=lang)
    blocks = valid(message)
    for text in [*texts([b for b in blocks if b["type"] != "header"]), message.text]:
        # The only markup left is our own date tokens.
        assert re.findall(r"<(?!!date\^)", text) == [], text
    text = all_text(blocks)
    assert "&lt;@U123&gt; &amp; &lt;!channel&gt;" in text
    assert "&lt;!here&gt;" in text
    # Headers are plain_text, which Slack never parses: shown as the name is.
    assert blocks[0]["text"]["text"] == HEADER[lang].replace("prod-orders", "a<b>&c")


def test_invisible_characters_and_bare_urls_from_dms_never_reach_slack() -> None:
    name = f"restart{BIDI}Instance www.evil.example"
    tasks = [
        Task.from_api(api_task(0, name=name, user=f"li{BIDI} {HOSTILE_URL}", status="FAILED")),
        Task.from_api(api_task(1, params=json.dumps({"callback": HOSTILE_URL}))),
    ]
    instance = Instance.from_api({"instance_id": "i-1", "name": f"prod{BIDI}-orders"})
    message = summary(tasks, instance=instance)
    # Everything a reader sees; button values are opaque data sent back to the bot,
    # where a task id or a name must stay exactly as DMS has it.
    shown = [n["text"] for n in nodes(valid(message)) if isinstance(n.get("text"), str)]
    sent = "\n".join([message.text, *shown])
    assert not any(char in sent for char in BIDI), sent
    assert "://" not in sent
    assert "www.evil" not in sent
    assert "evil.example" in sent  # still readable, just not a link


def test_a_task_with_unreadable_params_is_listed_with_the_others() -> None:
    tasks = incident_tasks(count=5)
    hostile = Task.from_api(api_task(7, params=DEEP_PARAMS, status="FAILED"))
    message = summary([*tasks[:2], hostile, *tasks[2:]])
    rows = task_rows(valid(message))
    assert len(rows) == 6
    assert hostile.id in json.dumps(rows)


def test_many_tasks_and_a_huge_page_size_still_fit() -> None:
    tasks = incident_tasks(count=5000, failed=range(0, 5000, 7))
    answer = answer_for(tasks, window_text="last 7d")
    message = tasks_message(
        answer, state_for(answer, 3), tz=UTC, now=NOW, page_size=500, shareable=True
    )
    blocks = valid(message)
    assert len(blocks) <= 50


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    data=st.data(),
    templates=st.lists(any_input.templates(), min_size=1, max_size=6),
    count=st.one_of(st.integers(0, 40), st.integers(0, 5000)),
    seconds=st.integers(1, 90 * 86400),
    tz=any_input.zones,
    lang=st.sampled_from(LANGS),
)
def test_every_summary_fits_slack_for_any_input(
    data: st.DataObject, templates: list[Task], count: int, seconds: int, tz: tzinfo, lang: Lang
) -> None:
    text = any_input.texts
    window = TimeWindow(
        begin=NOW - timedelta(seconds=seconds),
        end=NOW,
        label=data.draw(text, label="label"),
        zone=data.draw(text, label="zone"),
        ends_now=True,
    )
    seed = data.draw(st.integers(0, 2**32), label="seed")
    tasks = any_input.spread(templates, count, window, seed)
    instance = Instance(instance_id=data.draw(text), name=data.draw(text))
    statuses = frozenset(data.draw(st.lists(any_input.statuses, max_size=3), label="statuses"))
    name_glob = data.draw(st.none() | text, label="glob")
    listing = TaskList(
        instance_id=instance.instance_id,
        begin=window.begin,
        end=window.end,
        tasks=tuple(tasks),
        reported_count=data.draw(st.integers(0, 10**6)),
        fetched_at=data.draw(st.none() | st.just(NOW - timedelta(seconds=7))),
        from_cache=data.draw(st.booleans()),
        truncated=data.draw(st.booleans()),
    )
    answer = TasksAnswer(
        instance=instance,
        window=window,
        listing=listing,
        tasks=filter_tasks(tasks, statuses, name_glob),
        statuses=statuses,
        name_glob=name_glob,
    )
    state = QueryState(
        instance=instance.instance_id,
        window_text=data.draw(text, label="window_text"),
        begin=window.begin,
        end=window.end,
        zone=window.zone,
        statuses=statuses,
        name_glob=name_glob,
        page=data.draw(st.integers(1, 10**6), label="page"),
    )
    message = tasks_message(
        answer,
        state,
        tz=tz,
        now=NOW,
        page_size=data.draw(st.integers(-5, 200), label="page_size"),
        shareable=data.draw(st.booleans()),
        where=data.draw(text, label="where"),
        lang=lang,
    )
    assert check_message(message.block_dicts(), message.text) == []


@pytest.mark.parametrize("page", [1, 2])
def test_realistic_demo_data_fits(page: int) -> None:
    from bot.simulator.data import DEMO_PROFILES, generate_profile

    generated = generate_profile(7, DEMO_PROFILES[0], NOW)
    tasks = sorted(
        (Task.from_api(r.to_api(NOW)) for r in generated.tasks),
        key=lambda t: t.created_at or NOW,
        reverse=True,
    )
    in_day = [t for t in tasks if t.created_at and NOW - timedelta(days=1) <= t.created_at <= NOW]
    instance = Instance.from_api(generated.instance.to_api())
    blocks = valid(summary(in_day, page=page, window_text="last 24h", instance=instance))
    assert blocks[0]["text"]["text"] == f"{instance.name} · last 24h"
