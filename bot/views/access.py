"""What a refused ask is told: what it may not do, never whether the instance exists."""

from __future__ import annotations

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject

from bot.core.access import Action
from bot.i18n import Lang
from bot.views.blocks import Message, error_message, md
from bot.views.limits import MAX_BLOCKS

_REFUSED: dict[Lang, dict[Action, str]] = {
    "en": {
        "query": "You may not look at `{name}` from this channel.",
        "share": "Answers about `{name}` may not be shared in this channel.",
        "subscribe": "You may not subscribe this channel to `{name}`.",
        "unsubscribe": "You may not remove this channel's subscription to `{name}`.",
    },
    "zh": {
        "query": "你无权在此频道查看 `{name}` 的任务。",
        "share": "`{name}` 的结果不能在此频道分享。",
        "subscribe": "你无权为此频道订阅 `{name}` 的任务通知。",
        "unsubscribe": "你无权取消此频道对 `{name}` 的订阅。",
    },
}
_ASK: dict[Lang, str] = {
    "en": "The bot's access rules decide this; ask the people who run kafka-tasks if you need it.",
    "zh": "这由机器人的访问规则决定；如确有需要，请联系 kafka-tasks 的管理员。",
}
_TITLE: dict[Lang, str] = {"en": "kafka-tasks: not allowed", "zh": "kafka-tasks：无权操作"}
_ONLY_YOU: dict[Lang, str] = {
    "en": ":lock: Only you can see this: answers about this instance may not be shared here.",
    "zh": ":lock: 仅你可见：此实例的结果不能在此频道分享。",
}
_GROUPS_DOWN: dict[Lang, str] = {
    "en": (
        "Could not check your access: Slack did not say who is in the user groups the "
        "access rules name. Try again in a minute."
    ),
    "zh": "无法核对你的权限：Slack 没有返回访问规则所列用户组的成员。请稍后再试。",
}
_NAME = 80


def _name(typed: str) -> str:
    # What the asker typed, and nothing DMS said: the refusal must not tell whether
    # the instance exists. Backticks are dropped so the name stays one code span.
    return md(typed.replace("`", ""), _NAME) or "?"


def refused_message(action: Action, typed: str, *, lang: Lang = "en") -> Message:
    text = _REFUSED[lang][action].format(name=_name(typed))
    return error_message(f"{text} {_ASK[lang]}", title=_TITLE[lang])


def groups_unavailable_message(*, lang: Lang = "en") -> Message:
    return error_message(_GROUPS_DOWN[lang], title=_TITLE[lang])


def only_you(message: Message, *, lang: Lang = "en") -> Message:
    """An answer shown to its asker alone, saying why it was not posted for everyone."""
    note = ContextBlock(elements=[MarkdownTextObject(text=_ONLY_YOU[lang])])
    return Message(text=message.text, blocks=(note, *message.blocks)[:MAX_BLOCKS])
