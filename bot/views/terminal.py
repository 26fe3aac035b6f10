"""Plain-text answers for the terminal CLI: a header line and an aligned table.

Nothing invisible in what DMS sent reaches the terminal: the CLI passes every line it
prints through ``safe_text.visible`` (bot.main.cli), the summary and the error lines too.
Table cells pass it here as well, only so that the columns are measured on what will
be shown.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from datetime import datetime, tzinfo

from bot.core.answer import TaskAnswer, TasksAnswer
from bot.core.dms.models import Instance
from bot.core.grammar.window import zone_name
from bot.core.redact import redact
from bot.i18n import Lang, t, tn
from bot.i18n.labels import instance_status_label, window_label
from bot.views.format import (
    counts_text,
    local_time,
    shown_name,
    shown_status,
    task_duration,
    unreadable_fields_text,
    unreadable_text,
    user_text,
)
from bot.views.safe_text import visible

MAX_NAME = 40


# The English table of `python -m bot tasks` (and the counts above it) keeps DMS's
# identifiers, FAILED and restartInstance, where Slack and the Chinese table show labels.
# It is the listing people pipe: it has always printed them, so `| grep FAILED` and
# `awk '$1 == "FAILED"'` in scripts keep working, and each is one word, where a label
# ("Restart instance") would split its column in two. (`--json` is the stable format;
# the Chinese table is new, and read rather than parsed.) One task (`task <id>`) is read
# by a person: its label in either language, with the identifier beside it, as in Slack.
def _table_name(name: str, lang: Lang) -> str:
    return name if lang == "en" else shown_name(name, lang)


def _table_status(status: str, lang: Lang) -> str:
    return status if lang == "en" else shown_status(status, lang)


def _width(text: str) -> int:
    # East Asian wide characters take two columns; without this, tables with Chinese
    # user or task names would not line up.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    # Measured as shown: an invisible character would take a column here and none on
    # the screen once the CLI took it out.
    rows = [[visible(cell) for cell in row] for row in rows]
    widths = [_width(h) for h in headers]
    for row in rows:
        widths = [max(w, _width(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = [c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)]
        return "  ".join(padded).rstrip()

    return "\n".join([line(headers), *(line(r) for r in rows)])


def tasks_text(answer: TasksAnswer, tz: tzinfo, now: datetime, *, lang: Lang = "en") -> str:
    window = answer.window
    listing = answer.listing
    zone = zone_name(tz)
    title = (
        f"{answer.instance.name} ({answer.instance.instance_id}) · "
        f"{window_label(window.label, lang)} · "
        f"{local_time(window.begin, tz)} → {local_time(window.end, tz)} {zone}"
    )
    summary = tn(lang, "term.summary", len(answer.tasks))
    if answer.filtered:
        summary = t(lang, "term.summary.filtered", summary=summary, total=len(listing.tasks))
    if answer.tasks:
        summary += t(lang, "sep.colon") + counts_text(answer.counts, lang, raw=lang == "en")
    lines = [title, summary]
    if listing.truncated:
        lines.append(
            t(
                lang,
                "term.truncated",
                fetched=len(listing.tasks),
                reported=listing.reported_count,
            )
        )
    if answer.tasks:
        rows = [
            [
                _table_status(task.status, lang),
                _clip(_table_name(task.name, lang), MAX_NAME),
                _clip(user_text(task), 24),
                local_time(task.created_at, tz),
                task_duration(task, now, lang),
                task.id,
            ]
            for task in answer.tasks
        ]
        columns = ("status", "name", "user", "started", "duration", "id")
        lines += ["", table([t(lang, f"term.col.{c}") for c in columns], rows)]
    return "\n".join(lines)


def task_text(answer: TaskAnswer, tz: tzinfo, now: datetime, *, lang: Lang = "en") -> str:
    task = answer.task
    params = redact(task.params)
    pretty = (
        json.dumps(params, indent=2, ensure_ascii=False, sort_keys=True)
        if not isinstance(params, str)
        else params
    )
    name, status = shown_name(task.name, lang), shown_status(task.status, lang)
    user = user_text(task)
    rows = [
        ("instance", f"{answer.instance.name} ({answer.instance.instance_id})"),
        ("task", task.id),
        # A label is followed by the name DMS sent: the console and the logs use that.
        ("name", name if name == task.name else f"{name} ({task.name})"),
        ("status", status if status == task.status else f"{status} ({task.status})"),
        ("user", f"{user} ({task.user_id})" if task.user_id else user),
        ("started", f"{local_time(task.created_at, tz)} {zone_name(tz)}"),
        ("updated", f"{local_time(task.updated_at, tz)} {zone_name(tz)}"),
        ("duration", task_duration(task, now, lang)),
    ]
    labelled = [(t(lang, f"term.row.{key}"), value) for key, value in rows]
    width = max(_width(label) for label, _ in labelled)
    # Padded by display width, so Chinese labels (two columns each) line up too.
    body = "\n".join(
        f"{label}{' ' * (width - _width(label))}  {value}" for label, value in labelled
    )
    unreadable = task.unreadable.get("params")
    if unreadable is not None:
        shown = unreadable_text(unreadable, lang)
    else:
        shown = pretty if params is not None else t(lang, "term.no_params")
    others = unreadable_fields_text(task, lang)
    if others is not None:
        body += f"\n{others}"
    return f"{body}\n{t(lang, 'term.params')}\n{shown}"


def instances_text(instances: Sequence[Instance], where: str, *, lang: Lang = "en") -> str:
    if not instances:
        return t(lang, "term.no_instances", where=where)
    rows = [
        [
            i.name,
            i.instance_id,
            i.status if lang == "en" else instance_status_label(i.status, lang),
            i.engine_version,
            i.specification,
        ]
        for i in instances
    ]
    head = tn(lang, "term.instances", len(instances), where=where)
    columns = ("name", "id", "status", "version", "spec")
    return head + "\n\n" + table([t(lang, f"term.col.{c}") for c in columns], rows)
