"""The App Home tab: the viewer's subscriptions and what their instances are doing.

A Home view is published per user and stays until the next publish, so it must be
valid for any input: Slack refuses a view of more than 100 blocks, or with one bad
block, and the user then sees the previous view (or none) with no word why. Every text
from outside (instance and task names, users, DMS reasons) is escaped and clipped, and
when there is more than fits, instances are drawn compactly and then summed up.

The builders take the data already fetched (``HomePage``); ``bot.services.home`` fetches it.
Strings are in English and Simplified Chinese, in ``_TEXT`` below.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Literal

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.core.actions import HomeTaskRef, SubscriptionRef
from bot.core.dms.models import Instance, Task, TaskStatus
from bot.core.records import Subscription
from bot.i18n import Lang
from bot.i18n.labels import status_label, task_label
from bot.views.blocks import (
    STATUS_EMOJI,
    UNKNOWN_STATUS_EMOJI,
    Message,
    _mrkdwn,
    date_token,
    md,
    one_line,
)
from bot.views.format import task_duration, user_text
from bot.views.limits import (
    ACTIONS_ELEMENTS,
    BUTTON_TEXT,
    BUTTON_VALUE,
    HEADER_TEXT,
    MAX_BLOCKS,
    SECTION_TEXT,
    TEXT_OBJECT,
    check_message,
    clip,
)
from bot.views.readable import (
    CHANNEL_ID,
    DM_ID,
    GLOB,
    ID,
    NAME,
    REASON,
    STATUS,
    TYPABLE,
    USER,
    USER_ID,
)

# Action ids. handlers/buttons.py takes every ``^kt_`` action for answers in messages;
# ``kth_`` does not match that pattern (its third character is "h", not "_"), so a
# Home button reaches only the Home listeners.
PREFIX = "kth_"
REFRESH = "kth_refresh"
UNSUBSCRIBE = "kth_unsubscribe"
DETAILS = "kth_details"
HOME_CALLBACK = "kth_home"
DETAILS_CALLBACK = "kth_task"

# Slack's limits for views (the 50 of limits.MAX_BLOCKS are for messages).
MAX_HOME_BLOCKS = 100
VIEW_TITLE = 24
CONFIRM_TITLE = 100
CONFIRM_TEXT = 300
CONFIRM_BUTTON = 30
PRIVATE_METADATA = 3000

# Failures shown per instance: the newest few say whether something is wrong; the
# rest are one typed command away.
LAST_FAILURES = 5
# Tasks in progress shown per instance, by the same reasoning.
MAX_RUNNING = 5
# In a compact instance, Details buttons come before Unsubscribe ones, up to Slack's 25.
_COMPACT_DETAILS = 10
# Names of the instances left out, listed in the summary line.
_LEFT_OUT_NAMES = 20

_NAME, _USER, _STATUS, _ID, _GLOB, _REASON = NAME, USER, STATUS, ID, GLOB, REASON
_CHANNEL_ID, _DM_ID, _USER_ID, _TYPABLE = CHANNEL_ID, DM_ID, USER_ID, TYPABLE
_LABEL_NAME = 50

COMMAND = "/kafka-tasks"

Problem = Literal["timeout", "dms", "internal"]
HomeView = View  # what use cases return for views.publish, without naming slack_sdk
ChannelsProblem = Literal["unreadable", "partial"]
NoticeKind = Literal["unsubscribed", "not_subscribed", "refused_unsubscribe", "unreadable"]


# --- what the tab shows ------------------------------------------------------------------


@dataclass(frozen=True)
class HomeSubscription:
    sub: Subscription
    # The channel's name from users.conversations, for button labels (plain text cannot
    # mention a channel); "" when unknown.
    channel_name: str = ""
    can_unsubscribe: bool = True


@dataclass(frozen=True)
class InstanceHome:
    """One watched instance: the viewer's subscriptions to it and its recent tasks."""

    instance: Instance
    subscriptions: tuple[HomeSubscription, ...]
    # Newest first, every one in the window; the view shows the first few.
    running: tuple[Task, ...] = ()
    failures: tuple[Task, ...] = ()
    # The access rules let the viewer see this instance's tasks in none of the channels.
    hidden: bool = False
    problem: Problem | None = None
    # One line: DMS's own reason for "dms", the incident id for "internal".
    reason: str = ""
    # The "dms" reason in Chinese (the page is built before its reader's language is
    # known to matter, so both are kept).
    reason_zh: str = ""
    # The channel whose rules let the viewer see the tasks: Details buttons carry it, so
    # the press is checked against the same rules.
    channel: str = ""


@dataclass(frozen=True)
class Notice:
    """The outcome of a button press, shown at the top of the republished tab."""

    kind: NoticeKind
    channel: str = ""
    instance_name: str = ""


@dataclass(frozen=True)
class HomePage:
    instances: tuple[InstanceHome, ...]
    updated_at: datetime
    window_hours: int = 24
    channels_problem: ChannelsProblem | None = None
    # For "unreadable": Slack's error code; for "partial": how many channels were read.
    channels_detail: str = ""
    notice: Notice | None = None
    # The viewer's DM with the app, kept in the view so a Refresh still counts it.
    im_channel: str | None = None


# --- button values -------------------------------------------------------------------------


def im_channel_of(private_metadata: str | None) -> str | None:
    """The DM channel a published Home view was built with (see ``HomePage.im_channel``)."""
    try:
        data = json.loads(private_metadata or "{}")
    except ValueError:
        return None
    channel = data.get("im") if isinstance(data, dict) else None
    return channel if isinstance(channel, str) and _DM_ID.fullmatch(channel) else None


# --- strings ---------------------------------------------------------------------------------

# Values put into {placeholders} are already mrkdwn-safe (escaped, or our own tokens).
_TEXT: dict[Lang, dict[str, str]] = {
    "en": {
        "title": "Kafka tasks",
        "intro": (
            "Subscriptions in your channels, and what their instances did in the last "
            "{hours} h · updated {when}"
        ),
        "refresh": "Refresh",
        "empty_title": "*No task notifications in your channels yet.*",
        "empty_body": (
            "In a channel that should hear when tasks finish, type {example} (or `all` "
            "instead of `failed`). Its subscriptions then show up here, with the tasks in "
            "progress and the latest failures on each instance."
        ),
        "empty_more": "Ask any time: {ask} · everything the bot understands: {help}",
        "footer": "Subscribe a channel: {subscribe} · a channel's subscriptions: {list}",
        "counts": "{running} in progress · {failed} failed in the last {hours} h",
        "quiet": "Nothing in progress and no failures in the last {hours} h.",
        "hidden": (
            ":lock: Tasks not shown: the bot's access rules do not let you see this "
            "instance's tasks in these channels."
        ),
        "problem_timeout": (
            ":warning: Tasks could not be read: DMS did not answer in time. Press Refresh "
            "to try again."
        ),
        "problem_dms": ":warning: Tasks could not be read: {reason}",
        "problem_internal": (
            ":warning: Tasks could not be read (incident {reason}); it is in the bot's log."
        ),
        "sub_line": "{channel} · {scope} · set up by {user} {when}",
        "scope_failed": "failed tasks",
        "scope_all": "every finished task",
        "scope_glob": "{scope} named {glob}",
        "unsubscribe": "Unsubscribe",
        "unsubscribe_named": "Unsubscribe #{channel}",
        "confirm_title": "Stop these notifications?",
        "confirm_text": "{channel} will stop getting messages about tasks on *{name}*.",
        "confirm_yes": "Unsubscribe",
        "confirm_no": "Cancel",
        "details": "Details",
        "details_named": "Details: {name}",
        "started": "started {when}",
        "more_running": "… and {count} more in progress",
        "more_failures": "… and {count} more failed: {command}",
        "more_instances": (
            "… and {count} more instances, too many to show here: {names}. "
            "A channel's own list: {list}"
        ),
        "notice_unsubscribed": (
            ":no_bell: {channel} will no longer get messages about tasks on *{name}*."
        ),
        "notice_not_subscribed": "{channel} was not subscribed to *{name}*; nothing changed.",
        "notice_refused_unsubscribe": (
            ":no_entry: You may not unsubscribe {channel} from *{name}*; nothing changed. "
            "The bot's owners set who may."
        ),
        "notice_unreadable": (
            "That button's data could not be read (it may come from an older version of "
            "the bot). The tab below is up to date."
        ),
        "channels_unreadable": (
            ":warning: Could not read which channels you are in ({detail}), so no "
            "subscriptions are shown. The app needs the `channels:read` and `groups:read` "
            "scopes."
        ),
        "channels_partial": "Showing subscriptions in the first {detail} of your channels.",
        "this_dm": "your DM with the bot",
        "a_channel": "a channel",
        "loading_home": ":hourglass_flowing_sand: Loading your subscriptions and their tasks…",
        "details_title": "Task details",
        "close": "Close",
        "loading_task": ":hourglass_flowing_sand: Loading the task…",
        "details_refused": (
            ":lock: The bot's access rules do not let you see this instance's tasks."
        ),
        "details_failed": ":warning: The task could not be read: {reason}",
        "details_timeout": (
            ":warning: The task could not be read: DMS did not answer in time. Close this "
            "and press Details again."
        ),
        "details_unreadable": (
            "This button's data could not be read (it may come from an older version of "
            "the bot). Press Refresh in the Home tab."
        ),
        "details_broken": (
            ":warning: The task could not be shown (incident {incident}); it is in the bot's log."
        ),
        "broken": (
            ":warning: Your Home tab could not be built (incident {incident}); it is in the "
            "bot's log. Press Refresh to try again."
        ),
    },
    "zh": {
        "title": "Kafka 任务",
        "intro": "你所在频道的订阅，以及这些实例最近 {hours} 小时的任务 · 更新于 {when}",
        "refresh": "刷新",
        "empty_title": "*你所在的频道还没有任务通知。*",
        "empty_body": (
            "在需要接收任务结束通知的频道里输入 {example}（把 `failed` 换成 `all` "
            "可接收所有结束的任务）。订阅随后会显示在这里，并列出每个实例进行中的任务和"
            "最近的失败。"
        ),
        "empty_more": "随时查询：{ask} · 全部用法：{help}",
        "footer": "订阅频道：{subscribe} · 查看某个频道的订阅：{list}",
        "counts": "{running} 个进行中 · 最近 {hours} 小时 {failed} 个失败",
        "quiet": "最近 {hours} 小时没有进行中的任务，也没有失败。",
        "hidden": ":lock: 未显示任务：机器人的访问规则不允许你在这些频道查看此实例的任务。",
        "problem_timeout": ":warning: 无法读取任务：DMS 未及时响应。请点击“刷新”重试。",
        "problem_dms": ":warning: 无法读取任务：{reason}",
        "problem_internal": ":warning: 无法读取任务（事件编号 {reason}），详情见机器人日志。",
        "sub_line": "{channel} · {scope} · 由 {user} 于 {when} 设置",
        "scope_failed": "失败的任务",
        "scope_all": "所有结束的任务",
        "scope_glob": "{scope}（名称 {glob}）",
        "unsubscribe": "取消订阅",
        "unsubscribe_named": "取消订阅 #{channel}",
        "confirm_title": "停止这些通知？",
        "confirm_text": "{channel} 将不再收到 *{name}* 上的任务消息。",
        "confirm_yes": "取消订阅",
        "confirm_no": "保留",
        "details": "详情",
        "details_named": "详情：{name}",
        "started": "开始于 {when}",
        "more_running": "… 另有 {count} 个进行中",
        "more_failures": "… 另有 {count} 个失败：{command}",
        "more_instances": "… 另有 {count} 个实例，此处放不下：{names}。频道自己的订阅列表：{list}",
        "notice_unsubscribed": ":no_bell: {channel} 将不再收到 *{name}* 上的任务消息。",
        "notice_not_subscribed": "{channel} 并未订阅 *{name}*，未做更改。",
        "notice_refused_unsubscribe": (
            ":no_entry: 你无权为 {channel} 取消订阅 *{name}*，未做更改。"
            "由机器人的负责人设定谁可以操作。"
        ),
        "notice_unreadable": "无法读取该按钮的数据（可能来自旧版本的机器人）。下方内容已是最新。",
        "channels_unreadable": (
            ":warning: 无法读取你所在的频道（{detail}），因此不显示订阅。"
            "应用需要 `channels:read` 和 `groups:read` 权限。"
        ),
        "channels_partial": "仅显示你前 {detail} 个频道中的订阅。",
        "this_dm": "你与机器人的私信",
        "a_channel": "某个频道",
        "loading_home": ":hourglass_flowing_sand: 正在加载你的订阅及其任务…",
        "details_title": "任务详情",
        "close": "关闭",
        "loading_task": ":hourglass_flowing_sand: 正在加载任务…",
        "details_refused": ":lock: 机器人的访问规则不允许你查看此实例的任务。",
        "details_failed": ":warning: 无法读取该任务：{reason}",
        "details_timeout": ":warning: 无法读取该任务：DMS 未及时响应。请关闭后再次点击“详情”。",
        "details_unreadable": (
            "无法读取该按钮的数据（可能来自旧版本的机器人）。请在主页点击“刷新”。"
        ),
        "details_broken": ":warning: 无法显示该任务（事件编号 {incident}），详情见机器人日志。",
        "broken": (
            ":warning: 无法生成你的主页（事件编号 {incident}），详情见机器人日志。"
            "请点击“刷新”重试。"
        ),
    },
}


def text(lang: Lang, key: str, **values: object) -> str:
    """The string ``key`` in ``lang`` (English if that language lacks it), filled in."""
    template = _TEXT.get(lang, _TEXT["en"]).get(key) or _TEXT["en"][key]
    return template.format(**values)


# --- small pieces ----------------------------------------------------------------------------


def _section(body: str, accessory: ButtonElement | None = None) -> SectionBlock:
    return SectionBlock(text=_mrkdwn(clip(body, SECTION_TEXT)), accessory=accessory)


def _context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[_mrkdwn(clip(t, TEXT_OBJECT)) for t in texts])


def _plain(label: str, limit: int) -> PlainTextObject:
    return PlainTextObject(text=clip(one_line(label) or "…", limit, mrkdwn=False), emoji=True)


def _button(
    label: str,
    action_id: str,
    value: str,
    *,
    style: str | None = None,
    confirm: ConfirmObject | None = None,
) -> ButtonElement:
    return ButtonElement(
        text=_plain(label, BUTTON_TEXT),
        action_id=action_id,
        value=value,
        style=style,
        confirm=confirm,
    )


def _command(*words: str) -> str:
    return f"`{COMMAND} {' '.join(words)}`"


def _name(instance: Instance) -> str:
    return one_line(instance.name) or one_line(instance.instance_id) or "(unnamed instance)"


def _channel(channel: str, lang: Lang) -> str:
    """A channel as the viewer reads it: Slack renders ``<#C…>`` as a link to it."""
    if _CHANNEL_ID.fullmatch(channel):
        return f"<#{channel}>"
    if _DM_ID.fullmatch(channel):
        return text(lang, "this_dm")
    return f"`{md(channel, _ID)}`" if md(channel, _ID) else text(lang, "a_channel")


def _user(user: str) -> str:
    if _USER_ID.fullmatch(user):
        return f"<@{user}>"
    return md(user, _USER) or "-"


def _scope(sub: Subscription, lang: Lang) -> str:
    scope = text(lang, "scope_failed" if sub.scope == "failed" else "scope_all")
    if sub.name_glob:
        glob = md(sub.name_glob.replace("`", "ˋ"), _GLOB)
        scope = text(lang, "scope_glob", scope=scope, glob=f"`{glob}`")
    return scope


def _target(instance: Instance) -> str:
    """The instance as it can be typed in a command: the name, else the id."""
    for candidate in (instance.name, instance.instance_id):
        if candidate and _TYPABLE.fullmatch(candidate):
            return md(candidate, _NAME)
    return "&lt;instance&gt;"


def _emoji(task: Task) -> str:
    return STATUS_EMOJI.get(task.status, UNKNOWN_STATUS_EMOJI)


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


class _Ids:
    def __init__(self) -> None:
        self._next = 0

    def __call__(self, action_id: str) -> str:
        self._next += 1
        return _unique(action_id, self._next)


# --- one instance ------------------------------------------------------------------------------


def _status_line(item: InstanceHome, hours: int, lang: Lang) -> str:
    if item.problem == "timeout":
        return text(lang, "problem_timeout")
    if item.problem == "dms":
        reason = item.reason_zh if lang == "zh" and item.reason_zh else item.reason
        return text(lang, "problem_dms", reason=md(reason, _REASON) or "-")
    if item.problem == "internal":
        return text(lang, "problem_internal", reason=md(item.reason, _ID) or "-")
    if item.hidden:
        return text(lang, "hidden")
    if not item.running and not item.failures:
        return text(lang, "quiet", hours=hours)
    return text(lang, "counts", running=len(item.running), failed=len(item.failures), hours=hours)


def _title(item: InstanceHome, hours: int, lang: Lang) -> str:
    instance = item.instance
    head = f"{_instance_emoji(item)} *{md(_name(instance), _NAME)}*"
    if instance.name and instance.name != instance.instance_id:
        head += f" `{md(instance.instance_id, _ID)}`"
    return f"{head}\n{_status_line(item, hours, lang)}"


def _sub_line(entry: HomeSubscription, tz: tzinfo, lang: Lang) -> str:
    sub = entry.sub
    return text(
        lang,
        "sub_line",
        channel=_channel(sub.channel, lang),
        scope=_scope(sub, lang),
        user=_user(sub.created_by),
        when=date_token(sub.created_at, tz),
    )


def _confirm(entry: HomeSubscription, instance: Instance, lang: Lang) -> ConfirmObject:
    body = text(
        lang,
        "confirm_text",
        channel=_channel(entry.sub.channel, lang),
        name=md(_name(instance), _LABEL_NAME),
    )
    return ConfirmObject(
        title=_plain(text(lang, "confirm_title"), CONFIRM_TITLE),
        text=MarkdownTextObject(text=clip(body, CONFIRM_TEXT)),
        confirm=_plain(text(lang, "confirm_yes"), CONFIRM_BUTTON),
        deny=_plain(text(lang, "confirm_no"), CONFIRM_BUTTON),
        style="danger",
    )


def _unsubscribe_button(
    entry: HomeSubscription, instance: Instance, lang: Lang, ids: _Ids, *, named: bool
) -> ButtonElement | None:
    if not entry.can_unsubscribe:
        return None
    value = SubscriptionRef(entry.sub.channel, instance.instance_id, instance.name).encode()
    if len(value) > BUTTON_VALUE:
        return None
    label = text(lang, "unsubscribe")
    if named and entry.channel_name:
        label = text(lang, "unsubscribe_named", channel=one_line(entry.channel_name))
    return _button(
        label, ids(UNSUBSCRIBE), value, style="danger", confirm=_confirm(entry, instance, lang)
    )


def _details_button(
    task: Task, item: InstanceHome, lang: Lang, ids: _Ids, *, named: bool
) -> ButtonElement | None:
    if not task.id:
        return None
    value = HomeTaskRef(item.channel, item.instance.instance_id, task.id).encode()
    if len(value) > BUTTON_VALUE:
        return None
    label = text(lang, "details")
    if named:
        name = one_line(task_label(task.name, lang))[:_LABEL_NAME]
        label = text(lang, "details_named", name=name)
    return _button(label, ids(DETAILS), value)


def _task_line(task: Task, tz: tzinfo, now: datetime, lang: Lang) -> str:
    # Names and statuses read as the rest of the bot shows them in this language.
    name, status = task_label(task.name, lang), status_label(task.status, lang)
    # The status a field of its own, as in an answer's rows: not run into the name.
    parts = [f"{_emoji(task)} *{md(name, _NAME)}*", md(status, _STATUS)]
    parts.append(md(user_text(task), _USER))
    if task.created_at is not None:
        parts.append(text(lang, "started", when=date_token(task.created_at, tz)))
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
        lines.append(text(lang, "more_running", count=len(item.running) - MAX_RUNNING))
    if len(item.failures) > LAST_FAILURES:
        command = _command(_target(item.instance), "failed")
        lines.append(
            text(lang, "more_failures", count=len(item.failures) - LAST_FAILURES, command=command)
        )
    return lines


@dataclass(frozen=True)
class _Draw:
    """How instances are drawn on one tab: its window, the viewer's zone and language."""

    hours: int
    tz: tzinfo
    now: datetime
    lang: Lang

    def full(self, item: InstanceHome, ids: _Ids) -> list[Block]:
        """One section per subscription and per task, each with its own button."""
        lang = self.lang
        blocks: list[Block] = [_section(_title(item, self.hours, lang))]
        for entry in item.subscriptions:
            button = _unsubscribe_button(entry, item.instance, lang, ids, named=False)
            blocks.append(_section(_sub_line(entry, self.tz, lang), button))
        for task in _shown_tasks(item):
            button = _details_button(task, item, lang, ids, named=False)
            blocks.append(_section(_task_line(task, self.tz, self.now, lang), button))
        more = _more_lines(item, lang)
        if more:
            blocks.append(_context(*more))
        blocks.append(DividerBlock())
        return blocks

    def compact(self, item: InstanceHome, ids: _Ids) -> list[Block]:
        """The same in three blocks: the lines in one section, the buttons in one row."""
        lang = self.lang
        tasks = _shown_tasks(item)
        lines = [_title(item, self.hours, lang)]
        lines += [f"• {_sub_line(entry, self.tz, lang)}" for entry in item.subscriptions]
        lines += [f"• {_task_line(task, self.tz, self.now, lang)}" for task in tasks]
        lines += _more_lines(item, lang)
        details = [_details_button(t, item, lang, ids, named=True) for t in tasks]
        unsubscribes = [
            _unsubscribe_button(e, item.instance, lang, ids, named=True) for e in item.subscriptions
        ]
        buttons = [b for b in details if b is not None][:_COMPACT_DETAILS]
        buttons += [b for b in unsubscribes if b is not None]
        blocks: list[Block] = [_section("\n".join(lines))]
        if buttons:
            blocks.append(ActionsBlock(elements=buttons[:ACTIONS_ELEMENTS]))
        blocks.append(DividerBlock())
        return blocks


def _order(items: Sequence[InstanceHome]) -> list[InstanceHome]:
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
        return rank, _name(item.instance).lower(), item.instance.instance_id

    return sorted(items, key=key)


# --- the tab -----------------------------------------------------------------------------------


def _head(page: HomePage, *, tz: tzinfo, lang: Lang) -> list[Block]:
    blocks: list[Block] = [
        HeaderBlock(text=_plain(text(lang, "title"), HEADER_TEXT)),
        _context(
            text(lang, "intro", hours=page.window_hours, when=date_token(page.updated_at, tz))
        ),
        ActionsBlock(elements=[_button(text(lang, "refresh"), REFRESH, "refresh")]),
    ]
    if page.notice is not None:
        blocks.append(_section(_notice_text(page.notice, lang)))
    if page.channels_problem is not None:
        detail = md(page.channels_detail, _ID) or "-"
        blocks.append(_context(text(lang, f"channels_{page.channels_problem}", detail=detail)))
    blocks.append(DividerBlock())
    return blocks


def _notice_text(notice: Notice, lang: Lang) -> str:
    return text(
        lang,
        f"notice_{notice.kind}",
        channel=_channel(notice.channel, lang),
        name=md(notice.instance_name, _NAME) or "-",
    )


def _empty(lang: Lang) -> list[Block]:
    return [
        _section(
            text(lang, "empty_title")
            + "\n"
            + text(lang, "empty_body", example=_command("subscribe", "prod-orders", "failed"))
        ),
        _context(
            text(
                lang, "empty_more", ask=_command("prod-orders", "last", "1h"), help=_command("help")
            )
        ),
    ]


def _footer(lang: Lang) -> list[Block]:
    subscribe = _command("subscribe", "&lt;instance&gt;", "failed")
    return [_context(text(lang, "footer", subscribe=subscribe, list=_command("subscriptions")))]


def home_blocks(page: HomePage, *, lang: Lang, tz: tzinfo, now: datetime) -> list[Block]:
    """The tab's blocks, never more than Slack's 100.

    Every instance is drawn in full while that fits; when it does not, the instances
    with the most blocks are drawn compactly (three blocks each) one by one until it
    fits, and if even that is too many, the last instances are named in one line.
    """
    head = _head(page, tz=tz, lang=lang)
    if not page.instances:
        return [*head, *_empty(lang)]
    foot = _footer(lang)
    # One block kept back for the line that names instances left out.
    budget = MAX_HOME_BLOCKS - len(head) - len(foot) - 1
    items = _order(page.instances)
    draw = _Draw(hours=page.window_hours, tz=tz, now=now, lang=lang)
    # Drawn once to count blocks; the final drawing hands out the action ids afresh.
    drawn = [draw.full(item, _Ids()) for item in items]
    compact = [False] * len(items)
    while sum(len(b) for b in drawn) > budget:
        fuller = [i for i in range(len(items)) if not compact[i] and len(drawn[i]) > 3]
        if not fuller:
            break
        widest = max(fuller, key=lambda i: len(drawn[i]))
        drawn[widest] = draw.compact(items[widest], _Ids())
        compact[widest] = True
    kept, used = 0, 0
    for blocks in drawn:
        if used + len(blocks) > budget:
            break
        kept, used = kept + 1, used + len(blocks)
    ids = _Ids()
    body: list[Block] = []
    for item, small in zip(items[:kept], compact[:kept], strict=True):
        body.extend(draw.compact(item, ids) if small else draw.full(item, ids))
    left_out = items[kept:]
    if left_out:
        named = left_out[:_LEFT_OUT_NAMES]
        names = ", ".join(f"*{md(_name(i.instance), _LABEL_NAME)}*" for i in named)
        if len(left_out) > len(named):
            names += ", …"
        body.append(
            _section(
                text(
                    lang,
                    "more_instances",
                    count=len(left_out),
                    names=names,
                    list=_command("subscriptions"),
                )
            )
        )
    return [*head, *body, *foot]


def home_view(page: HomePage, *, lang: Lang, tz: tzinfo, now: datetime) -> View:
    metadata = json.dumps({"im": page.im_channel}) if page.im_channel else None
    return View(
        type="home",
        callback_id=HOME_CALLBACK,
        blocks=home_blocks(page, lang=lang, tz=tz, now=now),
        private_metadata=metadata,
    )


def loading_home_view(lang: Lang) -> View:
    """Shown on a first visit while a slow DMS is read, instead of an empty tab."""
    return View(
        type="home",
        callback_id=HOME_CALLBACK,
        blocks=[
            HeaderBlock(text=_plain(text(lang, "title"), HEADER_TEXT)),
            _section(text(lang, "loading_home")),
        ],
    )


def broken_home_view(incident: str, lang: Lang, *, im_channel: str | None = None) -> View:
    """The tab when it could not be built at all: still a way to try again."""
    return View(
        type="home",
        callback_id=HOME_CALLBACK,
        blocks=[
            HeaderBlock(text=_plain(text(lang, "title"), HEADER_TEXT)),
            _section(text(lang, "broken", incident=md(incident, _ID))),
            ActionsBlock(elements=[_button(text(lang, "refresh"), REFRESH, "refresh")]),
        ],
        private_metadata=json.dumps({"im": im_channel}) if im_channel else None,
    )


# --- the Details modal ---------------------------------------------------------------------------


def _modal(blocks: Sequence[Block], lang: Lang) -> View:
    return View(
        type="modal",
        callback_id=DETAILS_CALLBACK,
        title=_plain(text(lang, "details_title"), VIEW_TITLE),
        close=_plain(text(lang, "close"), VIEW_TITLE),
        blocks=list(blocks)[:MAX_HOME_BLOCKS],
    )


def details_modal(message: Message, lang: Lang) -> View:
    """The task details an answer's Details button posts, in a modal instead."""
    return _modal(message.blocks, lang)


def loading_modal(lang: Lang) -> View:
    # Opened at once: a trigger_id is good for 3 s, and DMS may take longer than that.
    return _modal([_section(text(lang, "loading_task"))], lang)


def notice_modal(key: str, lang: Lang, **values: str) -> View:
    """A modal that only says something: ``details_refused``, ``details_timeout``..."""
    safe = {k: md(v, _ID) for k, v in values.items()}
    return _modal([_section(text(lang, key, **safe))], lang)


def failed_modal(reason: str, lang: Lang) -> View:
    return _modal([_section(text(lang, "details_failed", reason=md(reason, _REASON) or "-"))], lang)


# --- checks ----------------------------------------------------------------------------------


def view_problems(view: Mapping[str, Any]) -> list[str]:
    """Every Slack limit a view breaks, as readable lines; empty when it is fine.

    ``limits.check_message`` knows every block rule but counts against a message's 50
    blocks; here blocks are checked in message-sized runs and counted against 100.
    """
    problems: list[str] = []
    blocks = view.get("blocks") or []
    if not 0 < len(blocks) <= MAX_HOME_BLOCKS:
        problems.append(f"{len(blocks)} blocks (a view takes 1 to {MAX_HOME_BLOCKS})")
    for start in range(0, len(blocks), MAX_BLOCKS):
        run = blocks[start : start + MAX_BLOCKS]
        problems += [f"from block {start}: {p}" for p in check_message(run, "view")]
    if view.get("type") == "modal":
        title = (view.get("title") or {}).get("text") or ""
        if not 0 < len(title) <= VIEW_TITLE:
            problems.append(f"modal title has {len(title)} characters (1 to {VIEW_TITLE})")
    metadata = view.get("private_metadata") or ""
    if len(metadata) > PRIVATE_METADATA:
        problems.append(f"private_metadata has {len(metadata)} characters")
    return problems
