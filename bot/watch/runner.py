"""Runs the watcher beside the Slack app: the poller, the outbox delivery and the upkeep
of the store (access sweeps, forgetting handled requests past their time)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta, tzinfo

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.audit import AuditLog
from bot.adapters.metrics import Metrics
from bot.adapters.slack.handled_requests import pruning
from bot.adapters.store.store import Store
from bot.core.clock import Clock, utc_now
from bot.core.dms.source import Dms
from bot.services.conversation import Conversation
from bot.services.guard import Guard
from bot.watch.admission import Admission
from bot.watch.daily import DailyUpkeep
from bot.watch.delivery import Deliverer
from bot.watch.options import WatchOptions
from bot.watch.poller import Poller
from bot.watch.render import OutboxRenderer

log = logging.getLogger("kafka_tasks.watch")


def replica_id(configured: str | None, port: int) -> str:
    """Names this replica in leases and claims, the same across its restarts.

    Stable on purpose: a replica restarted after a crash takes its own leases back at
    once instead of waiting for them to expire. KAFKA_TASKS_REPLICA_ID (or Heroku's
    DYNO: web.1, web.2, ...) when set; else host and port, which differ between
    replicas on one machine.
    """
    return configured or f"{socket.gethostname()}:{port}"


@asynccontextmanager
async def watching(
    dms: Dms,
    store: Store,
    slack: AsyncWebClient,
    conversation: Conversation,
    guard: Guard,
    *,
    tz: tzinfo,
    audit: AuditLog | None = None,
    owner: str,
    options: WatchOptions | None = None,
    metrics: Metrics | None = None,
    clock: Clock = utc_now,
) -> AsyncIterator[tuple[Poller, Deliverer]]:
    """``clock``: the bot's "now", for the poller, the deliverer, rendering and the daily
    summaries (a test moves it to a summary's time or the end of a hold)."""
    opts = options or WatchOptions()
    poller = Poller(dms, store, owner=owner, options=opts, clock=clock, metrics=metrics)
    # Always judged, rules or none: a sweep resumes what rules lifted since paused.
    admission = Admission(guard, store, dms)
    deliverer = Deliverer(
        store,
        slack,
        # The conversation fetches a followed answer's summary afresh for its parent.
        OutboxRenderer(conversation, tz, clock),
        owner=owner,
        options=opts,
        clock=clock,
        metrics=metrics,
        # Notifications get audit lines beside the commands that set them up.
        audit=audit,
        admission=admission,
    )
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(poller.run(stop), name="poller"),
        asyncio.create_task(deliverer.run(stop), name="deliverer"),
    ]
    # Beside the watcher: every replica serving Slack runs it (the store is shared, so a
    # second replica's prune finds little left to do).
    tasks.append(asyncio.create_task(pruning(store, stop), name="handled-requests"))
    tasks.append(
        asyncio.create_task(_sweeping(admission, stop, opts.access_recheck), name="access-sweep")
    )
    # Every replica looks; the outbox key makes each day's summary once.
    daily = DailyUpkeep(store, dms, every=opts.fast_interval, clock=clock)
    tasks.append(asyncio.create_task(daily.run(stop), name="daily-summaries"))
    log.info("watching as %s", owner)
    try:
        yield poller, deliverer
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _sweeping(admission: Admission, stop: asyncio.Event, every: timedelta) -> None:
    """Re-judges every subscription at start (the rules may be new) and then every
    ``every`` (user groups change without a restart)."""
    while not stop.is_set():
        try:
            await admission.sweep()
        except Exception:
            # The next sweep retries; deliveries are judged row by row meanwhile.
            log.exception("access sweep failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every.total_seconds())
