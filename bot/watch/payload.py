"""Reading an outbox row's payload back: the one way every part of delivery does it.

A row holds a task as DMS sent it (``Task.to_api``), so it is read within the same
bounds as DMS's own bodies: one row can never fail its rendering, its admission, or
the digest it would join, by how it is nested.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from bot.core import bounded_json
from bot.core.records import OutboxItem

__all__ = ["payload_of", "read_payload"]

# Each row read from the store is read by admission, by batching, by rendering and by
# its audit line, and a digest's rows by each of them too: parsed once, kept as long as
# the row is. (Rows are frozen: the same row read again has the same payload.)
_parsed: WeakKeyDictionary[OutboxItem, Any] = WeakKeyDictionary()


def read_payload(text: str) -> Any:
    """The payload parsed; ``ValueError`` when it cannot be read."""
    return bounded_json.loads(text, bounded_json.BODY)


def payload_of(item: OutboxItem) -> Any:
    """``item``'s payload parsed, once however often it is asked for; ``ValueError`` when
    it cannot be read. Shared by every reader of the row: read it, never change it."""
    try:
        return _parsed[item]
    except KeyError:
        pass
    parsed = _parsed[item] = read_payload(item.payload)
    return parsed
