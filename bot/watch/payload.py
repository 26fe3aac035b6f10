"""Reading an outbox row's payload back: the one way every part of delivery does it.

A row holds a task as DMS sent it (``Task.to_api``), so it is read within the same
bounds as DMS's own bodies: one row can never fail its rendering, its admission, or
the digest it would join, by how it is nested.
"""

from __future__ import annotations

from typing import Any

from bot.dms import bounded_json

__all__ = ["read_payload"]


def read_payload(text: str) -> Any:
    """The payload parsed; ``ValueError`` when it cannot be read."""
    return bounded_json.loads(text, bounded_json.BODY)
