"""DmsClient: background tasks (every page), one task, instances, and name -> id.

One shared ``httpx.AsyncClient`` carries every call (keep-alive to the gateway, one
connection pool, timeouts); the signer is its ``auth``. Pages after the first are
fetched concurrently, bounded, because the API only pages by index and answering
"last 24h" on a busy instance sequentially would take seconds.
"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import random
import socket
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from cachetools import LRUCache

from bot.adapters.cache import SingleFlightCache, bucket_window
from bot.adapters.dms.auth import AkSkAuth, Credentials, canonical_query
from bot.adapters.dms.trace import note_request_id
from bot.adapters.dms.transport import AiohttpTransport, BodyTooLarge, UnreadableBody
from bot.adapters.metrics import Metrics, Operation, error_code_label
from bot.core import bounded_json
from bot.core.clock import utc_now
from bot.core.dms.errors import (
    SNIPPET_CHARS,
    ConnectFailure,
    DmsError,
    DmsNotFound,
    DmsProtocolError,
    DmsThrottled,
    DmsUnavailable,
    DmsUnreachable,
    from_response,
)
from bot.core.dms.ids import instance_segment, task_segment
from bot.core.dms.models import Instance, Task, TaskList
from bot.core.dms.place import Place, Where
from bot.core.dms.resolve import pick_instance
from bot.core.dms.source import ClientOptions, Window
from bot.core.redact import redact, redact_text
from bot.i18n import Said

log = logging.getLogger("kafka_tasks.dms")

API_TIME_FORMAT = "%Y%m%d%H%M%S"
INSTANCE_PAGE = 50  # ListInstances' documented maximum
# Tasks and instances whose unreadable fields were logged: each is logged once, not on
# every poll and answer that reads it again. Bounded, like everything DMS can grow.
_REPORTED = 4096


@dataclass(frozen=True)
class _Page:
    tasks: tuple[Task, ...]
    count: int | None
    request_id: str | None


def api_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(API_TIME_FORMAT)


# How much of a body is masked before its snippet is cut from it: enough that a secret
# the cut would split (a token, a quoted password) is whole when it is masked.
_SNIPPET_WINDOW = 10 * SNIPPET_CHARS
# How many values of a parsed body its snippet is made from: the snippet shows a few of
# them, and masking all of a 4 MiB body would hold the event loop for a second.
_SNIPPET_VALUES = 64


def _snippet(content: bytes) -> str:
    """The start of a body that is not JSON, for the log, its secrets masked: it may be
    a task list cut off, params and all."""
    text = content[:_SNIPPET_WINDOW].decode("utf-8", errors="replace")
    return redact_text(text)[:SNIPPET_CHARS]


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
        self._http = http
        # Named when the endpoint cannot be reached: the setting to check.
        self.endpoint_setting = endpoint_setting
        self.project_id = project_id
        self.options = options or ClientOptions()
        self.where: Where = where or Place(project=project_id)
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._metrics = metrics
        self.task_cache: SingleFlightCache[tuple[str, datetime, datetime], TaskList] = (
            SingleFlightCache(
                ttl=self.options.cache_ttl, maxsize=512, name="tasks", metrics=metrics
            )
        )
        self._instances: SingleFlightCache[str, tuple[Instance, ...]] = SingleFlightCache(
            ttl=self.options.names_ttl, maxsize=4, name="instances", metrics=metrics
        )
        self.upstream_requests = 0
        self._body_limits = bounded_json.JsonLimits(
            max_chars=self.options.max_body_bytes, max_depth=bounded_json.BODY.max_depth
        )
        self._reported: LRUCache[str, None] = LRUCache(maxsize=_REPORTED)

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
        http = httpx.AsyncClient(
            base_url=endpoint.rstrip("/"),
            auth=AkSkAuth(credentials, clock=clock),
            timeout=httpx.Timeout(opts.timeout, connect=opts.connect_timeout),
            limits=httpx.Limits(
                max_connections=max(opts.concurrency * 2, 20),
                max_keepalive_connections=max(opts.concurrency, 10),
            ),
            headers={"Content-Type": "application/json", "User-Agent": "kafka-tasks/0.1"},
            transport=transport
            or AiohttpTransport(
                max_connections=max(opts.concurrency * 2, 20), max_body_bytes=opts.max_body_bytes
            ),
        )
        return cls(
            http,
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
            lambda: self._fetch_window(instance_id, low, high),
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
            queried=(api_time(low), api_time(high)),
        )

    async def _fetch_window(self, instance_id: str, begin: datetime, end: datetime) -> TaskList:
        size = self.options.page_size
        query = {"begin_time": api_time(begin), "end_time": api_time(end)}
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
        body, request_id = await self._get(
            f"/v2/{self.project_id}/instances/{instance_segment(instance_id)}/tasks",
            {"start": str(start), "limit": str(limit), **query},
            "list_tasks",
        )
        return self._parse_tasks(body, request_id, instance_id, most=limit)

    def _parse_tasks(
        self, body: Any, request_id: str | None, instance_id: str, *, most: int
    ) -> _Page:
        """The tasks of one response; at most ``most`` of them (what was asked for)."""
        if not isinstance(body, Mapping):
            raise DmsProtocolError(
                Said("dms.tasks_not_object"),
                snippet=_json_snippet(body),
                request_id=request_id,
            )
        count = _parse_count(body.get("task_count"))
        raw_tasks = body.get("tasks")
        if raw_tasks is None:
            if count:
                raise DmsProtocolError(
                    Said("dms.tasks_missing"),
                    snippet=_json_snippet(body),
                    request_id=request_id,
                )
            raw_tasks = []
        if not isinstance(raw_tasks, list) or not all(isinstance(t, Mapping) for t in raw_tasks):
            raise DmsProtocolError(
                Said("dms.tasks_shape"),
                snippet=_json_snippet(body),
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
        tasks: list[Task] = []
        for raw in raw_tasks:
            task = Task.from_api(raw)
            if not task.id:
                why = task.unreadable.get("id", "missing")
                self._report_no_id(f"a task of instance {instance_id}", why)
                continue
            if task.unreadable:
                subject = f"task {task.id} of instance {instance_id}"
                self._report_unreadable(subject, task.unreadable)
            tasks.append(task)
        return _Page(tuple(tasks), count, request_id)

    def _report_unreadable(self, subject: str, fields: Mapping[str, str]) -> None:
        """Logs, once per task or instance (``subject`` names it), which of its fields DMS
        sent unreadable; the fields' content never (it is what could not be read, and may
        be anything)."""
        if self._first_report(subject):
            log.warning(
                "%s has fields DMS sent that cannot be read (%s); it is shown without them",
                subject,
                ", ".join(f"{name}: {why}" for name, why in sorted(fields.items())),
            )

    def _report_no_id(self, subject: str, why: str) -> None:
        """Logs, once for ``subject``, that DMS sent one without an id the bot can read.

        It is left out: without its id a task cannot be told from another (two would
        be merged into one), opened, or followed, nor an instance asked about."""
        if self._first_report(subject):
            log.warning("DMS sent %s without a readable id (%s); it is left out", subject, why)

    def _first_report(self, subject: str) -> bool:
        if subject in self._reported:
            return False
        self._reported[subject] = None
        return True

    async def get_task(self, instance_id: str, task_id: str) -> Task:
        body, request_id = await self._get(
            f"/v2/{self.project_id}/instances/{instance_segment(instance_id)}"
            f"/tasks/{task_segment(task_id)}",
            {},
            "get_task",
        )
        page = self._parse_tasks(body, request_id, instance_id, most=self.options.max_tasks)
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
        instances, _ = await self._instances.get("all", self._fetch_instances, fresh=fresh)
        return instances

    async def _fetch_instances(self) -> tuple[Instance, ...]:
        found: dict[str, Instance] = {}
        offset = 0
        while True:
            body, request_id = await self._get(
                f"/v2/{self.project_id}/instances",
                {"engine": "kafka", "offset": str(offset), "limit": str(INSTANCE_PAGE)},
                "list_instances",
            )
            raw = body.get("instances") if isinstance(body, Mapping) else None
            if not isinstance(raw, list):
                raise DmsProtocolError(
                    Said("dms.instances_shape"),
                    snippet=_json_snippet(body),
                    request_id=request_id,
                )
            before = len(found)
            for item in raw:
                if isinstance(item, Mapping):
                    inst = Instance.from_api(item)
                    if not inst.instance_id:
                        why = inst.unreadable.get("instance_id", "missing")
                        self._report_no_id("an instance", why)
                        continue
                    if inst.unreadable:
                        self._report_unreadable(f"instance {inst.instance_id}", inst.unreadable)
                    found.setdefault(inst.instance_id, inst)
            total = _parse_count(body.get("instance_num"))
            offset += len(raw)
            if not raw or len(found) == before or (total is not None and offset >= total):
                break
            if total is None and len(raw) < INSTANCE_PAGE:
                break
        return tuple(sorted(found.values(), key=lambda i: i.name))

    async def resolve(self, name_or_id: str) -> Instance:
        """An instance by id, exact name, then unique fuzzy name match."""
        return pick_instance(name_or_id, await self.list_instances(), where=self.where)

    # -- transport ---------------------------------------------------------------------

    async def _get(
        self, path: str, params: Mapping[str, str], operation: Operation
    ) -> tuple[Any, str | None]:
        """GET with bounded, jittered retries on 429, 5xx, timeouts and dropped links.

        Every attempt is measured on its own (a retry is another call DMS had to answer),
        and every response's request id is noted for the audit log (bot.adapters.dms.trace).
        """
        opts = self.options
        # The query in its signed (canonical) form, so the signer need not rewrite it.
        query = canonical_query(params.items())
        url = f"{path}?{query}" if query else path
        attempt = 0
        while True:
            attempt += 1
            self.upstream_requests += 1
            error: DmsError
            started = time.perf_counter()
            try:
                response = await self._http.get(url)
            except httpx.DecodingError as exc:
                # Not retried: the same request would fetch the same body again.
                self._observe(operation, time.perf_counter() - started, "malformed")
                request_id = None
                if isinstance(exc, UnreadableBody):
                    request_id = exc.headers.get("X-Request-Id")
                    note_request_id(request_id)
                raise self._unreadable_body(path, exc, request_id) from None
            except httpx.ConnectTimeout as exc:
                self._observe(operation, time.perf_counter() - started, "timeout")
                log.debug("DMS GET %s: no connection: %r", path, exc)
                error = self._unreachable("timed_out")
            except httpx.TimeoutException as exc:
                self._observe(operation, time.perf_counter() - started, "timeout")
                # Users read this message; the chain of reprs is for the debug log.
                log.debug("DMS GET %s timed out: %r", path, exc)
                error = DmsUnavailable(Said.of("dms.timed_out", seconds=f"{opts.timeout:g}"))
            except httpx.ConnectError as exc:
                self._observe(operation, time.perf_counter() - started, "connection")
                log.debug("DMS GET %s: no connection: %r", path, exc)
                error = self._unreachable(_connect_failure(exc))
            except httpx.TransportError as exc:
                self._observe(operation, time.perf_counter() - started, "connection")
                log.debug("DMS GET %s: connection lost: %r", path, exc)
                error = DmsUnavailable(Said("dms.connection_lost"))
            else:
                # Measured before the body is parsed: this is DMS's time, not ours.
                elapsed = time.perf_counter() - started
                request_id = response.headers.get("X-Request-Id")
                note_request_id(request_id)
                if response.status_code == 200:
                    try:
                        decoded = bounded_json.loads(response.content, self._body_limits)
                    except bounded_json.UnreadableJson as exc:
                        # Over the bound: read whole by a transport that does not bound
                        # the body itself (the bot's own refuses it while reading).
                        self._observe(operation, elapsed, "malformed")
                        raise self._unreadable_body(path, exc, request_id) from None
                    except ValueError:
                        self._observe(operation, elapsed, "malformed")
                        log.error(
                            "DMS sent a body that is not JSON for %s (request id %s): %r",
                            path,
                            request_id,
                            _snippet(response.content),
                        )
                        raise DmsProtocolError(
                            Said("dms.not_json"),
                            snippet=_snippet(response.content),
                            status=200,
                            request_id=request_id,
                        ) from None
                    self._observe(operation, elapsed)
                    return decoded, request_id
                try:
                    body: Any = bounded_json.loads(response.content, self._body_limits)
                except ValueError:
                    body = None
                error = from_response(
                    response.status_code, response.headers, response.reason_phrase, body
                )
                self._observe(
                    operation,
                    elapsed,
                    error_code_label(error.error_code, status=response.status_code),
                )
                if not isinstance(error, DmsThrottled | DmsUnavailable):
                    raise error
            delay = self._delay(attempt, error)
            if attempt >= opts.max_attempts or delay is None:
                raise error
            log.warning(
                "DMS GET %s failed (%s); retry %d/%d in %.2f s",
                path,
                error.message,
                attempt,
                opts.max_attempts - 1,
                delay,
            )
            await self._sleep(delay)

    def _unreadable_body(
        self,
        path: str,
        exc: httpx.DecodingError | bounded_json.UnreadableJson,
        request_id: str | None = None,
    ) -> DmsProtocolError:
        if isinstance(exc, BodyTooLarge | bounded_json.UnreadableJson):
            message = f"DMS sent a response larger than the {self.options.max_body_bytes:,} "
            message += "bytes the bot reads"
        else:
            message = "DMS sent a body that could not be decoded"
        log.error("%s for %s (request id %s): %s", message, path, request_id, exc)
        return DmsProtocolError(message, request_id=request_id)

    def _unreachable(self, failure: ConnectFailure) -> DmsUnreachable:
        endpoint = str(self._http.base_url).rstrip("/")
        return DmsUnreachable(endpoint, failure, setting=self.endpoint_setting)

    def _observe(self, operation: Operation, seconds: float, error: str | None = None) -> None:
        if self._metrics is None:
            return
        self._metrics.upstream(operation, seconds)
        if error is not None:
            self._metrics.upstream_error(error)

    def _delay(self, attempt: int, error: DmsError) -> float | None:
        opts = self.options
        if isinstance(error, DmsThrottled) and error.retry_after is not None:
            if error.retry_after > opts.max_retry_after:
                return None
            return error.retry_after + self._rng.uniform(0, opts.backoff_base)
        # Full jitter: retries from many callers spread out instead of arriving together.
        ceiling = min(opts.backoff_cap, opts.backoff_base * 2 ** (attempt - 1))
        return self._rng.uniform(0, ceiling)


def _json_snippet(body: Any) -> str:
    """The start of a parsed body, for the log, its secrets masked (params, encoded once
    or twice, included); a part cut for its depth shows as such."""
    start = _first_values(body, [_SNIPPET_VALUES])
    return json.dumps(redact(start), default=str)[:SNIPPET_CHARS]


def _first_values(value: Any, left: list[int]) -> Any:
    """``value`` as far as its first ``left[0]`` values (shared by the calls, spent as
    values are taken), each string no longer than a snippet's window. Recursive: a
    parsed body is no deeper than bounded_json.BODY allows."""
    left[0] -= 1
    if isinstance(value, dict):
        kept: dict[Any, Any] = {}
        for key, item in value.items():
            if left[0] <= 0:
                break
            kept[key] = _first_values(item, left)
        return kept
    if isinstance(value, list):
        items: list[Any] = []
        for item in value:
            if left[0] <= 0:
                break
            items.append(_first_values(item, left))
        return items
    return value[:_SNIPPET_WINDOW] if isinstance(value, str) else value


def _connect_failure(exc: BaseException) -> ConnectFailure:
    """Why a connection could not be made, from the errors behind ``exc`` (the socket's
    own, under whichever HTTP library's wrapping)."""
    seen: BaseException | None = exc
    for _ in range(10):  # a chain is short; a cycle must not hang us
        if seen is None:
            break
        if isinstance(seen, socket.gaierror):
            return "unknown_host"
        if isinstance(seen, ConnectionRefusedError) or (
            isinstance(seen, OSError) and seen.errno == errno.ECONNREFUSED
        ):
            return "refused"
        seen = seen.__cause__ or seen.__context__
    return "failed"


def _parse_count(value: object) -> int | None:
    """``task_count`` is documented as a string; accept an int too, else unknown."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return max(value, 0)
    if isinstance(value, str):
        try:
            return max(int(value.strip()), 0)
        except ValueError:
            return None
    return None
