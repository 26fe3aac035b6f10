"""Reading the fields of a button value, each as untrusted input: the value bounded in
size and depth, a JSON object, every field of the type and shape it must have, or
``BadActionValue``. The refs of ``bot.core.actions`` are built from these alone.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.core import bounded_json
from bot.core.dms.ids import is_dms_id
from bot.core.timeline.reading import parse_time

MAX_VALUE = 2000  # Slack's limit on a button value


class BadActionValue(ValueError):
    pass


# Slack channel ids: public (C), private (G) and direct-message (D) conversations.
_CHANNEL = re.compile(r"[CGD][A-Z0-9]{2,20}")
# Every value the bot makes is one flat object, a list of statuses at most inside it.
_VALUE_LIMITS = bounded_json.JsonLimits(max_chars=MAX_VALUE, max_depth=3)
# An instance as a button may name it: an id, or a name as typed (resolved again).
INSTANCE_TEXT = 200


def read_object(value: str, what: str) -> dict[str, Any]:
    try:
        # The loader everything from outside goes through: size and depth bounded.
        data = bounded_json.loads(value, _VALUE_LIMITS)
    except ValueError as exc:
        raise BadActionValue(f"this {what} button's data could not be read ({exc})") from None
    if not isinstance(data, dict):
        raise BadActionValue(f"this {what} button's data is not an object")
    if bounded_json.find_unreadable(data, _VALUE_LIMITS.max_depth) is not None:
        raise BadActionValue(f"this {what} button's data is nested too deeply")
    return data


def read_text(data: dict[str, Any], key: str, *, limit: int = INSTANCE_TEXT) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise BadActionValue(f"field {key!r} is missing or malformed")
    if any((ch.isspace() and ch != " ") or not ch.isprintable() for ch in value):
        raise BadActionValue(f"field {key!r} has control characters")
    return value


def read_label(data: dict[str, Any], key: str) -> str:
    """An instance's display name riding along for a message: optional, clipped, and
    never used to decide anything (the id is)."""
    value = data.get(key)
    return value[:INSTANCE_TEXT] if isinstance(value, str) else ""


def read_moment(data: dict[str, Any], key: str) -> datetime:
    """Epoch milliseconds the bot wrote, within the years every outside time is read in
    (``parse_time``): year 1 or 9999 would leave the calendar in the presser's zone."""
    value = data.get(key)
    when = None if isinstance(value, bool) or not isinstance(value, int) else parse_time(value)
    if when is None:
        raise BadActionValue(f"field {key!r} is not a time")
    return when


def read_dms_id(data: dict[str, Any], key: str) -> str:
    value = read_text(data, key)
    if not is_dms_id(value):
        raise BadActionValue(f"field {key!r} is not a DMS id")
    return value


def read_channel(data: dict[str, Any], key: str) -> str:
    value = read_text(data, key)
    if not _CHANNEL.fullmatch(value):
        raise BadActionValue(f"field {key!r} is not a Slack channel id")
    return value
