"""What the rest of the bot needs of DMS, whether one account's client or several.

``DmsClient`` (one account) and ``Fleet`` (several, routed by instance) both have
this shape; the conversation, the services and the poller take a ``Dms`` so that
neither knows how many accounts stand behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.core import bounded_json
from bot.core.dms.models import Instance, Task, TaskList
from bot.core.dms.place import Where
from bot.core.dms.scheduled import ScheduledList
from bot.core.timeline.records import InstanceDetail, Progress


class Window(Protocol):
    @property
    def begin(self) -> datetime: ...
    @property
    def end(self) -> datetime: ...
    @property
    def ends_now(self) -> bool: ...


@dataclass(frozen=True)
class ClientOptions:
    page_size: int = 50
    concurrency: int = 10
    max_tasks: int = 20_000
    timeout: float = 10.0
    connect_timeout: float = 5.0
    max_attempts: int = 4
    backoff_base: float = 0.25
    backoff_cap: float = 4.0
    # A Retry-After longer than this is not waited out: the user is told when to retry.
    max_retry_after: float = 20.0
    cache_ttl: float = 20.0
    bucket_seconds: float = 15.0
    names_ttl: float = 600.0
    # The largest response body read. A page of 50 tasks is some tens of kilobytes.
    max_body_bytes: int = bounded_json.BODY.max_chars


class Dms(Protocol):
    @property
    def where(self) -> Where:
        """Where instances are looked for, as answers and errors name it."""
        ...

    @property
    def options(self) -> ClientOptions:
        """The client tuning (the poller bounds its lookups by ``concurrency``)."""
        ...

    async def resolve(self, name_or_id: str) -> Instance: ...

    async def list_tasks(
        self, instance_id: str, window: Window, *, fresh: bool = False
    ) -> TaskList: ...

    async def get_task(self, instance_id: str, task_id: str) -> Task: ...

    async def list_instances(self, *, fresh: bool = False) -> tuple[Instance, ...]: ...

    async def show_instance(self, instance_id: str, *, fresh: bool = False) -> InstanceDetail:
        """The instance as DMS has it now (status, specification, maintenance window)."""
        ...

    async def task_progress(
        self, instance_id: str, task_id: str, *, fresh: bool = False
    ) -> Progress:
        """How far a running task has got; a ``DmsError`` for a task DMS reports none for."""
        ...

    async def list_scheduled(self, instance_id: str) -> ScheduledList:
        """The changes DMS has scheduled for the instance (ListScheduledTasks)."""
        ...

    async def update_scheduled(
        self, instance_id: str, task_id: str, *, execute_at: datetime | None
    ) -> str | None:
        """Reschedule a waiting task to ``execute_at``, or cancel it when None
        (UpdateScheduledTask): the bot's one write. The change's request id."""
        ...
