"""Plain-text answers for the terminal CLI: a header line and an aligned table."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from datetime import datetime, tzinfo

from bot.dms.models import Instance
from bot.redact import redact
from bot.service import TaskAnswer, TasksAnswer
from bot.timewindow import zone_name
from bot.views.format import counts_text, local_time, task_duration, user_text

MAX_NAME = 40


def _width(text: str) -> int:
    # East Asian wide characters take two columns; without this, tables with Chinese
    # user or task names would not line up.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [_width(h) for h in headers]
    for row in rows:
        widths = [max(w, _width(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = [c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)]
        return "  ".join(padded).rstrip()

    return "\n".join([line(headers), *(line(r) for r in rows)])


def tasks_text(answer: TasksAnswer, tz: tzinfo, now: datetime) -> str:
    window = answer.window
    listing = answer.listing
    zone = zone_name(tz)
    title = (
        f"{answer.instance.name} ({answer.instance.instance_id}) · {window.label} · "
        f"{local_time(window.begin, tz)} → {local_time(window.end, tz)} {zone}"
    )
    shown = len(answer.tasks)
    summary = f"{shown} task{'s' if shown != 1 else ''}"
    if answer.filtered:
        summary += f" matching the filter (of {len(listing.tasks)} in the window)"
    if answer.tasks:
        summary += ": " + counts_text(answer.counts)
    lines = [title, summary]
    if listing.truncated:
        lines.append(
            f"Only {len(listing.tasks)} of the {listing.reported_count} tasks DMS reported "
            "could be fetched; narrow the window to see the rest."
        )
    if answer.tasks:
        rows = [
            [
                t.status,
                _clip(t.name, MAX_NAME),
                _clip(user_text(t), 24),
                local_time(t.created_at, tz),
                task_duration(t, now),
                t.id,
            ]
            for t in answer.tasks
        ]
        lines += ["", table(["STATUS", "NAME", "USER", "STARTED", "DURATION", "ID"], rows)]
    return "\n".join(lines)


def task_text(answer: TaskAnswer, tz: tzinfo, now: datetime) -> str:
    t = answer.task
    params = redact(t.params)
    pretty = (
        json.dumps(params, indent=2, ensure_ascii=False, sort_keys=True)
        if not isinstance(params, str)
        else params
    )
    rows = [
        ["instance", f"{answer.instance.name} ({answer.instance.instance_id})"],
        ["task", t.id],
        ["name", t.name],
        ["status", t.status],
        ["user", f"{user_text(t)} ({t.user_id})" if t.user_id else user_text(t)],
        ["started", f"{local_time(t.created_at, tz)} {zone_name(tz)}"],
        ["updated", f"{local_time(t.updated_at, tz)} {zone_name(tz)}"],
        ["duration", task_duration(t, now)],
    ]
    width = max(len(k) for k, _ in rows)
    body = "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)
    return f"{body}\nparams\n{pretty if params is not None else '(none)'}"


def instances_text(instances: Sequence[Instance], where: str) -> str:
    if not instances:
        return f"No Kafka instances in {where}."
    rows = [[i.name, i.instance_id, i.status, i.engine_version, i.specification] for i in instances]
    head = f"{len(instances)} Kafka instance{'s' if len(instances) != 1 else ''} in {where}"
    return head + "\n\n" + table(["NAME", "ID", "STATUS", "VERSION", "SPEC"], rows)
