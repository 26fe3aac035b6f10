"""What the log shows of a DMS body it could not use: its start, secrets masked.

A body DMS sent in the wrong shape may be a task list cut off, params and all, so
nothing of it reaches a log line or an error before it is masked and cut.
"""

from __future__ import annotations

import json
from typing import Any

from bot.core.dms.errors import SNIPPET_CHARS
from bot.core.redact import redact, redact_text

# How much of a body is masked before its snippet is cut from it: enough that a secret
# the cut would split (a token, a quoted password) is whole when it is masked.
_SNIPPET_WINDOW = 10 * SNIPPET_CHARS
# How many values of a parsed body its snippet is made from: the snippet shows a few of
# them, and masking all of a 4 MiB body would hold the event loop for a second.
_SNIPPET_VALUES = 64


def body_snippet(content: bytes) -> str:
    """The start of a body that is not JSON, for the log, its secrets masked: it may be
    a task list cut off, params and all."""
    text = content[:_SNIPPET_WINDOW].decode("utf-8", errors="replace")
    return redact_text(text)[:SNIPPET_CHARS]


def json_snippet(body: Any) -> str:
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
