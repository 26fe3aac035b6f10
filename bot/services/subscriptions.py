"""Subscriptions: subscribe a channel to an instance, list a channel's, unsubscribe.

The one home of what the store is asked about subscriptions by the use cases: the typed
command, the Subscribe button and the Home tab's Unsubscribe button all remove a
subscription through ``Subscriptions.remove``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.core.access import Subject
from bot.core.actions import SnoozeRef
from bot.core.clock import utc_now
from bot.core.daily import DailyAt
from bot.core.dms.models import Instance
from bot.core.dms.source import Dms
from bot.core.grammar.commands import ListSubscriptions, Subscribe, Unsubscribe
from bot.core.grammar.window import zone_name
from bot.core.quiet import snooze_until
from bot.core.records import DailySummary, Snooze, Subscription
from bot.services.ask import Ask
from bot.services.guard import Guard, Refused
from bot.services.queries import existing_instance
from bot.services.reply import Reply
from bot.views.daily import with_daily
from bot.views.snooze import not_snoozed_message, snooze_lifted_message, snoozed_message
from bot.views.subscriptions import subscribed_message, subscriptions_message, unsubscribed_message

if TYPE_CHECKING:
    # Annotations only: a shell without subscriptions never loads the database driver.
    from bot.adapters.store.store import Store

log = logging.getLogger("kafka_tasks.subscriptions")

# User ids -> the Slack names of those Slack knows (UserProfiles.names in Slack).
PeopleNames = Callable[[Iterable[str]], Awaitable[Mapping[str, str]]]


@dataclass(frozen=True)
class Holds:
    """Some channels' snoozes in force and daily summaries, by (channel, instance id)."""

    snoozes: Mapping[tuple[str, str], Snooze]
    dailies: Mapping[tuple[str, str], DailySummary]

    def snooze_of(self, sub: Subscription) -> Snooze | None:
        return self.snoozes.get((sub.channel, sub.instance_id))

    def daily_of(self, sub: Subscription) -> DailySummary | None:
        return self.dailies.get((sub.channel, sub.instance_id))


class Subscriptions:
    def __init__(
        self,
        store: Store,
        dms: Dms,
        guard: Guard,
        *,
        clock: Callable[[], datetime] = utc_now,
        people: PeopleNames | None = None,
    ) -> None:
        self._store = store
        self._dms = dms
        self._guard = guard
        self._clock = clock
        # Slack names of users, to name people in lists without pinging them.
        self._people = people

    async def answer(
        self, command: Subscribe | Unsubscribe | ListSubscriptions, ask: Ask, who: Subject | None
    ) -> Reply:
        """The reply to a typed subscription command (or a Subscribe button)."""
        if isinstance(command, ListSubscriptions):
            subs = await self.in_channel(ask.channel)
            held = await self.holds([ask.channel], self._clock())
            snoozes = list(held.snoozes.values())
            people = await self._names(
                [*(s.created_by for s in subs), *(z.by_user for z in snoozes)]
            )
            shown = subscriptions_message(
                subs,
                ask.channel,
                tz=ask.tz,
                lang=ask.lang,
                people=people,
                snoozes=snoozes,
                dailies=list(held.dailies.values()),
            )
            return Reply(shown)
        if isinstance(command, Unsubscribe):
            return await self._unsubscribe(command.instance, ask, who)
        permitted = await self._guard.permitted("subscribe", who, command.instance)
        instance = await existing_instance(self._dms, permitted.instance_id)
        sub = Subscription(
            channel=ask.channel,
            instance_id=instance.instance_id,
            # With several accounts, "orders@prod": the channel reads which one it is.
            instance_name=instance.label,
            scope=command.scope,
            name_glob=command.name_glob,
            created_by=ask.user,
            created_at=self._clock(),
            # Notifications in the language asked for, else the subscriber's own.
            language=command.lang or ask.lang,
            # Quiet hours in the zone given, else the subscriber's own.
            quiet=command.quiet.hours(zone_name(ask.tz)) if command.quiet else None,
        )
        saved, created = await self._store.subscriptions.upsert(sub)
        daily = await self._set_daily(saved, command.daily, ask)
        people = await self._names([saved.created_by])
        confirmed = subscribed_message(
            saved, created=created, tz=ask.tz, lang=ask.lang, people=people
        )
        return Reply(with_daily(confirmed, daily, lang=ask.lang), instance=instance.instance_id)

    async def _set_daily(
        self, sub: Subscription, daily: DailyAt | None, ask: Ask
    ) -> DailyAt | None:
        """The subscription's daily summary as the command says: subscribing again
        without ``daily`` stops it, as it resets the other options."""
        if daily is None:
            await self._store.daily.clear(sub.channel, sub.instance_id)
            return None
        # Without a zone of its own: the subscriber's.
        daily = replace(daily, zone=daily.zone or zone_name(ask.tz))
        clock = f"{daily.clock.hour:02d}:{daily.clock.minute:02d}"
        summary = DailySummary(sub.channel, sub.instance_id, clock, daily.zone, self._clock())
        await self._store.daily.set(summary)
        return daily

    async def snooze(self, ref: SnoozeRef, ask: Ask, who: Subject | None) -> Reply:
        """Snooze the channel's notifications about the instance (whoever may subscribe
        it there may), until the end chosen, worked out in the presser's zone."""
        instance = await self._guard.permitted("subscribe", who, ref.instance_id)
        until = snooze_until(ref.scope, self._clock(), ask.tz)
        await self._store.snoozes.snooze(ask.channel, instance.instance_id, until, ask.user)
        said = snoozed_message(
            ask.user, replace(ref, instance_name=instance.label), until, tz=ask.tz, lang=ask.lang
        )
        return Reply(said, delivery="channel", instance=instance.instance_id)

    async def unsnooze(self, ref: SnoozeRef, ask: Ask, who: Subject | None) -> Reply:
        """Undo: the snooze ends now, and what it held goes out."""
        instance = await self._guard.permitted("subscribe", who, ref.instance_id)
        lifted = await self._store.snoozes.lift(ask.channel, instance.instance_id)
        if lifted is None:
            said = not_snoozed_message(instance.instance_id, instance.label, lang=ask.lang)
            return Reply(said, delivery="ephemeral", instance=instance.instance_id)
        said = snooze_lifted_message(ask.user, instance.instance_id, instance.label, lang=ask.lang)
        return Reply(said, delivery="replace", instance=instance.instance_id)

    async def _unsubscribe(self, typed: str, ask: Ask, who: Subject | None) -> Reply:
        """Remove the channel's subscription ``typed`` names.

        A subscription of the channel is found first by its id or its name as listed,
        without asking DMS: an instance deleted upstream (or a name DMS now reads as
        another instance) can still be unsubscribed from, judged by the rules on the
        row kept as the Home tab's button is. Otherwise ``typed`` is an instance as
        any command names one, and the channel was not subscribed to it.
        """
        kept = _named(await self.in_channel(ask.channel), typed)
        if kept is None:
            permitted = await self._guard.permitted("unsubscribe", who, typed)
            instance = await existing_instance(self._dms, permitted.instance_id)
        else:
            instance = Instance(instance_id=kept.instance_id, name=kept.instance_name)
            decision = self._guard.judge("unsubscribe", who, instance)
            if not decision.allowed:
                raise Refused("unsubscribe", typed, decision.by)
        removed = await self.remove(ask.channel, instance.instance_id)
        return Reply(
            unsubscribed_message(removed, instance.name, ask.channel, lang=ask.lang),
            instance=instance.instance_id,
        )

    async def remove(self, channel: str, instance_id: str) -> Subscription | None:
        """Unsubscribe ``channel`` from the instance: what was removed, None if nothing."""
        # Its snooze and daily summary go with it, in the store's one transaction.
        return await self._store.subscriptions.delete(channel, instance_id)

    async def get(self, channel: str, instance_id: str) -> Subscription | None:
        return await self._store.subscriptions.get(channel, instance_id)

    async def in_channel(self, channel: str) -> list[Subscription]:
        return await self._store.subscriptions.in_channel(channel)

    async def in_channels(self, channels: Iterable[str]) -> list[Subscription]:
        """The subscriptions of these channels (the Home tab's), off the event loop."""
        return await asyncio.to_thread(subscriptions_in, self._store, channels)

    async def holds(self, channels: Iterable[str], now: datetime) -> Holds:
        """What these channels' subscriptions are held by at ``now`` (snoozes in force;
        ended ones are left out) and their daily summaries: one read of each however
        many channels, so the Home tab costs the same for one channel as for hundreds."""
        wanted = sorted(set(channels))
        if not wanted:
            return Holds({}, {})
        snoozes, dailies = await asyncio.gather(
            self._store.snoozes.in_channels(wanted, now), self._store.daily.in_channels(wanted)
        )
        return Holds(
            {(z.channel, z.instance_id): z for z in snoozes},
            {(d.channel, d.instance_id): d for d in dailies},
        )

    async def _names(self, users: Iterable[str]) -> Mapping[str, str]:
        if self._people is None:
            return {}
        try:
            return await self._people(users)
        except Exception:
            # Names are a courtesy: the list still shows, with ids that do not ping.
            log.warning("could not read the Slack names of subscribers", exc_info=True)
            return {}


def _named(subs: Sequence[Subscription], typed: str) -> Subscription | None:
    """The one subscription ``typed`` names exactly (its id, or its name as listed)."""
    wanted = typed.strip()
    by_id = [s for s in subs if s.instance_id == wanted]
    if by_id:
        return by_id[0]
    by_name = [s for s in subs if s.instance_name.lower() == wanted.lower()]
    return by_name[0] if len(by_name) == 1 else None


def subscriptions_in(store: Store, channels: Iterable[str]) -> list[Subscription]:
    """The subscriptions of these channels, reading whichever side is smaller.

    The store answers per channel or per instance; a user in hundreds of channels in a
    workspace with a few watched instances is cheaper read by instance, and the other
    way round. (One ``WHERE channel IN (...)`` query in the store would do better.)
    """
    wanted = set(channels)
    if not wanted:
        return []
    watched = store.polling.watched_instances.sync()
    if len(watched) < len(wanted):
        found = [s for i in sorted(watched) for s in store.subscriptions.for_instance.sync(i)]
        return [s for s in found if s.channel in wanted]
    return [s for channel in sorted(wanted) for s in store.subscriptions.in_channel.sync(channel)]
