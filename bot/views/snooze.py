"""Snoozing from a notification: its menu, what the channel is told, and Undo.

A snooze is pressed in a busy channel by one person for everyone there, so the channel
is told who did it and until when, with the Undo beside it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, tzinfo

from slack_sdk.models.blocks import ActionsBlock, Block, Option, StaticSelectElement

from bot.core.actions import SNOOZE, UNSNOOZE, SnoozeRef
from bot.core.quiet import SNOOZE_CHOICES, QuietHours
from bot.i18n import Lang, t
from bot.views.kit import (
    Message,
    button,
    context,
    date_token,
    instance_label,
    md,
    message,
    one_line,
    person,
    plain_object,
    section,
)
from bot.views.limits import MAX_BLOCKS, escape
from bot.views.readable import NAME, ZONE

# Slack's limit on an option's value; the instance name rides along only while it fits.
OPTION_VALUE = 150
_OPTION_TEXT = 75


def _value(ref: SnoozeRef) -> str | None:
    """The option's value: without the name when it does not fit, None when even the id
    alone does not (DMS ids are admitted up to 128 characters)."""
    for value in (ref.encode(), replace(ref, instance_name="").encode()):
        if len(value) <= OPTION_VALUE:
            return value
    return None


def snooze_menu(instance_id: str, instance_name: str, *, lang: Lang = "en") -> ActionsBlock | None:
    """The menu a notification carries: how long to hold this channel's notifications
    about the instance. The end is worked out when it is pressed, in the presser's zone.
    None when the instance's id does not fit in an option: Slack would refuse the whole
    notification for it."""
    values = [_value(SnoozeRef(instance_id, instance_name, choice)) for choice in SNOOZE_CHOICES]
    options = [
        Option(value=value, text=plain_object(t(lang, f"snooze.{choice}"), _OPTION_TEXT))
        for value, choice in zip(values, SNOOZE_CHOICES, strict=True)
        if value is not None
    ]
    if len(options) < len(values):
        return None
    menu = StaticSelectElement(
        action_id=SNOOZE,
        placeholder=plain_object(t(lang, "snooze.placeholder"), _OPTION_TEXT),
        options=options,
    )
    return ActionsBlock(elements=[menu])


def with_snooze(
    shown: Message,
    instance_id: str,
    instance_name: str,
    *,
    held_until: datetime | None = None,
    tz: tzinfo | None = None,
    lang: Lang = "en",
) -> Message:
    """A notification with its snooze menu under it (and, for what was held, until
    when); left as it is where Slack's block limit leaves no room."""
    blocks: list[Block] = list(shown.blocks)
    if held_until is not None and tz is not None and len(blocks) < MAX_BLOCKS:
        blocks.append(context(t(lang, "snooze.held", until=date_token(held_until, tz))))
    menu = snooze_menu(instance_id, instance_name, lang=lang)
    if menu is not None and len(blocks) < MAX_BLOCKS:
        blocks.append(menu)
    return replace(shown, blocks=tuple(blocks))


def _person(user: str, lang: Lang) -> str:
    # The one who pressed is named (and linked): the channel should know whom to ask.
    return person(user, t(lang, "watch.someone"))


def snoozed_message(
    by_user: str, snooze: SnoozeRef, until: datetime, *, tz: tzinfo, lang: Lang = "en"
) -> Message:
    """For the channel: who snoozed which instance until when, and Undo (which carries
    what was chosen)."""
    name = instance_label(snooze.instance_name, snooze.instance_id, lang)
    when = date_token(until, tz)
    value = replace(snooze, instance_name=snooze.instance_name[:100]).encode()
    undo = button(t(lang, "snooze.undo"), UNSNOOZE, value, lang=lang)
    head = t(lang, "snooze.done", user=_person(by_user, lang), name=md(name, NAME), until=when)
    text = t(lang, "snooze.done_text", name=name, until=f"{until.astimezone(tz):%Y-%m-%d %H:%M}")
    return message(escape(one_line(text)), [section(head, undo)])


def snooze_lifted_message(
    by_user: str, instance_id: str, instance_name: str, *, lang: Lang = "en"
) -> Message:
    """The snooze message once Undo was pressed: who ended it."""
    name = instance_label(instance_name, instance_id, lang)
    head = t(lang, "snooze.lifted", user=_person(by_user, lang), name=md(name, NAME))
    return message(escape(t(lang, "snooze.lifted_text", name=name)), [section(head)])


def not_snoozed_message(instance_id: str, instance_name: str, *, lang: Lang = "en") -> Message:
    """Undo of a snooze that is over or was ended already."""
    name = instance_label(instance_name, instance_id, lang)
    head = t(lang, "snooze.not_snoozed", name=md(name, NAME))
    return message(escape(t(lang, "snooze.not_snoozed_text", name=name)), [section(head)])


def quiet_note(quiet: QuietHours, *, lang: Lang = "en") -> str:
    """Quiet hours as a subscription's confirmation says them."""
    key = "quiet.note_all" if quiet.everything else "quiet.note"
    return t(lang, key, range=quiet.range_text, zone=md(quiet.zone, ZONE))
