"""What the rest of the bot needs of DMS, whether one account's client or several.

``DmsClient`` (one account) and ``Fleet`` (several, routed by instance) both have
this shape; the conversation, the services and the poller take a ``Dms`` so that
neither knows how many accounts stand behind it.
"""

from __future__ import annotations

from typing import Protocol

from bot.dms.client import ClientOptions, Window
from bot.dms.models import Instance, Task, TaskList
from bot.dms.place import Where


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
