"""Which DMS requests a piece of work caused: their X-Request-Id, for the audit log.

``with collecting_request_ids() as ids:`` gathers the request id of every DMS response
(success or error) received inside the block, in the order they arrived, including
those awaited by tasks started inside it: asyncio tasks copy the context when they are
created, so the page workers of a concurrent listing report to the same collectors.

- Collectors nest: a response is noted in every collector open around it, so an outer
  block sees all its inner blocks' requests, and an inner block sees only its own.
- Blocks in independent tasks never see each other's requests.
- An answer from the cache, or one that joined a fetch another ask had already started
  (single-flight), adds nothing: that request belongs to the ask that sent it.
- Nothing is noted after a block has ended (a shielded fetch outliving its ask, say),
  so a list handed on after the block no longer changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class _Collector:
    __slots__ = ("ids", "open")

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.open = True


# The collectors open in this context, outermost first. A tuple, replaced rather than
# changed, so a task that copied the context keeps exactly the collectors open when it
# was created; the lists inside are shared, which is what lets those tasks report.
_collectors: ContextVar[tuple[_Collector, ...]] = ContextVar(
    "kafka_tasks_dms_request_ids", default=()
)


@contextmanager
def collecting_request_ids() -> Iterator[list[str]]:
    collector = _Collector()
    token = _collectors.set((*_collectors.get(), collector))
    try:
        yield collector.ids
    finally:
        collector.open = False
        _collectors.reset(token)


def note_request_id(request_id: str | None) -> None:
    """Called by DmsClient for each response it receives."""
    if not request_id:
        return
    for collector in _collectors.get():
        if collector.open:
            collector.ids.append(request_id)
