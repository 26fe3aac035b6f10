"""Turns what a user typed or pressed into the message to show them.

The same for Slack and the local shell: handlers and the shell only deliver what this
returns. Every failure becomes a message that says what to do (the errors table in
design.md); nothing escapes as an exception, and no stack trace reaches a user.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import actions
from bot.actions import BadActionValue, QueryState, SubscribeRef, TaskRef
from bot.clock import utc_now
from bot.commands import (
    CommandError,
    Help,
    ListInstances,
    ListSubscriptions,
    Subscribe,
    TaskLookup,
    TasksQuery,
    Unsubscribe,
    parse_command,
)
from bot.dms.client import DmsClient
from bot.dms.errors import (
    AmbiguousInstance,
    DmsError,
    DmsProtocolError,
    DmsThrottled,
    DmsUnavailable,
    ResolveError,
)
from bot.service import answer_task, answer_tasks, existing_instance
from bot.store.models import Subscription
from bot.store.store import Store
from bot.timewindow import TimeWindow, WindowError, parse_window
from bot.views.blocks import (
    Message,
    error_message,
    help_message,
    instances_message,
    looking_up_message,
    task_details_message,
    tasks_message,
)
from bot.views.watching import (
    subscribed_message,
    subscriptions_message,
    unsubscribed_message,
)

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


@dataclass(frozen=True)
class Asker:
    """Who asks, and where: subscriptions belong to a channel and record their maker."""

    user: str
    channel: str


@dataclass(frozen=True)
class Reply:
    message: Message
    ok: bool = True
    delivery: Delivery = "replace"
    follow: Follow | None = None


class Conversation:
    def __init__(
        self,
        dms: DmsClient,
        *,
        store: Store | None = None,
        clock: Callable[[], datetime] = utc_now,
        note: str | None = None,
        page_size: int = 10,
        follow_for: timedelta = timedelta(hours=6),
    ) -> None:
        self.dms = dms
        self.store = store
        self.follow_for = follow_for
        self._clock = clock
        self.note = note
        self.page_size = page_size

    def looking_up(self, text: str) -> Message:
        words = " ".join(text.split())[:80] or "your tasks"
        return looking_up_message(words)

    async def answer(
        self, text: str, *, tz: tzinfo, shareable: bool, asker: Asker | None = None
    ) -> Reply:
        """The reply to a typed command (slash text, mention or shell line)."""
        try:
            command = parse_command(text, now=self._clock(), tz=tz)
        except CommandError as exc:
            return self._error(str(exc))
        if isinstance(command, Help):
            return Reply(help_message(self.note))
        if isinstance(command, Subscribe | Unsubscribe | ListSubscriptions):
            if self.store is None or asker is None:
                return self._error(
                    "Subscriptions deliver to Slack channels, so they are set up from Slack: "
                    "`/kafka-tasks subscribe prod-orders failed` in the channel that should "
                    "hear about it."
                )
            return await self._guarded(lambda: self._subscriptions(command, asker, tz), retry=None)
        # A query that fails upstream can be retried as typed (a name, not yet an id).
        retry = _state(command.instance, command) if isinstance(command, TasksQuery) else None
        return await self._guarded(lambda: self._run(command, tz, shareable), retry=retry)

    async def press(
        self,
        action_id: str,
        value: str,
        *,
        tz: tzinfo,
        shareable: bool,
        asker: Asker | None = None,
    ) -> Reply:
        """The reply to a button press; ``value`` is what the button carried."""
        try:
            if action_id in (actions.REFRESH, actions.RETRY):
                state = QueryState.decode(value)
                reply = await self._guarded(lambda: self._refresh(state, shareable), retry=state)
                return replace(reply, delivery="replace")
            if action_id in (actions.PAGE_NEXT, actions.PAGE_PREV):
                state = QueryState.decode(value)
                return await self._guarded(lambda: self._page(state, shareable), retry=state)
            if action_id == actions.DETAILS:
                ref = TaskRef.decode(value)
                reply = await self._guarded(lambda: self._details(ref, tz), retry=None)
                return replace(reply, delivery="thread" if reply.ok else "ephemeral")
            if action_id == actions.SHARE:
                state = QueryState.decode(value)
                reply = await self._guarded(lambda: self._page(state, False), retry=state)
                return replace(reply, delivery="channel" if reply.ok else "ephemeral")
            if action_id == actions.PICK_INSTANCE:
                reply = await self.answer(value, tz=tz, shareable=shareable, asker=asker)
                return replace(reply, delivery="replace")
            if action_id == actions.SUBSCRIBE:
                offer = SubscribeRef.decode(value)
                scope: Literal["failed", "all"] = "all" if offer.scope == "all" else "failed"
                command = Subscribe(instance=offer.instance_id, scope=scope, name_glob=None)
                if self.store is None or asker is None:
                    return self._error(
                        "Subscriptions deliver to Slack channels; press Subscribe in Slack."
                    )
                reply = await self._guarded(
                    lambda: self._subscriptions(command, asker, tz), retry=None
                )
                return replace(reply, delivery="ephemeral")
        except BadActionValue as exc:
            log.warning("unreadable button value for %s: %s", action_id, exc)
            return self._error(
                "This button's data could not be read (it may come from an older version "
                "of the bot). Run the command again."
            )
        return self._error(f"Unknown button {action_id!r}; run the command again.")

    # -- the answers -------------------------------------------------------------------

    async def _run(
        self, command: TasksQuery | TaskLookup | ListInstances, tz: tzinfo, shareable: bool
    ) -> Reply:
        if isinstance(command, ListInstances):
            instances = await self.dms.list_instances()
            return Reply(instances_message(instances, self.dms.where))
        if isinstance(command, TaskLookup):
            one = await answer_task(self.dms, command)
            return Reply(task_details_message(one, tz=tz, now=self._clock()))
        return await self._tasks(command, tz, shareable, fresh=False)

    async def _tasks(self, query: TasksQuery, tz: tzinfo, shareable: bool, *, fresh: bool) -> Reply:
        try:
            answer = await answer_tasks(self.dms, query, fresh=fresh)
        except AmbiguousInstance as exc:
            rest = _rest_of_command(query)
            return self._error(
                f'"{exc.name}" matches {len(exc.candidates)} instances. Pick one:',
                choices=[(name, f"{iid} {rest}".strip()) for name, iid in exc.candidates],
            )
        state = _state(answer.instance.instance_id, query)
        running = frozenset(t.id for t in answer.tasks if t.in_progress and t.id)
        follow = (
            Follow(answer.instance.instance_id, answer.instance.name, state, running)
            if running
            else None
        )
        return Reply(
            follow=follow,
            message=tasks_message(
                answer,
                state,
                tz=tz,
                now=self._clock(),
                page_size=self.page_size,
                shareable=shareable,
                where=self.dms.where,
            ),
        )

    async def _refresh(self, state: QueryState, shareable: bool) -> Reply:
        # A relative window ("last 1h") is read again at the moment of the click.
        tz = _zone(state.zone)
        window = parse_window(state.window_text, now=self._clock(), tz=tz)
        return await self._tasks(_query(state, window), tz, shareable, fresh=True)

    async def _page(self, state: QueryState, shareable: bool, *, fresh: bool = False) -> Reply:
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
        return await self._tasks(_query(state, window), tz, shareable, fresh=fresh)

    async def _details(self, ref: TaskRef, tz: tzinfo) -> Reply:
        one = await answer_task(self.dms, TaskLookup(instance=ref.instance, task_id=ref.task_id))
        return Reply(task_details_message(one, tz=tz, now=self._clock()))

    # -- subscriptions and followed threads ----------------------------------------------

    async def _subscriptions(
        self, command: Subscribe | Unsubscribe | ListSubscriptions, asker: Asker, tz: tzinfo
    ) -> Reply:
        store = self.store
        if store is None:
            raise RuntimeError("subscriptions need a store")
        if isinstance(command, ListSubscriptions):
            subs = await asyncio.to_thread(store.subscriptions_in, asker.channel)
            return Reply(subscriptions_message(subs, asker.channel, tz=tz))
        instance = await existing_instance(self.dms, command.instance)
        if isinstance(command, Unsubscribe):
            removed = await asyncio.to_thread(
                store.delete_subscription, asker.channel, instance.instance_id
            )
            return Reply(unsubscribed_message(removed, instance.name, asker.channel))
        sub = Subscription(
            channel=asker.channel,
            instance_id=instance.instance_id,
            instance_name=instance.name,
            scope=command.scope,
            name_glob=command.name_glob,
            created_by=asker.user,
            created_at=self._clock(),
        )
        saved, created = await asyncio.to_thread(store.upsert_subscription, sub)
        return Reply(subscribed_message(saved, created=created, tz=tz))

    async def follow(
        self, follow: Follow, *, channel: str, message_ts: str, thread_ts: str | None
    ) -> None:
        """Follow an answer's running tasks: replies in its thread as each one ends."""
        if self.store is None:
            return
        query = json.dumps({"state": follow.state.encode(), "thread_ts": thread_ts or message_ts})
        await asyncio.to_thread(
            self.store.follow,
            channel,
            message_ts,
            follow.instance_id,
            follow.instance_name,
            query,
            sorted(follow.task_ids),
            self._clock() + self.follow_for,
        )

    async def summary(self, state_value: str) -> Message:
        """The answer for a stored query state, fetched fresh (to edit a parent message)."""
        state = QueryState.decode(state_value)
        reply = await self._guarded(lambda: self._page(state, False, fresh=True), retry=None)
        return reply.message

    # -- failures ----------------------------------------------------------------------

    async def _guarded(
        self, run: Callable[[], Awaitable[Reply]], *, retry: QueryState | None
    ) -> Reply:
        try:
            return await run()
        except ResolveError as exc:
            return self._error(str(exc))
        except DmsProtocolError as exc:
            log.error(
                "unexpected DMS body (request id %s): %s | %r", exc.request_id, exc, exc.snippet
            )
            return self._error(str(exc), retry=retry)
        except (DmsThrottled, DmsUnavailable) as exc:
            return self._error(str(exc), retry=retry)
        except DmsError as exc:
            return self._error(str(exc))
        except WindowError as exc:
            return self._error(str(exc))
        except Exception:
            incident = uuid.uuid4().hex[:8]
            log.exception("unexpected failure answering (incident %s)", incident)
            return self._error(
                f"Something went wrong on our side (incident {incident}); it is in the bot's "
                "log. Try again, and tell the bot's owners if it keeps happening."
            )

    def _error(
        self,
        text: str,
        *,
        retry: QueryState | None = None,
        choices: list[tuple[str, str]] | None = None,
    ) -> Reply:
        return Reply(
            error_message(text, retry=retry, choices=choices or ()),
            ok=False,
            delivery="ephemeral",
        )


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
