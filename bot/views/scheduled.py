"""Scheduled tasks as Slack shows them: the list with Reschedule and Cancel on each
waiting task, the Reschedule modal, and what the channel is told of a change.

Times go out as Slack date tokens, so each viewer reads them in their own zone; the
maintenance window is DMS's ``HH:mm:ss``, which names no zone and is shown as UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    MarkdownTextObject,
)

from bot.core.actions import (
    CANCEL_SCHEDULED,
    RESCHEDULE,
    RESCHEDULE_DATE,
    RESCHEDULE_MODAL,
    RESCHEDULE_TIME,
    ScheduledRef,
)
from bot.core.dms.models import Instance
from bot.core.dms.scheduled import ScheduledList, ScheduledTask, in_window
from bot.core.grammar.window import zone_name
from bot.i18n import Lang, t, tn
from bot.views.format import duration_text, shown_name
from bot.views.kit import (
    Message,
    button,
    command,
    context,
    date_token,
    header,
    instance_label,
    md,
    message,
    one_line,
    person,
    plain_object,
    section,
)
from bot.views.limits import BUTTON_VALUE, MAX_BLOCKS, clip, escape

# Slack's limits on a confirmation dialog and a modal.
_CONFIRM_TITLE = 100
_CONFIRM_TEXT = 300
_CONFIRM_BUTTON = 30
_VIEW_TITLE = 24
_PRIVATE_METADATA = 3000
_NAME = 80
_USER = 80
# Each task takes three blocks (its line, a warning, its buttons): room for the header.
_MOST_SHOWN = (MAX_BLOCKS - 4) // 3
_WINDOW = 8  # "HH:mm:ss"


@dataclass(frozen=True)
class Window:
    """The instance's daily maintenance window as ShowInstance sent it; empty: unknown."""

    begin: str = ""
    end: str = ""

    def outside(self, at: datetime | None) -> bool:
        inside = in_window(at, self.begin, self.end) if at is not None else None
        return inside is False

    @property
    def known(self) -> bool:
        return in_window(datetime(2000, 1, 1, tzinfo=UTC), self.begin, self.end) is not None

    def shown(self, lang: Lang) -> str:
        if not self.known:
            return t(lang, "scheduled.window_unknown")
        return t(lang, "scheduled.window", begin=self._clock(self.begin), end=self._clock(self.end))

    def warning(self, lang: Lang) -> str:
        begin, end = self._clock(self.begin), self._clock(self.end)
        return t(lang, "scheduled.outside", begin=begin, end=end)

    @staticmethod
    def _clock(text: str) -> str:
        return md(text[:5], _WINDOW)


def scheduled_message(
    instance: Instance,
    listing: ScheduledList,
    window: Window,
    *,
    now: datetime,
    tz: tzinfo,
    lang: Lang = "en",
    changeable: bool = True,
) -> Message:
    """The waiting tasks, soonest first; ``changeable``: with their buttons (Slack)."""
    name = instance_label(instance.name, instance.instance_id, lang)
    waiting = listing.waiting
    blocks: list[Block] = [header(t(lang, "scheduled.title", instance=name))]
    if not waiting:
        blocks.append(section(t(lang, "scheduled.none", instance=md(name, _NAME))))
    for task in waiting[:_MOST_SHOWN]:
        blocks.append(section(_row(task, now=now, tz=tz, lang=lang)))
        if window.outside(task.schedule_at):
            blocks.append(context(window.warning(lang)))
        if changeable:
            blocks.append(ActionsBlock(elements=_buttons(instance, task, tz=tz, lang=lang)))
    notes = [window.shown(lang)]
    if len(waiting) > _MOST_SHOWN or listing.truncated:
        notes.append(t(lang, "scheduled.truncated", count=min(len(waiting), _MOST_SHOWN)))
    if waiting and not changeable:
        notes.append(t(lang, "scheduled.slack_only"))
    blocks.append(context(" ".join(notes)))
    text = tn(lang, "scheduled.text", len(waiting), instance=name)
    # The notification text is mrkdwn too: a name from DMS must not mention or link there.
    return message(escape(one_line(text)), blocks[:MAX_BLOCKS])


def _row(task: ScheduledTask, *, now: datetime, tz: tzinfo, lang: Lang) -> str:
    at = task.schedule_at
    if at is None:
        when, relative = t(lang, "scheduled.no_time"), "-"
    else:
        when = date_token(at, tz)
        ahead = at - now
        relative = (
            t(lang, "scheduled.in", duration=duration_text(ahead, lang))
            if ahead > timedelta(0)
            else t(lang, "scheduled.due")
        )
    return t(
        lang,
        "scheduled.row",
        task=md(shown_name(task.name, lang), _NAME),
        when=when,
        relative=relative,
        user=md(task.user_name or "-", _USER),
    )


def _ref(instance: Instance, task: ScheduledTask) -> ScheduledRef:
    return ScheduledRef(
        instance_id=instance.instance_id,
        task_id=task.id,
        schedule_at=task.schedule_at,
        instance_name=instance.name,
        task_name=task.name,
    )


def _buttons(
    instance: Instance, task: ScheduledTask, *, tz: tzinfo, lang: Lang
) -> list[ButtonElement]:
    value = _ref(instance, task).encode()
    if len(value) > BUTTON_VALUE:
        return []
    confirm = ConfirmObject(
        title=plain_object(t(lang, "scheduled.confirm_title"), _CONFIRM_TITLE),
        text=MarkdownTextObject(
            text=clip(
                t(
                    lang,
                    "scheduled.confirm_text",
                    task=md(shown_name(task.name, lang), _NAME),
                    instance=md(instance_label(instance.name, instance.instance_id, lang), _NAME),
                    when=_when(task.schedule_at, tz, lang),
                ),
                _CONFIRM_TEXT,
            )
        ),
        confirm=plain_object(t(lang, "scheduled.confirm_yes"), _CONFIRM_BUTTON),
        deny=plain_object(t(lang, "scheduled.confirm_no"), _CONFIRM_BUTTON),
        style="danger",
    )
    return [
        button(t(lang, "button.reschedule"), RESCHEDULE, value, lang=lang),
        button(
            t(lang, "button.cancel_scheduled"),
            CANCEL_SCHEDULED,
            value,
            "danger",
            lang=lang,
            confirm=confirm,
        ),
    ]


def _when(at: datetime | None, tz: tzinfo, lang: Lang) -> str:
    """A time in plain words (a confirmation dialog shows no date tokens)."""
    if at is None:
        return t(lang, "scheduled.no_time")
    return f"{at.astimezone(tz):%Y-%m-%d %H:%M} {zone_name(tz)}"


# --- the Reschedule modal ---------------------------------------------------------------


def reschedule_modal(ref: ScheduledRef, *, tz: tzinfo, lang: Lang = "en") -> dict[str, Any]:
    """The modal a Reschedule press opens: the date and time in the presser's zone,
    set to the plan as it stands. ``ref`` (with the channel pressed in) rides along as
    the view's metadata, read back through the codec on submission."""
    current = ref.schedule_at.astimezone(tz) if ref.schedule_at is not None else None
    intro = t(
        lang,
        "scheduled.modal_intro",
        task=md(shown_name(ref.task_name, lang), _NAME),
        instance=md(ref.instance_name or ref.instance_id, _NAME),
        when=_when(ref.schedule_at, tz, lang),
        zone=md(zone_name(tz), _NAME),
    )
    date: dict[str, Any] = {"type": "datepicker", "action_id": RESCHEDULE_DATE}
    clock: dict[str, Any] = {"type": "timepicker", "action_id": RESCHEDULE_TIME}
    if current is not None:
        date["initial_date"] = f"{current:%Y-%m-%d}"
        clock["initial_time"] = f"{current:%H:%M}"
    return {
        "type": "modal",
        "callback_id": RESCHEDULE_MODAL,
        "title": _plain(t(lang, "scheduled.modal_title"), _VIEW_TITLE),
        "submit": _plain(t(lang, "scheduled.modal_submit"), _VIEW_TITLE),
        "close": _plain(t(lang, "scheduled.modal_close"), _VIEW_TITLE),
        "private_metadata": ref.encode()[:_PRIVATE_METADATA],
        "blocks": [
            section(intro).to_dict(),
            _input(RESCHEDULE_DATE, t(lang, "scheduled.modal_date"), date),
            _input(RESCHEDULE_TIME, t(lang, "scheduled.modal_time"), clock),
        ],
    }


def _plain(text: str, limit: int) -> dict[str, Any]:
    return plain_object(text, limit).to_dict()


def _input(block_id: str, label: str, element: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label, 2000),
        "element": element,
    }


def past_error(lang: Lang) -> dict[str, str]:
    """The modal's answer to a time that has passed: said under the time field."""
    return {RESCHEDULE_TIME: t(lang, "scheduled.past")}


# --- what the channel and the presser are told -------------------------------------------


def changed_message(
    ref: ScheduledRef,
    user: str,
    *,
    to: datetime | None,
    request_id: str | None,
    tz: tzinfo,
    lang: Lang = "en",
) -> Message:
    """A change made: who did what (``to`` None: cancelled), for everyone in the channel."""
    task = md(shown_name(ref.task_name, lang), _NAME)
    name = md(ref.instance_name or ref.instance_id, _NAME)
    who = person(user, t(lang, "watch.someone"))
    before = date_token(ref.schedule_at, tz) if ref.schedule_at else t(lang, "scheduled.no_time")
    if to is None:
        said = t(lang, "scheduled.cancelled", user=who, task=task, instance=name, when=before)
    else:
        after = date_token(to, tz)
        said = t(
            lang,
            "scheduled.rescheduled",
            user=who,
            task=task,
            instance=name,
            before=before,
            after=after,
        )
    blocks: list[Block] = [section(said)]
    if request_id:
        blocks.append(context(t(lang, "scheduled.request_id", id=md(request_id, _NAME))))
    text = t(
        lang,
        "scheduled.changed.text",
        task=shown_name(ref.task_name, lang),
        instance=ref.instance_name or ref.instance_id,
        user=user,
    )
    return message(escape(one_line(text)), blocks)


def not_changed_text(ref: ScheduledRef, found: ScheduledTask | None, *, lang: Lang = "en") -> str:
    """Why a change was not made: the task gone, no longer waiting, or moved since."""
    task = md(shown_name(ref.task_name, lang), _NAME)
    name = md(ref.instance_name or ref.instance_id, _NAME)
    if found is None:
        return t(lang, "scheduled.missing", instance=name)
    if not found.waiting:
        return t(lang, "scheduled.gone", task=task, instance=name, status=md(found.status, _NAME))
    again = command(md(ref.instance_name or ref.instance_id, _NAME), "scheduled")
    return t(lang, "scheduled.moved", task=task, instance=name, command=again)
