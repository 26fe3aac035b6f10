"""Each request from Slack is answered once, however often it arrives.

Slack sends an Events API event again when it thinks the first was not acked in time
(``X-Slack-Retry-Num``; in Socket Mode the envelope's ``retry_attempt``), with the same
``event_id``, for some minutes; and a signed request stays valid for five minutes, so a
copy of it can be sent again and still pass the signature check. A request already
seen, on any replica (the store's ``handled_requests``), is acked with an empty 200 so
Slack stops sending it, and goes no further: no listener answers it again.

One Bolt global middleware, so HTTP and Socket Mode both go through it; it costs one
store write before the ack. Keys past their time are forgotten by :func:`pruning`, a
task of its own, so that write stays one short statement.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from cachetools import TTLCache
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.adapters.store.store import Store
from bot.core.clock import utc_now

__all__ = ["PRUNE_EVERY", "REMEMBER_FOR", "AnswerOnce", "HandledRequests", "pruning", "request_key"]

log = logging.getLogger("kafka_tasks.slack")

# Longer than Slack retries an event (three retries, the last some five minutes after
# the first) and than a signed request stays valid (five minutes either way of our clock).
REMEMBER_FOR = timedelta(hours=1)
# Without a store: the requests of the last REMEMBER_FOR, up to this many.
MEMORY_SIZE = 100_000
# The ack must reach Slack within 3 s: a store slower than this is not waited for.
STORE_WAIT_S = 1.0
# How often keys past their time are deleted: a key is one short row, and an hour's
# worth stays small whether they go a minute or ten after their time.
PRUNE_EVERY = timedelta(minutes=5)


def request_key(body: Mapping[str, Any], headers: Mapping[str, Sequence[str]]) -> str | None:
    """What names one request from Slack however often it arrives; None for a request
    with nothing to name it by (answered as it comes)."""
    event_id = body.get("event_id")
    if body.get("type") == "event_callback" and event_id:
        # A retry is a new request (signed afresh), with the same event.
        return f"event:{event_id}"
    signature = _header(headers, "x-slack-signature")
    stamp = _header(headers, "x-slack-request-timestamp")
    if signature and stamp:
        # A replay is the same bytes with the same signing headers.
        return f"signed:{stamp}:{signature}"
    # Socket Mode: no signature; a command or an interaction names itself.
    trigger = body.get("trigger_id")
    if trigger:
        return f"trigger:{trigger}"
    actions = body.get("actions")
    user = body.get("user")
    if isinstance(actions, list) and actions and isinstance(actions[0], dict):
        action_ts = actions[0].get("action_ts")
        user_id = user.get("id") if isinstance(user, dict) else None
        if action_ts and user_id:
            return f"action:{user_id}:{action_ts}"
    return None


def _header(headers: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = headers.get(name)
    if isinstance(values, str):
        return values or None
    return str(values[0]) if values else None


class HandledRequests:
    """The keys of requests already handled: in the store, shared by the replicas, or in
    memory when there is no store (the shell, tests)."""

    def __init__(self, store: Store | None, *, remember_for: timedelta = REMEMBER_FOR) -> None:
        self._store = store
        self._remember_for = remember_for
        self._memory: TTLCache[str, bool] = TTLCache(
            maxsize=MEMORY_SIZE, ttl=remember_for.total_seconds()
        )

    async def first_sighting(self, key: str) -> bool:
        """True the first time ``key`` is seen within ``remember_for``, on any replica."""
        if self._store is None:
            # No await between the look and the note: one event loop cannot interleave.
            if key in self._memory:
                return False
            self._memory[key] = True
            return True
        try:
            seen: bool = await asyncio.wait_for(
                self._store.requests.first_sighting(key, self._remember_for),
                timeout=STORE_WAIT_S,
            )
        except Exception as exc:
            # Better a rare second answer than none: the request is handled.
            log.warning(
                "could not check whether this Slack request was handled before (%s: %s); "
                "handling it",
                type(exc).__name__,
                exc,
            )
            return True
        return seen

    async def forget(self, key: str) -> None:
        """Let ``key`` be handled again (what it started failed); best effort, since a
        key not forgotten only asks for a wait of ``remember_for``."""
        self._memory.pop(key, None)
        if self._store is None:
            return
        try:
            await asyncio.wait_for(self._store.requests.forget(key), timeout=STORE_WAIT_S)
        except Exception as exc:
            log.warning("could not forget the handled key (%s: %s)", type(exc).__name__, exc)


class AnswerOnce(AsyncMiddleware):
    """Acks a request already handled, and lets it go no further."""

    def __init__(self, handled: HandledRequests) -> None:
        self._handled = handled

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],  # Bolt's name for it
    ) -> BoltResponse | None:
        key = request_key(req.body, req.headers)
        if key is None or await self._handled.first_sighting(key):
            return await next()
        retry = _header(req.headers, "x-slack-retry-num")
        reason = _header(req.headers, "x-slack-retry-reason")
        # The signature is not logged: only which kind of request came again.
        what = key if key.startswith("event:") else key.split(":", 1)[0] + " request"
        log.info(
            "%s was handled already%s; acked, not answered again",
            what,
            f" (Slack's retry {retry}: {reason})" if retry else "",
        )
        return BoltResponse(status=200, body="")


async def pruning(
    store: Store,
    stop: asyncio.Event,
    *,
    every: timedelta = PRUNE_EVERY,
    clock: Callable[[], datetime] = utc_now,
) -> None:
    """Forgets the handled requests past their time now and every ``every``, until
    ``stop``. A failure is logged and tried again next time: until then an expired key
    costs a row, never a request (``first_sighting`` takes an expired key over)."""
    while not stop.is_set():
        try:
            pruned = await store.requests.prune(clock())
        except Exception:
            log.exception("could not forget the Slack requests past their time; trying later")
        else:
            if pruned:
                log.debug("forgot %d Slack requests past their time", pruned)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every.total_seconds())
