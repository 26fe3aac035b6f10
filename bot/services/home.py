"""The App Home tab's data: which subscriptions a user sees, and their instances' tasks.

``HomeService`` answers the tab's three questions (the view, an Unsubscribe press, a
Details press); handlers/home.py only delivers what it returns. Like the rest of the
bot, nothing here lets an exception reach the user: an instance that cannot be read
gets a one-line reason in the tab, a tab that cannot be built gets an incident id.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol

from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.audit import AuditEvent, AuditLog, AuditResult
from bot.adapters.cache import SingleFlightCache
from bot.adapters.dms.trace import collecting_request_ids
from bot.adapters.store.store import Store
from bot.core.actions import BadActionValue, HomeTaskRef, SubscriptionRef
from bot.core.answer import TaskAnswer
from bot.core.clock import utc_now
from bot.core.dms.errors import DmsError, ResolveError
from bot.core.dms.models import Instance, Task, TaskList
from bot.core.grammar.window import TimeWindow
from bot.core.records import Subscription
from bot.i18n import Lang
from bot.views.details import task_details_message
from bot.views.errors import describe_error
from bot.views.home import (
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

# (user, channel, instance) -> may the user do it there. bot/core/access.py supplies the
# real rules; the Home tab only asks.
AccessCheck = Callable[[str, str, Instance], Awaitable[bool]]


async def allow_all(user: str, channel: str, instance: Instance) -> bool:
    """The rule with no rules configured: everyone may see and unsubscribe everything."""
    return True


class TaskSource(Protocol):
    """What the tab reads from DMS: ``DmsClient`` is one (its cached ``list_tasks``)."""

    async def list_instances(self, *, fresh: bool = False) -> tuple[Instance, ...]: ...

    async def list_tasks(
        self, instance_id: str, window: TimeWindow, *, fresh: bool = False
    ) -> TaskList: ...

    async def get_task(self, instance_id: str, task_id: str) -> Task: ...


# --- which channels a user is in --------------------------------------------------------


@dataclass(frozen=True)
class Membership:
    # channel id -> name ("" when Slack gave none)
    channels: Mapping[str, str]
    # False when there were more pages than we read.
    complete: bool = True


class ChannelDirectory:
    """The public and private channels a user is in, from ``users.conversations``.

    Why this and not ``conversations.members`` of each subscribed channel: the cost here
    is the viewer's channel count (one page of 200 covers most people, Tier 3), whatever
    the subscriptions; ``conversations.members`` costs every page of every subscribed
    channel's member list, and a subscription in a big channel (#general, #incidents)
    is thousands of members. Both need ``channels:read`` (public) and ``groups:read``
    (private); in both, Slack shows a private channel only when the bot is in it too,
    which it is wherever it posts notifications. The answer is cached per user for
    ``ttl`` seconds: opening the tab again soon costs nothing; Refresh reads afresh.
    """

    TYPES = "public_channel,private_channel"

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        ttl: float = 60,
        page_size: int = 200,
        max_pages: int = 10,
    ) -> None:
        self._client = client
        self._page_size = page_size
        self._max_pages = max_pages
        self._cache: SingleFlightCache[str, Membership] = SingleFlightCache(ttl=ttl, maxsize=10_000)

    async def channels_of(self, user: str, *, fresh: bool = False) -> Membership:
        """Raises ``SlackApiError`` (not cached) when Slack refuses, e.g. a missing scope."""
        membership, _ = await self._cache.get(user, lambda: self._fetch(user), fresh=fresh)
        return membership

    async def _fetch(self, user: str) -> Membership:
        channels: dict[str, str] = {}
        cursor: str | None = None
        for _ in range(self._max_pages):
            response = await self._client.users_conversations(
                user=user,
                types=self.TYPES,
                exclude_archived=True,
                limit=self._page_size,
                cursor=cursor,
            )
            for channel in response.get("channels") or []:
                if isinstance(channel, dict) and channel.get("id"):
                    channels[str(channel["id"])] = str(channel.get("name") or "")
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return Membership(channels)
        # Someone in thousands of channels: the tab shows what was read, and says so.
        return Membership(channels, complete=False)


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


# --- the service --------------------------------------------------------------------------


class HomeService:
    def __init__(
        self,
        dms: TaskSource,
        store: Store,
        channels: ChannelDirectory,
        *,
        may_view: AccessCheck = allow_all,
        may_unsubscribe: AccessCheck = allow_all,
        clock: Callable[[], datetime] = utc_now,
        window: timedelta = timedelta(hours=24),
        concurrency: int = 8,
        timeout: float = 8.0,
        audit: AuditLog | None = None,
    ) -> None:
        self._dms = dms
        self._audit = audit
        self._store = store
        self._channels = channels
        self._may_view = may_view
        self._may_unsubscribe = may_unsubscribe
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
    ) -> View:
        """The user's Home view, ready for ``views.publish``; never raises.

        ``fresh``: a Refresh press, which gets its audit line (opening the tab does not:
        it happens on every visit and asks nothing of anyone).
        """
        started = time.perf_counter()
        result: AuditResult = "ok"
        with collecting_request_ids() as request_ids:
            try:
                page = await self.page(user, im_channel=im_channel, fresh=fresh, notice=notice)
                built = home_view(page, lang=lang, tz=tz, now=self._clock())
                built.to_dict()  # slack_sdk's own checks, here rather than at publish time
            except Exception:
                incident = uuid.uuid4().hex[:8]
                log.exception("could not build the Home tab for %s (incident %s)", user, incident)
                built, result = broken_home_view(incident, lang, im_channel=im_channel), "error"
        if fresh:
            self._record(user, "refresh", result, request_ids=request_ids, started=started)
        return built

    def _record(
        self,
        user: str,
        what: str,
        result: AuditResult,
        *,
        channel: str | None = None,
        instance: str | None = None,
        detail: str | None = None,
        request_ids: Sequence[str] = (),
        started: float | None = None,
    ) -> None:
        """The audit line of a press in the tab, as commands get theirs."""
        if self._audit is None:
            return
        self._audit.record(
            AuditEvent(
                kind="home",
                user=user,
                channel=channel,
                what=what,
                result=result,
                instance=instance,
                detail=detail,
                request_ids=tuple(request_ids),
                duration_ms=None if started is None else (time.perf_counter() - started) * 1000,
            )
        )

    def loading_view(self, lang: Lang) -> View:
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
        problem: ChannelsProblem | None = None
        detail = ""
        try:
            membership = await self._channels.channels_of(user, fresh=fresh)
        except SlackApiError as exc:
            error = str((exc.response or {}).get("error") or "no reason given")
            log.warning("users.conversations for %s failed: %s", user, error)
            membership, problem, detail = Membership({}, complete=False), "unreadable", error
        else:
            if not membership.complete:
                problem, detail = "partial", str(len(membership.channels))
        names = dict(membership.channels)
        if im_channel:
            # The user's DM with the app: they are in it, and users.conversations would
            # need im:read to say so.
            names.setdefault(im_channel, "")
        subs = await asyncio.to_thread(subscriptions_in, self._store, names) if names else []
        window = TimeWindow(
            begin=now - self._window, end=now, label="home", zone="UTC", ends_now=True
        )
        by_instance: dict[str, list[Subscription]] = {}
        for sub in subs:
            by_instance.setdefault(sub.instance_id, []).append(sub)
        known = await self._known_instances() if by_instance else {}
        items = await asyncio.gather(
            *(
                self._instance(
                    user,
                    known.get(iid) or Instance(instance_id=iid, name=group[0].instance_name),
                    group,
                    names,
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

    async def _instance(
        self,
        user: str,
        instance: Instance,
        subs: list[Subscription],
        names: Mapping[str, str],
        window: TimeWindow,
        *,
        fresh: bool,
    ) -> InstanceHome:
        channels = list(dict.fromkeys(s.channel for s in subs))
        viewable, removable = await asyncio.gather(
            asyncio.gather(*(self._allowed(self._may_view, user, c, instance) for c in channels)),
            asyncio.gather(
                *(self._allowed(self._may_unsubscribe, user, s.channel, instance) for s in subs)
            ),
        )
        entries = tuple(
            HomeSubscription(sub, names.get(sub.channel, ""), ok)
            for sub, ok in zip(subs, removable, strict=True)
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
            incident = uuid.uuid4().hex[:8]
            log.exception(
                "reading tasks of %s for the Home tab failed (incident %s)",
                instance.instance_id,
                incident,
            )
            return replace(base, problem="internal", reason=incident)
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

    @staticmethod
    async def _allowed(check: AccessCheck, user: str, channel: str, instance: Instance) -> bool:
        try:
            return await check(user, channel, instance)
        except Exception:
            # A rule that cannot be evaluated refuses: showing or removing too much is
            # the worse mistake.
            log.exception("access check failed for %s in %s on %s", user, channel, instance.name)
            return False

    # -- buttons ----------------------------------------------------------------------

    async def _member(self, user: str, channel: str) -> bool:
        """Whether ``user`` is in ``channel`` at the moment of pressing, read afresh from
        Slack: a tab drawn before they left the channel must not act on it. A direct
        message channel is the presser's own when they set up its subscription."""
        if channel.startswith("D"):
            subs = await self._store.subscriptions.in_channel(channel)
            return any(s.created_by == user for s in subs)
        try:
            membership = await self._channels.channels_of(user, fresh=True)
        except SlackApiError as exc:
            error = str((exc.response or {}).get("error") or "no reason given")
            log.warning("users.conversations for %s failed at a press: %s", user, error)
            return False
        return channel in membership.channels

    async def unsubscribe(self, user: str, value: str) -> Notice:
        """Remove the subscription an Unsubscribe button carries, if the rules allow.

        The same store call as ``/kafka-tasks unsubscribe``; the outcome is a notice for
        the republished tab, never an exception.
        """
        try:
            ref = SubscriptionRef.decode(value)
        except BadActionValue as exc:
            log.warning("Home Unsubscribe from %s: %s", user, exc)
            return Notice("unreadable")
        instance = await self._instance_for(ref.instance_id, ref.instance_name)
        name = instance.name or ref.instance_id

        def audited(notice: Notice, result: AuditResult) -> Notice:
            detail = None if result == "ok" else notice.kind
            self._record(
                user,
                "unsubscribe",
                result,
                channel=ref.channel,
                instance=ref.instance_id,
                detail=detail,
            )
            return notice

        member = await self._member(user, ref.channel)
        if not member or not await self._allowed(
            self._may_unsubscribe, user, ref.channel, instance
        ):
            log.info("refused: %s unsubscribing %s from %s", user, ref.channel, ref.instance_id)
            return audited(Notice("refused_unsubscribe", ref.channel, name), "refused")
        removed = await self._store.subscriptions.delete(ref.channel, ref.instance_id)
        if removed is None:
            return audited(Notice("not_subscribed", ref.channel, name), "error")
        log.info("%s unsubscribed %s from %s in the Home tab", user, ref.channel, ref.instance_id)
        return audited(Notice("unsubscribed", ref.channel, removed.instance_name or name), "ok")

    def loading_modal(self, lang: Lang) -> View:
        return loading_modal(lang)

    async def details(self, user: str, value: str, *, lang: Lang = "en", tz: tzinfo = UTC) -> View:
        """The modal for a Details button: the task, if the rules let the user see it."""
        started = time.perf_counter()
        with collecting_request_ids() as request_ids:
            view, result, ref = await self._details(user, value, lang, tz)
        self._record(
            user,
            "details",
            result,
            channel=ref.channel if ref else None,
            instance=ref.instance_id if ref else None,
            request_ids=request_ids,
            started=started,
        )
        return view

    async def _details(
        self, user: str, value: str, lang: Lang, tz: tzinfo
    ) -> tuple[View, AuditResult, HomeTaskRef | None]:
        ref: HomeTaskRef | None = None
        try:
            ref = HomeTaskRef.decode(value)
            # What the tab shows: tasks of instances subscribed in a channel the presser
            # is in (now, not when the tab was drawn), and the rules let them see there.
            # Asked before DMS is: a forged value costs DMS nothing.
            subscribed = await self._store.subscriptions.get(ref.channel, ref.instance_id)
            if subscribed is None or not await self._member(user, ref.channel):
                return notice_modal("details_refused", lang), "refused", ref
            instance = await self._instance_for(ref.instance_id, subscribed.instance_name)
            if not await self._allowed(self._may_view, user, ref.channel, instance):
                return notice_modal("details_refused", lang), "refused", ref
            task = await asyncio.wait_for(
                self._dms.get_task(ref.instance_id, ref.task_id), self._timeout
            )
        except BadActionValue as exc:
            log.warning("Home Details from %s: %s", user, exc)
            return notice_modal("details_unreadable", lang), "error", ref
        except TimeoutError:
            return notice_modal("details_timeout", lang), "error", ref
        except (DmsError, ResolveError) as exc:
            return failed_modal(describe_error(exc, lang), lang), "error", ref
        except Exception:
            incident = uuid.uuid4().hex[:8]
            log.exception("Home Details for %s failed (incident %s)", user, incident)
            return notice_modal("details_broken", lang, incident=incident), "error", ref
        message = task_details_message(
            TaskAnswer(instance, task), tz=tz, now=self._clock(), lang=lang
        )
        return details_modal(message, lang), "ok", ref
