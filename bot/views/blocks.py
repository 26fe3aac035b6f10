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

from bot.core.actions import (
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
from bot.core.answer import TaskAnswer, TasksAnswer
from bot.core.dms.models import Instance, Task, TaskStatus
from bot.core.dms.place import Where, place_text
from bot.core.grammar.help import usage
from bot.core.grammar.window import zone_name
from bot.core.redact import redact
from bot.i18n import Lang, Said, t, tn
from bot.i18n.labels import instance_status_label, window_label
from bot.views.format import (
    STATUS_ORDER,
    counts_text,
    local_time,
    shown_name,
    shown_status,
    task_duration,
    unreadable_fields_text,
    unreadable_text,
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
from bot.views.readable import ID, NAME, STATUS, USER
from bot.views.safe_text import inert

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
# Details: params are split over at most this many code sections, then cut.
MAX_PARAM_SECTIONS = 5
_FENCE = "```"
# Candidates offered as buttons; one section each, so the rest of the message still fits.
MAX_CHOICES = 40

# Lengths that keep one row or line readable; the block limits are far above them.
_NAME, _USER, _STATUS, _ID = NAME, USER, STATUS, ID
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
    return clip(one_line(inert(text)) or fallback, limit, mrkdwn=False)


def date_token(moment: datetime, tz: tzinfo, fmt: str = _DATE_TIME) -> str:
    """A time Slack shows in each viewer's own zone; the fallback names the zone it is in."""
    fallback = escape(f"{local_time(moment, tz)} {zone_name(tz)}").replace("|", "/")
    return f"<!date^{math.floor(moment.timestamp())}^{fmt}|{fallback}>"


def _mrkdwn(text: str) -> MarkdownTextObject:
    # verbatim: Slack links nothing it finds by itself (bare domains, channel names);
    # our own <!date^…> and <@U…> tokens are still read.
    return MarkdownTextObject(text=text, verbatim=True)


def _section(text: str, accessory: ButtonElement | None = None) -> SectionBlock:
    return SectionBlock(text=_mrkdwn(clip(text, SECTION_TEXT)), accessory=accessory)


def _context(*texts: str) -> ContextBlock:
    return ContextBlock(
        elements=[_mrkdwn(clip(text, TEXT_OBJECT)) for text in texts[:CONTEXT_ELEMENTS]]
    )


def _header(text: str) -> HeaderBlock:
    return HeaderBlock(
        text=PlainTextObject(text=plain(text, HEADER_TEXT, "kafka-tasks"), emoji=True)
    )


def _button(
    label: str, action_id: str, value: str, style: str | None = None, *, lang: Lang = "en"
) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(
            text=plain(label, BUTTON_TEXT, t(lang, "button.fallback")), emoji=True
        ),
        action_id=action_id,
        value=value,
        style=style,
    )


def _message(text: str, blocks: Iterable[Block]) -> Message:
    return Message(text=clip(text, MESSAGE_TEXT), blocks=tuple(blocks)[:MAX_BLOCKS])


def _instance_name(instance: Instance, lang: Lang = "en") -> str:
    return one_line(instance.name) or one_line(instance.instance_id) or t(lang, "unnamed_instance")


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
    where: Where = "",
    lang: Lang = "en",
) -> Message:
    """The answer to "which tasks ran on this instance, and how did they end?"."""
    name = _instance_name(answer.instance, lang)
    label = window_label(answer.window.label, lang)
    size = max(1, min(page_size, MAX_PAGE_SIZE))
    total = len(answer.tasks)
    pages = max(1, math.ceil(total / size))
    # A page past the end (the tasks changed since the button was made) shows the last.
    page = min(max(1, state.page), pages)
    first = (page - 1) * size
    rows = answer.tasks[first : first + size]

    blocks: list[Block] = [
        _header(f"{clip(name, 100, mrkdwn=False)} · {label}"),
        _context(_window_text(answer, state, tz, where, lang)),
        _section(_summary_text(answer, lang)),
    ]
    strip = activity_strip(answer.tasks, answer.window.begin, answer.window.end, lang=lang)
    if strip:
        blocks.append(_context(strip))
    listing = answer.listing
    if listing.from_cache:
        # A cached answer can be some seconds old: say so, and how to get a fresh one.
        cached = (
            t(lang, "tasks.cached_fetched", ago=date_token(listing.fetched_at, tz, "{ago}"))
            if listing.fetched_at is not None
            else t(lang, "tasks.cached")
        )
        blocks.append(_context(t(lang, "tasks.cached_hint", cached=cached)))
    blocks.append(DividerBlock())
    if state.page > pages:
        # Typed past the end (or the tasks changed since the button was made): the last
        # page is shown, and said to be the last, so that no page seems to be missing.
        blocks.append(_context(tn(lang, "tasks.past_last_page", pages, asked=state.page)))
    if rows:
        blocks.extend(_task_row(task, answer.instance, tz, now, lang) for task in rows)
        last = first + len(rows)
        paging = (
            t(
                lang,
                "tasks.paging_pages",
                first=first + 1,
                last=last,
                total=total,
                page=page,
                pages=pages,
            )
            if pages > 1
            else t(lang, "tasks.paging", first=first + 1, last=last, total=total)
        )
        blocks.append(_context(paging))
    else:
        blocks.append(_section(_empty_text(answer, name, lang)))
    actions = _tasks_actions(answer.instance, state, page, pages, shareable=shareable, lang=lang)
    if actions is not None:
        blocks.append(actions)

    failed = sum(1 for task in answer.tasks if task.failed)
    if answer.filtered:
        summary = tn(
            lang, "tasks.text.filtered", len(listing.tasks), shown=total, total=len(listing.tasks)
        )
    else:
        summary = tn(lang, "tasks.text.all", total)
    if failed:
        summary += t(lang, "tasks.text.failed", count=failed)
    text = t(lang, "tasks.text", instance=name, window=label, summary=summary)
    return _message(escape(one_line(text)), blocks)


def _window_text(
    answer: TasksAnswer, state: QueryState, tz: tzinfo, where: Where, lang: Lang
) -> str:
    window = answer.window
    instance_id = md(answer.instance.instance_id, _ID)
    place = place_text(where, lang).strip()
    instance = (
        t(lang, "tasks.window.instance_where", id=instance_id, where=md(place, _WHERE))
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
    parts += [t(lang, "tasks.window.times_read_in", zone=md(state.zone, _ZONE) or "UTC"), instance]
    return " · ".join(parts)


def _filter_text(answer: TasksAnswer, lang: Lang) -> str:
    parts = []
    if answer.statuses:
        statuses = t(lang, "sep.statuses").join(
            shown_status(s, lang) for s in _status_order(answer.statuses)
        )
        parts.append(t(lang, "tasks.filter.status", statuses=md(statuses, _LABEL)))
    if answer.name_glob:
        parts.append(t(lang, "tasks.filter.name", glob=md(answer.name_glob, _GLOB)))
    return " · ".join(parts)


def _summary_text(answer: TasksAnswer, lang: Lang) -> str:
    total = len(answer.tasks)
    lines = []
    failed = [task for task in answer.tasks if task.failed]
    if failed:
        # Newest failure's name first.
        per_name = Counter(one_line(shown_name(task.name, lang)) for task in failed)
        named = t(lang, "sep.list").join(
            _times(md(n, 60), k, lang) for n, k in list(per_name.items())[:_NAMED_FAILURES]
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


def _times(name: str, count: int, lang: Lang) -> str:
    """A name and how often it occurs, the count only when more than once."""
    return t(lang, "times", name=name, count=count) if count > 1 else name


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
    task: Task, instance: Instance, tz: tzinfo, now: datetime, lang: Lang
) -> SectionBlock:
    emoji = STATUS_EMOJI.get(task.status, UNKNOWN_STATUS_EMOJI)
    head = f"{emoji} *{md(shown_name(task.name, lang), _NAME)}*"
    # Emoji alone do not tell a colour-blind reader or a screen reader much.
    if task.status != TaskStatus.SUCCESS.value:
        # A field of its own: run into the name, "Enable public IP Running" reads as one.
        head += f" · {md(shown_status(task.status, lang), _STATUS)}"
    parts = [head, md(user_text(task), _USER)]
    if task.created_at is not None:
        parts.append(t(lang, "started_at", date=date_token(task.created_at, tz)))
    duration = task_duration(task, now, lang)
    if duration != "-":
        parts.append(duration)
    value = TaskRef(instance.instance_id, task.id).encode()
    # An id too long for a button value cannot be looked up from one: no button then.
    button = (
        _button(t(lang, "button.details"), DETAILS, value, lang=lang)
        if len(value) <= BUTTON_VALUE
        else None
    )
    return _section(" · ".join(parts), button)


def _empty_text(answer: TasksAnswer, name: str, lang: Lang) -> str:
    if answer.filtered:
        others = len(answer.listing.tasks)
        return tn(
            lang,
            "tasks.empty.filtered",
            others,
            filter=_filter_text(answer, lang),
            name=md(name, _NAME),
            others=others,
        )
    return t(lang, "tasks.empty", name=md(name, _NAME))


def _tasks_actions(
    instance: Instance,
    state: QueryState,
    page: int,
    pages: int,
    *,
    shareable: bool,
    lang: Lang = "en",
) -> ActionsBlock | None:
    at_page = state.with_page(page)
    wanted = [(t(lang, "button.refresh"), REFRESH, state)]
    if page > 1:
        wanted.append((t(lang, "button.previous"), PAGE_PREV, at_page.with_page(page - 1)))
    if page < pages:
        wanted.append((t(lang, "button.next"), PAGE_NEXT, at_page.with_page(page + 1)))
    if shareable:
        wanted.append((t(lang, "button.share"), SHARE, at_page))
    encoded = [(label, action, query.encode()) for label, action, query in wanted]
    # Failures are what an on-call channel wants pushed; "all" stays a typed command.
    subscribe = SubscribeRef(instance.instance_id, instance.name, scope="failed")
    encoded.append((t(lang, "button.subscribe_failures"), SUBSCRIBE, subscribe.encode()))
    # Only an absurd instance id or name makes a value too long for a button; then none.
    elements = [_button(*b, lang=lang) for b in encoded if len(b[2]) <= BUTTON_VALUE]
    return ActionsBlock(elements=elements) if elements else None


# --- one task --------------------------------------------------------------------------


def task_details_message(
    answer: TaskAnswer, *, tz: tzinfo, now: datetime, lang: Lang = "en"
) -> Message:
    """One task with its params, secrets masked."""
    task = answer.task
    instance = answer.instance
    user = md(user_text(task), _USER)
    if task.user_id and task.user_name:
        user += f" (`{md(task.user_id, _ID)}`)"
    title = shown_name(task.name, lang)
    status = _with_raw(shown_status(task.status, lang), task.status, lang, 200)
    fields = [
        (
            t(lang, "details.status"),
            f"{STATUS_EMOJI.get(task.status, UNKNOWN_STATUS_EMOJI)} {status}",
        ),
        (t(lang, "details.user"), user),
        (
            t(lang, "details.started"),
            date_token(task.created_at, tz, _DATE_TIME_SECS) if task.created_at else "-",
        ),
        (
            t(lang, "details.finished" if task.terminal else "details.updated"),
            date_token(task.updated_at, tz, _DATE_TIME_SECS) if task.updated_at else "-",
        ),
        (t(lang, "details.duration"), task_duration(task, now, lang)),
        (t(lang, "details.task_id"), f"`{md(task.id, 500)}`" if task.id else "-"),
        (
            t(lang, "details.instance"),
            f"{md(_instance_name(instance, lang), _NAME)} (`{md(instance.instance_id, 500)}`)",
        ),
    ]
    if title != task.name:
        # The header shows a label: the name DMS sent is what the console and logs use.
        fields.insert(0, (t(lang, "details.task_name"), f"`{md(task.name, 500)}`"))
    blocks: list[Block] = [
        _header(title),
        SectionBlock(
            fields=[_mrkdwn(clip(f"*{label}*\n{value}", FIELD_TEXT)) for label, value in fields]
        ),
    ]
    params = redact(task.params)
    unreadable = task.unreadable.get("params")
    if unreadable is not None:
        marker = escape(unreadable_text(unreadable, lang))
        blocks.append(_context(t(lang, "details.params_unreadable", marker=marker)))
    elif params is None:
        blocks.append(_context(t(lang, "details.no_params")))
    else:
        body = (
            params
            if isinstance(params, str)
            else json.dumps(params, indent=2, ensure_ascii=False, sort_keys=True, default=str)
        )
        masked = params != task.params
        blocks.append(_context(t(lang, "details.params_masked" if masked else "details.params")))
        chunks = split_code(escape(body), SECTION_TEXT - len(f"{_FENCE}\n\n{_FENCE}"))
        blocks.extend(_section(f"{_FENCE}\n{c}\n{_FENCE}") for c in chunks[:MAX_PARAM_SECTIONS])
        if len(chunks) > MAX_PARAM_SECTIONS:
            shown = sum(len(c) for c in chunks[:MAX_PARAM_SECTIONS])
            blocks.append(
                _context(t(lang, "details.truncated", shown=shown, total=len(escape(body))))
            )
    others = unreadable_fields_text(task, lang)
    if others is not None:
        blocks.append(_context(escape(others)))
    text = t(
        lang,
        "details.text",
        task=title,
        status=shown_status(task.status, lang),
        instance=_instance_name(instance, lang),
    )
    return _message(escape(one_line(text)), blocks)


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


def instances_message(instances: Sequence[Instance], where: Where, *, lang: Lang = "en") -> Message:
    """The Kafka instances a project has, by name and id."""
    place = one_line(place_text(where, lang)) or t(lang, "instances.this_project")
    blocks: list[Block] = [_header(t(lang, "instances.header", place=place))]
    if not instances:
        blocks.append(_section(t(lang, "instances.none", place=md(place, _WHERE))))
        return _message(escape(t(lang, "instances.none", place=place)), blocks)
    lines = []
    for item in instances:
        status = instance_status_label(item.status, lang) if lang != "en" else item.status
        details = [
            md(v, 80) for v in (status, item.engine_version, item.specification) if v.strip()
        ]
        line = f"• *{md(_instance_name(item, lang), _NAME)}* `{md(item.instance_id, _ID)}`"
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
    tail = t(lang, "instances.ask", example=f"{escape('<instance>')} last 1h")
    if shown < len(instances):
        tail = t(lang, "instances.more", count=len(instances) - shown, tail=tail)
    blocks.append(_context(tail))
    return _message(escape(tn(lang, "instances.text", len(instances), place=place)), blocks)


def help_message(note: str | Said | None = None, *, lang: Lang = "en") -> Message:
    blocks: list[Block] = [
        _section(t(lang, "help.intro")),
        _section(f"{_FENCE}\n{escape(usage(lang).rstrip())}\n{_FENCE}"),
    ]
    said = escape((note.text(lang) if isinstance(note, Said) else note) or "")
    if said.strip():
        blocks.append(_context(said))
    return _message(t(lang, "help.text"), blocks)


def error_message(
    text: str,
    *,
    retry: QueryState | None = None,
    choices: Sequence[tuple[str, str]] = (),
    title: str | None = None,
    lang: Lang = "en",
) -> Message:
    """What went wrong and what to do; ``choices`` are (name, value) candidates to pick.

    ``text`` is taken as mrkdwn with &, < and > escaped: backticks and bold still work,
    but a quoted ``<@U123>`` typed by a user does not become a mention. ``title`` (the
    notification's lead-in) defaults to "kafka-tasks could not answer" in ``lang``;
    ``bot.views.errors.describe_error`` gives ``text`` for an exception in ``lang``.
    """
    said = escape(text.strip()) or t(lang, "error.fallback")
    blocks: list[Block] = [_section(f":warning: {said}")]
    # One section per candidate, its button as the accessory: Slack rejects an actions
    # block whose buttons share an action_id, and every pick button shares PICK_INSTANCE.
    usable = [(n, v) for n, v in choices if v.strip()]
    for name, value in usable[:MAX_CHOICES]:
        label = one_line(name) or one_line(value)
        shown = f"*{md(label, _NAME)}* · `{md(value, 300)}`"
        # A value too long for a button would arrive cut: list the choice without one.
        fits = len(value) <= BUTTON_VALUE
        button = _button(label, PICK_INSTANCE, value, lang=lang) if fits else None
        blocks.append(_section(shown, button))
    if len(usable) > MAX_CHOICES:
        more = len(usable) - MAX_CHOICES
        blocks.append(_context(t(lang, "error.more_choices", count=more)))
    if retry is not None:
        value = retry.encode()
        if len(value) <= BUTTON_VALUE:
            retry_button = _button(t(lang, "button.retry"), RETRY, value, "primary", lang=lang)
            blocks.append(ActionsBlock(elements=[retry_button]))
    heading = escape(one_line(t(lang, "error.title") if title is None else title))
    return _message(t(lang, "error.text", title=heading, said=said), blocks)


def looking_up_message(what: str, *, lang: Lang = "en") -> Message:
    """The placeholder shown while DMS is asked, replaced by the answer."""
    shown = md(what, _LABEL) or t(lang, "looking_up.your_tasks")
    text = t(lang, "looking_up", what=shown)
    return _message(text, [_section(text)])
