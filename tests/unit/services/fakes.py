"""In-memory stand-ins for the services' unit tests: DMS, the access rules, the audit log.

``MemoryDms`` finds instances with the real ``pick_instance`` (ids, exact names, unique
partial names, close matches), so the guard is tested against what DMS would answer;
each call notes a request id, as ``DmsClient`` does for each response it receives.
"""

from __future__ import annotations

import json
import logging
import tomllib
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from bot.adapters.audit import AuditEvent, AuditLog
from bot.adapters.dms.trace import note_request_id
from bot.core.access import Gatekeeper, Policy, parse_policy
from bot.core.dms.errors import DmsNotFound, DmsRequestError
from bot.core.dms.ids import INSTANCE_NOT_FOUND as NOT_FOUND
from bot.core.dms.models import Instance, Task, TaskList
from bot.core.dms.place import Where
from bot.core.dms.resolve import pick_instance
from bot.core.dms.scheduled import ScheduledList
from bot.core.dms.source import ClientOptions, Window
from bot.core.timeline.records import InstanceDetail, Progress
from bot.views.kit import Message

NOW = datetime(2026, 11, 27, 3, 0, 0, tzinfo=UTC)
WHERE = "the test project"

ORDERS = Instance(instance_id="11111111-1111-4111-8111-111111111111", name="prod-orders")
ORDERS_EU = Instance(instance_id="22222222-2222-4222-8222-222222222222", name="prod-orders-eu")
PAYMENTS = Instance(instance_id="33333333-3333-4333-8333-333333333333", name="prod-payments")
STAGING_EU = Instance(instance_id="44444444-4444-4444-8444-444444444444", name="staging-orders-eu")
INSTANCES = (ORDERS, ORDERS_EU, PAYMENTS, STAGING_EU)
# An id shaped like DMS's that no instance has.
NO_SUCH_ID = "99999999-9999-4999-8999-999999999999"

# Who the rules below are about.
OPS = "U0OPS"  # may do anything anywhere
DEV = "U0DEV"  # prod instances, not payments
ONCALL = "U0CAROL"  # in the on-call group: may query anything
NOBODY = "U0NOBODY"  # no rule names them
TEAM = "C0TEAM"
PUBLIC = "C0PUBLIC"  # nothing may be shared here
ONCALL_GROUP = "S0ONCALL"

RULES = f"""
default = "deny"

[[rules]]
description = "nothing is shared in the public channel"
effect = "deny"
channels = ["{PUBLIC}"]
actions = ["share"]

[[rules]]
description = "ops"
users = ["{OPS}"]

[[rules]]
description = "payments is finance's"
effect = "deny"
users = ["{DEV}"]
instances = ["prod-payments*"]

[[rules]]
description = "developers: prod"
users = ["{DEV}"]
instances = ["prod-*"]

[[rules]]
description = "on-call may look at anything"
groups = ["{ONCALL_GROUP}"]
actions = ["query"]
"""


def policy() -> Policy:
    return parse_policy(tomllib.loads(RULES))


def gate(members: Sequence[str] = (ONCALL,), *, groups_down: bool = False) -> Gatekeeper:
    """The rules above, with ``members`` in the on-call group (or Slack failing)."""

    async def read(group: str) -> Sequence[str]:
        if groups_down:
            raise RuntimeError("usergroups.users.list: ratelimited")
        return members

    return Gatekeeper(policy(), read)


def task(n: int, status: str, *, hours_ago: float = 1, name: str = "restartInstance") -> Task:
    created = NOW - timedelta(hours=hours_ago)
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return Task.from_api(
        {
            "id": f"task-{n:04d}",
            "name": name,
            "status": status,
            "created_at": stamp,
            "updated_at": stamp,
        }
    )


class MemoryDms:
    """DMS with ``instances`` and their ``tasks``; ``failing`` is raised by every call."""

    def __init__(
        self,
        instances: Iterable[Instance] = INSTANCES,
        tasks: dict[str, tuple[Task, ...]] | None = None,
        *,
        where: Where = WHERE,
    ) -> None:
        self.instances = tuple(instances)
        self.tasks: dict[str, tuple[Task, ...]] = dict(tasks or {})
        self.failing: Exception | None = None
        self.calls: list[str] = []
        # Each listing's window and whether it was asked for afresh.
        self.listings: list[tuple[Window, bool]] = []
        self._where = where

    @property
    def where(self) -> Where:
        return self._where

    @property
    def options(self) -> ClientOptions:
        return ClientOptions()

    def _called(self, what: str) -> None:
        self.calls.append(what)
        note_request_id(f"req-{len(self.calls)}")
        if self.failing is not None:
            raise self.failing

    def _exists(self, instance_id: str) -> None:
        if instance_id not in {i.instance_id for i in self.instances}:
            raise DmsNotFound("The instance does not exist", status=404, error_code=NOT_FOUND)

    async def resolve(self, name_or_id: str) -> Instance:
        self._called(f"resolve {name_or_id}")
        return pick_instance(name_or_id, self.instances, where=self._where)

    async def list_tasks(
        self, instance_id: str, window: Window, *, fresh: bool = False
    ) -> TaskList:
        self._called(f"list_tasks {instance_id}")
        self.listings.append((window, fresh))
        self._exists(instance_id)
        tasks = tuple(
            t
            for t in self.tasks.get(instance_id, ())
            if t.created_at is None or window.begin <= t.created_at <= window.end
        )
        return TaskList(instance_id, window.begin, window.end, tasks, len(tasks))

    async def get_task(self, instance_id: str, task_id: str) -> Task:
        self._called(f"get_task {instance_id} {task_id}")
        self._exists(instance_id)
        for one in self.tasks.get(instance_id, ()):
            if one.id == task_id:
                return one
        raise DmsNotFound(f"DMS has no task {task_id}", status=404, error_code="DMS.00404001")

    async def list_instances(self, *, fresh: bool = False) -> tuple[Instance, ...]:
        self._called("list_instances")
        return self.instances

    async def show_instance(self, instance_id: str, *, fresh: bool = False) -> InstanceDetail:
        self._called(f"show_instance {instance_id}")
        self._exists(instance_id)
        found = next(i for i in self.instances if i.instance_id == instance_id)
        return InstanceDetail.from_api(
            {"instance_id": instance_id, "name": found.name, "status": found.status}
        )

    async def task_progress(
        self, instance_id: str, task_id: str, *, fresh: bool = False
    ) -> Progress:
        self._called(f"task_progress {instance_id} {task_id}")
        # As DMS does for a task it reports no progress for.
        raise DmsRequestError("no progress for this task", status=400)

    async def list_scheduled(self, instance_id: str) -> ScheduledList:
        self._called(f"list_scheduled {instance_id}")
        self._exists(instance_id)
        return ScheduledList(instance_id, ())

    async def update_scheduled(
        self, instance_id: str, task_id: str, *, execute_at: datetime | None
    ) -> str | None:
        self._called(f"update_scheduled {instance_id} {task_id}")
        raise DmsNotFound(f"DMS has no scheduled task {task_id}", status=404)


class AuditLines(logging.Handler):
    """The audit lines written, as text, and the events behind them."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []
        self.events: list[AuditEvent] = []
        # A logger of its own: lines from other tests never land here.
        self.logger = logging.getLogger(f"test.audit.{uuid.uuid4().hex}")
        self.logger.propagate = False
        self.logger.setLevel(logging.INFO)
        self.logger.addHandler(self)
        self.log = AuditLog(self.logger, clock=lambda: NOW, observers=[self.events.append])

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def shown(message: Message) -> str:
    """Everything a message shows: its notification text and its blocks."""
    return f"{message.text}\n{json.dumps(message.block_dicts(), ensure_ascii=False)}"


def buttons(message: Message) -> list[tuple[str, str]]:
    """The (action id, value) of each button a message offers, in order."""
    found: list[tuple[str, str]] = []
    for block in message.block_dicts():
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if "action_id" in element:
                found.append((str(element["action_id"]), str(element.get("value", ""))))
    return found
