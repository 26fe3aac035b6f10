"""Corrections to Bolt: how it reads form-encoded request bodies, and a false warning.

slack_bolt 1.30 decides that a form body is an interactivity payload when the text
"payload" appears *anywhere* in it, then finds no ``payload`` field and drops the
request. So ``/kafka-tasks payload-gateway last 1h`` (or any channel, user or instance
name containing the word) would be silently ignored. We read the form fields first
and treat the body as an interactivity payload only when it has a ``payload`` field.
The request's raw body is untouched, so signature verification is unaffected.

A body that is JSON but not an object (an array, a string) is a ``ValueError`` here,
as broken JSON already is, rather than a dict-shaped surprise deeper in Bolt.

Bolt also reads SLACK_BOT_TOKEN from the environment itself, and warns "As you gave
`client` as well, `token` will be unused." when a client is given too, as ours is (for
SLACK_API_URL and the retry handlers) with that same token: a warning at every start
of every deployment with nothing to act on. That one message is dropped.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
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


class _DropTokenUnused(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


_TOKEN_UNUSED = _DropTokenUnused()


def apply() -> None:
    """Install the corrected parser where AsyncBoltRequest looks it up, and the filter
    on AsyncApp's logger (idempotent)."""
    async_request.parse_body = parse_body  # type: ignore[attr-defined]
    logging.getLogger("slack_bolt.AsyncApp").addFilter(_TOKEN_UNUSED)
