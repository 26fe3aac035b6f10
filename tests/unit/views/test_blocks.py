"""Block Kit messages: what an on-call engineer sees, and Slack's limits for any input."""

from __future__ import annotations

import dataclasses
import json
import random
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.actions import (
    DETAILS,
    PAGE_NEXT,
    PAGE_PREV,
    PICK_INSTANCE,
    REFRESH,
    RETRY,
    SHARE,
    QueryState,
    TaskRef,
)
from bot.core.answer import TaskAnswer, TasksAnswer, filter_tasks
from bot.core.dms.models import Instance, Task, TaskList
from bot.core.grammar.help import USAGE
from bot.core.grammar.window import TimeWindow, format_api_time
from bot.core.grammar.window_parse import parse_window
from bot.core.redact import MASK
from bot.i18n import LANGS, Lang
from bot.views.details import MAX_PARAM_SECTIONS, task_details_message
from bot.views.kit import Message
from bot.views.limits import SECTION_TEXT, check_message, clip, escape
from bot.views.replies import error_message, help_message, instances_message, looking_up_message
from bot.views.tasks import activity_strip, tasks_message

NOW = datetime(2026, 11, 27, 3, 0, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")
INSTANCE = Instance.from_api(
    {"instance_id": "43dab215-d294-570b-99de-c1e44144aaae", "name": "prod-orders"}
)
KNOWN = ("CREATED", "EXECUTING", "SUCCESS", "FAILED", "DELETED", "CANCELLED")


def api_task(
    n: int,
    *,
    status: str = "SUCCESS",
    name: str = "modifyAutoTopic",
    minutes_ago: float | None = None,
    params: str = '{"old_auto_status":true,"new_auto_status":false}',
    user: str = "paas_dms",
) -> dict[str, str]:
    """A task as ListBackgroundTasks returns it (every field a string)."""
    started = NOW - timedelta(minutes=minutes_ago if minutes_ago is not None else 1 + n)
    return {
        "id": f"8abfa7b372160bfd0172165864{n:06d}",
        "name": name,
        "user_name": user,
        "user_id": "3df5acbc24a54fadb62a043c9000a307",
        "params": params,
        "status": status,
        "created_at": started.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "updated_at": (started + timedelta(seconds=42)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    }


def incident_tasks(count: int = 37, failed: Sequence[int] = (2, 9, 30)) -> list[Task]:
    """Newest first; the tasks at the ``failed`` positions failed."""
    names = ("restartInstance", "modifyConfigs", "resetPassword", "createTopic")
    return [
        Task.from_api(
            api_task(
                i,
                status="FAILED" if i in failed else "SUCCESS",
                name=names[i % len(names)],
                minutes_ago=1 + i * 1.5,
            )
        )
        for i in range(count)
    ]


def answer_for(
    tasks: Sequence[Task],
    *,
    window_text: str = "last 1h",
    instance: Instance = INSTANCE,
    statuses: frozenset[str] = frozenset(),
    name_glob: str | None = None,
    tz: tzinfo = SHANGHAI,
    **listing: Any,
) -> TasksAnswer:
    window = parse_window(window_text, now=NOW, tz=tz)
    # What a client asking DMS for exactly this window sends.
    listing.setdefault("queried", (format_api_time(window.begin), format_api_time(window.end)))
    task_list = TaskList(
        instance_id=instance.instance_id,
        begin=window.begin,
        end=window.end,
        tasks=tuple(tasks),
        reported_count=listing.pop("reported_count", len(tasks)),
        **listing,
    )
    return TasksAnswer(
        instance=instance,
        window=window,
        listing=task_list,
        tasks=filter_tasks(tasks, statuses, name_glob),
        statuses=statuses,
        name_glob=name_glob,
    )


def state_for(answer: TasksAnswer, page: int = 1, window_text: str = "last 1h") -> QueryState:
    return QueryState(
        instance=answer.instance.instance_id,
        window_text=window_text,
        begin=answer.window.begin,
        end=answer.window.end,
        zone=answer.window.zone,
        statuses=answer.statuses,
        name_glob=answer.name_glob,
        page=page,
    )


def summary(
    tasks: Sequence[Task] | None = None, *, page: int = 1, shareable: bool = True, **kw: Any
) -> Message:
    answer = answer_for(incident_tasks() if tasks is None else tasks, **kw)
    return tasks_message(
        answer,
        state_for(answer, page),
        tz=SHANGHAI,
        now=NOW,
        shareable=shareable,
        where="cn-north-4",
    )


def valid(message: Message) -> list[dict[str, Any]]:
    """The blocks as sent, after slack_sdk's validation and our full limits check."""
    blocks = message.block_dicts()
    assert check_message(blocks, message.text) == []
    return blocks


def texts(blocks: Sequence[dict[str, Any]]) -> list[str]:
    """Every text in the blocks, in order (block texts, fields, context, button labels)."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(list(blocks))
    return found


def all_text(blocks: Sequence[dict[str, Any]]) -> str:
    return "\n".join(texts(blocks))


def buttons_of(blocks: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    found = [b["accessory"] for b in blocks if b.get("accessory", {}).get("type") == "button"]
    for block in blocks:
        if block["type"] == "actions":
            found += block["elements"]
    return found


def button(blocks: Sequence[dict[str, Any]], action_id: str) -> dict[str, Any] | None:
    matching = [b for b in buttons_of(blocks) if b["action_id"] == action_id]
    assert len(matching) <= 1
    return matching[0] if matching else None


def task_rows(blocks: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [b for b in blocks if b.get("accessory", {}).get("action_id") == DETAILS]


# --- the summary ---------------------------------------------------------------------


def test_header_names_the_instance_and_the_window() -> None:
    blocks = valid(summary())
    assert blocks[0]["type"] == "header"
    assert blocks[0]["text"]["text"] == "prod-orders · last 1h"


def test_failures_are_called_out_first_with_their_names() -> None:
    message = summary()
    blocks = valid(message)
    text = all_text(blocks)
    assert ":red_circle: *3 Failed*: Reset password ×2, Change configuration\n" in text
    assert text.index("3 Failed") < text.index("34 Succeeded")
    assert "*37 tasks* started in this window: 3 Failed, 34 Succeeded" in text
    assert message.text == "prod-orders · last 1h: 37 tasks, 3 Failed"


def test_the_exact_window_is_echoed_in_utc_viewer_time_and_the_zone_typed() -> None:
    answer = answer_for(incident_tasks())
    text = all_text(valid(summary()))
    params = answer.window.api_params()
    assert params == {"begin_time": "20261127020000", "end_time": "20261127030000"}
    assert "`begin_time=20261127020000` `end_time=20261127030000`" in text
    begin, end = int(answer.window.begin.timestamp()), int(answer.window.end.timestamp())
    assert (
        f"<!date^{begin}^{{date_short_pretty}} {{time}}|2026-11-27 10:00:00 Asia/Shanghai>" in text
    )
    assert f"<!date^{end}^" in text
    assert "times read in Asia/Shanghai" in text
    assert INSTANCE.instance_id in text
    assert "cn-north-4" in text


def test_first_page_shows_the_newest_ten_and_next_only() -> None:
    blocks = valid(summary(page=1))
    rows = task_rows(blocks)
    assert len(rows) == 10
    assert "1–10 of 37" in all_text(blocks)
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


def test_each_row_has_a_details_button_carrying_its_task_id() -> None:
    tasks = incident_tasks()
    rows = task_rows(valid(summary(tasks, page=2)))
    refs = [TaskRef.decode(row["accessory"]["value"]) for row in rows]
    assert [r.task_id for r in refs] == [t.id for t in tasks[10:20]]
    assert {r.instance for r in refs} == {INSTANCE.instance_id}
    assert all(row["accessory"]["text"]["text"] == "Details" for row in rows)


def test_row_shows_status_name_user_start_and_duration() -> None:
    rows = task_rows(valid(summary()))
    failed_row = rows[2]["text"]["text"]
    assert failed_row.startswith(
        ":red_circle: *Reset password* · Failed · paas_dms · started <!date^"
    )
    assert failed_row.endswith(" · 42s")
    assert "Succeeded" not in rows[0]["text"]["text"]  # success rows stay quiet


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


def test_filters_are_stated_with_the_total_in_the_window() -> None:
    message = summary(statuses=frozenset({"FAILED"}), name_glob="re*")
    text = all_text(valid(message))
    assert "*2 tasks* match status Failed · name `re*` (of 37 in the window)" in text
    assert message.text == "prod-orders · last 1h: 2 of 37 tasks match the filter, 2 Failed"


def test_empty_window_says_so_with_a_hint_and_keeps_refresh() -> None:
    blocks = valid(summary([]))
    text = all_text(blocks)
    assert "No tasks started on *prod-orders* in this window" in text
    assert "last 24h" in text
    assert task_rows(blocks) == []
    assert button(blocks, REFRESH) is not None
    assert button(blocks, PAGE_NEXT) is None


def test_empty_after_filter_suggests_dropping_it() -> None:
    text = all_text(valid(summary(incident_tasks(failed=()), statuses=frozenset({"FAILED"}))))
    assert "No tasks matching status Failed started on *prod-orders*" in text
    assert "37 tasks did not match" in text
    assert "Drop the filter" in text


def test_truncated_listing_warns_with_both_counts() -> None:
    text = all_text(valid(summary(reported_count=5200, truncated=True)))
    assert "Only 37 of 5200 tasks DMS reported could be fetched; narrow the window." in text


def test_cached_answer_says_when_it_was_fetched() -> None:
    fetched = NOW - timedelta(seconds=12)
    text = all_text(valid(summary(from_cache=True, fetched_at=fetched)))
    assert f"cached, fetched <!date^{int(fetched.timestamp())}^{{ago}}|" in text
    assert "Refresh" in text
    assert "cached" not in all_text(valid(summary()))


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


def test_activity_strip_shows_starts_and_marks_failures() -> None:
    strip = next(t for t in texts(valid(summary())) if "task starts" in t)
    bars, marks = (re.findall(r"`([^`]*)`", line)[0] for line in strip.split("\n"))
    # A round length per bar: 5 minutes over the hour, from its start.
    assert len(bars) == len(marks) == 12
    assert set(bars) <= set("▁▂▃▄▅▆▇█·")
    assert marks == "··x······x·x"  # three failures, each in its own 5m slot
    assert "a bar per 5m" in strip


def test_text_from_dms_cannot_mention_or_link() -> None:
    evil = "<@U123> & <!channel> <https://evil.example|click>"
    tasks = [Task.from_api(api_task(0, name=evil, user="<!here>", status="FAILED"))]
    instance = Instance.from_api({"instance_id": "i-1", "name": "a<b>&c"})
    message = summary(tasks, instance=instance)
    blocks = valid(message)
    for text in [*texts([b for b in blocks if b["type"] != "header"]), message.text]:
        # The only markup left is our own date tokens.
        assert re.findall(r"<(?!!date\^)", text) == [], text
    text = all_text(blocks)
    assert "&lt;@U123&gt; &amp; &lt;!channel&gt;" in text
    assert "&lt;!here&gt;" in text
    # Headers are plain_text, which Slack never parses: shown as the name is.
    assert blocks[0]["text"]["text"] == "a<b>&c · last 1h"


BIDI = "\u202e\u2066\u200f\u061c"
HOSTILE_URL = "https://evil.example/login"


def test_invisible_characters_and_bare_urls_from_dms_never_reach_slack() -> None:
    name = f"restart{BIDI}Instance www.evil.example"
    tasks = [
        Task.from_api(api_task(0, name=name, user=f"li{BIDI} {HOSTILE_URL}", status="FAILED")),
        Task.from_api(api_task(1, params=json.dumps({"callback": HOSTILE_URL}))),
    ]
    instance = Instance.from_api({"instance_id": "i-1", "name": f"prod{BIDI}-orders"})
    for message in (
        summary(tasks, instance=instance),
        details(tasks[0], instance),
        details(tasks[1], instance),
    ):
        # Everything a reader sees; button values are opaque data sent back to the bot,
        # where a task id or a name must stay exactly as DMS has it.
        shown = [n["text"] for n in _nodes(valid(message)) if isinstance(n.get("text"), str)]
        sent = "\n".join([message.text, *shown])
        assert not any(char in sent for char in BIDI), sent
        assert "://" not in sent
        assert "www.evil" not in sent
        assert "evil.example" in sent  # still readable, just not a link
    # Slack finds nothing else to link by itself in any mrkdwn text either.
    mrkdwn = [
        node for node in _nodes(valid(details(tasks[1], instance))) if node.get("type") == "mrkdwn"
    ]
    assert mrkdwn
    assert all(node.get("verbatim") is True for node in mrkdwn)


def _nodes(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value, *(n for child in value.values() for n in _nodes(child))]
    if isinstance(value, list):
        return [n for child in value for n in _nodes(child)]
    return []


DEEP_PARAMS = "[" * 100_000 + "]" * 100_000


def test_a_task_with_unreadable_params_is_listed_with_the_others() -> None:
    tasks = incident_tasks(count=5)
    hostile = Task.from_api(api_task(7, params=DEEP_PARAMS, status="FAILED"))
    message = summary([*tasks[:2], hostile, *tasks[2:]])
    rows = task_rows(valid(message))
    assert len(rows) == 6
    assert hostile.id in json.dumps(rows)


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


def test_many_tasks_and_a_huge_page_size_still_fit() -> None:
    tasks = incident_tasks(count=5000, failed=range(0, 5000, 7))
    answer = answer_for(tasks, window_text="last 7d")
    message = tasks_message(
        answer, state_for(answer, 3), tz=UTC, now=NOW, page_size=500, shareable=True
    )
    blocks = valid(message)
    assert len(blocks) <= 50


# --- one task ------------------------------------------------------------------------


def details(task: Task, instance: Instance = INSTANCE) -> Message:
    return task_details_message(TaskAnswer(instance, task), tz=SHANGHAI, now=NOW)


def test_details_show_the_fields_and_params() -> None:
    task = Task.from_api(api_task(3, status="FAILED", name="restartInstance"))
    message = details(task)
    blocks = valid(message)
    assert blocks[0]["text"]["text"] == "Restart instance"
    fields = [f["text"] for f in blocks[1]["fields"]]
    labels = [f.split("\n")[0] for f in fields]
    assert labels == [
        "*Task name*",
        "*Status*",
        "*User*",
        "*Started*",
        "*Finished*",
        "*Duration*",
        "*Task id*",
        "*Instance*",
    ]
    # The label, with the name and status DMS sent beside it (what the console and logs use).
    assert fields[0] == "*Task name*\n`restartInstance`"
    assert fields[1] == "*Status*\n:red_circle: Failed (`FAILED`)"
    assert task.id in fields[6]
    assert "prod-orders" in fields[7]
    assert '"new_auto_status": false' in all_text(blocks)
    assert message.text == "Restart instance · Failed on prod-orders"


def test_details_of_an_unknown_name_and_status_show_what_dms_sent() -> None:
    task = Task.from_api(api_task(1, status="ROLLING_BACK", name="rollingUpgradeBrokers"))
    blocks = valid(details(task))
    assert blocks[0]["text"]["text"] == "Rolling upgrade brokers"
    fields = [f["text"] for f in blocks[1]["fields"]]
    assert fields[0] == "*Task name*\n`rollingUpgradeBrokers`"
    # A status without a label is shown once, as sent.
    assert fields[1] == "*Status*\n:grey_question: ROLLING_BACK"


def test_details_mask_passwords_in_params() -> None:
    params = json.dumps({"user_name": "root", "password": "hunter2!Secret"})
    message = details(Task.from_api(api_task(1, name="resetPassword", params=params)))
    blocks = valid(message)
    dumped = json.dumps(blocks, ensure_ascii=False) + message.text
    assert "hunter2" not in dumped
    assert f'"password": "{MASK}"' in all_text(blocks)
    assert "secrets masked" in all_text(blocks)


def test_huge_params_are_split_into_code_sections_then_cut() -> None:
    big = {f"key{i:05d}": "x" * 80 + " <&> ```" for i in range(2000)}
    blocks = valid(details(Task.from_api(api_task(1, params=json.dumps(big)))))
    code = [t for t in texts(blocks) if t.startswith("```")]
    assert len(code) == MAX_PARAM_SECTIONS
    assert all(t.endswith("```") and t.count("```") == 2 for t in code)
    assert all(len(t) <= SECTION_TEXT for t in code)
    assert "… (truncated" in all_text(blocks)


def test_text_params_and_no_params_are_shown_plainly() -> None:
    raw = valid(details(Task.from_api(api_task(1, params="not json <b>"))))
    assert "```\nnot json &lt;b&gt;\n```" in texts(raw)
    none = valid(details(Task.from_api(api_task(1, params=""))))
    assert "No params." in all_text(none)


# --- instances, help, errors, placeholder -------------------------------------------


def test_instances_are_listed_by_name_and_id_even_hundreds() -> None:
    instances = [
        Instance.from_api({"instance_id": f"id-{i:04d}", "name": f"kafka-{i}", "status": "RUNNING"})
        for i in range(600)
    ]
    message = instances_message(instances, "cn-north-4")
    blocks = valid(message)
    text = all_text(blocks)
    assert "*kafka-0* `id-0000` · RUNNING" in text
    assert "more" in text or "kafka-599" in text
    assert message.text == "600 Kafka instances in cn-north-4"
    assert "No Kafka instances in cn-north-4." in all_text(
        valid(instances_message([], "cn-north-4"))
    )


def test_help_shows_usage_and_the_note() -> None:
    blocks = valid(help_message("Demo mode: answers come from the built-in simulator."))
    assert f"```\n{escape(USAGE.rstrip())}\n```" in texts(blocks)
    assert blocks[-1]["type"] == "context"
    assert "Demo mode" in all_text(blocks[-1:])
    assert all(b["type"] != "context" for b in valid(help_message()))


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


def test_looking_up_names_what_is_asked() -> None:
    message = looking_up_message("prod-orders · last 1h")
    valid(message)
    assert message.text == ":hourglass_flowing_sand: Looking up prod-orders · last 1h…"


# --- limits --------------------------------------------------------------------------


def test_clip_never_splits_a_date_token_or_an_entity() -> None:
    token = "<!date^1795662000^{date_short_pretty} {time}|2026-11-26 11:00:00 UTC>"
    text = "started " + token + " and more"
    for limit in range(1, len(text)):
        cut = clip(text, limit)
        assert len(cut) <= limit
        assert cut.count("<") == cut.count(">")
    for limit in range(1, 14):
        cut = clip("a &amp; b &lt; c", limit)
        assert re.search(r"&(?!amp;|lt;)", cut) is None, cut
    assert clip("short", 10) == "short"
    assert clip("a<b>c" * 10, 8, mrkdwn=False) == "a<b>c" + "a<" + "…"


def test_check_message_reports_what_slack_sdk_does_not() -> None:
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "ok"}}
    assert check_message([section] * 51, "x")[0] == "51 blocks (max 50)"
    assert check_message([section], "x" * 4001) == ["text has 4001 characters (max 4000)"]
    fields = {"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}] * 11}
    assert len(check_message([fields], "x")) == 12
    header = {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}
    assert check_message([header], "x") != []
    empty = {"type": "section", "text": {"type": "mrkdwn", "text": "  "}}
    assert check_message([empty], "x") != []
    twice = {"type": "button", "text": {"type": "plain_text", "text": "b"}, "action_id": "a"}
    assert check_message([{"type": "actions", "elements": [twice, twice]}], "x") != []
    long_value = {**twice, "value": "v" * 2001}
    assert check_message([{"type": "actions", "elements": [long_value]}], "x") != []
    context = {"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}
    assert check_message([context], "x") != []
    ids = {**section, "block_id": "b" * 256}
    assert check_message([ids], "x") != []


# --- any input -----------------------------------------------------------------------

_SPECIAL = (
    "<@U123>",
    "<!channel>",
    "<!date^1^{ago}|x>",
    "&",
    "&amp;",
    "<",
    ">",
    "|",
    "^",
    "`",
    "```",
    "*",
    "_",
    "\n",
    "\t",
    "\x00",
    "😀",
    "👨‍👩‍👧",
    "卡夫卡任务",
    "한국어",
    "\u200b",
)
_pieces = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(_SPECIAL)), max_size=8).map(
    "".join
)
# Mostly short, sometimes far past every limit.
_texts = st.one_of(
    _pieces, st.tuples(_pieces, st.integers(1, 600)).map(lambda pair: pair[0] * pair[1])
)
_statuses = st.one_of(st.sampled_from(KNOWN), _texts)
# Names DMS sends get labels in Chinese; any other text is shown as it came.
_names = st.one_of(_texts, st.sampled_from(("restartInstance", "createTopic", "resetPassword")))
_zones: st.SearchStrategy[tzinfo] = st.sampled_from(
    [UTC, SHANGHAI, ZoneInfo("America/New_York"), timezone(timedelta(hours=-9, minutes=-30))]
)


@st.composite
def _params(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["none", "json", "text", "huge"]))
    if kind == "none":
        return ""
    if kind == "text":
        return draw(_texts)
    if kind == "json":
        return json.dumps({"password": draw(_texts), "topic": draw(_texts)}, ensure_ascii=False)
    size = draw(st.integers(1, 100_000))
    chunk = draw(_pieces) or "<&>"
    return json.dumps({"blob": (chunk * (size // len(chunk) + 1))[:size], "secret_key": "k"})


@st.composite
def _templates(draw: st.DrawFn) -> Task:
    return Task.from_api(
        {
            "id": draw(_texts),
            "name": draw(_names),
            "user_name": draw(_texts),
            "user_id": draw(_texts),
            "params": draw(_params()),
            "status": draw(_statuses),
            "created_at": "2026-11-27T02:30:00.000Z",
            "updated_at": draw(st.sampled_from(["", "2026-11-27T02:31:00.000Z"])),
        }
    )


def _spread(templates: Sequence[Task], count: int, window: TimeWindow, seed: int) -> list[Task]:
    """``count`` tasks made from the templates (no re-parsing of their params), at random
    times in, around and outside the window, newest first."""
    rng = random.Random(seed)
    span = (window.end - window.begin).total_seconds()
    tasks = []
    for i in range(count):
        offset = rng.uniform(-0.1 * span, 1.1 * span)
        started = None if rng.random() < 0.02 else window.begin + timedelta(seconds=offset)
        template = templates[i % len(templates)]
        tasks.append(dataclasses.replace(template, id=f"{template.id}{i}", created_at=started))
    return sorted(tasks, key=lambda t: t.created_at or window.begin, reverse=True)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    data=st.data(),
    templates=st.lists(_templates(), min_size=1, max_size=6),
    count=st.one_of(st.integers(0, 40), st.integers(0, 5000)),
    seconds=st.integers(1, 90 * 86400),
    tz=_zones,
    lang=st.sampled_from(LANGS),
)
def test_every_message_fits_slack_for_any_input(
    data: st.DataObject, templates: list[Task], count: int, seconds: int, tz: tzinfo, lang: Lang
) -> None:
    window = TimeWindow(
        begin=NOW - timedelta(seconds=seconds),
        end=NOW,
        label=data.draw(_texts, label="label"),
        zone=data.draw(_texts, label="zone"),
        ends_now=True,
    )
    tasks = _spread(templates, count, window, data.draw(st.integers(0, 2**32), label="seed"))
    instance = Instance(instance_id=data.draw(_texts), name=data.draw(_texts))
    statuses = frozenset(data.draw(st.lists(_statuses, max_size=3), label="statuses"))
    name_glob = data.draw(st.none() | _texts, label="glob")
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
        window_text=data.draw(_texts, label="window_text"),
        begin=window.begin,
        end=window.end,
        zone=window.zone,
        statuses=statuses,
        name_glob=name_glob,
        page=data.draw(st.integers(1, 10**6), label="page"),
    )
    choices = data.draw(st.lists(st.tuples(_texts, _texts), max_size=200), label="choices")
    messages = [
        tasks_message(
            answer,
            state,
            tz=tz,
            now=NOW,
            page_size=data.draw(st.integers(-5, 200), label="page_size"),
            shareable=data.draw(st.booleans()),
            where=data.draw(_texts, label="where"),
            lang=lang,
        ),
        task_details_message(TaskAnswer(instance, templates[0]), tz=tz, now=NOW, lang=lang),
        instances_message(
            [Instance(instance_id=i, name=n, status=n) for i, n in choices],
            data.draw(_texts, label="where"),
            lang=lang,
        ),
        help_message(data.draw(st.none() | _texts, label="note"), lang=lang),
        error_message(
            data.draw(_texts, label="error"),
            retry=data.draw(st.none() | st.just(state)),
            choices=choices,
            title=data.draw(st.none() | _texts, label="title"),
            lang=lang,
        ),
        looking_up_message(data.draw(_texts, label="what"), lang=lang),
    ]
    for message in messages:
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
    for task in in_day[:3]:
        valid(details(task, instance))
