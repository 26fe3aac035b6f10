"""One watched instance on the App Home tab: its title line, the viewer's subscriptions
to it and its recent tasks, drawn in full (a section each) or compactly (three or four
blocks).

Every text from outside (instance and task names, users, DMS reasons) is escaped and
clipped; the tab that holds the drawings is put together in ``bot.views.home``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    DividerBlock,
    MarkdownTextObject,
)

from bot.core.actions import HomeTaskRef, SubscriptionRef
from bot.core.dms.models import Instance, Task, TaskStatus
from bot.core.records import Subscription
from bot.i18n import Lang, t
from bot.i18n.labels import status_label, task_label
from bot.views.format import task_duration, user_text
from bot.views.holds import with_holds
from bot.views.home_page import DETAILS, UNSUBSCRIBE, HomeSubscription, InstanceHome
from bot.views.kit import (
    STATUS_EMOJI,
    button,
    command,
    context,
    date_token,
    instance_label,
    md,
    one_line,
    pack_lines,
    person,
    plain_object,
    section,
    target,
    task_emoji,
)
from bot.views.limits import ACTIONS_ELEMENTS, BUTTON_VALUE, clip
from bot.views.readable import (
    CHANNEL_ID,
    DM_ID,
    GLOB,
    ID,
    NAME,
    REASON,
    STATUS,
    USER,
)

# Slack's limits for a confirm dialog.
CONFIRM_TITLE = 100
CONFIRM_TEXT = 300
CONFIRM_BUTTON = 30

# Failures shown per instance: the newest few say whether something is wrong; the
# rest are one typed command away.
LAST_FAILURES = 5
# Tasks in progress shown per instance, by the same reasoning.
MAX_RUNNING = 5
# In a compact instance, Details buttons come before Unsubscribe ones, up to Slack's 25.
_COMPACT_DETAILS = 10
# Sections of a compact instance's lines: a second when subscriptions' lines are long
# (each says what holds it back), so its tasks are not cut off behind them.
_COMPACT_SECTIONS = 2
# An instance or task name inside a button label or a confirm dialog.
LABEL_NAME = 50


def name_of(instance: Instance) -> str:
    # The Home tab has always named a nameless, id-less instance in English.
    return instance_label(instance.name, instance.instance_id, "en")


def channel_text(channel: str, lang: Lang) -> str:
    """A channel as the viewer reads it: Slack renders ``<#C…>`` as a link to it."""
    if CHANNEL_ID.fullmatch(channel):
        return f"<#{channel}>"
    if DM_ID.fullmatch(channel):
        return t(lang, "home.this_dm")
    return f"`{md(channel, ID)}`" if md(channel, ID) else t(lang, "home.a_channel")


def _user(user: str) -> str:
    return person(user, "-")


def _scope(sub: Subscription, lang: Lang) -> str:
    scope = t(lang, "home.scope_failed" if sub.scope == "failed" else "home.scope_all")
    if sub.name_glob:
        glob = md(sub.name_glob.replace("`", "ˋ"), GLOB)
        scope = t(lang, "home.scope_glob", scope=scope, glob=f"`{glob}`")
    return scope


def _instance_emoji(item: InstanceHome) -> str:
    if item.problem is not None:
        return ":warning:"
    if item.hidden:
        return ":lock:"
    if item.failures:
        return STATUS_EMOJI[TaskStatus.FAILED.value]
    if item.running:
        return STATUS_EMOJI[TaskStatus.EXECUTING.value]
    return STATUS_EMOJI[TaskStatus.SUCCESS.value]


def _unique(action_id: str, index: int) -> str:
    # Slack wants action ids unique within a block; an index keeps them unique across the
    # whole view, so a compact instance's row of buttons can hold several of one kind.
    return f"{action_id}.{index}"


class Ids:
    """Hands out action ids unique across one drawing of the tab."""

    def __init__(self) -> None:
        self._next = 0

    def __call__(self, action_id: str) -> str:
        self._next += 1
        return _unique(action_id, self._next)


def _status_line(item: InstanceHome, hours: int, lang: Lang) -> str:
    if item.problem == "timeout":
        return t(lang, "home.problem_timeout")
    if item.problem == "dms":
        reason = item.reason_zh if lang == "zh" and item.reason_zh else item.reason
        return t(lang, "home.problem_dms", reason=md(reason, REASON) or "-")
    if item.problem == "internal":
        return t(lang, "home.problem_internal", reason=md(item.reason, ID) or "-")
    if item.hidden:
        return t(lang, "home.hidden")
    if not item.running and not item.failures:
        return t(lang, "home.quiet", hours=hours)
    return t(lang, "home.counts", running=len(item.running), failed=len(item.failures), hours=hours)


def _title(item: InstanceHome, hours: int, lang: Lang) -> str:
    instance = item.instance
    head = f"{_instance_emoji(item)} *{md(name_of(instance), NAME)}*"
    if instance.name and instance.name != instance.instance_id:
        head += f" `{md(instance.instance_id, ID)}`"
    return f"{head}\n{_status_line(item, hours, lang)}"


def _sub_line(entry: HomeSubscription, tz: tzinfo, lang: Lang) -> str:
    """What the subscription sends and who set it up, then what holds it back, worded
    as the ``subscriptions`` list words it."""
    sub = entry.sub
    line = t(
        lang,
        "home.sub_line",
        channel=channel_text(sub.channel, lang),
        scope=_scope(sub, lang),
        user=_user(sub.created_by),
        when=date_token(sub.created_at, tz),
    )
    # Mentions here ping nobody (a Home tab is its viewer's alone), and link the person
    # to ask about a snooze.
    return with_holds(
        line, sub, snooze=entry.snooze, daily=entry.daily, tz=tz, lang=lang, person=_user
    )


def _confirm(entry: HomeSubscription, instance: Instance, lang: Lang) -> ConfirmObject:
    body = t(
        lang,
        "home.confirm_text",
        channel=channel_text(entry.sub.channel, lang),
        name=md(name_of(instance), LABEL_NAME),
    )
    return ConfirmObject(
        title=plain_object(t(lang, "home.confirm_title"), CONFIRM_TITLE),
        text=MarkdownTextObject(text=clip(body, CONFIRM_TEXT)),
        confirm=plain_object(t(lang, "home.confirm_yes"), CONFIRM_BUTTON),
        deny=plain_object(t(lang, "home.confirm_no"), CONFIRM_BUTTON),
        style="danger",
    )


def _unsubscribe_button(
    entry: HomeSubscription, instance: Instance, lang: Lang, ids: Ids, *, named: bool
) -> ButtonElement | None:
    if not entry.can_unsubscribe:
        return None
    value = SubscriptionRef(entry.sub.channel, instance.instance_id, instance.name).encode()
    if len(value) > BUTTON_VALUE:
        return None
    label = t(lang, "home.unsubscribe")
    if named and entry.channel_name:
        label = t(lang, "home.unsubscribe_named", channel=one_line(entry.channel_name))
    confirm = _confirm(entry, instance, lang)
    return button(label, ids(UNSUBSCRIBE), value, "danger", lang=lang, confirm=confirm)


def _details_button(
    task: Task, item: InstanceHome, lang: Lang, ids: Ids, *, named: bool
) -> ButtonElement | None:
    if not task.id:
        return None
    value = HomeTaskRef(item.channel, item.instance.instance_id, task.id).encode()
    if len(value) > BUTTON_VALUE:
        return None
    label = t(lang, "home.details")
    if named:
        name = one_line(task_label(task.name, lang))[:LABEL_NAME]
        label = t(lang, "home.details_named", name=name)
    return button(label, ids(DETAILS), value, lang=lang)


def _task_line(task: Task, tz: tzinfo, now: datetime, lang: Lang) -> str:
    # Names and statuses read as the rest of the bot shows them in this language.
    name, status = task_label(task.name, lang), status_label(task.status, lang)
    # The status a field of its own, as in an answer's rows: not run into the name.
    parts = [f"{task_emoji(task)} *{md(name, NAME)}*", md(status, STATUS)]
    parts.append(md(user_text(task), USER))
    if task.created_at is not None:
        parts.append(t(lang, "home.started", when=date_token(task.created_at, tz)))
    duration = task_duration(task, now, lang)
    if duration != "-":
        parts.append(duration)
    return " · ".join(parts)


def _shown_tasks(item: InstanceHome) -> list[Task]:
    if item.hidden or item.problem is not None:
        return []
    return [*item.running[:MAX_RUNNING], *item.failures[:LAST_FAILURES]]


def _more_lines(item: InstanceHome, lang: Lang) -> list[str]:
    if item.hidden or item.problem is not None:
        return []
    lines = []
    if len(item.running) > MAX_RUNNING:
        lines.append(t(lang, "home.more_running", count=len(item.running) - MAX_RUNNING))
    if len(item.failures) > LAST_FAILURES:
        typed = command(target(item.instance.name, item.instance.instance_id), "failed")
        lines.append(
            t(lang, "home.more_failures", count=len(item.failures) - LAST_FAILURES, command=typed)
        )
    return lines


@dataclass(frozen=True)
class Draw:
    """How instances are drawn on one tab: its window, the viewer's zone and language."""

    hours: int
    tz: tzinfo
    now: datetime
    lang: Lang

    def full(self, item: InstanceHome, ids: Ids) -> list[Block]:
        """One section per subscription and per task, each with its own button."""
        lang = self.lang
        blocks: list[Block] = [section(_title(item, self.hours, lang))]
        for entry in item.subscriptions:
            accessory = _unsubscribe_button(entry, item.instance, lang, ids, named=False)
            blocks.append(section(_sub_line(entry, self.tz, lang), accessory))
        for task in _shown_tasks(item):
            accessory = _details_button(task, item, lang, ids, named=False)
            blocks.append(section(_task_line(task, self.tz, self.now, lang), accessory))
        more = _more_lines(item, lang)
        if more:
            blocks.append(context(*more))
        blocks.append(DividerBlock())
        return blocks

    def compact(self, item: InstanceHome, ids: Ids) -> list[Block]:
        """The same in three blocks: the lines in one section (two when they are long),
        the buttons in one row."""
        lang = self.lang
        tasks = _shown_tasks(item)
        lines = [_title(item, self.hours, lang)]
        lines += [f"• {_sub_line(entry, self.tz, lang)}" for entry in item.subscriptions]
        lines += [f"• {_task_line(task, self.tz, self.now, lang)}" for task in tasks]
        lines += _more_lines(item, lang)
        details = [_details_button(task, item, lang, ids, named=True) for task in tasks]
        unsubscribes = [
            _unsubscribe_button(e, item.instance, lang, ids, named=True) for e in item.subscriptions
        ]
        buttons = [b for b in details if b is not None][:_COMPACT_DETAILS]
        buttons += [b for b in unsubscribes if b is not None]
        texts, packed = pack_lines(lines, _COMPACT_SECTIONS)
        if packed < len(lines):
            # The rest is cut off where the last section ends, marked "…" by section().
            texts[-1] = "\n".join([texts[-1], *lines[packed:]])
        blocks: list[Block] = [section(text) for text in texts]
        if buttons:
            blocks.append(ActionsBlock(elements=buttons[:ACTIONS_ELEMENTS]))
        blocks.append(DividerBlock())
        return blocks


def order(items: Sequence[InstanceHome]) -> list[InstanceHome]:
    # What needs a look comes first: failures, work in progress, unreadable instances.
    def key(item: InstanceHome) -> tuple[int, str, str]:
        if item.failures and not item.hidden:
            rank = 0
        elif item.running and not item.hidden:
            rank = 1
        elif item.problem is not None:
            rank = 2
        else:
            rank = 3
        return rank, name_of(item.instance).lower(), item.instance.instance_id

    return sorted(items, key=key)
