"""Delivering the outbox to Slack: each row once, in order per channel, across restarts.

Rows are claimed (at most the oldest undelivered row of each channel, so a channel's
messages arrive in the order they were queued) and posted. Every post carries the
row's key in Slack message metadata; a row that was already attempted once (the
process may have died between Slack's "ok" and our note of it) is first looked for
in the channel's history, and only posted if Slack does not have it. That closes the
window a crash could otherwise leave for a duplicate. A post Slack answered with a 5xx,
``fatal_error`` or ``internal_error``, or whose connection dropped, may have landed as
well: it is never re-sent within the try (``bot.adapters.slack.retry``), but tried again later
by that same path, the channel read first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.audit import AuditEvent, AuditLog, AuditResult
from bot.adapters.metrics import Metrics
from bot.adapters.slack.once import describe, find_posted, is_ambiguous
from bot.adapters.store.store import Store
from bot.core.clock import utc_now
from bot.core.quiet import snooze_hold
from bot.core.records import OutboxItem
from bot.views.kit import Message
from bot.watch.admission import Admission
from bot.watch.options import WatchOptions
from bot.watch.payload import ParentUpdate, TaskFinished, payload_of

log = logging.getLogger("kafka_tasks.delivery")

METADATA_EVENT = "kafka_tasks_delivery"
# Errors that retrying cannot fix; after MAX_ATTEMPTS the row is set aside (kept, with
# its error, for the log and metrics) so the channel's later messages are not blocked.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "invalid_blocks",
        "msg_too_long",
        "message_not_found",
        "cant_update_message",
    }
)
# attempts counts the note made before each post and each failure: two per try.
MAX_ATTEMPTS = 16
# A digest stands for at most this many rows (their keys ride in the message metadata).
MAX_DIGEST_ROWS = 100


class Renderer(Protocol):
    """Turns a queued row into the message to post (views, and fresh summaries)."""

    async def render(self, item: OutboxItem, batch: Sequence[OutboxItem]) -> Message: ...


@dataclass(frozen=True)
class PostedBefore:
    """A row's message found in the channel: its ts, and the keys of the rows it stood for."""

    ts: str
    covers: frozenset[str]


class Deliverer:
    def __init__(
        self,
        store: Store,
        slack: AsyncWebClient,
        renderer: Renderer,
        *,
        owner: str,
        options: WatchOptions | None = None,
        clock: Callable[[], datetime] = utc_now,
        claim_for: timedelta = timedelta(minutes=2),
        rng: random.Random | None = None,
        metrics: Metrics | None = None,
        audit: AuditLog | None = None,
        admission: Admission | None = None,
    ) -> None:
        self.store = store
        self._audit = audit
        # The access rules, asked again before each row is posted (None: no rules).
        self._admission = admission
        self.slack = slack
        self.renderer = renderer
        self.owner = owner
        self.options = options or WatchOptions()
        self._clock = clock
        self._claim_for = claim_for
        self._rng = rng or random.Random()
        self._metrics = metrics
        self.retries = 0

    async def run(self, stop: asyncio.Event) -> None:
        released = await self.store.outbox.release_claims(self.owner)
        if released:
            log.info(
                "took back %d outbox claims left by an earlier run of %s", released, self.owner
            )
        while not stop.is_set():
            try:
                delivered = await self.deliver_due()
            except Exception:
                log.exception("delivery round failed")
                delivered = 0
            await self._measure_depth()
            if delivered:
                continue  # more may be waiting behind what was just delivered
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    stop.wait(), timeout=self.options.delivery_interval.total_seconds()
                )

    async def _measure_depth(self) -> None:
        """The outbox depth after each round: one count over the undelivered rows (a
        partial index), and only when someone reads it."""
        if self._metrics is None:
            return
        try:
            depth: int = await self.store.outbox.depth()
        except Exception:
            # A metric must not stop delivery; the round's own errors are logged above.
            log.debug("could not measure the outbox depth", exc_info=True)
            return
        self._metrics.outbox_depth(depth)

    async def deliver_due(self) -> int:
        items: list[OutboxItem] = await self.store.outbox.claim_due(
            self.owner, self._clock(), 50, self._claim_for
        )
        if not items:
            return 0
        results = await asyncio.gather(*(self._deliver(item) for item in items))
        return sum(results)

    async def _deliver(self, item: OutboxItem) -> int:
        # Whether the call under way is the post itself: only then can a failure with an
        # unknown outcome mean the message is in the channel (an edit is idempotent, and
        # a failed look at the history posted nothing).
        posting = False
        try:
            found = await self._posted_before(item) if item.attempts > 0 else None
            if found is not None:
                # Posted by a run that died before noting it, or by a try whose answer
                # said "failed" or never came: settle exactly the rows that post covered
                # (a recount now could differ), and post nothing again.
                log.info(
                    "outbox %s was posted before a restart, or by a try whose answer was "
                    "lost; not posting again",
                    item.key,
                )
                pending = await self.store.outbox.pending_for(item.channel)
                batch = [row for row in pending if row.key in found.covers and row.id != item.id]
                batch.append(item)
                ts: str | None = found.ts
            else:
                if not await self._admitted(item) or await self._snoozed_since(item):
                    return 0
                batch = await self._batch(item)
                await self.store.outbox.note_attempt(item.id, self.owner)
                message = await self.renderer.render(item, batch)
                posting = item.kind != "parent_update"
                ts = await self._post(item, message, covers=[b.key for b in batch])
        except Exception as exc:
            # Slack may have posted it. Never again within this try: the row is tried
            # later, and as a row tried before it is looked for in the channel first, the
            # same path as after a restart.
            maybe_posted = posting and is_ambiguous(exc)
            if not (isinstance(exc, SlackApiError) or is_ambiguous(exc)):
                log.exception("delivering outbox %s failed", item.key)
            if isinstance(exc, SlackApiError):
                await self._failed(item, exc, maybe_posted=maybe_posted)
            else:
                await self._retry_later(item, describe(exc), None, maybe_posted=maybe_posted)
            return 0
        # The rest of a digest first, the claimed head last: until the head is marked,
        # no other replica can claim anything of this channel, and after a crash in
        # between the head's post (found in history) names the rows still to settle.
        for other in batch:
            if other.id != item.id:
                await self.store.outbox.mark_delivered(other.id, self.owner, ts)
        await self.store.outbox.mark_delivered(item.id, self.owner, ts)
        if self._metrics:
            for row in batch:
                self._metrics.delivered(row.kind)
        for row in batch:
            self._record(row, "delivered", None if found is None else "found posted")
        return len(batch)

    async def _admitted(self, item: OutboxItem) -> bool:
        """Whether the rules still let the row be posted; a refused row is set aside
        (kept, marked, audited) so nothing it would have shown is posted, now or later."""
        if self._admission is None:
            return True
        verdict = await self._admission.admit(item)
        if verdict.allowed:
            return True
        log.info("outbox %s to %s not posted: %s", item.key, item.channel, verdict.why)
        await self.store.outbox.mark_delivered(item.id, self.owner, None)
        self._record(item, "refused", f"{item.key}: {verdict.why}")
        return False

    async def _snoozed_since(self, item: OutboxItem) -> bool:
        """Whether the channel snoozed the row's instance after it was queued (or while
        another hold kept it): then it is held now, to go out with the rest of the
        snooze when it ends. A snooze promises nothing more until then, whatever the
        outbox still had to post."""
        if item.kind != TaskFinished.kind:
            return False
        payload = payload_of(item)
        if not isinstance(payload, TaskFinished) or not payload.instance_id:
            return False
        snoozes = await self.store.snoozes.in_force(payload.instance_id, self._clock())
        snooze = snoozes.get(item.channel)
        if snooze is None:
            return False
        hold = snooze_hold(payload.instance_id)
        if await self.store.outbox.hold(item.id, self.owner, hold, snooze.until):
            log.info("outbox %s held until %s: snoozed since it was queued", item.key, snooze.until)
        return True

    def _record(self, item: OutboxItem, result: AuditResult, detail: str | None) -> None:
        """One audit line per notification row: delivered (once), or set aside."""
        if self._audit is None:
            return
        try:
            instance_id = payload_of(item).instance_id
        except ValueError:
            instance_id = ""
        self._audit.record(
            AuditEvent(
                kind="notification",
                user=None,
                channel=item.channel,
                what=item.kind,
                result=result,
                instance=instance_id or None,
                detail=detail or item.key,
            )
        )

    async def _batch(self, item: OutboxItem) -> list[OutboxItem]:
        """The rows delivered with this one: a finished-task head and the rows queued
        right behind it from the same poll, when there are enough for a digest; or
        everything its hold kept back, as one digest."""
        payload = payload_of(item) if item.kind == TaskFinished.kind else None
        if not isinstance(payload, TaskFinished):
            return [item]
        pending: list[OutboxItem] = await self.store.outbox.pending_for(item.channel)
        if item.hold is not None:
            return _held_with(item, pending)
        same = [item]
        for other in pending:
            if other.id <= item.id:
                continue
            if other.hold is not None:
                continue  # held back: it goes out with the rest of its hold
            if len(same) >= MAX_DIGEST_ROWS:
                break
            if other.kind != TaskFinished.kind:
                break
            theirs = payload_of(other)
            if not isinstance(theirs, TaskFinished) or theirs.batch != payload.batch:
                break
            same.append(other)
        return same if len(same) > payload.digest_after else [item]

    async def _post(self, item: OutboxItem, message: Message, *, covers: list[str]) -> str | None:
        # The keys of every row the message stands for: after a crash, the post found in
        # history says exactly which rows it settled. Keys never contain ",".
        payload = {"key": item.key, "covers": ",".join(covers)}
        metadata = {"event_type": METADATA_EVENT, "event_payload": payload}
        if item.kind == "parent_update":
            target = _parent_of(item)
            await self.slack.chat_update(
                channel=item.channel, ts=target, text=message.text, blocks=message.block_dicts()
            )
            return str(target)
        response = await self.slack.chat_postMessage(
            channel=item.channel,
            thread_ts=item.thread_ts,
            text=message.text,
            blocks=message.block_dicts(),
            metadata=metadata,
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(response.get("ts") or "") or None

    async def _posted_before(self, item: OutboxItem) -> PostedBefore | None:
        """This row's message if Slack already has it, else None."""
        if item.kind == "parent_update":
            return None  # an edit is idempotent: doing it twice changes nothing
        found = await find_posted(
            self.slack,
            channel=item.channel,
            thread_ts=item.thread_ts,
            since=item.created_at,
            event_type=METADATA_EVENT,
            key=item.key,
        )
        if found is None:
            return None
        covers = (found["metadata"].get("event_payload") or {}).get("covers")
        keys = frozenset(k for k in str(covers or item.key).split(",") if k)
        return PostedBefore(ts=str(found["ts"]), covers=keys)

    async def _failed(
        self, item: OutboxItem, exc: SlackApiError, *, maybe_posted: bool = False
    ) -> None:
        error = str(exc.response.get("error") or exc) if exc.response else str(exc)
        retry_after: float | None = None
        if exc.response is not None and exc.response.status_code == 429:
            try:
                retry_after = float(exc.response.headers.get("Retry-After", "1"))
            except ValueError:
                retry_after = 1.0
        if error in PERMANENT_ERRORS and item.attempts + 1 >= MAX_ATTEMPTS:
            log.error(
                "outbox %s to %s set aside after %d attempts: %s",
                item.key,
                item.channel,
                item.attempts + 1,
                error,
            )
            await self.store.outbox.mark_delivered(item.id, self.owner, None)
            self._record(item, "failed", f"{item.key}: {error}")
            return
        await self._retry_later(item, error, retry_after, maybe_posted=maybe_posted)

    async def _retry_later(
        self,
        item: OutboxItem,
        error: str,
        retry_after: float | None,
        *,
        maybe_posted: bool = False,
    ) -> None:
        self.retries += 1
        if self._metrics:
            self._metrics.delivery_retry()
        if retry_after is not None:
            delay = retry_after
        else:
            # attempts counts a note before each post and each failure: two per try.
            tries = (item.attempts + 1) // 2
            delay = min(300.0, 2.0 ** min(tries, 8)) * self._rng.uniform(0.5, 1.0)
        log.warning(
            "outbox %s to %s failed (%s)%s; next try in %.1f s",
            item.key,
            item.channel,
            error,
            "; Slack may have posted it, so the channel is read before it is posted again"
            if maybe_posted
            else "",
            delay,
        )
        await self.store.outbox.mark_failed(
            item.id,
            self.owner,
            error,
            self._clock() + timedelta(seconds=delay),
        )


def _held_with(item: OutboxItem, pending: Sequence[OutboxItem]) -> list[OutboxItem]:
    """A held head and the rest of its hold that ends with it: one digest, however few
    (being held, they were not posted one by one on purpose)."""
    same = [item]
    for other in pending:
        if len(same) >= MAX_DIGEST_ROWS:
            break
        if other.id == item.id or other.kind != TaskFinished.kind:
            continue
        if (other.hold, other.held_until) == (item.hold, item.held_until):
            same.append(other)
    return same


def _parent_of(item: OutboxItem) -> str:
    """The message a parent update edits."""
    payload = payload_of(item)
    if not isinstance(payload, ParentUpdate) or payload.message_ts is None:
        raise ValueError(f"outbox {item.key} names no message to edit")
    return payload.message_ts
