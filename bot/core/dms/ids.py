"""The shape of the ids that go into DMS request paths, checked before any request.

Instance and task ids reach the client from outside: typed text, button values, stored
rows, DMS's own answers. Pasted into a URL path unchecked, ``x/../../other`` would
address another resource of the same account with the bot's signature on it. DMS ids
are UUIDs (instances) and 32 hex digits (tasks); the check admits any plain token of
letters, digits, ``-`` and ``_`` so that an id format DMS has not shown us yet still
works, and nothing that could be read as more than one path segment.
"""

from __future__ import annotations

import re

from bot.core.dms.errors import DmsNotFound

# DMS's own "no such instance" code: a malformed instance id is answered as DMS would.
INSTANCE_NOT_FOUND = "DMS.00404022"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")


def is_dms_id(value: str) -> bool:
    return bool(_ID.fullmatch(value))


def instance_segment(instance_id: str) -> str:
    """``instance_id`` for a request path; an id of the wrong shape is an instance that
    does not exist (DmsNotFound with DMS's code), and DMS is not asked."""
    if not is_dms_id(instance_id):
        raise DmsNotFound(
            f"{instance_id[:80]!r} is not a DMS instance id", error_code=INSTANCE_NOT_FOUND
        )
    return instance_id


def task_segment(task_id: str) -> str:
    """``task_id`` for a request path; of the wrong shape, a task that does not exist."""
    if not is_dms_id(task_id):
        raise DmsNotFound(f"{task_id[:80]!r} is not a DMS task id")
    return task_id
