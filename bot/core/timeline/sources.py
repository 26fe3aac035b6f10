"""What the timeline's sources answer, and what they could not: data, not exceptions.

A key without CTS or CES permission, a region without CES, CTS's 7-day retention or a
source that failed are each a ``Gap`` beside the rest of the answer: the view says in
one line what is missing and what to grant, and shows the rest. ``Context`` is the shape
the timeline use case asks of the clients (``bot.adapters.context``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, Literal, Protocol, TypeAlias, TypeVar

from bot.core.dms.errors import IAM_ACTIONS
from bot.core.dms.source import Window
from bot.core.timeline.records import Alarm, Trace

Source: TypeAlias = Literal["tasks", "cts", "ces", "instance", "progress"]
# forbidden: the key may not call it (403); no_region: the region has no such service;
# no_endpoint: no region known to find its host by; retention: part of the window is
# older than the service keeps; truncated: more records than are read; failed: any other.
GapReason: TypeAlias = Literal[
    "forbidden", "no_region", "no_endpoint", "retention", "truncated", "failed"
]

# The IAM action each source needs: what a 403 tells the operator to grant.
PERMISSIONS: dict[Source, str] = {
    "tasks": IAM_ACTIONS["list_tasks"],
    "cts": IAM_ACTIONS["list_traces"],
    "ces": IAM_ACTIONS["list_alarms"],
    "instance": IAM_ACTIONS["show_instance"],
    "progress": IAM_ACTIONS["task_progress"],
}
# ListTraces "returns operation records from the last 7 days".
CTS_RETENTION = timedelta(days=7)

T = TypeVar("T")


@dataclass(frozen=True)
class Gap:
    """What one source could not give. ``detail``: English, for the log and ``--json``;
    ``since``: for retention, the oldest time the source still covers."""

    source: Source
    reason: GapReason
    detail: str = ""
    region: str = ""
    status: int | None = None
    request_id: str | None = None
    since: datetime | None = None

    @property
    def permission(self) -> str:
        """The IAM action to grant; "" when granting one would not help."""
        return PERMISSIONS[self.source] if self.reason == "forbidden" else ""


@dataclass(frozen=True)
class SourceResult(Generic[T]):
    """The records one source gave for one instance and window (newest first), and
    what it could not give."""

    items: tuple[T, ...] = ()
    gaps: tuple[Gap, ...] = ()
    request_ids: tuple[str, ...] = ()
    from_cache: bool = False
    # The source's own total, when it said one (CES's count).
    reported_count: int | None = None

    @property
    def complete(self) -> bool:
        return not self.gaps


class Context(Protocol):
    """The traces and alarms of one instance in a window. Neither raises for a source
    that fails: it answers with a ``Gap`` (and whatever it did read)."""

    async def traces(
        self, instance_id: str, window: Window, *, fresh: bool = False
    ) -> SourceResult[Trace]: ...

    async def alarms(
        self, instance_id: str, window: Window, *, fresh: bool = False
    ) -> SourceResult[Alarm]: ...
