"""The messages of queued rows, made at delivery time from what the row recorded.

Rendering late (not when the row is queued) keeps stored rows independent of how
messages look, lets rows queued together become one digest, and lets a parent summary
be fetched fresh when it is edited.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, tzinfo

from bot.core.clock import utc_now
from bot.core.daily import DaySummary, Slowest, Upcoming, zone_of
from bot.core.dms.models import Task
from bot.core.records import OutboxItem
from bot.services.conversation import Conversation
from bot.views.daily import daily_summary_message
from bot.views.kit import Message
from bot.views.snooze import with_snooze
from bot.views.watching import (
    digest_message,
    reachable_again_message,
    subscription_paused_message,
    subscription_resumed_message,
    task_finished_message,
    thread_closed_message,
    thread_reply_message,
    unreachable_message,
)
from bot.watch.payload import (
    DailySummaryRow,
    ParentUpdate,
    Payload,
    Reachable,
    SubscriptionPaused,
    SubscriptionResumed,
    TaskFinished,
    ThreadClosed,
    ThreadReply,
    Unreachable,
    payload_of,
)


class OutboxRenderer:
    def __init__(
        self,
        conversation: Conversation,
        tz: tzinfo,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.conversation = conversation
        self.tz = tz
        self._clock = clock

    async def render(self, item: OutboxItem, batch: Sequence[OutboxItem]) -> Message:
        payload = payload_of(item)
        lang = payload.language
        if isinstance(payload, TaskFinished):
            return with_snooze(
                self._finished(payload, batch),
                payload.instance_id,
                payload.instance_name,
                held_until=item.held_until,
                tz=self.tz,
                lang=lang,
            )
        if isinstance(payload, ThreadReply):
            return thread_reply_message(
                Task.from_api(payload.task),
                instance_id=payload.instance_id,
                instance_name=payload.name,
                tz=self.tz,
                now=self._clock(),
                lang=lang,
            )
        if isinstance(payload, DailySummaryRow):
            return _daily(payload)
        if isinstance(payload, ParentUpdate):
            if payload.state is None:
                raise ValueError("a parent update row without its query state")
            return await self.conversation.summary(payload.state, lang=lang)
        return _notice(payload, item.kind, self.tz)

    def _finished(self, payload: TaskFinished, batch: Sequence[OutboxItem]) -> Message:
        """A subscription's notification: one task, or the digest of its batch."""
        if len(batch) > 1:
            # Rows of one batch share a channel and subscription: the first speaks for all.
            return digest_message(
                [_task(payload_of(b)) for b in batch],
                instance_id=payload.instance_id,
                instance_name=payload.name,
                tz=self.tz,
                now=self._clock(),
                lang=payload.language,
            )
        return task_finished_message(
            Task.from_api(payload.task),
            instance_id=payload.instance_id,
            instance_name=payload.name,
            tz=self.tz,
            now=self._clock(),
            lang=payload.language,
            slow=payload.slow,
        )


def _daily(payload: DailySummaryRow) -> Message:
    """The day as counted when the row was queued, in the subscription's zone."""
    summary = DaySummary(
        day=date.fromisoformat(payload.day),
        counts=payload.counts,
        failed=tuple(Task.from_api(t) for t in payload.failed),
        more_failed=payload.more_failed,
        slowest=tuple(
            Slowest(str(s["name"]), float(s["took_s"]), s.get("usual_s")) for s in payload.slowest
        ),
        scheduled=None
        if payload.scheduled is None
        else tuple(
            Upcoming(s["name"], datetime.fromisoformat(s["at"]))
            for s in payload.scheduled
            if s["at"]
        ),
    )
    return daily_summary_message(
        summary,
        instance_id=payload.instance_id,
        instance_name=payload.name,
        due_at=datetime.fromisoformat(payload.at),
        late=payload.late,
        tz=zone_of(payload.zone),
        lang=payload.language,
    )


def _task(payload: Payload) -> Task:
    if not isinstance(payload, TaskFinished):
        raise ValueError(f"a digest carries finished tasks, not {payload.kind!r} rows")
    return Task.from_api(payload.task)


def _notice(payload: Payload, kind: str, tz: tzinfo) -> Message:
    """The rows that speak of the instance or the subscription, not of one task."""
    name, lang = payload.name, payload.language
    if isinstance(payload, ThreadClosed):
        running = [Task.from_api(t) for t in payload.still_running]
        return thread_closed_message(running, instance_name=name, hours=payload.hours, lang=lang)
    if isinstance(payload, Unreachable):
        # Rows queued before reasons were kept in each language have the English one.
        return unreachable_message(
            name, payload.reason_in(lang), since=payload.since_at, tz=tz, lang=lang
        )
    if isinstance(payload, Reachable):
        return reachable_again_message(name, down_for=payload.down_for, lang=lang)
    if isinstance(payload, SubscriptionPaused):
        return subscription_paused_message(name, lang=lang)
    if isinstance(payload, SubscriptionResumed):
        return subscription_resumed_message(name, lang=lang)
    raise ValueError(f"unknown outbox row kind {kind!r}")
