"""The answers about tasks: a listing, a page of it, a refresh, one task's details.

Each checks the access rules through the guard first, then asks DMS through
``bot.services.queries``; the conversation decides which one a command or button
wants, and wraps it in the one error table (``bot.services.reply.guarded``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.access import Subject
from bot.core.actions import QueryState, TaskRef
from bot.core.answer import TaskAnswer, TasksAnswer
from bot.core.clock import utc_now
from bot.core.dms.errors import AmbiguousInstance
from bot.core.dms.models import Instance
from bot.core.dms.place import Where
from bot.core.dms.source import Dms
from bot.core.grammar.commands import ListInstances, TaskLookup, TasksQuery
from bot.core.grammar.errors import WindowError
from bot.core.grammar.window import TimeWindow
from bot.core.grammar.window_parse import parse_window
from bot.i18n import Lang, t
from bot.services.ask import Ask
from bot.services.following import Follow
from bot.services.guard import Guard, Refused
from bot.services.progress import one_progress, progress_of
from bot.services.queries import answer_task, answer_tasks
from bot.services.reply import Reply, error_reply, guarded
from bot.views.details import task_details_message
from bot.views.kit import Message
from bot.views.replies import instances_message
from bot.views.tasks import tasks_message


class Answers:
    def __init__(
        self,
        dms: Dms,
        guard: Guard,
        *,
        clock: Callable[[], datetime] = utc_now,
        page_size: int = 10,
        progress: bool = False,
    ) -> None:
        """``progress``: answers and Details show how far running scale-outs have got
        (a request to DMS per such task); off where only the listing is wanted."""
        self._dms = dms
        self._guard = guard
        self._clock = clock
        self._page_size = page_size
        self._progress = progress

    # -- what was asked, as data: the CLI renders it itself ------------------------------

    @property
    def dms(self) -> Dms:
        return self._dms

    @property
    def where(self) -> Where:
        return self._dms.where

    async def instances(self, who: Subject | None, *, fresh: bool = False) -> tuple[Instance, ...]:
        """The instances ``who`` may query."""
        return self._guard.visible(who, await self._dms.list_instances(fresh=fresh))

    async def task(self, lookup: TaskLookup, who: Subject | None) -> TaskAnswer:
        instance = await self._guard.permitted("query", who, lookup.instance)
        return await answer_task(self._dms, lookup, instance=instance)

    async def listing(
        self, query: TasksQuery, who: Subject | None, *, fresh: bool = False
    ) -> TasksAnswer:
        instance = await self._guard.permitted("query", who, query.instance)
        return await answer_tasks(self._dms, query, fresh=fresh, instance=instance)

    # -- the same, as messages ----------------------------------------------------------

    async def run(
        self, command: TasksQuery | TaskLookup | ListInstances, ask: Ask, who: Subject | None
    ) -> Reply:
        if isinstance(command, ListInstances):
            instances = await self.instances(who)
            return Reply(instances_message(instances, self._dms.where, lang=ask.lang))
        if isinstance(command, TaskLookup):
            one = await self._with_progress(await self.task(command, who))
            return Reply(
                task_details_message(one, tz=ask.tz, now=self._clock(), lang=ask.lang),
                instance=one.instance.instance_id,
            )
        return await self.tasks(command, ask, who, fresh=False)

    async def tasks(
        self,
        query: TasksQuery,
        ask: Ask,
        who: Subject | None,
        *,
        fresh: bool,
        sharing: bool = False,
    ) -> Reply:
        shareable = ask.shareable
        try:
            instance = await self._guard.permitted("query", who, query.instance)
            if sharing or shareable:
                # Judged on the instance just found: the Share button is offered, and
                # pressing it shares, only where sharing is allowed.
                share = self._guard.sharing(who, instance)
                if share is not None:
                    if sharing and not share.allowed:
                        raise Refused("share", instance.label, share.by)
                    shareable = shareable and share.allowed
            answer = await self._with_running(
                await answer_tasks(self._dms, query, fresh=fresh, instance=instance), fresh
            )
        except AmbiguousInstance as exc:
            rest = rest_of_command(query)
            return error_reply(
                t(ask.lang, "error.pick_one", name=exc.name, count=len(exc.candidates)),
                ask.lang,
                choices=[(name, f"{iid} {rest}".strip()) for name, iid in exc.candidates],
            )
        state = state_of(answer.instance.instance_id, query)
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
                page_size=self._page_size,
                shareable=shareable,
                where=self._dms.where,
                lang=ask.lang,
            ),
        )

    async def refresh(self, state: QueryState, ask: Ask, who: Subject | None) -> Reply:
        # A relative window ("last 1h") is read again at the moment of the click.
        tz = zone(state.zone)
        window = parse_window(state.window_text, now=self._clock(), tz=tz)
        return await self.tasks(_query(state, window), replace(ask, tz=tz), who, fresh=True)

    async def page(
        self,
        state: QueryState,
        ask: Ask,
        who: Subject | None,
        *,
        fresh: bool = False,
        sharing: bool = False,
    ) -> Reply:
        # Paging keeps the exact window on screen so rows do not shift between pages;
        # marked as ending "now" so it reuses the cached fetch of the same window.
        tz = zone(state.zone)
        label = state.window_text or "last 24h"
        # The label is cosmetic: if the typed text no longer reads, show it as typed.
        with contextlib.suppress(WindowError):
            label = parse_window(state.window_text, now=state.end, tz=tz).label
        window = TimeWindow(
            begin=state.begin, end=state.end, label=label, zone=state.zone, ends_now=True
        )
        return await self.tasks(
            _query(state, window), replace(ask, tz=tz), who, fresh=fresh, sharing=sharing
        )

    async def details(self, ref: TaskRef, ask: Ask, who: Subject | None) -> Reply:
        instance = await self._guard.permitted("query", who, ref.instance)
        one = await answer_task(
            self._dms, TaskLookup(instance=ref.instance, task_id=ref.task_id), instance=instance
        )
        one = await self._with_progress(one)
        return Reply(
            task_details_message(one, tz=ask.tz, now=self._clock(), lang=ask.lang),
            instance=instance.instance_id,
        )

    async def _with_running(self, answer: TasksAnswer, fresh: bool) -> TasksAnswer:
        """The answer with how far its running scale-outs have got."""
        if not self._progress:
            return answer
        progress = await progress_of(
            self._dms, answer.instance.instance_id, answer.tasks, fresh=fresh
        )
        return replace(answer, progress=progress)

    async def _with_progress(self, one: TaskAnswer) -> TaskAnswer:
        if not self._progress:
            return one
        progress = await one_progress(self._dms, one.instance.instance_id, one.task)
        return replace(one, progress=progress)

    async def summary(self, state_value: str, *, lang: Lang = "en") -> Message:
        """The answer for a stored query state, fetched fresh (to edit a parent message)."""
        state = QueryState.decode(state_value)
        ask = Ask(tz=zone(state.zone), lang=lang, shareable=False)
        reply = await guarded(lambda: self.page(state, ask, None, fresh=True), lang)
        return reply.message


def zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def state_of(instance: str, query: TasksQuery) -> QueryState:
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


def rest_of_command(query: TasksQuery) -> str:
    """The query's words after the instance, to re-run it with a picked instance."""
    parts = [query.window_text]
    if query.statuses:
        parts.append("status " + ",".join(sorted(query.statuses)).lower())
    if query.name_glob:
        parts.append(f"name {query.name_glob}")
    return " ".join(p for p in parts if p)
