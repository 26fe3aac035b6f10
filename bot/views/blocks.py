"""Block Kit messages: what people see in Slack, and (rendered) in the local shell.

Every builder returns a ``Message`` that passes ``limits.check_message`` for any input:
DMS sends task names, users and params of any length and content, and Slack rejects a
whole message for one block over a limit, so every text that comes from outside is
escaped (no accidental mentions or links) and clipped to fit where it goes.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.actions import (
    DETAILS,
    PAGE_NEXT,
    PAGE_PREV,
    PICK_INSTANCE,
    REFRESH,
    RETRY,
    SHARE,
    SUBSCRIBE,
    QueryState,
    SubscribeRef,
    TaskRef,
)
from bot.dms.models import Instance, Task, TaskStatus
from bot.help import USAGE
from bot.redact import redact
from bot.service import TaskAnswer, TasksAnswer
from bot.timewindow import zone_name
from bot.views.format import (
    STATUS_ORDER,
    counts_text,
    duration_text,
    local_time,
    task_duration,
    user_text,
)
from bot.views.limits import (
    BUTTON_TEXT,
    BUTTON_VALUE,
    CONTEXT_ELEMENTS,
    FIELD_TEXT,
    HEADER_TEXT,
    MAX_BLOCKS,
    MESSAGE_TEXT,
    SECTION_TEXT,
    TEXT_OBJECT,
    clip,
    escape,
)

STATUS_EMOJI = {
    TaskStatus.FAILED.value: ":red_circle:",
    TaskStatus.EXECUTING.value: ":large_blue_circle:",
    TaskStatus.CREATED.value: ":white_circle:",
    TaskStatus.SUCCESS.value: ":large_green_circle:",
    TaskStatus.CANCELLED.value: ":heavy_minus_sign:",
    TaskStatus.DELETED.value: ":wastebasket:",
}
# DMS adds statuses without notice; one we do not know is shown as it comes, with a
# mark that claims neither success nor failure.
UNKNOWN_STATUS_EMOJI = ":grey_question:"

# One section per task row: past this the summary would no longer fit Slack's 50 blocks.
MAX_PAGE_SIZE = 25
STRIP_SLOTS = 24
_BARS = "▁▂▃▄▅▆▇█"
_EMPTY_SLOT = "·"
_FAILED_SLOT = "x"
# Failed task names named in the summary; past this a list stops being read.
_NAMED_FAILURES = 5
# Details: params are split over at most this many code sections, then cut.
MAX_PARAM_SECTIONS = 5
_FENCE = "```"
# Candidates offered as buttons; one section each, so the rest of the message still fits.
MAX_CHOICES = 40

# Lengths that keep one row or line readable; the block limits are far above them.
_NAME = 150
_USER = 60
_STATUS = 40
_ID = 120
_ZONE = 64
_WHERE = 200
_GLOB = 200
_LABEL = 200

_DATE_TIME = "{date_short_pretty} {time}"
# A single task's times to the second: they are compared with logs.
_DATE_TIME_SECS = "{date_short_pretty} {time_secs}"


@dataclass(frozen=True)
class Message:
    """A reply: ``text`` is the notification and screen-reader fallback."""

    text: str
    blocks: tuple[Block, ...]

    def block_dicts(self) -> list[dict[str, Any]]:
        # to_dict() runs slack_sdk's own validation, so a bad block fails here, not in Slack.
        return [block.to_dict() for block in self.blocks]


# --- text helpers ----------------------------------------------------------------------

# Control characters (newlines included) in a DMS name would break a one-line row.
_CONTROLS = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0)], " ")


def one_line(text: str) -> str:
    return " ".join(text.translate(_CONTROLS).split())


def md(text: str, limit: int) -> str:
    """Outside text for mrkdwn: one line, escaped, clipped without splitting an entity."""
    return clip(escape(one_line(text)), limit)


def plain(text: str, limit: int, fallback: str) -> str:
    """Outside text for plain_text (headers, button labels), which Slack does not parse:
    escaping there would show ``&amp;`` as typed."""
    return clip(one_line(text) or fallback, limit, mrkdwn=False)


def date_token(moment: datetime, tz: tzinfo, fmt: str = _DATE_TIME) -> str:
    """A time Slack shows in each viewer's own zone; the fallback names the zone it is in."""
    fallback = escape(f"{local_time(moment, tz)} {zone_name(tz)}").replace("|", "/")
    return f"<!date^{math.floor(moment.timestamp())}^{fmt}|{fallback}>"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _section(text: str, accessory: ButtonElement | None = None) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_TEXT)), accessory=accessory)


def _context(*texts: str) -> ContextBlock:
    return ContextBlock(
        elements=[MarkdownTextObject(text=clip(t, TEXT_OBJECT)) for t in texts[:CONTEXT_ELEMENTS]]
    )


def _header(text: str) -> HeaderBlock:
    return HeaderBlock(
        text=PlainTextObject(text=plain(text, HEADER_TEXT, "kafka-tasks"), emoji=True)
    )


def _button(label: str, action_id: str, value: str, style: str | None = None) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=plain(label, BUTTON_TEXT, "Open"), emoji=True),
        action_id=action_id,
        value=value,
        style=style,
    )


def _message(text: str, blocks: Iterable[Block]) -> Message:
    return Message(text=clip(text, MESSAGE_TEXT), blocks=tuple(blocks)[:MAX_BLOCKS])


def _instance_name(instance: Instance) -> str:
    return one_line(instance.name) or one_line(instance.instance_id) or "(unnamed instance)"


def _status_order(statuses: Iterable[str]) -> list[str]:
    known = [s.value for s in STATUS_ORDER if s.value in statuses]
    return known + sorted(s for s in statuses if s not in known)


# --- the tasks summary -----------------------------------------------------------------


def tasks_message(
    answer: TasksAnswer,
    state: QueryState,
    *,
    tz: tzinfo,
    now: datetime,
    page_size: int = 10,
    shareable: bool,
    where: str = "",
) -> Message:
    """The answer to "which tasks ran on this instance, and how did they end?"."""
    name = _instance_name(answer.instance)
    size = max(1, min(page_size, MAX_PAGE_SIZE))
    total = len(answer.tasks)
    pages = max(1, math.ceil(total / size))
    # A page past the end (the tasks changed since the button was made) shows the last.
    page = min(max(1, state.page), pages)
    first = (page - 1) * size
    rows = answer.tasks[first : first + size]

    blocks: list[Block] = [
        _header(f"{clip(name, 100, mrkdwn=False)} · {answer.window.label}"),
        _context(_window_text(answer, state, tz, where)),
        _section(_summary_text(answer)),
    ]
    strip = activity_strip(answer.tasks, answer.window.begin, answer.window.end)
    if strip:
        blocks.append(_context(strip))
    listing = answer.listing
    if listing.from_cache:
        # A cached answer can be some seconds old: say so, and how to get a fresh one.
        cached = ":floppy_disk: cached"
        if listing.fetched_at is not None:
            cached += f", fetched {date_token(listing.fetched_at, tz, '{ago}')}"
        blocks.append(_context(f"{cached} · press Refresh for the latest"))
    blocks.append(DividerBlock())
    if rows:
        blocks.extend(_task_row(task, answer.instance, tz, now) for task in rows)
        paging = f"{first + 1}–{first + len(rows)} of {total}"
        if pages > 1:
            paging += f" · page {page} of {pages}"
        blocks.append(_context(paging))
    else:
        blocks.append(_section(_empty_text(answer, name)))
    actions = _tasks_actions(answer.instance, state, page, pages, shareable=shareable)
    if actions is not None:
        blocks.append(actions)

    failed = sum(1 for t in answer.tasks if t.failed)
    text = f"{name} · {answer.window.label}: "
    if answer.filtered:
        text += f"{total} of {_plural(len(listing.tasks), 'task')} match the filter"
    else:
        text += _plural(total, "task")
    if failed:
        text += f", {failed} FAILED"
    return _message(escape(one_line(text)), blocks)


def _window_text(answer: TasksAnswer, state: QueryState, tz: tzinfo, where: str) -> str:
    window = answer.window
    api = window.api_params()
    instance = f"instance `{md(answer.instance.instance_id, _ID)}`"
    if where.strip():
        instance += f" in {md(where, _WHERE)}"
    return " · ".join(
        [
            f":calendar: {date_token(window.begin, tz)} → {date_token(window.end, tz)}",
            f"UTC `begin_time={api['begin_time']}` `end_time={api['end_time']}`",
            f"times read in {md(state.zone, _ZONE) or 'UTC'}",
            instance,
        ]
    )


def _filter_text(answer: TasksAnswer) -> str:
    parts = []
    if answer.statuses:
        parts.append("status " + md(",".join(_status_order(answer.statuses)), _LABEL))
    if answer.name_glob:
        parts.append(f"name `{md(answer.name_glob, _GLOB)}`")
    return " · ".join(parts)


def _summary_text(answer: TasksAnswer) -> str:
    total = len(answer.tasks)
    lines = []
    failed = [t for t in answer.tasks if t.failed]
    if failed:
        per_name = Counter(one_line(t.name) for t in failed)  # newest failure's name first
        named = ", ".join(
            md(n, 60) + (f" ×{k}" if k > 1 else "")
            for n, k in list(per_name.items())[:_NAMED_FAILURES]
        )
        more = len(per_name) - _NAMED_FAILURES
        lines.append(
            f":red_circle: *{len(failed)} FAILED*: {named}"
            + (f" and {more} more" if more > 0 else "")
        )
    elif total and (not answer.statuses or TaskStatus.FAILED.value in answer.statuses):
        lines.append(":large_green_circle: No failed tasks")
    line = f"*{_plural(total, 'task')}*"
    if answer.filtered:
        line += f" match {_filter_text(answer)} (of {len(answer.listing.tasks)} in the window)"
    else:
        line += " started in this window"
    if total:
        line += ": " + md(counts_text(answer.counts), 1500)
    lines.append(line)
    listing = answer.listing
    if listing.truncated:
        lines.append(
            f":warning: Only {len(listing.tasks)} of {listing.reported_count} tasks DMS "
            "reported could be fetched; narrow the window."
        )
    return "\n".join(lines)


def activity_strip(
    tasks: Sequence[Task], begin: datetime, end: datetime, slots: int = STRIP_SLOTS
) -> str:
    """Task starts over the window as a bar per slot, with failed starts marked beneath;
    "" when no task started in the window."""
    span = (end - begin).total_seconds()
    if span <= 0 or slots <= 0:
        return ""
    starts, failures = [0] * slots, [0] * slots
    for task in tasks:
        if task.created_at is None:
            continue
        offset = (task.created_at - begin).total_seconds()
        if not 0 <= offset <= span:
            continue
        slot = min(slots - 1, int(offset * slots / span))
        starts[slot] += 1
        failures[slot] += task.failed
    peak = max(starts)
    if not peak:
        return ""
    bars = "".join(
        _BARS[math.ceil(n * len(_BARS) / peak) - 1] if n else _EMPTY_SLOT for n in starts
    )
    slot_length = duration_text(timedelta(seconds=span / slots))
    text = f"`{bars}` task starts, a bar per {slot_length} (tallest: {peak})"
    if any(failures):
        marks = "".join(_FAILED_SLOT if n else _EMPTY_SLOT for n in failures)
        text += f"\n`{marks}` failed"
    return text


def _task_row(task: Task, instance: Instance, tz: tzinfo, now: datetime) -> SectionBlock:
    emoji = STATUS_EMOJI.get(task.status, UNKNOWN_STATUS_EMOJI)
    head = f"{emoji} *{md(task.name, _NAME)}*"
    # Emoji alone do not tell a colour-blind reader or a screen reader much.
    if task.status != TaskStatus.SUCCESS.value:
        head += f" {md(task.status, _STATUS)}"
    parts = [head, md(user_text(task), _USER)]
    if task.created_at is not None:
        parts.append(f"started {date_token(task.created_at, tz)}")
    duration = task_duration(task, now)
    if duration != "-":
        parts.append(duration)
    value = TaskRef(instance.instance_id, task.id).encode()
    # An id too long for a button value cannot be looked up from one: no button then.
    button = _button("Details", DETAILS, value) if len(value) <= BUTTON_VALUE else None
    return _section(" · ".join(parts), button)


def _empty_text(answer: TasksAnswer, name: str) -> str:
    if answer.filtered:
        others = len(answer.listing.tasks)
        return (
            f"No tasks matching {_filter_text(answer)} started on *{md(name, _NAME)}* in this "
            f"window ({_plural(others, 'task')} did not match).\n"
            "Drop the filter, or widen the window (`last 24h`, `last 7d`)."
        )
    return (
        f"No tasks started on *{md(name, _NAME)}* in this window.\n"
        "Widen the window, e.g. `last 24h` or `last 7d`."
    )


def _tasks_actions(
    instance: Instance, state: QueryState, page: int, pages: int, *, shareable: bool
) -> ActionsBlock | None:
    at_page = state.with_page(page)
    wanted = [("Refresh", REFRESH, state)]
    if page > 1:
        wanted.append(("‹ Previous", PAGE_PREV, at_page.with_page(page - 1)))
    if page < pages:
        wanted.append(("Next ›", PAGE_NEXT, at_page.with_page(page + 1)))
    if shareable:
        wanted.append(("Share in channel", SHARE, at_page))
    encoded = [(label, action, query.encode()) for label, action, query in wanted]
    # Failures are what an on-call channel wants pushed; "all" stays a typed command.
    subscribe = SubscribeRef(instance.instance_id, instance.name, scope="failed")
    encoded.append(("Subscribe to failures", SUBSCRIBE, subscribe.encode()))
    # Only an absurd instance id or name makes a value too long for a button; then none.
    elements = [_button(*b) for b in encoded if len(b[2]) <= BUTTON_VALUE]
    return ActionsBlock(elements=elements) if elements else None


# --- one task --------------------------------------------------------------------------


def task_details_message(answer: TaskAnswer, *, tz: tzinfo, now: datetime) -> Message:
    """One task with its params, secrets masked."""
    task = answer.task
    instance = answer.instance
    user = md(user_text(task), _USER)
    if task.user_id and task.user_name:
        user += f" (`{md(task.user_id, _ID)}`)"
    fields = [
        ("Status", f"{STATUS_EMOJI.get(task.status, UNKNOWN_STATUS_EMOJI)} {md(task.status, 200)}"),
        ("User", user),
        ("Started", date_token(task.created_at, tz, _DATE_TIME_SECS) if task.created_at else "-"),
        (
            "Finished" if task.terminal else "Updated",
            date_token(task.updated_at, tz, _DATE_TIME_SECS) if task.updated_at else "-",
        ),
        ("Duration", task_duration(task, now)),
        ("Task id", f"`{md(task.id, 500)}`" if task.id else "-"),
        (
            "Instance",
            f"{md(_instance_name(instance), _NAME)} (`{md(instance.instance_id, 500)}`)",
        ),
    ]
    blocks: list[Block] = [
        _header(task.name),
        SectionBlock(
            fields=[
                MarkdownTextObject(text=clip(f"*{label}*\n{value}", FIELD_TEXT))
                for label, value in fields
            ]
        ),
    ]
    params = redact(task.params)
    if params is None:
        blocks.append(_context("No params."))
    else:
        body = (
            params
            if isinstance(params, str)
            else json.dumps(params, indent=2, ensure_ascii=False, sort_keys=True, default=str)
        )
        masked = " · secrets masked" if params != task.params else ""
        blocks.append(_context(f"*Params*{masked}"))
        chunks = split_code(escape(body), SECTION_TEXT - len(f"{_FENCE}\n\n{_FENCE}"))
        blocks.extend(_section(f"{_FENCE}\n{c}\n{_FENCE}") for c in chunks[:MAX_PARAM_SECTIONS])
        if len(chunks) > MAX_PARAM_SECTIONS:
            shown = sum(len(c) for c in chunks[:MAX_PARAM_SECTIONS])
            blocks.append(
                _context(f"… (truncated: showing {shown:,} of {len(escape(body)):,} characters)")
            )
    name = _instance_name(instance)
    return _message(escape(one_line(f"{task.name} · {task.status} on {name}")), blocks)


def split_code(text: str, size: int) -> list[str]:
    """``text`` (already escaped) in pieces of at most ``size`` characters for code blocks:
    cut at line ends where one is near, never inside an entity, with fences defused."""
    # A ``` inside params would close the code block early; a zero-width space keeps it
    # looking the same while Slack no longer reads it as a fence.
    text = text.replace(_FENCE, "`\u200b``")
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


# --- instances, help, errors -------------------------------------------------------------


def instances_message(instances: Sequence[Instance], where: str) -> Message:
    """The Kafka instances a project has, by name and id."""
    place = one_line(where) or "this project"
    blocks: list[Block] = [_header(f"Kafka instances in {place}")]
    if not instances:
        blocks.append(_section(f"No Kafka instances in {md(place, _WHERE)}."))
        return _message(escape(f"No Kafka instances in {place}."), blocks)
    lines = []
    for item in instances:
        details = [
            md(v, 80) for v in (item.status, item.engine_version, item.specification) if v.strip()
        ]
        line = f"• *{md(_instance_name(item), _NAME)}* `{md(item.instance_id, _ID)}`"
        lines.append(" · ".join([line, *details]))
    # Lines packed into as few sections as fit; leave room for the header and the tail.
    room = MAX_BLOCKS - 3
    sections: list[str] = []
    shown = 0
    for line in lines:
        if sections and len(sections[-1]) + 1 + len(line) <= SECTION_TEXT:
            sections[-1] += "\n" + line
        elif len(sections) < room:
            sections.append(line)
        else:
            break
        shown += 1
    blocks.extend(_section(text) for text in sections)
    tail = f"Ask `{escape('<instance>')} last 1h` for an instance's tasks."
    if shown < len(instances):
        tail = f"… and {len(instances) - shown} more. " + tail
    blocks.append(_context(tail))
    count = _plural(len(instances), "Kafka instance")
    return _message(escape(f"{count} in {place}"), blocks)


def help_message(note: str | None = None) -> Message:
    blocks: list[Block] = [
        _section(
            "Ask which background tasks ran on a DMS for Kafka instance, and how they ended. "
            "The same commands work with `/kafka-tasks`, a mention, and the local shell:"
        ),
        _section(f"{_FENCE}\n{escape(USAGE.rstrip())}\n{_FENCE}"),
    ]
    if note and note.strip():
        blocks.append(_context(escape(note)))
    return _message("kafka-tasks: how to ask", blocks)


def error_message(
    text: str,
    *,
    retry: QueryState | None = None,
    choices: Sequence[tuple[str, str]] = (),
    title: str = "kafka-tasks could not answer",
) -> Message:
    """What went wrong and what to do; ``choices`` are (name, value) candidates to pick.

    ``text`` is taken as mrkdwn with &, < and > escaped: backticks and bold still work,
    but a quoted ``<@U123>`` typed by a user does not become a mention.
    """
    said = escape(text.strip()) or "Something went wrong."
    blocks: list[Block] = [_section(f":warning: {said}")]
    # One section per candidate, its button as the accessory: Slack rejects an actions
    # block whose buttons share an action_id, and every pick button shares PICK_INSTANCE.
    usable = [(n, v) for n, v in choices if v.strip()]
    for name, value in usable[:MAX_CHOICES]:
        label = one_line(name) or one_line(value)
        shown = f"*{md(label, _NAME)}* · `{md(value, 300)}`"
        # A value too long for a button would arrive cut: list the choice without one.
        fits = len(value) <= BUTTON_VALUE
        blocks.append(_section(shown, _button(label, PICK_INSTANCE, value) if fits else None))
    if len(usable) > MAX_CHOICES:
        more = len(usable) - MAX_CHOICES
        blocks.append(_context(f"… and {more} more: type the instance id to pick one."))
    if retry is not None:
        value = retry.encode()
        if len(value) <= BUTTON_VALUE:
            blocks.append(ActionsBlock(elements=[_button("Retry", RETRY, value, "primary")]))
    return _message(f"{escape(one_line(title))}: {said}", blocks)


def looking_up_message(what: str) -> Message:
    """The placeholder shown while DMS is asked, replaced by the answer."""
    text = f":hourglass_flowing_sand: Looking up {md(what, _LABEL) or 'your tasks'}…"
    return _message(text, [_section(text)])
