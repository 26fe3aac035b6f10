"""What happened to an instance: its tasks, CTS traces, CES alarms and its detail now,
fetched at once and merged into one timeline (``bot.core.timeline.merge``).

A source that fails becomes a ``Gap`` beside the others, never an error that blanks
them: the tasks' listing, ShowInstance, CTS and CES are each asked concurrently and each
failure is kept as what it means (a 403 is a permission to grant). Only an instance
that is not there, or that the asker may not look at, fails the whole answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import TypeVar

from bot.core.access import Subject
from bot.core.actions import QueryState
from bot.core.clock import utc_now
from bot.core.dms.errors import DmsAuthError, DmsError, DmsNotFound
from bot.core.dms.models import Instance, Task
from bot.core.dms.source import Dms
from bot.core.grammar.commands import TimelineQuery
from bot.core.grammar.vocabulary import TIMELINE_WINDOW
from bot.core.grammar.window import TimeWindow
from bot.core.grammar.window_parse import parse_window
from bot.core.timeline.merge import Timeline, build_timeline
from bot.core.timeline.sources import Context, Gap, GapReason, Source, SourceResult
from bot.services.ask import Ask
from bot.services.guard import Guard
from bot.services.queries import missing_instance
from bot.services.reply import Reply
from bot.views.timeline import export_note, timeline_message
from bot.views.timeline_export import export_files

log = logging.getLogger("kafka_tasks.timeline")

# An instance's CTS and CES: its account's; None where none is configured.
ContextFor = Callable[[Instance], Context | None]
T = TypeVar("T")


def contexts_by_account(
    contexts: Mapping[str, Context], account_of: Callable[[Instance], str]
) -> ContextFor:
    """``ContextFor`` over a run's clients by account name (``DmsSession.contexts``)."""

    def context_for(instance: Instance) -> Context | None:
        return contexts.get(account_of(instance))

    return context_for


def one_context(context: Context | None) -> ContextFor:
    """Every instance's CTS and CES are the one account's (tests, the simulator)."""
    return lambda _instance: context


class Timelines:
    def __init__(
        self,
        dms: Dms,
        guard: Guard,
        context_for: ContextFor | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._dms = dms
        self._guard = guard
        self._context_for = context_for or one_context(None)
        self._clock = clock

    # -- as data (the CLI renders it itself) --------------------------------------------

    async def timeline(
        self, query: TimelineQuery, who: Subject | None, *, fresh: bool = False
    ) -> Timeline:
        instance = await self._guard.permitted("query", who, query.instance)
        return await self.of(instance, query.window, asked=query.instance, fresh=fresh)

    async def of(
        self, instance: Instance, window: TimeWindow, *, asked: str = "", fresh: bool = False
    ) -> Timeline:
        """Every source at once; each failure a gap, but for an instance not there."""
        iid = instance.instance_id
        context = self._context_for(instance)
        tasks_result, detail_result, traces, alarms = await asyncio.gather(
            _kept("tasks", self._tasks(iid, window, fresh=fresh)),
            _kept("instance", self._dms.show_instance(iid, fresh=fresh)),
            context.traces(iid, window, fresh=fresh) if context else _unconfigured("cts"),
            context.alarms(iid, window, fresh=fresh) if context else _unconfigured("ces"),
        )
        tasks, detail = tasks_result[0], detail_result[0]
        # The instance is not there: that is the answer, not a gap beside others.
        if isinstance(tasks_result[2], DmsNotFound):
            raise missing_instance(tasks_result[2], asked or iid, self._dms) from tasks_result[2]
        gaps = [*tasks_result[1], *detail_result[1], *traces.gaps, *alarms.gaps]
        return build_timeline(
            instance_id=iid,
            instance_name=instance.name,
            begin=window.begin,
            end=window.end,
            now=self._clock(),
            tasks=tasks or (),
            traces=traces.items,
            alarms=alarms.items,
            detail=detail,
            gaps=gaps,
        )

    async def _tasks(
        self, instance_id: str, window: TimeWindow, *, fresh: bool
    ) -> tuple[Task, ...]:
        listing = await self._dms.list_tasks(instance_id, window, fresh=fresh)
        return tuple(listing.tasks)

    # -- as messages --------------------------------------------------------------------

    async def answer(
        self, query: TimelineQuery, ask: Ask, who: Subject | None, *, fresh: bool = False
    ) -> Reply:
        timeline = await self.timeline(query, who, fresh=fresh)
        state = timeline_state(timeline.instance_id, query)
        return Reply(
            timeline_message(timeline, state, tz=ask.tz, now=self._clock(), lang=ask.lang),
            instance=timeline.instance_id,
        )

    async def pressed(self, state: QueryState, ask: Ask, who: Subject | None) -> Reply:
        """What happened, for the window of the answer whose button was pressed."""
        return await self.answer(self.query_of(state, ask), ask, who)

    async def export(self, state: QueryState, ask: Ask, who: Subject | None) -> Reply:
        """The whole timeline of ``state``'s exact window, as files for the thread."""
        query = self.query_of(state, ask, exact=True)
        timeline = await self.timeline(query, who)
        files = export_files(timeline, tz=ask.tz, lang=ask.lang)
        return Reply(
            export_note(timeline, tz=ask.tz, lang=ask.lang),
            instance=timeline.instance_id,
            delivery="thread",
            files=files,
        )

    def query_of(self, state: QueryState, ask: Ask, *, exact: bool = False) -> TimelineQuery:
        """The timeline query a button carries: a relative window read again at the
        press (like Refresh), or, ``exact``, the very window on screen (like paging)."""
        tz = ask.tz
        text = state.window_text or TIMELINE_WINDOW
        if exact:
            window = TimeWindow(
                begin=state.begin, end=state.end, label=text, zone=state.zone, ends_now=True
            )
        else:
            window = parse_window(text, now=self._clock(), tz=tz)
        return TimelineQuery(state.instance, window, state.window_text)


def timeline_state(instance_id: str, query: TimelineQuery) -> QueryState:
    return QueryState(
        instance=instance_id,
        window_text=query.window_text,
        begin=query.window.begin,
        end=query.window.end,
        zone=query.window.zone,
    )


async def _unconfigured(source: Source) -> SourceResult[T]:
    """No CTS or CES client for the instance's account: a gap, and no request."""
    return SourceResult(gaps=(Gap(source, "no_endpoint"),))


async def _kept(
    source: Source, work: Awaitable[T]
) -> tuple[T | None, tuple[Gap, ...], DmsError | None]:
    """``work``'s result, or the gap its DMS failure leaves (and the failure itself, for
    the caller that must still raise one)."""
    try:
        return await work, (), None
    except DmsError as exc:
        log.info("the timeline goes without %s: %s", source, exc)
        reason: GapReason = (
            "forbidden" if isinstance(exc, DmsAuthError) and exc.status == 403 else "failed"
        )
        gap = Gap(source, reason, detail=str(exc), status=exc.status, request_id=exc.request_id)
        return None, (gap,), exc
