"""Scheduled tasks of one instance: every page of ListScheduledTasks, and
UpdateScheduledTask (reschedule, cancel), on the one signed GET/PUT path (``http``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.adapters.dms.http import DmsHttp
from bot.adapters.dms.snippets import json_snippet
from bot.core.dms.errors import DmsProtocolError
from bot.core.dms.ids import instance_segment, task_segment
from bot.core.dms.scheduled import CANCELLED, ScheduledList, ScheduledTask

# DMS lists a handful per instance; this bounds what one answer reads.
PAGE = 50
MOST = 500
# Twice the pages MOST takes at PAGE a page: a DMS paging by fewer is read only so far.
MAX_PAGES = 20
_TIME = "%Y%m%d%H%M%S"


def _path(project_id: str, instance_id: str) -> str:
    return f"/v2/{project_id}/instances/{instance_segment(instance_id)}/scheduled-tasks"


async def fetch_scheduled(http: DmsHttp, project_id: str, instance_id: str) -> ScheduledList:
    """Every scheduled task of the instance, page by page (``start`` is 1-based, like
    ListBackgroundTasks'), up to ``MOST`` tasks or ``MAX_PAGES`` pages, each task once.

    A DMS that repeats a page, or sends one task a page with a count that never ends,
    stops the paging (and the listing says it is cut short) rather than listing a task
    again and again or asking without end."""
    tasks: dict[str, ScheduledTask] = {}
    request_ids: list[str] = []
    start, count, more = 1, 0, False
    for _ in range(MAX_PAGES):
        body, request_id = await http.get(
            _path(project_id, instance_id),
            {"start": str(start), "limit": str(PAGE)},
            "list_scheduled",
        )
        if request_id:
            request_ids.append(request_id)
        jobs, count = _page(body, request_id)
        known = len(tasks)
        for job in jobs:
            task = ScheduledTask.from_api(job)
            tasks.setdefault(task.id or f"#{start}.{len(tasks)}", task)
        start += len(jobs)
        more = len(tasks) < min(count, MOST)
        if not jobs or len(tasks) == known or not more:
            break
    listed = tuple(tasks.values())
    return ScheduledList(
        instance_id=instance_id,
        tasks=listed[:MOST],
        request_ids=tuple(request_ids),
        truncated=len(listed) > MOST or count > MOST or (more and bool(jobs)),
    )


async def update_scheduled(
    http: DmsHttp,
    project_id: str,
    instance_id: str,
    task_id: str,
    *,
    execute_at: datetime | None = None,
) -> str | None:
    """Reschedule to ``execute_at``, or cancel when it is None; the request id of the
    change. The times are UTC, as every time DMS takes in a query."""
    params = (
        {"status": CANCELLED}
        if execute_at is None
        else {"execute_at": execute_at.astimezone(UTC).strftime(_TIME)}
    )
    _, request_id = await http.put(
        f"{_path(project_id, instance_id)}/{task_segment(task_id)}", params, "update_scheduled"
    )
    return request_id


def _page(body: Any, request_id: str | None) -> tuple[list[Mapping[str, Any]], int]:
    """The page's jobs and the count DMS reports (an int in the SDK, a string in the
    documentation: both are read)."""
    if not isinstance(body, Mapping) or not isinstance(body.get("jobs", []), list):
        raise DmsProtocolError(
            "DMS sent a list of scheduled tasks that is not one",
            snippet=json_snippet(body),
            request_id=request_id,
        )
    jobs = [job for job in body.get("jobs") or [] if isinstance(job, Mapping)]
    raw = body.get("job_count")
    try:
        count = int(raw) if raw is not None and not isinstance(raw, bool) else len(jobs)
    except (TypeError, ValueError):
        count = len(jobs)
    return jobs, count
