"""The Block Kit helpers every view builds with: one set, so that a section, a button or
a line of outside text is made the same way in answers, notifications and the Home tab.

Every text that comes from outside (DMS, users) goes through ``md`` (mrkdwn) or
``plain`` (plain_text): escaped where Slack parses it, on one line, and clipped to fit
where it goes, since Slack rejects a whole message for one block over a limit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.core.dms.models import Task, TaskStatus
from bot.core.grammar.window import zone_name
from bot.i18n import Lang, t
from bot.views import readable
from bot.views.format import local_time
from bot.views.limits import (
    BUTTON_TEXT,
    CONTEXT_ELEMENTS,
    HEADER_TEXT,
    MAX_BLOCKS,
    MESSAGE_TEXT,
    SECTION_TEXT,
    TEXT_OBJECT,
    clip,
    escape,
)
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

# The command people type, as the views quote it back to them.
COMMAND = "/kafka-tasks"

DATE_TIME = "{date_short_pretty} {time}"
# A single task's times to the second: they are compared with logs.
DATE_TIME_SECS = "{date_short_pretty} {time_secs}"
FENCE = "```"


@dataclass(frozen=True)
class Message:
    """A reply: ``text`` is the notification and screen-reader fallback."""

    text: str
    blocks: tuple[Block, ...]

    def block_dicts(self) -> list[dict[str, Any]]:
        # to_dict() runs slack_sdk's own validation, so a bad block fails here, not in Slack.
        return [block.to_dict() for block in self.blocks]


# --- outside text ------------------------------------------------------------------------

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


def code(text: str, limit: int) -> str:
    """Outside text as inline code, so ``*`` and ``_`` in a glob are not read as bold or
    italic. mrkdwn has no escape for a backtick inside code; a look-alike keeps it whole."""
    return f"`{md(text.replace('`', 'ˋ'), limit) or ' '}`"


def date_token(moment: datetime, tz: tzinfo, fmt: str = DATE_TIME) -> str:
    """A time Slack shows in each viewer's own zone; the fallback names the zone it is in."""
    fallback = escape(f"{local_time(moment, tz)} {zone_name(tz)}").replace("|", "/")
    return f"<!date^{math.floor(moment.timestamp())}^{fmt}|{fallback}>"


def instance_label(name: str, instance_id: str, lang: Lang = "en") -> str:
    """An instance as a line names it: its name, else its id."""
    return one_line(name) or one_line(instance_id) or t(lang, "unnamed_instance")


def person(user: str, fallback: str) -> str:
    """Who acted, linked when ``user`` is a Slack user id (so the channel knows whom to
    ask); anything else (the shell's empty user, a test value) is shown as text."""
    if readable.USER_ID.fullmatch(user):
        return f"<@{user}>"
    return md(user, readable.USER) or fallback


def task_emoji(task: Task) -> str:
    return STATUS_EMOJI.get(task.status, UNKNOWN_STATUS_EMOJI)


def times(name: str, count: int, lang: Lang) -> str:
    """A name and how often it occurs, the count only when more than once."""
    return t(lang, "times", name=name, count=count) if count > 1 else name


# --- commands quoted back -------------------------------------------------------------------


def command(*words: str) -> str:
    """A command the reader can copy; ``words`` are already escaped."""
    return f"`{COMMAND} {' '.join(words)}`"


def target(name: str, instance_id: str) -> str:
    """How to name the instance in a command: the name when it can be typed, else the id
    (which the grammar accepts too)."""
    for candidate in (name, instance_id):
        if readable.TYPABLE.fullmatch(candidate):
            return md(candidate, readable.NAME)
    return escape("<instance>")


# --- blocks ------------------------------------------------------------------------------------


def mrkdwn(text: str) -> MarkdownTextObject:
    # verbatim: Slack links nothing it finds by itself (bare domains, channel names);
    # our own <!date^…> and <@U…> tokens are still read.
    return MarkdownTextObject(text=text, verbatim=True)


def section(text: str, accessory: ButtonElement | None = None) -> SectionBlock:
    return SectionBlock(text=mrkdwn(clip(text, SECTION_TEXT)), accessory=accessory)


def context(*texts: str) -> ContextBlock:
    return ContextBlock(
        elements=[mrkdwn(clip(text, TEXT_OBJECT)) for text in texts[:CONTEXT_ELEMENTS]]
    )


def plain_object(text: str, limit: int, fallback: str = "…") -> PlainTextObject:
    return PlainTextObject(text=plain(text, limit, fallback), emoji=True)


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=plain_object(text, HEADER_TEXT, "kafka-tasks"))


def button(
    label: str,
    action_id: str,
    value: str,
    style: str | None = None,
    *,
    lang: Lang = "en",
    confirm: ConfirmObject | None = None,
) -> ButtonElement:
    return ButtonElement(
        text=plain_object(label, BUTTON_TEXT, t(lang, "button.fallback")),
        action_id=action_id,
        value=value,
        style=style,
        confirm=confirm,
    )


def message(text: str, blocks: Iterable[Block]) -> Message:
    return Message(text=clip(text, MESSAGE_TEXT), blocks=tuple(blocks)[:MAX_BLOCKS])


def pack_lines(lines: Iterable[str], room: int | None = None) -> tuple[list[str], int]:
    """Lines packed into as few section texts as fit, at most ``room`` of them; also how
    many lines made it in."""
    sections: list[str] = []
    packed = 0
    for line in lines:
        if sections and len(sections[-1]) + 1 + len(line) <= SECTION_TEXT:
            sections[-1] += "\n" + line
        elif room is None or len(sections) < room:
            sections.append(line)
        else:
            break
        packed += 1
    return sections, packed
