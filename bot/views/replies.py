"""Short replies: a project's instances, help, what went wrong, and "looking up…"."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import ActionsBlock, Block

from bot.core.actions import PICK_INSTANCE, RETRY, QueryState
from bot.core.dms.models import Instance
from bot.core.dms.place import Where, place_text
from bot.core.grammar.help import usage
from bot.i18n import Lang, Said, t, tn
from bot.i18n.labels import instance_status_label
from bot.views.kit import (
    FENCE,
    Message,
    button,
    context,
    header,
    instance_label,
    md,
    message,
    one_line,
    pack_lines,
    section,
)
from bot.views.limits import BUTTON_VALUE, MAX_BLOCKS, escape
from bot.views.readable import ID, LABEL, NAME, WHERE

# Candidates offered as buttons; one section each, so the rest of the message still fits.
MAX_CHOICES = 40


def instances_message(instances: Sequence[Instance], where: Where, *, lang: Lang = "en") -> Message:
    """The Kafka instances a project has, by name and id."""
    place = one_line(place_text(where, lang)) or t(lang, "instances.this_project")
    blocks: list[Block] = [header(t(lang, "instances.header", place=place))]
    if not instances:
        blocks.append(section(t(lang, "instances.none", place=md(place, WHERE))))
        return message(escape(t(lang, "instances.none", place=place)), blocks)
    lines = []
    for item in instances:
        status = instance_status_label(item.status, lang) if lang != "en" else item.status
        details = [
            md(v, 80) for v in (status, item.engine_version, item.specification) if v.strip()
        ]
        label = instance_label(item.name, item.instance_id, lang)
        line = f"• *{md(label, NAME)}* `{md(item.instance_id, ID)}`"
        lines.append(" · ".join([line, *details]))
    # Lines packed into as few sections as fit; leave room for the header and the tail.
    sections, shown = pack_lines(lines, room=MAX_BLOCKS - 3)
    blocks.extend(section(text) for text in sections)
    tail = t(lang, "instances.ask", example=f"{escape('<instance>')} last 1h")
    if shown < len(instances):
        tail = t(lang, "instances.more", count=len(instances) - shown, tail=tail)
    blocks.append(context(tail))
    return message(escape(tn(lang, "instances.text", len(instances), place=place)), blocks)


def help_message(note: str | Said | None = None, *, lang: Lang = "en") -> Message:
    blocks: list[Block] = [
        section(t(lang, "help.intro")),
        section(f"{FENCE}\n{escape(usage(lang).rstrip())}\n{FENCE}"),
    ]
    said = escape((note.text(lang) if isinstance(note, Said) else note) or "")
    if said.strip():
        blocks.append(context(said))
    return message(t(lang, "help.text"), blocks)


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
    blocks: list[Block] = [section(f":warning: {said}")]
    # One section per candidate, its button as the accessory: Slack rejects an actions
    # block whose buttons share an action_id, and every pick button shares PICK_INSTANCE.
    usable = [(n, v) for n, v in choices if v.strip()]
    for name, value in usable[:MAX_CHOICES]:
        label = one_line(name) or one_line(value)
        shown = f"*{md(label, NAME)}* · `{md(value, 300)}`"
        # A value too long for a button would arrive cut: list the choice without one.
        fits = len(value) <= BUTTON_VALUE
        pick = button(label, PICK_INSTANCE, value, lang=lang) if fits else None
        blocks.append(section(shown, pick))
    if len(usable) > MAX_CHOICES:
        more = len(usable) - MAX_CHOICES
        blocks.append(context(t(lang, "error.more_choices", count=more)))
    if retry is not None:
        value = retry.encode()
        if len(value) <= BUTTON_VALUE:
            retry_button = button(t(lang, "button.retry"), RETRY, value, "primary", lang=lang)
            blocks.append(ActionsBlock(elements=[retry_button]))
    heading = escape(one_line(t(lang, "error.title") if title is None else title))
    return message(t(lang, "error.text", title=heading, said=said), blocks)


def looking_up_message(what: str, *, lang: Lang = "en") -> Message:
    """The placeholder shown while DMS is asked, replaced by the answer."""
    shown = md(what, LABEL) or t(lang, "looking_up.your_tasks")
    text = t(lang, "looking_up", what=shown)
    return message(text, [section(text)])
