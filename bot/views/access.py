"""What a refused ask is told: what it may not do, never whether the instance exists."""

from __future__ import annotations

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject

from bot.core.access import Action
from bot.i18n import Lang, t
from bot.views.kit import Message, md
from bot.views.limits import MAX_BLOCKS
from bot.views.replies import error_message

_NAME = 80


def _name(typed: str) -> str:
    # What the asker typed, and nothing DMS said: the refusal must not tell whether
    # the instance exists. Backticks are dropped so the name stays one code span.
    return md(typed.replace("`", ""), _NAME) or "?"


def refused_message(action: Action, typed: str, *, lang: Lang = "en") -> Message:
    text = t(lang, f"access.refused.{action}", name=_name(typed))
    return error_message(f"{text} {t(lang, 'access.ask')}", title=t(lang, "access.title"))


def groups_unavailable_message(*, lang: Lang = "en") -> Message:
    return error_message(t(lang, "access.groups_down"), title=t(lang, "access.title"))


def only_you(message: Message, *, lang: Lang = "en") -> Message:
    """An answer shown to its asker alone, saying why it was not posted for everyone."""
    note = ContextBlock(elements=[MarkdownTextObject(text=t(lang, "access.only_you"))])
    return Message(text=message.text, blocks=(note, *message.blocks)[:MAX_BLOCKS])
