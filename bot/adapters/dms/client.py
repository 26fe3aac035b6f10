"""DmsClient: background tasks (every page), one task, instances, name -> id, one
instance's detail, a task's progress and scheduled tasks (listed and changed).

One shared ``httpx.AsyncClient`` carries every call (keep-alive to the gateway, one
connection pool, timeouts); the signer is its ``auth``. The work is split by job:
the GET with its retries and bounds (``http``), the paging of tasks (``tasks``), the
listing of instances (``instances``); this class caches their answers.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from datetime import datetime

import httpx

from bot.adapters.cache import SingleFlightCache, bucket_window
from bot.adapters.dms.detail import fetch_instance_detail, fetch_progress
from bot.adapters.dms.http import DmsHttp, signed_client
from bot.adapters.dms.instances import fetch_instances
from bot.adapters.dms.reading import OnceReports
from bot.adapters.dms.scheduled import fetch_scheduled, update_scheduled
from bot.adapters.dms.tasks import TaskPages
from bot.adapters.metrics import Metrics
from bot.core.clock import utc_now
from bot.core.dms.accounts import Credentials
from bot.core.dms.errors import DmsNotFound
from bot.core.dms.ids import instance_segment, task_segment
from bot.core.dms.models import Instance, Task, TaskList
from bot.core.dms.place import Place, Where
from bot.core.dms.resolve import pick_instance
from bot.core.dms.scheduled import ScheduledList
from bot.core.dms.source import ClientOptions, Window
from bot.core.grammar.window import format_api_time
from bot.core.timeline.records import InstanceDetail, Progress
from bot.i18n import Said


class DmsClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        project_id: str,
        options: ClientOptions | None = None,
        where: Where = "",
        endpoint_setting: str = "",
        clock: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.project_id = project_id
        self.options = options or ClientOptions()
        self.where: Where = where or Place(project=project_id)
        self._http = DmsHttp(
            http,
            self.options,
            endpoint_setting=endpoint_setting,
            sleep=sleep,
            rng=rng,
            metrics=metrics,
        )
        self._reports = OnceReports()
        self._tasks = TaskPages(
            self._http,
            project_id=project_id,
            options=self.options,
            clock=clock,
            reports=self._reports,
        )
        self.task_cache: SingleFlightCache[tuple[str, datetime, datetime], TaskList] = (
            SingleFlightCache(
                ttl=self.options.cache_ttl, maxsize=512, name="tasks", metrics=metrics
            )
        )
        self._instances: SingleFlightCache[str, tuple[Instance, ...]] = SingleFlightCache(
            ttl=self.options.names_ttl, maxsize=4, name="instances", metrics=metrics
        )
        # Status and progress move: kept no longer than a task listing.
        self._details: SingleFlightCache[str, InstanceDetail] = SingleFlightCache(
            ttl=self.options.cache_ttl, maxsize=256, name="instance_detail", metrics=metrics
        )
        self._progress: SingleFlightCache[tuple[str, str], Progress] = SingleFlightCache(
            ttl=self.options.cache_ttl, maxsize=256, name="progress", metrics=metrics
        )

    @property
    def endpoint_setting(self) -> str:
        """Named when the endpoint cannot be reached: the setting to check."""
        return self._http.endpoint_setting

    @property
    def upstream_requests(self) -> int:
        """GETs sent to DMS, every retry counted."""
        return self._http.upstream_requests

    @classmethod
    def create(
        cls,
        endpoint: str,
        credentials: Credentials,
        *,
        options: ClientOptions | None = None,
        where: Where = "",
        endpoint_setting: str = "",
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        metrics: Metrics | None = None,
    ) -> DmsClient:
        opts = options or ClientOptions()
        return cls(
            signed_client(endpoint, credentials, opts, transport=transport, clock=clock),
            project_id=credentials.project_id,
            options=opts,
            where=where,
            endpoint_setting=endpoint_setting,
            clock=clock,
            sleep=sleep,
            metrics=metrics,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> DmsClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- tasks -------------------------------------------------------------------------

    async def list_tasks(
        self, instance_id: str, window: Window, *, fresh: bool = False
    ) -> TaskList:
        """Every task created in ``window``, newest first, cut exactly to it.

        The fetch is cached per window bucket: windows ending now share a key within
        ``bucket_seconds``; ``fresh`` re-fetches but still joins a fetch in flight.
        """
        low, high = bucket_window(
            window.begin,
            window.end,
            ends_now=window.ends_now,
            bucket_seconds=self.options.bucket_seconds,
        )
        fetched, cached = await self.task_cache.get(
            (instance_id, low, high),
            lambda: self._tasks.fetch_window(instance_id, low, high),
            fresh=fresh,
        )
        tasks = tuple(
            t
            for t in fetched.tasks
            if t.created_at is None or window.begin <= t.created_at <= window.end
        )
        return TaskList(
            instance_id=instance_id,
            begin=window.begin,
            end=window.end,
            tasks=tasks,
            reported_count=fetched.reported_count,
            request_ids=fetched.request_ids,
            fetched_at=fetched.fetched_at,
            from_cache=cached,
            truncated=fetched.truncated,
            # The fetch's bucket, which a cached answer shares: what DMS was asked.
            queried=(format_api_time(low), format_api_time(high)),
        )

    async def get_task(self, instance_id: str, task_id: str) -> Task:
        body, request_id = await self._http.get(
            f"/v2/{self.project_id}/instances/{instance_segment(instance_id)}"
            f"/tasks/{task_segment(task_id)}",
            {},
            "get_task",
        )
        page = self._tasks.parse_tasks(body, request_id, instance_id, most=self.options.max_tasks)
        for task in page.tasks:
            if task.id == task_id:
                return task
        raise DmsNotFound(
            Said.of("dms.no_task", task=task_id, instance=instance_id),
            status=404,
            request_id=request_id,
        )

    # -- instances ---------------------------------------------------------------------

    async def list_instances(self, *, fresh: bool = False) -> tuple[Instance, ...]:
        instances, _ = await self._instances.get(
            "all", lambda: fetch_instances(self._http, self.project_id, self._reports), fresh=fresh
        )
        return instances

    async def show_instance(self, instance_id: str, *, fresh: bool = False) -> InstanceDetail:
        """The instance as DMS has it now (status, size, maintenance window)."""
        detail, _ = await self._details.get(
            instance_id,
            lambda: fetch_instance_detail(self._http, self.project_id, instance_id),
            fresh=fresh,
        )
        return detail

    async def task_progress(
        self, instance_id: str, task_id: str, *, fresh: bool = False
    ) -> Progress:
        """How far a running task has got. DMS answers for scale-out tasks only: for
        others it refuses (a ``DmsError``), which the caller shows as no progress."""
        progress, _ = await self._progress.get(
            (instance_id, task_id),
            lambda: fetch_progress(self._http, self.project_id, instance_id, task_id),
            fresh=fresh,
        )
        return progress

    # -- scheduled tasks ---------------------------------------------------------------

    async def list_scheduled(self, instance_id: str) -> ScheduledList:
        """Not cached: what is listed is what a Reschedule or Cancel acts on."""
        return await fetch_scheduled(self._http, self.project_id, instance_id)

    async def update_scheduled(
        self, instance_id: str, task_id: str, *, execute_at: datetime | None
    ) -> str | None:
        return await update_scheduled(
            self._http, self.project_id, instance_id, task_id, execute_at=execute_at
        )

    async def resolve(self, name_or_id: str) -> Instance:
        """An instance by id, exact name, then unique fuzzy name match."""
        return pick_instance(name_or_id, await self.list_instances(), where=self.where)
