"""The App Home tab's data: which subscriptions a user sees, and their instances' tasks.

``HomeService`` answers the tab's three questions (the view, an Unsubscribe press, a
Details press); handlers/home.py only delivers what it returns. It checks through the
one guard, removes through the one unsubscribe path and audits through the one
auditor, as commands do. Nothing here lets an exception reach the user: an instance
that cannot be read gets a one-line reason in the tab, a tab that cannot be built gets
an incident id.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol

from bot.adapters.audit import AuditResult
from bot.adapters.slack.channels import ChannelsUnreadable, Membership
from bot.core.actions import BadActionValue, HomeTaskRef, SubscriptionRef
from bot.core.answer import TaskAnswer
from bot.core.clock import utc_now
from bot.core.dms.errors import DmsError
from bot.core.dms.models import Instance
from bot.core.dms.source import Dms
from bot.core.grammar.window import TimeWindow
from bot.core.records import Subscription
from bot.i18n import Lang
from bot.services.guard import Guard
from bot.services.outcome import Act, Auditor, Outcome, failure_of, incident
from bot.services.subscriptions import Holds, Subscriptions
from bot.views.details import task_details_message
from bot.views.errors import describe_error
from bot.views.home import (
    HomeView,
    broken_home_view,
    details_modal,
    failed_modal,
    home_view,
    loading_home_view,
    loading_modal,
    notice_modal,
)
from bot.views.home_page import ChannelsProblem, HomePage, HomeSubscription, InstanceHome, Notice

log = logging.getLogger("kafka_tasks.home")


async def _nothing() -> dict[str, Instance]:
    return {}


class Channels(Protocol):
    """Which channels a user is in (``bot.adapters.slack.channels.ChannelDirectory``);
    raises ``ChannelsUnreadable`` when Slack will not say."""

    async def channels_of(self, user: str, *, fresh: bool = False) -> Membership: ...


class HomeService:
    def __init__(
        self,
        dms: Dms,
        subscriptions: Subscriptions,
        channels: Channels,
        guard: Guard,
        *,
        auditor: Auditor | None = None,
        clock: Callable[[], datetime] = utc_now,
        window: timedelta = timedelta(hours=24),
        concurrency: int = 8,
        timeout: float = 8.0,
    ) -> None:
        self._dms = dms
        self._subscriptions = subscriptions
        self._channels = channels
        self._guard = guard
        self._auditor = auditor or Auditor()
        self._clock = clock
        self._window = window
        # Seconds one instance's tasks may take; past it, that instance says so and the
        # rest of the tab is shown, rather than the whole tab waiting on one.
        self._timeout = timeout
        self._limit = asyncio.Semaphore(concurrency)

    # -- the tab ----------------------------------------------------------------------

    async def view(
        self,
        user: str,
        *,
        lang: Lang = "en",
        tz: tzinfo = UTC,
        im_channel: str | None = None,
        fresh: bool = False,
        notice: Notice | None = None,
    ) -> HomeView:
        """The user's Home view, ready for ``views.publish``; never raises.

        ``fresh``: a Refresh press, which gets its audit line (opening the tab does not:
        it happens on every visit and asks nothing of anyone).
        """

        async def work() -> tuple[HomeView, AuditResult]:
            try:
                page = await self.page(user, im_channel=im_channel, fresh=fresh, notice=notice)
                built = home_view(page, lang=lang, tz=tz, now=self._clock())
                built.to_dict()  # slack_sdk's own checks, here rather than at publish time
            except Exception:
                made = incident("could not build the Home tab for %s", user)
                return broken_home_view(made, lang, im_channel=im_channel), "error"
            return built, "ok"

        if not fresh:
            return (await work())[0]
        act = Act("home", user, None, "refresh")
        built, _ = await self._auditor.audited(act, work, lambda done: Outcome(done[1]))
        return built

    def loading_view(self, lang: Lang) -> HomeView:
        return loading_home_view(lang)

    async def page(
        self,
        user: str,
        *,
        im_channel: str | None = None,
        fresh: bool = False,
        notice: Notice | None = None,
    ) -> HomePage:
        """What the tab shows: ``fresh`` re-reads channels and tasks (Refresh)."""
        now = self._clock()
        membership, problem, detail = await self._membership(user, fresh=fresh)
        names = dict(membership.channels)
        if im_channel:
            # The user's DM with the app: they are in it, and users.conversations would
            # need im:read to say so.
            names.setdefault(im_channel, "")
        subs = await self._subscriptions.in_channels(names) if names else []
        window = TimeWindow(
            begin=now - self._window, end=now, label="home", zone="UTC", ends_now=True
        )
        by_instance: dict[str, list[Subscription]] = {}
        for sub in subs:
            by_instance.setdefault(sub.instance_id, []).append(sub)
        # Snoozes and daily summaries of every channel shown, in one read each.
        known, held = await asyncio.gather(
            self._known_instances() if by_instance else _nothing(),
            self._subscriptions.holds((s.channel for s in subs), now),
        )
        items = await asyncio.gather(
            *(
                self._instance(
                    user,
                    known.get(iid) or Instance(instance_id=iid, name=group[0].instance_name),
                    [(sub, names.get(sub.channel, "")) for sub in group],
                    held,
                    window,
                    fresh=fresh,
                )
                for iid, group in by_instance.items()
            )
        )
        return HomePage(
            instances=tuple(items),
            updated_at=now,
            window_hours=max(1, round(self._window.total_seconds() / 3600)),
            channels_problem=problem,
            channels_detail=detail,
            notice=notice,
            im_channel=im_channel,
        )

    async def _membership(
        self, user: str, *, fresh: bool
    ) -> tuple[Membership, ChannelsProblem | None, str]:
        """The user's channels, and what the tab should say if they are not all known."""
        try:
            membership = await self._channels.channels_of(user, fresh=fresh)
        except ChannelsUnreadable as exc:
            log.warning("users.conversations for %s failed: %s", user, exc.error)
            return Membership({}, complete=False), "unreadable", exc.error
        if not membership.complete:
            return membership, "partial", str(len(membership.channels))
        return membership, None, ""

    async def _instance(
        self,
        user: str,
        instance: Instance,
        subs: list[tuple[Subscription, str]],
        held: Holds,
        window: TimeWindow,
        *,
        fresh: bool,
    ) -> InstanceHome:
        """``subs``: the user's subscriptions to the instance, each with its channel's
        name."""
        channels = list(dict.fromkeys(s.channel for s, _ in subs))
        allows = self._guard.allows
        viewable, removable = await asyncio.gather(
            asyncio.gather(*(allows("query", user, c, instance) for c in channels)),
            asyncio.gather(*(allows("unsubscribe", user, s.channel, instance) for s, _ in subs)),
        )
        entries = tuple(
            HomeSubscription(sub, name, ok, snooze=held.snooze_of(sub), daily=held.daily_of(sub))
            for (sub, name), ok in zip(subs, removable, strict=True)
        )
        allowed = [c for c, ok in zip(channels, viewable, strict=True) if ok]
        if not allowed:
            # Not even asked of DMS: nothing about the tasks may reach this user.
            return InstanceHome(instance, entries, hidden=True)
        base = InstanceHome(instance, entries, channel=allowed[0])
        try:
            async with self._limit:
                listing = await asyncio.wait_for(
                    self._dms.list_tasks(instance.instance_id, window, fresh=fresh),
                    self._timeout,
                )
        except TimeoutError:
            return replace(base, problem="timeout")
        except DmsError as exc:
            return replace(
                base, problem="dms", reason=str(exc), reason_zh=describe_error(exc, "zh")
            )
        except Exception:
            made = incident("reading tasks of %s for the Home tab failed", instance.instance_id)
            return replace(base, problem="internal", reason=made)
        return replace(
            base,
            running=tuple(t for t in listing.tasks if t.in_progress),
            failures=tuple(t for t in listing.tasks if t.failed),
        )

    async def _known_instances(self) -> dict[str, Instance]:
        """Instances as DMS lists them (cached by the client), for their names and for
        the access rules; without them, each subscription's stored name stands in."""
        try:
            return {i.instance_id: i for i in await self._dms.list_instances()}
        except DmsError as exc:
            log.info("instances unavailable for the Home tab: %s", exc)
            return {}

    async def _instance_for(self, instance_id: str, name: str) -> Instance:
        known = await self._known_instances()
        return known.get(instance_id) or Instance(instance_id=instance_id, name=name or instance_id)

    # -- buttons ----------------------------------------------------------------------

    async def _member(self, user: str, channel: str) -> bool:
        """Whether ``user`` is in ``channel`` at the moment of pressing, read afresh from
        Slack: a tab drawn before they left the channel must not act on it. A direct
        message channel is the presser's own when they set up its subscription."""
        if channel.startswith("D"):
            subs = await self._subscriptions.in_channel(channel)
            return any(s.created_by == user for s in subs)
        try:
            membership = await self._channels.channels_of(user, fresh=True)
        except ChannelsUnreadable as exc:
            log.warning("users.conversations for %s failed at a press: %s", user, exc.error)
            return False
        return channel in membership.channels

    async def unsubscribe(self, user: str, value: str) -> Notice:
        """Remove the subscription an Unsubscribe button carries, if the rules allow.

        The same path as ``/kafka-tasks unsubscribe`` (``Subscriptions.remove``); the
        outcome is a notice for the republished tab, never an exception.
        """
        try:
            ref = SubscriptionRef.decode(value)
        except BadActionValue as exc:
            log.warning("Home Unsubscribe from %s: %s", user, exc)
            return Notice("unreadable")
        instance = await self._instance_for(ref.instance_id, ref.instance_name)
        name = instance.name or ref.instance_id

        async def work() -> tuple[Notice, AuditResult]:
            member = await self._member(user, ref.channel)
            if not member or not await self._guard.allows(
                "unsubscribe", user, ref.channel, instance
            ):
                log.info("refused: %s unsubscribing %s from %s", user, ref.channel, ref.instance_id)
                return Notice("refused_unsubscribe", ref.channel, name), "refused"
            removed = await self._subscriptions.remove(ref.channel, ref.instance_id)
            if removed is None:
                return Notice("not_subscribed", ref.channel, name), "error"
            log.info(
                "%s unsubscribed %s from %s in the Home tab", user, ref.channel, ref.instance_id
            )
            return Notice("unsubscribed", ref.channel, removed.instance_name or name), "ok"

        def judged(done: tuple[Notice, AuditResult]) -> Outcome:
            notice, result = done
            return Outcome(result, ref.instance_id, None if result == "ok" else notice.kind)

        act = Act("home", user, ref.channel, "unsubscribe")
        notice, _ = await self._auditor.audited(act, work, judged, timed=False)
        return notice

    def loading_modal(self, lang: Lang) -> HomeView:
        return loading_modal(lang)

    async def details(
        self, user: str, value: str, *, lang: Lang = "en", tz: tzinfo = UTC
    ) -> HomeView:
        """The modal for a Details button: the task, if the rules let the user see it."""
        try:
            ref: HomeTaskRef | None = HomeTaskRef.decode(value)
        except BadActionValue as exc:
            log.warning("Home Details from %s: %s", user, exc)
            ref = None
        act = Act("home", user, ref.channel if ref else None, "details")
        instance_id = ref.instance_id if ref else None
        view, _ = await self._auditor.audited(
            act,
            lambda: self._details(user, ref, lang, tz),
            lambda done: Outcome(done[1], instance_id),
        )
        return view

    async def _details(
        self, user: str, ref: HomeTaskRef | None, lang: Lang, tz: tzinfo
    ) -> tuple[HomeView, AuditResult]:
        if ref is None:
            return notice_modal("details_unreadable", lang), "error"
        try:
            # What the tab shows: tasks of instances subscribed in a channel the presser
            # is in (now, not when the tab was drawn), and the rules let them see there.
            # Asked before DMS is: a forged value costs DMS nothing.
            subscribed = await self._subscriptions.get(ref.channel, ref.instance_id)
            if subscribed is None or not await self._member(user, ref.channel):
                return notice_modal("details_refused", lang), "refused"
            instance = await self._instance_for(ref.instance_id, subscribed.instance_name)
            if not await self._guard.allows("query", user, ref.channel, instance):
                return notice_modal("details_refused", lang), "refused"
            task = await asyncio.wait_for(
                self._dms.get_task(ref.instance_id, ref.task_id), self._timeout
            )
        except TimeoutError:
            return notice_modal("details_timeout", lang), "error"
        except Exception as exc:
            failure = failure_of(exc, lang)
            if failure.incident is not None:
                return notice_modal("details_broken", lang, incident=failure.incident), "error"
            return failed_modal(failure.text, lang), "error"
        message = task_details_message(
            TaskAnswer(instance, task), tz=tz, now=self._clock(), lang=lang
        )
        return details_modal(message, lang), "ok"
