"""The background tasks of one instance in one window: every page of them, read.

The API pages only by index, and only the first page's ``task_count`` says how many
pages there are. So that a busy instance is not read a round late, the pages the last
answer for the same instance and window length implies are asked for at the same time
as the first (bounded by the concurrency and ``max_tasks``); what the real count does
not need is dropped. The rest follow concurrently, bounded. A server that caps or
ignores the paging is guarded against here.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.adapters.dms.http import DmsHttp
from bot.adapters.dms.reading import OnceReports, parse_count
from bot.adapters.dms.snippets import json_snippet
from bot.core.dms.errors import DmsProtocolError
from bot.core.dms.ids import instance_segment
from bot.core.dms.models import Task, TaskList
from bot.core.dms.source import ClientOptions
from bot.core.grammar.window import format_api_time
from bot.i18n import Said

log = logging.getLogger("kafka_tasks.dms")

# Counts remembered for early pages: only listings longer than a page are kept, so idle
# instances (most of what the poller reads) take no room.
_HINTS = 512


@dataclass(frozen=True)
class _Page:
    tasks: tuple[Task, ...]
    count: int | None
    request_id: str | None


@dataclass
class _Read:
    """What the pages read so far add up to."""

    seen: dict[str, Task]
    request_ids: list[str]
    stopped: bool = False

    def add(self, page: _Page) -> int:
        """Merge a page; the number of tasks it added."""
        if page.request_id:
            self.request_ids.append(page.request_id)
        added = 0
        for task in page.tasks:
            if task.id not in self.seen:
                self.seen[task.id] = task
                added += 1
        return added


class TaskPages:
    def __init__(
        self,
        http: DmsHttp,
        *,
        project_id: str,
        options: ClientOptions,
        clock: Callable[[], datetime],
        reports: OnceReports,
    ) -> None:
        self._http = http
        self.project_id = project_id
        self.options = options
        self._clock = clock
        self._reports = reports
        # (instance, window length) -> the task_count of its last answer.
        self._counts: OrderedDict[tuple[str, timedelta], int] = OrderedDict()

    async def fetch_window(self, instance_id: str, begin: datetime, end: datetime) -> TaskList:
        size = self.options.page_size
        query = {"begin_time": format_api_time(begin), "end_time": format_api_time(end)}
        key = (instance_id, end - begin)
        early: dict[int, asyncio.Future[_Page]] = {
            start: asyncio.ensure_future(self._page(instance_id, start, size, query))
            for start in self._early_starts(key)
        }
        try:
            first = await self._page(instance_id, 1, size, query)
            read = _Read({}, [])
            read.add(first)
            truncated = await self._rest(instance_id, first, query, read, early)
        finally:
            await _drop(early.values())
        self._remember(key, first.count)
        tasks = sorted(
            read.seen.values(),
            key=lambda t: (t.created_at or datetime.min.replace(tzinfo=UTC), t.id),
            reverse=True,
        )
        return TaskList(
            instance_id=instance_id,
            begin=begin,
            end=end,
            tasks=tuple(tasks),
            reported_count=first.count if first.count is not None else len(tasks),
            request_ids=tuple(read.request_ids),
            fetched_at=self._clock(),
            truncated=truncated,
        )

    def _early_starts(self, key: tuple[str, timedelta]) -> list[int]:
        """The pages after the first that the last count implies, as many as may be in
        flight beside the first. None on a cold ask (nothing known): a guess from the
        window's length would cost idle instances (most of them) a request each."""
        count = self._counts.get(key)
        if count is None:
            return []
        self._counts.move_to_end(key)
        size = self.options.page_size
        last = min(count, self.options.max_tasks)
        return list(range(1 + size, last + 1, size))[: self.options.concurrency - 1]

    def _remember(self, key: tuple[str, timedelta], count: int | None) -> None:
        if count is None or count <= self.options.page_size:
            self._counts.pop(key, None)
            return
        self._counts[key] = count
        self._counts.move_to_end(key)
        while len(self._counts) > _HINTS:
            self._counts.popitem(last=False)

    async def _rest(
        self,
        instance_id: str,
        first: _Page,
        query: Mapping[str, str],
        read: _Read,
        early: dict[int, asyncio.Future[_Page]],
    ) -> bool:
        """The pages after the first; True if the answer was cut short."""
        total = first.count
        if not first.tasks or (total is not None and total <= len(first.tasks)):
            return False
        # A server may cap `limit` below what was asked: step by what it returned.
        size = self.options.page_size
        step = len(first.tasks) if len(first.tasks) < size else size
        if total is None:
            return await self._page_until_short(instance_id, step, query, read)
        last = min(total, self.options.max_tasks)
        starts = range(1 + step, last + 1, step)
        # Early pages were asked at the page size: kept only where the paging asks them.
        kept = {start: early.pop(start) for start in starts if step == size and start in early}
        # Past the real count (or at the wrong step): not waited for, nor retried.
        await _drop(early.values())
        await self._pages_concurrently(instance_id, starts, step, query, read, kept)
        return total > self.options.max_tasks or read.stopped

    async def _pages_concurrently(
        self,
        instance_id: str,
        starts: Sequence[int],
        step: int,
        query: Mapping[str, str],
        read: _Read,
        early: Mapping[int, asyncio.Future[_Page]],
    ) -> None:
        """Read the pages at ``starts``, at most ``concurrency`` in flight; those in
        ``early`` are already asked. Stops where a page adds no new task."""
        # Early pages first: each is then a worker's, so no more are in flight than
        # there are workers.
        pending = iter([s for s in starts if s in early] + [s for s in starts if s not in early])

        async def worker() -> None:
            for start in pending:
                if read.stopped:
                    return
                asked = early.get(start)
                page = await (  # an early page is already on its way
                    self._page(instance_id, start, step, query) if asked is None else asked
                )
                if read.add(page) == 0:
                    # The guard design.md asks for: a server that ignores `start` (or
                    # names it `offset`) would repeat page one forever.
                    log.warning(
                        "task page start=%s of instance %s added no new task; paging stopped",
                        start,
                        instance_id,
                    )
                    read.stopped = True

        workers = [
            asyncio.ensure_future(worker())
            for _ in range(min(self.options.concurrency, len(starts)))
        ]
        try:
            # The first failure is the answer's, as one page's error (not a group).
            await asyncio.gather(*workers)
        finally:
            await _drop([*workers, *early.values()])

    async def _page_until_short(
        self, instance_id: str, step: int, query: Mapping[str, str], read: _Read
    ) -> bool:
        """Without a usable task_count, page one at a time until a short page."""
        start = 1 + step
        while len(read.seen) < self.options.max_tasks:
            page = await self._page(instance_id, start, step, query)
            if read.add(page) == 0 or len(page.tasks) < step:
                return False
            start += step
        return True

    async def _page(
        self, instance_id: str, start: int, limit: int, query: Mapping[str, str]
    ) -> _Page:
        body, request_id = await self._http.get(
            f"/v2/{self.project_id}/instances/{instance_segment(instance_id)}/tasks",
            {"start": str(start), "limit": str(limit), **query},
            "list_tasks",
        )
        return self.parse_tasks(body, request_id, instance_id, most=limit)

    def parse_tasks(
        self, body: Any, request_id: str | None, instance_id: str, *, most: int
    ) -> _Page:
        """The tasks of one response; at most ``most`` of them (what was asked for)."""
        if not isinstance(body, Mapping):
            raise DmsProtocolError(
                Said("dms.tasks_not_object"),
                snippet=json_snippet(body),
                request_id=request_id,
            )
        count = parse_count(body.get("task_count"))
        raw_tasks = body.get("tasks")
        if raw_tasks is None:
            if count:
                raise DmsProtocolError(
                    Said("dms.tasks_missing"),
                    snippet=json_snippet(body),
                    request_id=request_id,
                )
            raw_tasks = []
        if not isinstance(raw_tasks, list) or not all(isinstance(t, Mapping) for t in raw_tasks):
            raise DmsProtocolError(
                Said("dms.tasks_shape"),
                snippet=json_snippet(body),
                request_id=request_id,
            )
        if len(raw_tasks) > most:
            log.warning(
                "DMS sent %d tasks for instance %s where %d were asked for; the rest are "
                "not read (request id %s)",
                len(raw_tasks),
                instance_id,
                most,
                request_id,
            )
            raw_tasks = raw_tasks[:most]
        return _Page(tuple(self._readable(raw_tasks, instance_id)), count, request_id)

    def _readable(self, raw_tasks: list[Mapping[str, Any]], instance_id: str) -> list[Task]:
        """The tasks that have an id; what DMS sent unreadable is logged once."""
        tasks: list[Task] = []
        for raw in raw_tasks:
            task = Task.from_api(raw)
            if not task.id:
                why = task.unreadable.get("id", "missing")
                self._reports.no_id(f"a task of instance {instance_id}", why)
                continue
            if task.unreadable:
                subject = f"task {task.id} of instance {instance_id}"
                self._reports.unreadable(subject, task.unreadable)
            tasks.append(task)
        return tasks


async def _drop(futures: Iterable[asyncio.Future[Any]]) -> None:
    """Cancel what is still running and wait for it: nothing outlives the fetch, and
    the failure of a page the answer no longer needs is not the answer's."""
    futures = list(futures)
    for future in futures:
        future.cancel()
    await asyncio.gather(*futures, return_exceptions=True)
