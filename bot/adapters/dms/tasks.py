"""The background tasks of one instance in one window: every page of them, read.

The API pages only by index. Pages after the first are fetched concurrently, bounded,
because answering "last 24h" on a busy instance sequentially would take seconds; a
server that caps or ignores the paging is guarded against here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
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


@dataclass(frozen=True)
class _Page:
    tasks: tuple[Task, ...]
    count: int | None
    request_id: str | None


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

    async def fetch_window(self, instance_id: str, begin: datetime, end: datetime) -> TaskList:
        size = self.options.page_size
        query = {"begin_time": format_api_time(begin), "end_time": format_api_time(end)}
        first = await self._page(instance_id, 1, size, query)
        seen: dict[str, Task] = {}
        request_ids = [first.request_id] if first.request_id else []
        self._merge(seen, first.tasks)
        total = first.count
        truncated = False
        if first.tasks and (total is None or total > len(first.tasks)):
            # A server may cap `limit` below what was asked: step by what it returned.
            step = len(first.tasks) if len(first.tasks) < size else size
            if total is None:
                truncated = await self._page_until_short(
                    instance_id, step, query, seen, request_ids
                )
            else:
                last = min(total, self.options.max_tasks)
                truncated = total > self.options.max_tasks
                starts = list(range(1 + step, last + 1, step))
                stopped = await self._pages_concurrently(
                    instance_id, starts, step, query, seen, request_ids
                )
                truncated = truncated or stopped
        tasks = sorted(
            seen.values(),
            key=lambda t: (t.created_at or datetime.min.replace(tzinfo=UTC), t.id),
            reverse=True,
        )
        return TaskList(
            instance_id=instance_id,
            begin=begin,
            end=end,
            tasks=tuple(tasks),
            reported_count=total if total is not None else len(tasks),
            request_ids=tuple(request_ids),
            fetched_at=self._clock(),
            truncated=truncated,
        )

    @staticmethod
    def _merge(seen: dict[str, Task], tasks: Sequence[Task]) -> int:
        added = 0
        for task in tasks:
            if task.id not in seen:
                seen[task.id] = task
                added += 1
        return added

    async def _pages_concurrently(
        self,
        instance_id: str,
        starts: list[int],
        step: int,
        query: Mapping[str, str],
        seen: dict[str, Task],
        request_ids: list[str],
    ) -> bool:
        """Fetch the pages at ``starts``; True if paging had to stop early."""
        pending = iter(starts)
        stop = False

        async def worker() -> None:
            nonlocal stop
            for start in pending:
                if stop:
                    return
                page = await self._page(instance_id, start, step, query)
                if page.request_id:
                    request_ids.append(page.request_id)
                if self._merge(seen, page.tasks) == 0:
                    # The guard design.md asks for: a server that ignores `start` (or
                    # names it `offset`) would repeat page one forever.
                    log.warning(
                        "task page start=%s of instance %s added no new task; paging stopped",
                        start,
                        instance_id,
                    )
                    stop = True

        workers = min(self.options.concurrency, len(starts))
        async with asyncio.TaskGroup() as group:
            for _ in range(workers):
                group.create_task(worker())
        return stop

    async def _page_until_short(
        self,
        instance_id: str,
        step: int,
        query: Mapping[str, str],
        seen: dict[str, Task],
        request_ids: list[str],
    ) -> bool:
        """Without a usable task_count, page one at a time until a short page."""
        start = 1 + step
        while len(seen) < self.options.max_tasks:
            page = await self._page(instance_id, start, step, query)
            if page.request_id:
                request_ids.append(page.request_id)
            if self._merge(seen, page.tasks) == 0 or len(page.tasks) < step:
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
