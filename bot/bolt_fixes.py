"""A correction to how Bolt reads form-encoded request bodies.

slack_bolt 1.30 decides that a form body is an interactivity payload when the text
"payload" appears *anywhere* in it, then finds no ``payload`` field and drops the
request. So ``/kafka-tasks payload-gateway last 1h`` (or any channel, user or instance
name containing the word) would be silently ignored. We read the form fields first
and treat the body as an interactivity payload only when it has a ``payload`` field.
The request's raw body is untouched, so signature verification is unaffected.

A body that is JSON but not an object (an array, a string) is a ``ValueError`` here,
as broken JSON already is, rather than a dict-shaped surprise deeper in Bolt.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.request import async_request


def parse_body(body: str, content_type: str | None) -> dict[str, Any]:
    if not body:
        return {}
    if content_type == "application/json" or body.startswith("{"):
        return _json_object(body)
    fields = dict(parse_qsl(body, keep_blank_values=True))
    if "payload" in fields:
        return _json_object(fields["payload"])
    return fields


def _json_object(text: str) -> dict[str, Any]:
    parsed = json.loads(text)
    if not isinstance(parsed, dict):
        raise ValueError(f"expected a JSON object, got {type(parsed).__name__}")
    return parsed


def apply() -> None:
    """Install the corrected parser where AsyncBoltRequest looks it up (idempotent)."""
    async_request.parse_body = parse_body  # type: ignore[attr-defined]
