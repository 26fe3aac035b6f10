"""Runs the watcher beside the Slack app: the poller and the outbox delivery."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import tzinfo

from slack_sdk.web.async_client import AsyncWebClient

from bot.conversation import Conversation
from bot.dms.client import DmsClient
from bot.store.store import Store
from bot.watch.delivery import Deliverer
from bot.watch.options import WatchOptions
from bot.watch.poller import Poller
from bot.watch.render import OutboxRenderer

log = logging.getLogger("kafka_tasks.watch")


def replica_id() -> str:
    """Names this process in leases and claims: host, pid, and a random part so a
    restarted process never mistakes the dead one's leases for its own."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@asynccontextmanager
async def watching(
    dms: DmsClient,
    store: Store,
    slack: AsyncWebClient,
    conversation: Conversation,
    *,
    tz: tzinfo,
    options: WatchOptions | None = None,
) -> AsyncIterator[tuple[Poller, Deliverer]]:
    owner = replica_id()
    opts = options or WatchOptions()
    poller = Poller(dms, store, owner=owner, options=opts)
    deliverer = Deliverer(store, slack, OutboxRenderer(conversation, tz), owner=owner, options=opts)
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(poller.run(stop), name="poller"),
        asyncio.create_task(deliverer.run(stop), name="deliverer"),
    ]
    log.info("watching as %s", owner)
    try:
        yield poller, deliverer
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
