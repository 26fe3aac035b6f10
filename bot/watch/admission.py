"""The access rules, applied again at the moment a notification is delivered.

A subscription or a followed thread was allowed when someone set it up; rules change
(a new kafka-tasks.toml at a deploy) and so do the user groups they name. So before each
queued row is posted, the rules are asked again, with the same question the command
asked: may the subscription's maker still subscribe this channel to the instance, may
the asker of a followed answer still share it here.

A subscription the rules now forbid is paused, not deleted: its channel is told once,
``subscriptions`` shows it paused, nothing it would have shown is posted, and it resumes
(the channel told again) when the rules allow it once more. ``sweep`` makes that
happen without waiting for a task to finish: at start (new rules) and every few minutes
(group membership moves).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.adapters.store.store import Store
from bot.core.access import GroupsUnavailable
from bot.core.clock import utc_now
from bot.core.dms.errors import DmsError, ResolveError
from bot.core.dms.models import Instance
from bot.core.dms.source import Dms
from bot.core.records import OutboxItem, Subscription
from bot.services.guard import Guard
from bot.watch.payload import (
    NOTICE_KINDS,
    SUBSCRIPTION_KINDS,
    THREAD_KINDS,
    InThread,
    Payload,
    SubscriptionPaused,
    SubscriptionResumed,
    encode,
    payload_of,
)

log = logging.getLogger("kafka_tasks.admission")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    # Which rule refused, or why the row cannot be judged: for the log and the audit.
    why: str = ""


ALLOWED = Verdict(True)


class Admission:
    def __init__(
        self,
        guard: Guard,
        store: Store,
        dms: Dms,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        # The same guard as commands and the Home tab: one answer to who may see what.
        self._guard = guard
        self._store = store
        self._dms = dms
        self._clock = clock

    @property
    def open(self) -> bool:
        """No rules restrict anyone: nothing to check."""
        return self._guard.open

    async def admit(self, item: OutboxItem) -> Verdict:
        """Whether ``item`` may be posted now. Never raises: a row that cannot be judged
        (a user group Slack will not list) is refused, as commands are."""
        if self.open or item.kind in NOTICE_KINDS:
            return ALLOWED
        try:
            payload = payload_of(item)
            if item.kind in SUBSCRIPTION_KINDS:
                return await self._subscription_row(item, payload)
            if item.kind in THREAD_KINDS:
                return await self._thread_row(item, payload)
        except GroupsUnavailable as exc:
            return Verdict(False, f"user group {exc} could not be read")
        except ValueError:
            return Verdict(False, "unreadable row")
        return Verdict(False, f"unknown row kind {item.kind!r}")

    async def _subscription_row(self, item: OutboxItem, payload: Payload) -> Verdict:
        instance_id = payload.instance_id
        sub = await self._store.subscriptions.get(item.channel, instance_id)
        if sub is None:
            # Unsubscribed since the row was queued: nobody asks for it any more.
            return Verdict(False, "no longer subscribed")
        if sub.paused:
            return Verdict(False, "subscription paused")
        verdict = await self._judge_subscription(sub)
        if not verdict.allowed:
            await self._pause(sub, verdict.why)
        return verdict

    async def _thread_row(self, item: OutboxItem, payload: Payload) -> Verdict:
        instance_id = payload.instance_id
        in_thread = payload if isinstance(payload, InThread) else None
        user = in_thread.user if in_thread else ""
        instance = await self._instance(instance_id, payload.instance_name)
        who = await self._guard.subject(user, item.channel)
        # The answer was looked at and shown here: both must still be allowed.
        judge = self._guard.judge
        refused = [a for a in ("query", "share") if not judge(a, who, instance).allowed]
        if not refused:
            return ALLOWED
        thread_id = in_thread.thread_id if in_thread else None
        if thread_id is not None:
            # Stop following: nothing more of it may be posted in that thread.
            await self._store.threads.drop(thread_id)
        log.info(
            "no longer following %s in %s for %s: the rules refuse %s",
            instance_id,
            item.channel,
            user or "an unknown asker",
            refused[0],
        )
        return Verdict(False, f"{refused[0]} refused")

    async def sweep(self) -> None:
        """Pause every subscription the rules now forbid and resume every one they allow
        again (all of them, once rules are lifted), telling each channel once."""
        for sub in await self._store.subscriptions.all():
            try:
                verdict = await self._judge_subscription(sub)
            except GroupsUnavailable as exc:
                # Not knowing is not a change: leave it as it is until Slack answers.
                log.warning("access sweep: user group %s unreadable; %s unchanged", exc, sub)
                continue
            if not verdict.allowed and not sub.paused:
                await self._pause(sub, verdict.why)
            elif verdict.allowed and sub.paused:
                await self._resume(sub)

    async def _judge_subscription(self, sub: Subscription) -> Verdict:
        """The question the subscribe command asked, asked again: may its maker still
        subscribe this channel to the instance?"""
        if self.open:
            return ALLOWED
        instance = await self._instance(sub.instance_id, sub.instance_name)
        decision = await self._guard.decide("subscribe", sub.created_by, sub.channel, instance)
        return Verdict(decision.allowed, decision.by)

    async def _instance(self, instance_id: str, name: str) -> Instance:
        """The instance as DMS lists it (rules name instances by name, alias, account);
        when DMS cannot say, or lists no name for it, the name the row or subscription
        was made with stands in."""
        try:
            found = await self._dms.resolve(instance_id)
        except (DmsError, ResolveError) as exc:
            log.info("judging %s by its stored name %r: %s", instance_id, name, exc)
            return Instance(instance_id=instance_id, name=name or instance_id)
        if found.name == found.instance_id and name:
            return Instance(instance_id=instance_id, name=name)
        return found

    async def _pause(self, sub: Subscription, why: str) -> None:
        paused = await self._store.subscriptions.pause(sub.channel, sub.instance_id, why)
        if paused:
            log.warning(
                "paused the subscription of %s to %s: the access rules refuse it (%s)",
                sub.channel,
                sub.instance_id,
                why,
            )
            await self._notice(sub, SubscriptionPaused)

    async def _resume(self, sub: Subscription) -> None:
        if await self._store.subscriptions.resume(sub.channel, sub.instance_id):
            log.warning(
                "resumed the subscription of %s to %s: the access rules allow it again",
                sub.channel,
                sub.instance_id,
            )
            await self._notice(sub, SubscriptionResumed)

    async def _notice(self, sub: Subscription, notice: type[Payload]) -> None:
        stamp = self._clock().isoformat()
        payload = notice(
            instance_id=sub.instance_id, instance_name=sub.instance_name, lang=sub.language
        )
        key = f"{payload.kind}:{sub.channel}:{sub.instance_id}:{stamp}"
        await self._store.outbox.enqueue(key, sub.channel, None, payload.kind, encode(payload))
