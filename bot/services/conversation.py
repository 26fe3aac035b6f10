"""Turns what a user typed or pressed into the message to show them.

The same for Slack and the local shell: handlers and the shell only deliver what this
returns. This module only dispatches: the access rules are the guard's
(``bot.services.guard``), the answers ``bot.services.answers``' and
``bot.services.subscriptions``', and every failure becomes a message that says what to
do through the one error table (``bot.services.outcome``); nothing escapes as an
exception, and no stack trace reaches a user.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from bot.adapters.audit import AuditKind, AuditLog
from bot.core import actions
from bot.core.access import Gatekeeper, GroupsUnavailable, Subject
from bot.core.actions import (
    BadActionValue,
    QueryState,
    ScheduledRef,
    SnoozeRef,
    SubscribeRef,
    TaskRef,
)
from bot.core.clock import utc_now
from bot.core.dms.errors import UnknownInstance
from bot.core.dms.models import Instance
from bot.core.dms.source import Dms
from bot.core.grammar.commands import (
    Help,
    ListInstances,
    ListSubscriptions,
    ScheduledQuery,
    Subscribe,
    TaskLookup,
    TasksQuery,
    TimelineQuery,
    Unsubscribe,
    parse_command,
)
from bot.core.grammar.errors import CommandError
from bot.i18n import Lang, Said, t
from bot.services.answers import Answers, state_of
from bot.services.ask import Ask
from bot.services.guard import Guard, Refused
from bot.services.outcome import Act, Auditor
from bot.services.queries import error_to_report
from bot.services.reply import Reply, error_reply, guarded
from bot.services.scheduled import ScheduledChanges, Submitted
from bot.services.slow import SlowTasks
from bot.services.subscriptions import PeopleNames, Subscriptions
from bot.services.timeline import ContextFor, Timelines
from bot.views.access import groups_unavailable_message, only_you
from bot.views.errors import describe_error
from bot.views.kit import Message
from bot.views.replies import help_message, looking_up_message

if TYPE_CHECKING:
    # Annotations only: a shell without subscriptions never loads the database driver.
    from bot.adapters.store.store import Store

log = logging.getLogger("kafka_tasks.conversation")


class Conversation:
    """``subscriptions`` None (the shell, the CLI): subscription commands are refused
    with where to use them."""

    def __init__(
        self,
        answers: Answers,
        guard: Guard,
        *,
        subscriptions: Subscriptions | None = None,
        auditor: Auditor | None = None,
        clock: Callable[[], datetime] = utc_now,
        note: str | Said | None = None,
        timelines: Timelines | None = None,
        scheduled: ScheduledChanges | None = None,
    ) -> None:
        self._answers = answers
        self._guard = guard
        self._timelines = timelines or Timelines(answers.dms, guard, clock=clock)
        self.scheduled = scheduled or ScheduledChanges(answers.dms, guard, clock=clock)
        self._subscriptions = subscriptions
        self._auditor = auditor or Auditor()
        self._clock = clock
        self.note = note

    @classmethod
    def of(
        cls,
        dms: Dms,
        *,
        store: Store | None = None,
        clock: Callable[[], datetime] = utc_now,
        note: str | Said | None = None,
        page_size: int = 10,
        gate: Gatekeeper | None = None,
        audit: AuditLog | None = None,
        people: PeopleNames | None = None,
        contexts: ContextFor | None = None,
        progress: bool = False,
    ) -> Conversation:
        """A conversation with parts of its own (the shell, tests); the Slack wiring
        builds the parts once and shares them with the Home tab and the watcher."""
        guard = Guard(dms, gate)
        return cls(
            Answers(
                dms,
                guard,
                clock=clock,
                page_size=page_size,
                progress=progress,
                slow=SlowTasks(store, clock=clock) if store else None,
            ),
            guard,
            subscriptions=(
                Subscriptions(store, dms, guard, clock=clock, people=people) if store else None
            ),
            auditor=Auditor(audit),
            clock=clock,
            note=note,
            timelines=Timelines(dms, guard, contexts, clock=clock),
        )

    def looking_up(self, text: str, *, lang: Lang = "en") -> Message:
        words = " ".join(text.split())[:80]
        return looking_up_message(words, lang=lang)

    async def answer(self, text: str, ask: Ask) -> Reply:
        """The reply to a typed command (slash text, mention, DM or shell line)."""
        kind: AuditKind = ask.via if ask.via != "cli" else "shell"
        return await self._audited(kind, ask, text, lambda who: self._answer(text, ask, who))

    async def press(self, action_id: str, value: str, ask: Ask) -> Reply:
        """The reply to a button press; ``value`` is what the button carried."""
        return await self._audited(
            "button", ask, action_id, lambda who: self._press(action_id, value, ask, who)
        )

    async def reschedule(self, submitted: Submitted, ask: Ask) -> Reply:
        """The reply to a Reschedule modal submitted (read by ``scheduled.read_form``)."""

        async def run(who: Subject | None) -> Reply:
            ref, to = submitted.ref, submitted.to
            if ref is None or to is None:
                return error_reply(t(ask.lang, "error.unreadable_button"), ask.lang)
            return await guarded(lambda: self.scheduled.change(ref, to, ask), ask.lang)

        return await self._audited("button", ask, actions.RESCHEDULE_MODAL, run)

    async def summary(self, state_value: str, *, lang: Lang = "en") -> Message:
        """The answer for a stored query state, fetched fresh (to edit a parent message)."""
        return await self._answers.summary(state_value, lang=lang)

    async def _audited(
        self,
        kind: AuditKind,
        ask: Ask,
        what: str,
        run: Callable[[Subject | None], Awaitable[Reply]],
    ) -> Reply:
        async def work() -> Reply:
            try:
                who = await self._guard.subject(ask.user, ask.channel) if ask.in_slack else None
            except GroupsUnavailable:
                reply = error_reply("", ask.lang)
                return replace(reply, message=groups_unavailable_message(lang=ask.lang))
            return await run(who)

        act = Act(
            kind, ask.user if ask.in_slack else None, ask.channel if ask.in_slack else None, what
        )
        return await self._auditor.audited(act, work, Reply.outcome)

    async def _answer(self, text: str, ask: Ask, who: Subject | None) -> Reply:
        lang = ask.lang
        try:
            command = parse_command(text, now=self._clock(), tz=ask.tz)
        except CommandError as exc:
            error = exc
            return await guarded(lambda: self._unreadable(error, text, ask, who), lang)
        if isinstance(command, Help):
            return Reply(help_message(self.note, lang=lang))
        if isinstance(command, Subscribe | Unsubscribe | ListSubscriptions):
            subscriptions = self._subscriptions
            if subscriptions is None or not ask.in_slack:
                return error_reply(t(lang, "error.subscriptions_from_slack"), lang)
            return await guarded(lambda: subscriptions.answer(command, ask, who), lang)
        # A query that fails upstream can be retried as typed (a name, not yet an id).
        retry = state_of(command.instance, command) if isinstance(command, TasksQuery) else None
        if ask.public:
            # Posted for the channel: no Share button on what is shared already.
            ask = replace(ask, shareable=False)
        reply = await guarded(lambda: self._typed(text, command, ask, who), lang, retry=retry)
        shown = not ask.public or not reply.ok or await self._guard.may_share(who, reply.instance)
        if not shown:
            # Still answered, to the asker alone: they may look, not show.
            return replace(reply, message=only_you(reply.message, lang=lang), delivery="ephemeral")
        return reply

    async def _press(self, action_id: str, value: str, ask: Ask, who: Subject | None) -> Reply:
        lang, answers = ask.lang, self._answers
        try:
            if action_id in (actions.REFRESH, actions.RETRY):
                state = QueryState.decode(value)
                reply = await guarded(lambda: answers.refresh(state, ask, who), lang, retry=state)
                return replace(reply, delivery="replace")
            if action_id in (actions.PAGE_NEXT, actions.PAGE_PREV):
                state = QueryState.decode(value)
                return await guarded(lambda: answers.page(state, ask, who), lang, retry=state)
            if action_id == actions.DETAILS:
                ref = TaskRef.decode(value)
                reply = await guarded(lambda: answers.details(ref, ask, who), lang)
                # In the thread everyone reads: only where the answer may be shared.
                in_thread = reply.ok and await self._guard.may_share(who, reply.instance)
                return replace(reply, delivery="thread" if in_thread else "ephemeral")
            if action_id == actions.SHARE:
                state = QueryState.decode(value)
                shared = replace(ask, shareable=False)
                reply = await guarded(
                    lambda: answers.page(state, shared, who, sharing=True), lang, retry=state
                )
                return replace(reply, delivery="channel" if reply.ok else "ephemeral")
            if action_id == actions.PICK_INSTANCE:
                reply = await self._answer(value, replace(ask, public=False), who)
                return replace(reply, delivery="replace")
            if action_id == actions.SUBSCRIBE:
                return await self._subscribe(SubscribeRef.decode(value), ask, who)
            if action_id in (actions.SNOOZE, actions.UNSNOOZE):
                snooze = SnoozeRef.decode(value)
                return await self._snooze(action_id, snooze, ask, who)
            if action_id == actions.CANCEL_SCHEDULED:
                plan = ScheduledRef.decode(value)
                return await guarded(lambda: self.scheduled.change(plan, None, ask), lang)
            if action_id in (actions.TIMELINE, actions.TIMELINE_REFRESH, actions.EXPORT):
                return await self._timeline_press(action_id, QueryState.decode(value), ask, who)
        except BadActionValue as exc:
            log.warning("unreadable button value for %s: %s", action_id, exc)
            return error_reply(t(lang, "error.unreadable_button"), lang)
        return error_reply(t(lang, "error.unknown_button", action=repr(action_id)), lang)

    async def _subscribe(self, offer: SubscribeRef, ask: Ask, who: Subject | None) -> Reply:
        scope: Literal["failed", "all"] = "all" if offer.scope == "all" else "failed"
        command = Subscribe(instance=offer.instance_id, scope=scope, name_glob=None)
        subscriptions = self._subscriptions
        if subscriptions is None or not ask.in_slack:
            return error_reply(t(ask.lang, "error.subscribe_in_slack"), ask.lang)
        reply = await guarded(lambda: subscriptions.answer(command, ask, who), ask.lang)
        return replace(reply, delivery="ephemeral")

    async def _snooze(self, action_id: str, ref: SnoozeRef, ask: Ask, who: Subject | None) -> Reply:
        subscriptions = self._subscriptions
        if subscriptions is None or not ask.in_slack:
            return error_reply(t(ask.lang, "error.subscribe_in_slack"), ask.lang)
        if action_id == actions.UNSNOOZE:
            return await guarded(lambda: subscriptions.unsnooze(ref, ask, who), ask.lang)
        return await guarded(lambda: subscriptions.snooze(ref, ask, who), ask.lang)

    async def _timeline_press(
        self, action_id: str, state: QueryState, ask: Ask, who: Subject | None
    ) -> Reply:
        """What happened (into the answer's thread, like Details), its Refresh (in
        place), and Export (files into the thread, where the answer may be shared)."""
        timelines, lang = self._timelines, ask.lang
        if action_id == actions.TIMELINE_REFRESH:
            return await guarded(lambda: timelines.pressed(state, ask, who), lang)
        if action_id == actions.TIMELINE:
            reply = await guarded(lambda: timelines.pressed(state, ask, who), lang)
        else:
            reply = await guarded(lambda: timelines.export(state, ask, who), lang)
        in_thread = reply.ok and await self._guard.may_share(who, reply.instance)
        if in_thread:
            return replace(reply, delivery="thread")
        if reply.files:
            text = t(lang, "timeline.export.not_here", instance=state.instance)
            return replace(error_reply(text, lang), instance=reply.instance)
        return replace(reply, delivery="ephemeral")

    async def _unreadable(
        self, error: CommandError, text: str, ask: Ask, who: Subject | None
    ) -> Reply:
        said = await self._to_report(error, text, who)
        return error_reply(describe_error(said, ask.lang), ask.lang)

    async def _typed(
        self,
        text: str,
        command: TasksQuery | TaskLookup | TimelineQuery | ScheduledQuery | ListInstances,
        ask: Ask,
        who: Subject | None,
    ) -> Reply:
        """The answer to a typed command; an instance it names that is not there is
        said with the command or button its first word most likely was."""
        try:
            if isinstance(command, TimelineQuery):
                return await self._timelines.answer(command, ask, who)
            if isinstance(command, ScheduledQuery):
                return await self.scheduled.answer(command, ask, who)
            return await self._answers.run(command, ask, who)
        except UnknownInstance as exc:
            # "detials": no instance, and most likely the Details button.
            said = await self._to_report(exc, text, who)
            if said is exc:
                raise
            raise said from exc

    async def _to_report(
        self, error: CommandError | UnknownInstance, text: str, who: Subject | None
    ) -> CommandError | UnknownInstance:
        """``error_to_report``, with the first word looked up as this asker may."""

        async def resolve(word: str) -> Instance | None:
            try:
                return await self._guard.permitted("query", who, word)
            except Refused:
                # The rules refuse the word whatever it names: the grammar's error stands.
                return None

        return await error_to_report(error, text, resolve)
