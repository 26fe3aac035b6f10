"""The messages of queued rows, made at delivery time from what the row recorded.

Rendering late (not when the row is queued) keeps stored rows independent of how
messages look, lets rows queued together become one digest, and lets a parent summary
be fetched fresh when it is edited.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, tzinfo

from bot.core.clock import utc_now
from bot.core.dms.models import Task
from bot.core.records import OutboxItem
from bot.i18n import Lang, lang_from_locale
from bot.services.conversation import Conversation
from bot.views.kit import Message
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
from bot.watch.admission import PAUSED, RESUMED
from bot.watch.payload import payload_of


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
        lang = payload_lang(payload)
        now = self._clock()
        name = str(payload.get("instance_name") or payload.get("instance_id") or "?")
        instance_id = str(payload.get("instance_id") or "")
        if item.kind == "task_finished":
            if len(batch) > 1:
                tasks = [Task.from_api(payload_of(b)["task"]) for b in batch]
                # Rows of one batch share a channel and subscription: the first speaks
                # for all.
                return digest_message(
                    tasks,
                    instance_id=instance_id,
                    instance_name=name,
                    tz=self.tz,
                    now=now,
                    lang=lang,
                )
            return task_finished_message(
                Task.from_api(payload["task"]),
                instance_id=instance_id,
                instance_name=name,
                tz=self.tz,
                now=now,
                lang=lang,
            )
        if item.kind == "thread_reply":
            return thread_reply_message(
                Task.from_api(payload["task"]),
                instance_id=instance_id,
                instance_name=name,
                tz=self.tz,
                now=now,
                lang=lang,
            )
        if item.kind == "parent_update":
            return await self.conversation.summary(str(payload["state"]), lang=lang)
        if item.kind == "thread_closed":
            running = [Task.from_api(t) for t in payload.get("still_running") or []]
            return thread_closed_message(
                running, instance_name=name, hours=float(payload.get("hours") or 6), lang=lang
            )
        if item.kind == "unreachable":
            # Rows queued before reasons were kept in each language have the English one.
            reasons = payload.get("reasons")
            said = reasons.get(lang) if isinstance(reasons, dict) else None
            return unreachable_message(
                name,
                str(said or payload.get("reason") or ""),
                since=datetime.fromisoformat(str(payload["since"])),
                tz=self.tz,
                lang=lang,
            )
        if item.kind == "reachable":
            return reachable_again_message(
                name,
                down_for=timedelta(seconds=float(payload.get("down_for_s") or 0)),
                lang=lang,
            )
        if item.kind == PAUSED:
            return subscription_paused_message(name, lang=lang)
        if item.kind == RESUMED:
            return subscription_resumed_message(name, lang=lang)
        raise ValueError(f"unknown outbox row kind {item.kind!r}")


def payload_lang(payload: object) -> Lang:
    """The language a queued row is posted in: its ``lang``, written when it was queued.

    Rows queued before languages existed have none and were meant in English; a value
    this release does not speak (a newer replica's row) reads as English too.
    """
    value = payload.get("lang") if isinstance(payload, dict) else None
    return lang_from_locale(value if isinstance(value, str) else None)
