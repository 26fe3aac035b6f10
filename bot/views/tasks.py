"""The tasks summary: "which tasks ran on this instance, and how did they end?".

Like every view it returns a ``Message`` that passes ``limits.check_message`` for any
input: one section per task row, a page at a time, within Slack's 50 blocks.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from slack_sdk.models.blocks import ActionsBlock, Block, DividerBlock, SectionBlock

from bot.core.actions import (
    DETAILS,
    PAGE_NEXT,
    PAGE_PREV,
    REFRESH,
    SHARE,
    SUBSCRIBE,
    TIMELINE,
    QueryState,
    SubscribeRef,
    TaskRef,
)
from bot.core.answer import TasksAnswer
from bot.core.dms.models import Instance, Task, TaskStatus
from bot.core.dms.place import Where, place_text
from bot.i18n import Lang, t, tn
from bot.i18n.labels import window_label
from bot.views.format import (
    counts_text,
    ordered_statuses,
    shown_name,
    shown_status,
    task_duration,
    user_text,
)
from bot.views.kit import (
    Message,
    button,
    context,
    date_token,
    header,
    instance_label,
    md,
    message,
    one_line,
    section,
    task_emoji,
    times,
)
from bot.views.limits import BUTTON_VALUE, clip, escape
from bot.views.progress import progress_line
from bot.views.readable import GLOB, ID, LABEL, NAME, STATUS, USER, WHERE, ZONE

# One section per task row: past this the summary would no longer fit Slack's 50 blocks.
MAX_PAGE_SIZE = 25
# The most bars a strip has: a month reads a bar a day.
STRIP_SLOTS = 31
# What a bar of the strip stands for: the shortest of these lengths that spans the window
# in STRIP_SLOTS bars. Round lengths ("a bar per 5m") read at a glance; a window cut in
# equal parts (56m 02s) does not.
_SLOT_LENGTHS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=2),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(days=1),
    timedelta(weeks=1),
)
_BARS = "▁▂▃▄▅▆▇█"
_EMPTY_SLOT = "·"
_FAILED_SLOT = "x"
# Failed task names named in the summary; past this a list stops being read.
_NAMED_FAILURES = 5


@dataclass(frozen=True)
class _Page:
    """Which rows of the answer one message shows."""

    number: int
    pages: int
    first: int
    rows: Sequence[Task]


def _paged(answer: TasksAnswer, state: QueryState, page_size: int) -> _Page:
    size = max(1, min(page_size, MAX_PAGE_SIZE))
    pages = max(1, math.ceil(len(answer.tasks) / size))
    # A page past the end (the tasks changed since the button was made) shows the last.
    number = min(max(1, state.page), pages)
    first = (number - 1) * size
    return _Page(number, pages, first, answer.tasks[first : first + size])


def tasks_message(
    answer: TasksAnswer,
    state: QueryState,
    *,
    tz: tzinfo,
    now: datetime,
    page_size: int = 10,
    shareable: bool,
    where: Where = "",
    lang: Lang = "en",
) -> Message:
    """The answer to "which tasks ran on this instance, and how did they end?"."""
    name = instance_label(answer.instance.name, answer.instance.instance_id, lang)
    label = window_label(answer.window.label, lang)
    page = _paged(answer, state, page_size)
    blocks: list[Block] = [
        header(f"{clip(name, 100, mrkdwn=False)} · {label}"),
        *_top(answer, state, tz, where, lang),
    ]
    if state.page > page.pages:
        # Typed past the end (or the tasks changed since the button was made): the last
        # page is shown, and said to be the last, so that no page seems to be missing.
        blocks.append(context(tn(lang, "tasks.past_last_page", page.pages, asked=state.page)))
    if page.rows:
        blocks.extend(_task_row(task, answer, tz, now, lang) for task in page.rows)
        blocks.append(context(_paging_text(page, len(answer.tasks), lang)))
    else:
        blocks.append(section(_empty_text(answer, name, lang)))
    actions = _tasks_actions(answer.instance, state, page, shareable=shareable, lang=lang)
    if actions is not None:
        blocks.append(actions)
    text = t(lang, "tasks.text", instance=name, window=label, summary=_text_summary(answer, lang))
    return message(escape(one_line(text)), blocks)


def _top(
    answer: TasksAnswer, state: QueryState, tz: tzinfo, where: Where, lang: Lang
) -> list[Block]:
    """What stands above the rows: the window, the summary, the strip, a cache note."""
    blocks: list[Block] = [
        context(_window_text(answer, state, tz, where, lang)),
        section(_summary_text(answer, lang)),
    ]
    strip = activity_strip(answer.tasks, answer.window.begin, answer.window.end, lang=lang)
    if strip:
        blocks.append(context(strip))
    listing = answer.listing
    if listing.from_cache:
        # A cached answer can be some seconds old: say so, and how to get a fresh one.
        cached = (
            t(lang, "tasks.cached_fetched", ago=date_token(listing.fetched_at, tz, "{ago}"))
            if listing.fetched_at is not None
            else t(lang, "tasks.cached")
        )
        blocks.append(context(t(lang, "tasks.cached_hint", cached=cached)))
    blocks.append(DividerBlock())
    return blocks


def _paging_text(page: _Page, total: int, lang: Lang) -> str:
    first, last = page.first + 1, page.first + len(page.rows)
    if page.pages > 1:
        return t(
            lang,
            "tasks.paging_pages",
            first=first,
            last=last,
            total=total,
            page=page.number,
            pages=page.pages,
        )
    return t(lang, "tasks.paging", first=first, last=last, total=total)


def _text_summary(answer: TasksAnswer, lang: Lang) -> str:
    """How many tasks, and how many failed, for the notification text."""
    total = len(answer.tasks)
    fetched = len(answer.listing.tasks)
    if answer.filtered:
        summary = tn(lang, "tasks.text.filtered", fetched, shown=total, total=fetched)
    else:
        summary = tn(lang, "tasks.text.all", total)
    failed = sum(1 for task in answer.tasks if task.failed)
    if failed:
        summary += t(lang, "tasks.text.failed", count=failed)
    return summary


def _window_text(
    answer: TasksAnswer, state: QueryState, tz: tzinfo, where: Where, lang: Lang
) -> str:
    window = answer.window
    instance_id = md(answer.instance.instance_id, ID)
    place = place_text(where, lang).strip()
    instance = (
        t(lang, "tasks.window.instance_where", id=instance_id, where=md(place, WHERE))
        if place
        else t(lang, "tasks.window.instance", id=instance_id)
    )
    parts = [f":calendar: {date_token(window.begin, tz)} → {date_token(window.end, tz)}"]
    queried = answer.listing.queried
    if queried is not None:
        # Exactly what DMS was asked (a window ending now is asked to the edges of its
        # cache bucket, then cut to the window above), to compare with DMS's own logs.
        begin, end = (md(stamp, 40) for stamp in queried)
        parts.append(t(lang, "tasks.window.queried", begin=begin, end=end))
    parts += [t(lang, "tasks.window.times_read_in", zone=md(state.zone, ZONE) or "UTC"), instance]
    return " · ".join(parts)


def _filter_text(answer: TasksAnswer, lang: Lang) -> str:
    parts = []
    if answer.statuses:
        statuses = t(lang, "sep.statuses").join(
            shown_status(s, lang) for s in ordered_statuses(answer.statuses)
        )
        parts.append(t(lang, "tasks.filter.status", statuses=md(statuses, LABEL)))
    if answer.name_glob:
        parts.append(t(lang, "tasks.filter.name", glob=md(answer.name_glob, GLOB)))
    return " · ".join(parts)


def _summary_text(answer: TasksAnswer, lang: Lang) -> str:
    total = len(answer.tasks)
    lines = []
    failed = [task for task in answer.tasks if task.failed]
    if failed:
        # Newest failure's name first.
        per_name = Counter(one_line(shown_name(task.name, lang)) for task in failed)
        named = t(lang, "sep.list").join(
            times(md(n, 60), k, lang) for n, k in list(per_name.items())[:_NAMED_FAILURES]
        )
        more = len(per_name) - _NAMED_FAILURES
        if more > 0:
            named = t(lang, "tasks.failed_more", named=named, more=more)
        lines.append(t(lang, "tasks.failed_named", count=len(failed), named=named))
    elif total and (not answer.statuses or TaskStatus.FAILED.value in answer.statuses):
        lines.append(t(lang, "tasks.no_failures"))
    if answer.filtered:
        line = tn(
            lang,
            "tasks.summary.filtered",
            total,
            filter=_filter_text(answer, lang),
            total=len(answer.listing.tasks),
        )
    else:
        line = tn(lang, "tasks.summary.all", total)
    if total:
        line += t(lang, "sep.colon") + md(counts_text(answer.counts, lang), 1500)
    lines.append(line)
    listing = answer.listing
    if listing.truncated:
        lines.append(
            t(lang, "tasks.truncated", fetched=len(listing.tasks), reported=listing.reported_count)
        )
    return "\n".join(lines)


def activity_strip(
    tasks: Sequence[Task],
    begin: datetime,
    end: datetime,
    max_slots: int = STRIP_SLOTS,
    *,
    lang: Lang = "en",
) -> str:
    """Task starts over the window as a bar per slot, with failed starts marked beneath;
    "" when no task started in the window. Slots are a round length from ``begin``, the
    shortest that needs at most ``max_slots`` of them (the last may be cut short)."""
    span = (end - begin).total_seconds()
    if span <= 0 or max_slots <= 0:
        return ""
    slot = next(
        (length for length in _SLOT_LENGTHS if span <= length.total_seconds() * max_slots),
        _SLOT_LENGTHS[-1],
    )
    size = slot.total_seconds()
    slots = math.ceil(span / size)
    starts, failures = [0] * slots, [0] * slots
    for task in tasks:
        if task.created_at is None:
            continue
        offset = (task.created_at - begin).total_seconds()
        if not 0 <= offset <= span:
            continue
        at = min(slots - 1, int(offset // size))
        starts[at] += 1
        failures[at] += task.failed
    peak = max(starts)
    if not peak:
        return ""
    bars = "".join(
        _BARS[math.ceil(n * len(_BARS) / peak) - 1] if n else _EMPTY_SLOT for n in starts
    )
    text = t(lang, "tasks.strip", bars=bars, slot=_slot_text(slot, lang), peak=peak)
    if any(failures):
        marks = "".join(_FAILED_SLOT if n else _EMPTY_SLOT for n in failures)
        text += "\n" + t(lang, "tasks.strip_failed", marks=marks)
    return text


def _slot_text(slot: timedelta, lang: Lang) -> str:
    """A round length in its largest whole unit: "5m", "1h", "1d"."""
    seconds = int(slot.total_seconds())
    for unit, size in (("weeks", 604800), ("days", 86400), ("hours", 3600)):
        if seconds % size == 0:
            return t(lang, f"strip.{unit}", n=seconds // size)
    return t(lang, "strip.minutes", n=seconds // 60)


def _task_row(
    task: Task, answer: TasksAnswer, tz: tzinfo, now: datetime, lang: Lang
) -> SectionBlock:
    emoji = task_emoji(task)
    head = f"{emoji} *{md(shown_name(task.name, lang), NAME)}*"
    # Emoji alone do not tell a colour-blind reader or a screen reader much.
    if task.status != TaskStatus.SUCCESS.value:
        # A field of its own: run into the name, "Enable public IP Running" reads as one.
        head += f" · {md(shown_status(task.status, lang), STATUS)}"
    parts = [head, md(user_text(task), USER)]
    if task.created_at is not None:
        parts.append(t(lang, "started_at", date=date_token(task.created_at, tz)))
    duration = task_duration(task, now, lang)
    if duration != "-":
        parts.append(duration)
    text = " · ".join(parts)
    # A running scale-out: how far it has got, on a line of its own under the row.
    progress = answer.progress.get(task.id) if task.in_progress else None
    line = progress_line(progress, lang) if progress is not None else None
    if line is not None:
        text += "\n" + line
    value = TaskRef(answer.instance.instance_id, task.id).encode()
    # An id too long for a button value cannot be looked up from one: no button then.
    details = (
        button(t(lang, "button.details"), DETAILS, value, lang=lang)
        if len(value) <= BUTTON_VALUE
        else None
    )
    return section(text, details)


def _empty_text(answer: TasksAnswer, name: str, lang: Lang) -> str:
    if answer.filtered:
        others = len(answer.listing.tasks)
        return tn(
            lang,
            "tasks.empty.filtered",
            others,
            filter=_filter_text(answer, lang),
            name=md(name, NAME),
            others=others,
        )
    return t(lang, "tasks.empty", name=md(name, NAME))


def _tasks_actions(
    instance: Instance,
    state: QueryState,
    page: _Page,
    *,
    shareable: bool,
    lang: Lang = "en",
) -> ActionsBlock | None:
    number = page.number
    at_page = state.with_page(number)
    wanted = [(t(lang, "button.refresh"), REFRESH, state)]
    if number > 1:
        wanted.append((t(lang, "button.previous"), PAGE_PREV, at_page.with_page(number - 1)))
    if number < page.pages:
        wanted.append((t(lang, "button.next"), PAGE_NEXT, at_page.with_page(number + 1)))
    if shareable:
        wanted.append((t(lang, "button.share"), SHARE, at_page))
    encoded = [(label, action, query.encode()) for label, action, query in wanted]
    # Failures are what an on-call channel wants pushed; "all" stays a typed command.
    subscribe = SubscribeRef(instance.instance_id, instance.name, scope="failed")
    encoded.append((t(lang, "button.subscribe_failures"), SUBSCRIBE, subscribe.encode()))
    # What happened to the instance in the same window: tasks, operations and alarms.
    encoded.append((t(lang, "button.timeline"), TIMELINE, state.with_page(1).encode()))
    # Only an absurd instance id or name makes a value too long for a button; then none.
    elements = [button(*b, lang=lang) for b in encoded if len(b[2]) <= BUTTON_VALUE]
    return ActionsBlock(elements=elements) if elements else None
