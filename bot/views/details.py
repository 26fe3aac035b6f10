"""One task with its params, secrets masked: what a Details button shows."""

from __future__ import annotations

import json
from datetime import datetime, tzinfo

from slack_sdk.models.blocks import Block, SectionBlock

from bot.core.answer import TaskAnswer
from bot.core.dms.models import Task
from bot.core.redact import redact
from bot.i18n import Lang, t
from bot.views.format import (
    shown_name,
    shown_status,
    task_duration,
    unreadable_fields_text,
    unreadable_text,
    user_text,
)
from bot.views.kit import (
    DATE_TIME_SECS,
    FENCE,
    Message,
    context,
    date_token,
    header,
    instance_label,
    md,
    message,
    mrkdwn,
    one_line,
    section,
    task_emoji,
)
from bot.views.limits import FIELD_TEXT, SECTION_TEXT, clip, escape
from bot.views.progress import progress_line, steps_line
from bot.views.readable import ID, NAME, USER

# Params are split over at most this many code sections, then cut.
MAX_PARAM_SECTIONS = 5


def task_details_message(
    answer: TaskAnswer, *, tz: tzinfo, now: datetime, lang: Lang = "en"
) -> Message:
    """One task with its params, secrets masked."""
    task = answer.task
    instance = answer.instance
    title = shown_name(task.name, lang)
    fields = _fields(answer, tz, now, lang)
    blocks: list[Block] = [
        header(title),
        SectionBlock(
            fields=[mrkdwn(clip(f"*{label}*\n{value}", FIELD_TEXT)) for label, value in fields]
        ),
        *_params_blocks(task, lang),
    ]
    others = unreadable_fields_text(task, lang)
    if others is not None:
        blocks.append(context(escape(others)))
    text = t(
        lang,
        "details.text",
        task=title,
        status=shown_status(task.status, lang),
        instance=instance_label(instance.name, instance.instance_id, lang),
    )
    return message(escape(one_line(text)), blocks)


def _fields(answer: TaskAnswer, tz: tzinfo, now: datetime, lang: Lang) -> list[tuple[str, str]]:
    """(label, mrkdwn value) of each field of the task."""
    task, instance = answer.task, answer.instance
    user = md(user_text(task), USER)
    if task.user_id and task.user_name:
        user += f" (`{md(task.user_id, ID)}`)"
    status = _with_raw(shown_status(task.status, lang), task.status, lang, 200)
    name = md(instance_label(instance.name, instance.instance_id, lang), NAME)
    fields = [
        (t(lang, "details.status"), f"{task_emoji(task)} {status}"),
        (t(lang, "details.user"), user),
        (t(lang, "details.started"), _when(task.created_at, tz)),
        (
            t(lang, "details.finished" if task.terminal else "details.updated"),
            _when(task.updated_at, tz),
        ),
        (t(lang, "details.duration"), task_duration(task, now, lang)),
        (t(lang, "details.task_id"), f"`{md(task.id, 500)}`" if task.id else "-"),
        (t(lang, "details.instance"), f"{name} (`{md(instance.instance_id, 500)}`)"),
    ]
    fields += _progress_fields(answer, lang)
    if shown_name(task.name, lang) != task.name:
        # The header shows a label: the name DMS sent is what the console and logs use.
        fields.insert(0, (t(lang, "details.task_name"), f"`{md(task.name, 500)}`"))
    return fields


def _progress_fields(answer: TaskAnswer, lang: Lang) -> list[tuple[str, str]]:
    """A running scale-out's bar, current step and time left, and its steps."""
    progress = answer.progress
    if progress is None or not answer.task.in_progress:
        return []
    fields = []
    line = progress_line(progress, lang)
    if line is not None:
        fields.append((t(lang, "details.progress"), line))
    steps = steps_line(progress, lang)
    if steps is not None:
        fields.append((t(lang, "details.steps"), steps))
    return fields


def _when(moment: datetime | None, tz: tzinfo) -> str:
    return date_token(moment, tz, DATE_TIME_SECS) if moment else "-"


def _params_blocks(task: Task, lang: Lang) -> list[Block]:
    """The params as code, secrets masked and cut to fit; or why there are none."""
    params = redact(task.params)
    unreadable = task.unreadable.get("params")
    if unreadable is not None:
        marker = escape(unreadable_text(unreadable, lang))
        return [context(t(lang, "details.params_unreadable", marker=marker))]
    if params is None:
        return [context(t(lang, "details.no_params"))]
    body = (
        params
        if isinstance(params, str)
        else json.dumps(params, indent=2, ensure_ascii=False, sort_keys=True, default=str)
    )
    masked = params != task.params
    blocks: list[Block] = [
        context(t(lang, "details.params_masked" if masked else "details.params"))
    ]
    chunks = split_code(escape(body), SECTION_TEXT - len(f"{FENCE}\n\n{FENCE}"))
    blocks.extend(section(f"{FENCE}\n{c}\n{FENCE}") for c in chunks[:MAX_PARAM_SECTIONS])
    if len(chunks) > MAX_PARAM_SECTIONS:
        shown = sum(len(c) for c in chunks[:MAX_PARAM_SECTIONS])
        blocks.append(context(t(lang, "details.truncated", shown=shown, total=len(escape(body)))))
    return blocks


def _with_raw(shown: str, raw: str, lang: Lang, limit: int) -> str:
    """``shown`` for mrkdwn, followed by DMS's own word when the label differs from it."""
    if shown == raw:
        return md(shown, limit)
    return t(lang, "details.shown_raw", shown=md(shown, limit), raw=md(raw, limit))


def split_code(text: str, size: int) -> list[str]:
    """``text`` (already escaped) in pieces of at most ``size`` characters for code blocks:
    cut at line ends where one is near, never inside an entity, with fences defused."""
    # A ``` inside params would close the code block early; a zero-width space keeps it
    # looking the same while Slack no longer reads it as a fence.
    text = text.replace(FENCE, "`\u200b``")
    # Slack drops a code block's trailing newlines and treats an empty one as no block.
    text = text.strip("\n") or " "
    pieces = []
    while text:
        if len(text) <= size:
            pieces.append(text)
            break
        cut = text.rfind("\n", 0, size + 1)
        if cut < size // 2:
            cut = size
            amp = text.rfind("&", 0, cut)
            if amp != -1 and cut - amp < len("&amp;") and ";" not in text[amp:cut]:
                cut = amp
        piece = text[:cut].strip("\n")
        if piece:
            pieces.append(piece)
        text = text[cut:].lstrip("\n")
    return pieces
