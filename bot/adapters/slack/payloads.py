"""The shape of what Slack sends, checked before any listener reads it.

A request can be signed and still malformed (a replay of a tampered capture, a client
bug, Slack's own changes): an interaction whose ``actions`` is not a list of objects,
an event without the ``ts`` or ``channel`` every reply needs. Bolt's matchers index
such bodies blindly and fail with a traceback. One check here, run by a middleware for
every door (HTTP and Socket Mode), says what is wrong in one log line; the request is
then answered 400 over HTTP and acknowledged and dropped in Socket Mode (where an
unacknowledged envelope would only be sent again).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

log = logging.getLogger("kafka_tasks.slack")

# Event types the bot listens to, and the string fields each needs to be answered.
_EVENT_FIELDS: Mapping[str, tuple[str, ...]] = {
    "app_mention": ("channel", "ts"),
    "message": ("channel", "ts"),
    "app_home_opened": ("user",),
}
_OPTIONAL_TEXT = ("user", "text", "thread_ts", "channel_type", "subtype", "bot_id", "tab")


def problem(body: Mapping[str, Any]) -> str | None:
    """What is wrong with a parsed request body, or None when its shape is usable."""
    kind = body.get("type")
    if kind == "block_actions":
        return _actions_problem(body)
    if kind == "event_callback":
        return _event_problem(body.get("event"))
    if kind in ("view_submission", "view_closed") and not isinstance(body.get("view"), dict):
        return "view is not an object"
    if "command" in body and not all(isinstance(v, str) for v in body.values()):
        return "a slash command with fields that are not text"
    return None


def _actions_problem(body: Mapping[str, Any]) -> str | None:
    user = body.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str):
        return "block_actions without a user object"
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions:
        return "block_actions whose actions is not a non-empty list"
    for action in actions:
        if not isinstance(action, dict) or not isinstance(action.get("action_id"), str):
            return "an action that is not an object with an action_id"
        value = action.get("value")
        if value is not None and not isinstance(value, str):
            return "an action value that is not text"
    for key in ("channel", "container", "message", "view"):
        if body.get(key) is not None and not isinstance(body.get(key), dict):
            return f"block_actions whose {key} is not an object"
    return None


def _event_problem(event: object) -> str | None:
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return "event_callback without an event object"
    for key in _EVENT_FIELDS.get(event["type"], ()):
        if not isinstance(event.get(key), str) or not event[key]:
            return f"{event['type']} event without {key}"
    for key in _OPTIONAL_TEXT:
        if event.get(key) is not None and not isinstance(event.get(key), str):
            return f"{event['type']} event whose {key} is not text"
    return None


async def refuse_malformed(
    req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
) -> BoltResponse:
    """Bolt global middleware: malformed bodies go no further (see the module doc)."""
    found = problem(req.body)
    if found is None:
        return await next()
    log.warning("ignored a signed but malformed Slack request: %s", found)
    if req.mode == "socket_mode":
        return BoltResponse(status=200, body="")
    return BoltResponse(status=400, body="malformed request")
