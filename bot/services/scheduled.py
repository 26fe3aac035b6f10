"""Scheduled tasks: what DMS will change later, listed, rescheduled and cancelled.

The list is a query like any other (the ``query`` rule). A change is the bot's write to
the cloud: the guard checks ``change`` at the press, which only a rule naming it grants;
a press that arrives twice (two clicks, two replicas) makes one change, through a key
taken before DMS is asked and given back when nothing was changed; DMS is asked again
for the task first, so a plan changed since the list was shown is not acted on blind.
The change's DMS request id reaches the audit line through the one outcome path (the
conversation audits every press), and the channel is told who did what.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo
from typing import Any, Protocol

from bot.core.access import Subject
from bot.core.actions import BadActionValue, RescheduleForm, ScheduledRef
from bot.core.clock import utc_now
from bot.core.dms.errors import DmsError
from bot.core.dms.scheduled import ScheduledTask
from bot.core.dms.source import Dms
from bot.core.grammar.commands import ScheduledQuery
from bot.i18n import Lang, t
from bot.services.ask import Ask
from bot.services.guard import Guard, Refused
from bot.services.reply import Reply, error_reply
from bot.views.scheduled import (
    Window,
    changed_message,
    not_changed_text,
    past_error,
    reschedule_modal,
    scheduled_message,
)

log = logging.getLogger("kafka_tasks.scheduled")

# A new time this close to now would run before DMS is done being told of it.
_SOONEST = timedelta(minutes=1)


class ChangeKeys(Protocol):
    """Keys of changes under way or made, shared by the replicas (the store's
    ``handled_requests`` in a Slack run)."""

    async def first_sighting(self, key: str) -> bool: ...

    async def forget(self, key: str) -> None: ...


@dataclass
class MemoryKeys:
    """One process's keys: the shell, tests, a run without a store."""

    seen: set[str] = field(default_factory=set)

    async def first_sighting(self, key: str) -> bool:
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    async def forget(self, key: str) -> None:
        self.seen.discard(key)


def _ms(moment: datetime | None) -> str:
    return "-" if moment is None else str(int(moment.timestamp() * 1000))


def change_key(ref: ScheduledRef, to: datetime | None) -> str:
    """One change of one plan: the same press twice has the same key, a later change of
    the same task (its plan moved since) another; a cancel ends in ``-`` (no time)."""
    return f"change:{ref.instance_id}:{ref.task_id}:{_ms(ref.schedule_at)}:{_ms(to)}"


@dataclass(frozen=True)
class Submitted:
    """A Reschedule modal's submission as read: where its answer goes and the time
    meant, or what to say under the form's fields."""

    ref: ScheduledRef | None
    to: datetime | None = None
    errors: dict[str, str] | None = None


class ScheduledChanges:
    def __init__(
        self,
        dms: Dms,
        guard: Guard,
        keys: ChangeKeys | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._dms = dms
        self._guard = guard
        self._keys = keys or MemoryKeys()
        self._clock = clock

    async def answer(self, query: ScheduledQuery, ask: Ask, who: Subject | None) -> Reply:
        instance = await self._guard.permitted("query", who, query.instance)
        listing, window = await asyncio.gather(
            self._dms.list_scheduled(instance.instance_id), self._window(instance.instance_id)
        )
        message = scheduled_message(
            instance,
            listing,
            window,
            now=self._clock(),
            tz=ask.tz,
            lang=ask.lang,
            changeable=ask.in_slack,
        )
        return Reply(message, delivery="ephemeral", instance=instance.instance_id)

    async def _window(self, instance_id: str) -> Window:
        """The maintenance window; unknown (not an error) when ShowInstance fails."""
        try:
            detail = await self._dms.show_instance(instance_id)
        except DmsError as exc:
            log.info("no maintenance window for %s: %s", instance_id, exc)
            return Window()
        return Window(detail.maintain_begin, detail.maintain_end)

    def modal(self, value: str, channel: str, *, tz: tzinfo, lang: Lang) -> dict[str, Any] | None:
        """The Reschedule modal for a button's value (None: unreadable), the channel
        pressed in riding along for the answer. Nothing is asked of DMS: a trigger_id
        is good for 3 s, and the plan is checked again at submission."""
        try:
            ref = ScheduledRef.decode(value)
        except BadActionValue as exc:
            log.warning("unreadable Reschedule button: %s", exc)
            return None
        return reschedule_modal(ref.in_channel(channel), tz=tz, lang=lang)

    def read_form(self, metadata: str, values: Any, *, tz: tzinfo, lang: Lang) -> Submitted:
        """A modal's metadata and values, read through the codec; a time that has
        passed is said under its field, before the modal closes."""
        try:
            ref = ScheduledRef.decode(metadata)
            form = RescheduleForm.decode(values)
        except BadActionValue as exc:
            log.warning("unreadable reschedule form: %s", exc)
            return Submitted(None)
        if not ref.channel:
            # The rules are judged for the channel pressed in, and the change is told
            # there: without one, a change would be made that no channel hears of.
            log.warning("a reschedule form without the channel it was opened in")
            return Submitted(None)
        to = form.at(tz)
        if to < self._clock() + _SOONEST:
            return Submitted(ref, to, errors=past_error(lang))
        return Submitted(ref, to)

    async def change(self, ref: ScheduledRef, to: datetime | None, ask: Ask) -> Reply:
        """Reschedule ``ref``'s task to ``to``, or cancel it when None: for everyone in
        the channel when made, to the presser alone when refused or not made."""
        instance = await self._dms.resolve(ref.instance_id)
        decision = await self._guard.changing(ask.user, ask.channel, instance)
        if not decision.allowed:
            raise Refused("change", instance.name, decision.by)
        key = change_key(ref, to)
        if not await self._keys.first_sighting(key):
            log.info("change %s pressed again; made once", key)
            return _private(error_reply(t(ask.lang, "scheduled.twice"), ask.lang), ref)
        try:
            found = await self._current(ref)
            if found is None or not found.waiting or _ms(found.schedule_at) != _ms(ref.schedule_at):
                await self._keys.forget(key)
                text = not_changed_text(ref, found, lang=ask.lang)
                return _private(error_reply(text, ask.lang), ref)
            request_id = await self._dms.update_scheduled(
                ref.instance_id, ref.task_id, execute_at=to
            )
        except BaseException:
            # Not made (or not known to be): the same press may be tried again.
            await self._keys.forget(key)
            raise
        log.info(
            "%s %s of %s on %s (request id %s)",
            ask.user,
            "cancelled" if to is None else f"rescheduled to {to.isoformat()}",
            ref.task_id,
            ref.instance_id,
            request_id,
        )
        # Named as DMS has them, not as the button said: its names are the presser's to
        # forge, and the channel is told what was changed.
        shown = replace(ref, instance_name=instance.name, task_name=found.name or ref.task_name)
        message = changed_message(
            shown, ask.user, to=to, request_id=request_id, tz=ask.tz, lang=ask.lang
        )
        return Reply(message, delivery="channel", instance=ref.instance_id)

    async def _current(self, ref: ScheduledRef) -> ScheduledTask | None:
        listing = await self._dms.list_scheduled(ref.instance_id)
        return next((t for t in listing.tasks if t.id == ref.task_id), None)


def _private(reply: Reply, ref: ScheduledRef) -> Reply:
    return Reply(reply.message, ok=False, delivery="ephemeral", instance=ref.instance_id)
