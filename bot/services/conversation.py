"""Turns what a user typed or pressed into the message to show them.

The same for Slack and the local shell: handlers and the shell only deliver what this
returns. Every failure becomes a message that says what to do (the errors table in
design.md); nothing escapes as an exception, and no stack trace reaches a user.
"""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from functools import partial
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.adapters.audit import AuditEvent, AuditKind, AuditLog
from bot.adapters.dms.trace import collecting_request_ids
from bot.adapters.store.store import Store
from bot.core import actions
from bot.core.access import Action, Gatekeeper, GroupsUnavailable, Policy, Subject, Target
from bot.core.actions import BadActionValue, QueryState, SubscribeRef, TaskRef
from bot.core.clock import utc_now
from bot.core.dms.errors import (
    AmbiguousInstance,
    DmsError,
    DmsProtocolError,
    DmsThrottled,
    DmsUnavailable,
    ResolveError,
    UnknownInstance,
)
from bot.core.dms.models import Instance
from bot.core.dms.source import Dms
from bot.core.grammar.commands import (
    Help,
    ListInstances,
    ListSubscriptions,
    Subscribe,
    TaskLookup,
    TasksQuery,
    Unsubscribe,
    parse_command,
)
from bot.core.grammar.errors import CommandError, WindowError
from bot.core.grammar.window import TimeWindow
from bot.core.grammar.window_parse import parse_window
from bot.core.records import Subscription, ThreadQuery
from bot.i18n import Lang, Said, t
from bot.services.queries import answer_task, answer_tasks, error_to_report, existing_instance
from bot.views.access import groups_unavailable_message, only_you, refused_message
from bot.views.details import task_details_message
from bot.views.errors import describe_error
from bot.views.kit import Message
from bot.views.replies import error_message, help_message, instances_message, looking_up_message
from bot.views.subscriptions import (
    subscribed_message,
    subscriptions_message,
    unsubscribed_message,
)
from bot.views.tasks import tasks_message

log = logging.getLogger("kafka_tasks.conversation")

# How a reply to a button press is delivered: in place of the message pressed, in its
# thread, as a new message everyone in the channel sees, or only to the presser.
Delivery = Literal["replace", "thread", "channel", "ephemeral"]


@dataclass(frozen=True)
class Follow:
    """Tasks in progress in an answer: followed once the answer is visible to others."""

    instance_id: str
    instance_name: str
    state: QueryState
    task_ids: frozenset[str]
    lang: Lang = "en"
    # Who asked: each reply in the thread is posted only while the rules still let
    # them look at the instance and show it there.
    user: str = ""


@dataclass(frozen=True)
class Asker:
    """Who asks, and where: subscriptions belong to a channel and record their maker.

    ``via``: how the ask arrived, for the audit log and the metrics.
    """

    user: str
    channel: str
    via: Literal["slash", "mention", "dm"] = "slash"


@dataclass(frozen=True)
class Reply:
    message: Message
    ok: bool = True
    delivery: Delivery = "replace"
    follow: Follow | None = None
    # For the audit log: refused by the access rules, and the instance the reply is about.
    refused: bool = False
    instance: str | None = None
    # Which rule refused (the audit log's; never shown to the asker).
    why: str | None = None


# User ids -> the Slack names of those Slack knows (UserProfiles.names in Slack).
PeopleNames = Callable[[Iterable[str]], Awaitable[Mapping[str, str]]]


class Refused(Exception):
    """The access rules do not let the asker do this; ``typed`` is what they named."""

    def __init__(self, action: Action, typed: str, by: str) -> None:
        self.action = action
        self.typed = typed
        self.by = by
        super().__init__(f"{action} {typed!r} refused by {by}")


class Conversation:
    def __init__(
        self,
        dms: Dms,
        *,
        store: Store | None = None,
        clock: Callable[[], datetime] = utc_now,
        note: str | Said | None = None,
        page_size: int = 10,
        follow_for: timedelta = timedelta(hours=6),
        gate: Gatekeeper | None = None,
        audit: AuditLog | None = None,
        people: PeopleNames | None = None,
    ) -> None:
        self.dms = dms
        # Slack names of users, to name people in lists without pinging them.
        self._people = people
        self.store = store
        self.gate = gate
        self.audit = audit
        self.follow_for = follow_for
        self._clock = clock
        self.note = note
        self.page_size = page_size

    def looking_up(self, text: str, *, lang: Lang = "en") -> Message:
        words = " ".join(text.split())[:80]
        return looking_up_message(words, lang=lang)

    async def answer(
        self,
        text: str,
        *,
        tz: tzinfo,
        shareable: bool,
        asker: Asker | None = None,
        public: bool = False,
        lang: Lang = "en",
    ) -> Reply:
        """The reply to a typed command (slash text, mention or shell line).

        ``public``: the answer will be posted for the channel to see (a mention), so
        the access rules must let it be shared there too. ``lang``: the asker's.
        """
        return await self._audited(
            asker.via if asker else "shell",
            asker,
            text,
            lambda who: self._answer(
                text, _Ask(tz, lang, who, shareable, _user(asker)), asker, public
            ),
            lang,
        )

    async def press(
        self,
        action_id: str,
        value: str,
        *,
        tz: tzinfo,
        shareable: bool,
        asker: Asker | None = None,
        lang: Lang = "en",
    ) -> Reply:
        """The reply to a button press; ``value`` is what the button carried."""
        return await self._audited(
            "button",
            asker,
            action_id,
            lambda who: self._press(
                action_id, value, _Ask(tz, lang, who, shareable, _user(asker)), asker
            ),
            lang,
        )

    async def _audited(
        self,
        kind: AuditKind,
        asker: Asker | None,
        what: str,
        run: Callable[[Subject | None], Awaitable[Reply]],
        lang: Lang,
    ) -> Reply:
        started = time.perf_counter()
        with collecting_request_ids() as request_ids:
            try:
                who = await self._subject(asker)
            except GroupsUnavailable:
                reply = replace(
                    self._error("", lang), message=groups_unavailable_message(lang=lang)
                )
            else:
                reply = await run(who)
        if self.audit is not None:
            self.audit.record(
                AuditEvent(
                    kind=kind,
                    user=asker.user if asker else None,
                    channel=asker.channel if asker else None,
                    what=what,
                    result="refused" if reply.refused else "ok" if reply.ok else "error",
                    instance=reply.instance,
                    detail=reply.why if reply.refused else None if reply.ok else reply.message.text,
                    request_ids=tuple(request_ids),
                    duration_ms=(time.perf_counter() - started) * 1000,
                )
            )
        return reply

    async def _subject(self, asker: Asker | None) -> Subject | None:
        """Whom the access rules are checked for; None when there is nothing to check
        (no rules, or the local shell and CLI, which have no Slack user)."""
        if self.gate is None or self.gate.policy.open or asker is None:
            return None
        return await self.gate.subject(asker.user, asker.channel)

    async def _answer(self, text: str, ask: _Ask, asker: Asker | None, public: bool) -> Reply:
        try:
            command = parse_command(text, now=self._clock(), tz=ask.tz)
        except CommandError as exc:
            return await self._guarded(partial(self._unreadable, exc, text, ask), ask.lang)
        if isinstance(command, Help):
            return Reply(help_message(self.note, lang=ask.lang))
        if isinstance(command, Subscribe | Unsubscribe | ListSubscriptions):
            if self.store is None or asker is None:
                return self._error(t(ask.lang, "error.subscriptions_from_slack"), ask.lang)
            return await self._guarded(
                lambda: self._subscriptions(command, asker, ask), ask.lang, retry=None
            )
        # A query that fails upstream can be retried as typed (a name, not yet an id).
        retry = _state(command.instance, command) if isinstance(command, TasksQuery) else None
        if public:
            # Posted for the channel: no Share button on what is shared already.
            ask = replace(ask, shareable=False)
        reply = await self._guarded(lambda: self._typed(text, command, ask), ask.lang, retry=retry)
        shown = not public or not reply.ok or await self._may_share(ask.who, reply.instance)
        if not shown:
            # Still answered, to the asker alone: they may look, not show.
            return replace(
                reply, message=only_you(reply.message, lang=ask.lang), delivery="ephemeral"
            )
        return reply

    async def _press(self, action_id: str, value: str, ask: _Ask, asker: Asker | None) -> Reply:
        lang = ask.lang
        try:
            if action_id in (actions.REFRESH, actions.RETRY):
                state = QueryState.decode(value)
                reply = await self._guarded(lambda: self._refresh(state, ask), lang, retry=state)
                return replace(reply, delivery="replace")
            if action_id in (actions.PAGE_NEXT, actions.PAGE_PREV):
                state = QueryState.decode(value)
                return await self._guarded(lambda: self._page(state, ask), lang, retry=state)
            if action_id == actions.DETAILS:
                ref = TaskRef.decode(value)
                reply = await self._guarded(lambda: self._details(ref, ask), lang, retry=None)
                # In the thread everyone reads: only where the answer may be shared.
                in_thread = reply.ok and await self._may_share(ask.who, reply.instance)
                return replace(reply, delivery="thread" if in_thread else "ephemeral")
            if action_id == actions.SHARE:
                state = QueryState.decode(value)
                shared = replace(ask, shareable=False)
                reply = await self._guarded(
                    lambda: self._page(state, shared, sharing=True), lang, retry=state
                )
                return replace(reply, delivery="channel" if reply.ok else "ephemeral")
            if action_id == actions.PICK_INSTANCE:
                reply = await self._answer(value, ask, asker, public=False)
                return replace(reply, delivery="replace")
            if action_id == actions.SUBSCRIBE:
                offer = SubscribeRef.decode(value)
                scope: Literal["failed", "all"] = "all" if offer.scope == "all" else "failed"
                command = Subscribe(instance=offer.instance_id, scope=scope, name_glob=None)
                if self.store is None or asker is None:
                    return self._error(t(lang, "error.subscribe_in_slack"), lang)
                reply = await self._guarded(
                    lambda: self._subscriptions(command, asker, ask), lang, retry=None
                )
                return replace(reply, delivery="ephemeral")
        except BadActionValue as exc:
            log.warning("unreadable button value for %s: %s", action_id, exc)
            return self._error(t(lang, "error.unreadable_button"), lang)
        return self._error(t(lang, "error.unknown_button", action=repr(action_id)), lang)

    async def _unreadable(self, error: CommandError, text: str, ask: _Ask) -> Reply:
        said = await self._to_report(error, text, ask)
        return self._error(describe_error(said, ask.lang), ask.lang)

    async def _typed(
        self, text: str, command: TasksQuery | TaskLookup | ListInstances, ask: _Ask
    ) -> Reply:
        """The answer to a typed command; an instance it names that is not there is
        said with the command or button its first word most likely was."""
        try:
            return await self._run(command, ask)
        except UnknownInstance as exc:
            # "detials": no instance, and most likely the Details button.
            said = await self._to_report(exc, text, ask)
            if said is exc:
                raise
            raise said from exc

    async def _to_report(
        self, error: CommandError | UnknownInstance, text: str, ask: _Ask
    ) -> CommandError | UnknownInstance:
        """``error_to_report``, with the first word looked up as this asker may."""

        async def resolve(word: str) -> Instance | None:
            try:
                return await self._permitted("query", ask.who, word)
            except Refused:
                # The rules refuse the word whatever it names: the grammar's error stands.
                return None

        return await error_to_report(error, text, resolve)

    # -- access ------------------------------------------------------------------------

    async def _decide(self, action: Action, who: Subject, instance_id: str) -> bool:
        if self.gate is None:
            return True
        return self.gate.policy.allows(action, who, await self.dms.resolve(instance_id))

    async def _permitted(self, action: Action, who: Subject | None, typed: str) -> Instance:
        """The instance ``typed`` names, if ``who`` may do ``action`` on it.

        Someone the rules restrict gets the same refusal for an instance they may not
        see whether or not it exists, and suggestions and choices only among those they
        may see: a refusal tells nothing about what else is there.
        """
        if who is None or self.gate is None:
            return await self.dms.resolve(typed)
        policy = self.gate.policy
        if not policy.possible(action, who):
            raise Refused(action, typed, "no rule allows it")
        if not policy.restricted(action, who):
            return await self.dms.resolve(typed)
        try:
            instance = await self.dms.resolve(typed)
        except UnknownInstance as exc:
            close = [c for c in exc.close if policy.decide(action, who, _named(c)).allowed]
            raise self._unseen(policy, action, who, typed, close) from exc
        except AmbiguousInstance as exc:
            seen = [
                (label, iid)
                for label, iid in exc.candidates
                if policy.decide(action, who, _named(label, iid)).allowed
            ]
            if not seen:
                raise self._unseen(policy, action, who, typed, []) from exc
            if len(seen) == 1:
                return await self.dms.resolve(seen[0][1])
            raise AmbiguousInstance(exc.name, seen) from exc
        # An id no listing confirms could be any instance, one the rules refuse
        # included: someone the rules restrict gets only instances DMS lists.
        unconfirmed = instance.name == instance.instance_id
        if unconfirmed or not policy.allows(action, who, instance):
            raise self._unseen(policy, action, who, typed, [])
        return instance

    def _unseen(
        self, policy: Policy, action: Action, who: Subject, typed: str, close: list[str]
    ) -> Exception:
        """The answer for an instance the asker may not see: exactly what they would get
        if ``typed`` named nothing at all, so that refusals map nothing out."""
        named = policy.decide(action, who, _named(typed))
        if not named.allowed:
            return Refused(action, typed, named.by)
        return UnknownInstance(typed, "", close)

    async def _may_share(self, who: Subject | None, instance_id: str | None) -> bool:
        """Whether an answer about the instance may be shown to the channel; when that
        cannot be told (DMS down), it is not."""
        if who is None or instance_id is None:
            return True
        try:
            return await self._decide("share", who, instance_id)
        except (DmsError, ResolveError) as exc:
            log.info("could not check sharing of %s (%s); answering privately", instance_id, exc)
            return False

    # -- the answers -------------------------------------------------------------------

    async def _run(self, command: TasksQuery | TaskLookup | ListInstances, ask: _Ask) -> Reply:
        if isinstance(command, ListInstances):
            instances = await self.dms.list_instances()
            if ask.who is not None and self.gate is not None:
                policy, who = self.gate.policy, ask.who
                instances = tuple(i for i in instances if policy.allows("query", who, i))
            return Reply(instances_message(instances, self.dms.where, lang=ask.lang))
        if isinstance(command, TaskLookup):
            instance = await self._permitted("query", ask.who, command.instance)
            one = await answer_task(self.dms, command, instance=instance)
            return Reply(
                task_details_message(one, tz=ask.tz, now=self._clock(), lang=ask.lang),
                instance=one.instance.instance_id,
            )
        return await self._tasks(command, ask, fresh=False)

    async def _tasks(
        self, query: TasksQuery, ask: _Ask, *, fresh: bool, sharing: bool = False
    ) -> Reply:
        shareable = ask.shareable
        try:
            instance = await self._permitted("query", ask.who, query.instance)
            if (sharing or shareable) and ask.who is not None and self.gate is not None:
                # Judged on the instance just found: the Share button is offered, and
                # pressing it shares, only where sharing is allowed.
                policy = self.gate.policy
                share = policy.decide("share", ask.who, policy.target(instance))
                if sharing and not share.allowed:
                    raise Refused("share", instance.label, share.by)
                shareable = shareable and share.allowed
            answer = await answer_tasks(self.dms, query, fresh=fresh, instance=instance)
        except AmbiguousInstance as exc:
            rest = _rest_of_command(query)
            return self._error(
                t(ask.lang, "error.pick_one", name=exc.name, count=len(exc.candidates)),
                ask.lang,
                choices=[(name, f"{iid} {rest}".strip()) for name, iid in exc.candidates],
            )
        state = _state(answer.instance.instance_id, query)
        running = frozenset(t.id for t in answer.tasks if t.in_progress and t.id)
        follow = (
            Follow(
                answer.instance.instance_id,
                answer.instance.name,
                state,
                running,
                ask.lang,
                ask.user,
            )
            if running
            else None
        )
        return Reply(
            follow=follow,
            instance=answer.instance.instance_id,
            message=tasks_message(
                answer,
                state,
                tz=ask.tz,
                now=self._clock(),
                page_size=self.page_size,
                shareable=shareable,
                where=self.dms.where,
                lang=ask.lang,
            ),
        )

    async def _refresh(self, state: QueryState, ask: _Ask) -> Reply:
        # A relative window ("last 1h") is read again at the moment of the click.
        tz = _zone(state.zone)
        window = parse_window(state.window_text, now=self._clock(), tz=tz)
        return await self._tasks(_query(state, window), replace(ask, tz=tz), fresh=True)

    async def _page(
        self, state: QueryState, ask: _Ask, *, fresh: bool = False, sharing: bool = False
    ) -> Reply:
        # Paging keeps the exact window on screen so rows do not shift between pages;
        # marked as ending "now" so it reuses the cached fetch of the same window.
        tz = _zone(state.zone)
        label = state.window_text or "last 24h"
        # The label is cosmetic: if the typed text no longer reads, show it as typed.
        with contextlib.suppress(WindowError):
            label = parse_window(state.window_text, now=state.end, tz=tz).label
        window = TimeWindow(
            begin=state.begin, end=state.end, label=label, zone=state.zone, ends_now=True
        )
        return await self._tasks(
            _query(state, window), replace(ask, tz=tz), fresh=fresh, sharing=sharing
        )

    async def _details(self, ref: TaskRef, ask: _Ask) -> Reply:
        instance = await self._permitted("query", ask.who, ref.instance)
        one = await answer_task(
            self.dms, TaskLookup(instance=ref.instance, task_id=ref.task_id), instance=instance
        )
        return Reply(
            task_details_message(one, tz=ask.tz, now=self._clock(), lang=ask.lang),
            instance=instance.instance_id,
        )

    # -- subscriptions and followed threads ----------------------------------------------

    async def _subscriptions(
        self, command: Subscribe | Unsubscribe | ListSubscriptions, asker: Asker, ask: _Ask
    ) -> Reply:
        store = self.store
        if store is None:
            raise RuntimeError("subscriptions need a store")
        lang = ask.lang
        if isinstance(command, ListSubscriptions):
            subs = await store.subscriptions.in_channel(asker.channel)
            people = await self._names(s.created_by for s in subs)
            return Reply(
                subscriptions_message(subs, asker.channel, tz=ask.tz, lang=lang, people=people)
            )
        action: Action = "unsubscribe" if isinstance(command, Unsubscribe) else "subscribe"
        permitted = await self._permitted(action, ask.who, command.instance)
        instance = await existing_instance(self.dms, permitted.instance_id)
        if isinstance(command, Unsubscribe):
            removed = await store.subscriptions.delete(asker.channel, instance.instance_id)
            return Reply(
                unsubscribed_message(removed, instance.name, asker.channel, lang=lang),
                instance=instance.instance_id,
            )
        sub = Subscription(
            channel=asker.channel,
            instance_id=instance.instance_id,
            # With several accounts, "orders@prod": the channel reads which one it is.
            instance_name=instance.label,
            scope=command.scope,
            name_glob=command.name_glob,
            created_by=asker.user,
            created_at=self._clock(),
            # Notifications in the language asked for, else the subscriber's own.
            language=command.lang or lang,
        )
        saved, created = await store.subscriptions.upsert(sub)
        people = await self._names([saved.created_by])
        return Reply(
            subscribed_message(saved, created=created, tz=ask.tz, lang=lang, people=people),
            instance=instance.instance_id,
        )

    async def _names(self, users: Iterable[str]) -> Mapping[str, str]:
        if self._people is None:
            return {}
        try:
            return await self._people(users)
        except Exception:
            # Names are a courtesy: the list still shows, with ids that do not ping.
            log.warning("could not read the Slack names of subscribers", exc_info=True)
            return {}

    async def follow(
        self, follow: Follow, *, channel: str, message_ts: str, thread_ts: str | None
    ) -> None:
        """Follow an answer's running tasks: replies in its thread as each one ends."""
        if self.store is None:
            return
        query = ThreadQuery(
            state=follow.state.encode(),
            thread_ts=thread_ts or message_ts,
            # Replies in the thread speak the asker's language.
            lang=follow.lang,
            user=follow.user,
        ).encode()
        await self.store.threads.follow(
            channel,
            message_ts,
            follow.instance_id,
            follow.instance_name,
            query,
            sorted(follow.task_ids),
            self._clock() + self.follow_for,
        )

    async def summary(self, state_value: str, *, lang: Lang = "en") -> Message:
        """The answer for a stored query state, fetched fresh (to edit a parent message)."""
        state = QueryState.decode(state_value)
        ask = _Ask(tz=_zone(state.zone), lang=lang, who=None, shareable=False)
        reply = await self._guarded(lambda: self._page(state, ask, fresh=True), lang, retry=None)
        return reply.message

    # -- failures ----------------------------------------------------------------------

    async def _guarded(
        self, run: Callable[[], Awaitable[Reply]], lang: Lang, *, retry: QueryState | None = None
    ) -> Reply:
        try:
            return await run()
        except Refused as exc:
            log.info("refused: %s", exc)
            return replace(
                self._error("", lang),
                message=refused_message(exc.action, exc.typed, lang=lang),
                refused=True,
                why=exc.by,
            )
        except ResolveError as exc:
            return self._error(describe_error(exc, lang), lang)
        except DmsProtocolError as exc:
            log.error(
                "unexpected DMS body (request id %s): %s | %r", exc.request_id, exc, exc.snippet
            )
            return self._error(describe_error(exc, lang), lang, retry=retry)
        except (DmsThrottled, DmsUnavailable) as exc:
            return self._error(describe_error(exc, lang), lang, retry=retry)
        except (DmsError, WindowError) as exc:
            return self._error(describe_error(exc, lang), lang)
        except Exception:
            incident = uuid.uuid4().hex[:8]
            log.exception("unexpected failure answering (incident %s)", incident)
            return self._error(t(lang, "error.internal", incident=incident), lang)

    def _error(
        self,
        text: str,
        lang: Lang,
        *,
        retry: QueryState | None = None,
        choices: list[tuple[str, str]] | None = None,
    ) -> Reply:
        return Reply(
            error_message(text, retry=retry, choices=choices or (), lang=lang),
            ok=False,
            delivery="ephemeral",
        )


@dataclass(frozen=True)
class _Ask:
    """What every step of one answer needs: the asker's zone and language, whom the
    access rules check (None: nobody to check), and whether a Share button may show."""

    tz: tzinfo
    lang: Lang
    who: Subject | None
    shareable: bool
    # The Slack user asking ("" in the shell and CLI).
    user: str = ""


def _user(asker: Asker | None) -> str:
    return asker.user if asker else ""


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _state(instance: str, query: TasksQuery) -> QueryState:
    return QueryState(
        instance=instance,
        window_text=query.window_text,
        begin=query.window.begin,
        end=query.window.end,
        zone=query.window.zone,
        statuses=query.statuses,
        name_glob=query.name_glob,
        page=query.page,
    )


def _query(state: QueryState, window: TimeWindow) -> TasksQuery:
    return TasksQuery(
        instance=state.instance,
        window=window,
        window_text=state.window_text,
        statuses=state.statuses,
        name_glob=state.name_glob,
        page=state.page,
    )


def _rest_of_command(query: TasksQuery) -> str:
    """The query's words after the instance, to re-run it with a picked instance."""
    parts = [query.window_text]
    if query.statuses:
        parts.append("status " + ",".join(sorted(query.statuses)).lower())
    if query.name_glob:
        parts.append(f"name {query.name_glob}")
    return " ".join(p for p in parts if p)


def _named(name: str, instance_id: str = "") -> Target:
    """An instance known only by what was typed or listed (``name`` or ``name@account``)."""
    base, _, account = name.partition("@")
    return Target(frozenset(n for n in (name, base, instance_id) if n), account)
