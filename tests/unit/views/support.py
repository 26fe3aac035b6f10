"""What the view tests build with: a DMS task list as an incident looks, the answer and
button state made of it, and ways to read the Block Kit a view returns."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.actions import DETAILS, QueryState
from bot.core.answer import TaskAnswer, TasksAnswer, filter_tasks
from bot.core.dms.models import Instance, Task, TaskList
from bot.core.grammar.window import format_api_time
from bot.core.grammar.window_parse import parse_window
from bot.core.records import Subscription
from bot.i18n import Lang
from bot.views.details import task_details_message
from bot.views.kit import Message
from bot.views.limits import check_message
from bot.views.tasks import tasks_message

NOW = datetime(2026, 11, 27, 3, 0, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")
INSTANCE_ID = "43dab215-d294-570b-99de-c1e44144aaae"
INSTANCE = Instance.from_api({"instance_id": INSTANCE_ID, "name": "prod-orders"})
SUB = Subscription(
    channel="C0INCIDENT",
    instance_id=INSTANCE_ID,
    instance_name="prod-orders",
    scope="failed",
    name_glob="restart*",
    created_by="U0ONCALL",
    created_at=NOW - timedelta(days=2),
)
# Han characters: a Chinese view says at least something in Chinese.
CJK = re.compile(r"[\u4e00-\u9fff]")
# What DMS might send to hide text or make Slack link it.
BIDI = "\u202e\u2066\u200f\u061c"
HOSTILE_URL = "https://evil.example/login"
# Params nested past what any parser should follow.
DEEP_PARAMS = "[" * 100_000 + "]" * 100_000


# --- tasks as DMS sends them --------------------------------------------------------------


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


def task(
    n: int = 1,
    *,
    status: str = "FAILED",
    name: str = "restartInstance",
    seconds: int = 252,
    params: str = '{"topic":"orders","partitions":12}',
    user: str = "paas_dms",
) -> Task:
    """A task that finished ``seconds`` after it started, ten minutes and more ago."""
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


# --- answers and the views of them -----------------------------------------------------------


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
    tasks: Sequence[Task] | None = None,
    *,
    page: int = 1,
    shareable: bool = True,
    lang: Lang = "en",
    **kw: Any,
) -> Message:
    answer = answer_for(incident_tasks() if tasks is None else tasks, **kw)
    return tasks_message(
        answer,
        state_for(answer, page),
        tz=SHANGHAI,
        now=NOW,
        shareable=shareable,
        where="cn-north-4",
        lang=lang,
    )


def details(task: Task, instance: Instance = INSTANCE, lang: Lang = "en") -> Message:
    return task_details_message(TaskAnswer(instance, task), tz=SHANGHAI, now=NOW, lang=lang)


# --- reading what a view returns ---------------------------------------------------------------


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


def mrkdwn_texts(block: dict[str, Any]) -> list[str]:
    """The texts of one block that Slack parses as mrkdwn."""
    found: list[str] = []
    for node in [block.get("text"), *(block.get("elements") or []), *(block.get("fields") or [])]:
        if isinstance(node, dict) and node.get("type") == "mrkdwn":
            found.append(node["text"])
    return found


def nodes(value: Any) -> list[dict[str, Any]]:
    """Every object in the blocks, however deep."""
    if isinstance(value, dict):
        return [value, *(n for child in value.values() for n in nodes(child))]
    if isinstance(value, list):
        return [n for child in value for n in nodes(child)]
    return []


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


def labels(blocks: Sequence[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in buttons_of(blocks)]


def task_rows(blocks: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [b for b in blocks if b.get("accessory", {}).get("action_id") == DETAILS]
