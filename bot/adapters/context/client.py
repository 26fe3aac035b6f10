"""One account's CTS and CES, as the timeline's ``Context``: each on its own signed
client (its own host), with the DMS client's GET, retries and bounds."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from datetime import datetime

import httpx

from bot.adapters.context.ces import CesClient
from bot.adapters.context.common import ContextOptions
from bot.adapters.context.cts import CtsClient
from bot.adapters.dms.endpoints import ContextEndpoints
from bot.adapters.dms.http import DmsHttp, signed_client
from bot.adapters.metrics import Metrics
from bot.core.clock import utc_now
from bot.core.dms.accounts import Credentials
from bot.core.dms.source import ClientOptions, Window
from bot.core.timeline.records import Alarm, Trace
from bot.core.timeline.sources import SourceResult


class ContextClient:
    def __init__(
        self,
        *,
        cts: CtsClient,
        ces: CesClient,
        closers: tuple[DmsHttp, ...] = (),
    ) -> None:
        self.cts = cts
        self.ces = ces
        self._closers = closers

    @classmethod
    def create(
        cls,
        endpoints: ContextEndpoints,
        credentials: Credentials,
        *,
        options: ClientOptions | None = None,
        context: ContextOptions | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
        metrics: Metrics | None = None,
    ) -> ContextClient:
        """Clients for the hosts ``endpoints`` knows; a service without one answers
        with a gap and never sends a request."""
        opts = options or ClientOptions()
        ctx = context or ContextOptions()

        def http(endpoint: str | None, setting: str) -> DmsHttp | None:
            if endpoint is None:
                return None
            client = signed_client(endpoint, credentials, opts, transport=transport, clock=clock)
            return DmsHttp(
                client, opts, endpoint_setting=setting, sleep=sleep, rng=rng, metrics=metrics
            )

        cts_http, ces_http = (
            http(endpoints.cts, "CTS_ENDPOINT"),
            http(endpoints.ces, "CES_ENDPOINT"),
        )
        project, region = credentials.project_id, endpoints.region
        return cls(
            cts=CtsClient(
                cts_http,
                project_id=project,
                options=ctx,
                concurrency=opts.concurrency,
                clock=clock,
                region=region,
                metrics=metrics,
            ),
            ces=CesClient(
                ces_http,
                project_id=project,
                options=ctx,
                concurrency=opts.concurrency,
                region=region,
                metrics=metrics,
            ),
            closers=tuple(h for h in (cts_http, ces_http) if h is not None),
        )

    async def traces(
        self, instance_id: str, window: Window, *, fresh: bool = False
    ) -> SourceResult[Trace]:
        return await self.cts.list_traces(instance_id, window, fresh=fresh)

    async def alarms(
        self, instance_id: str, window: Window, *, fresh: bool = False
    ) -> SourceResult[Alarm]:
        return await self.ces.list_alarms(instance_id, window, fresh=fresh)

    async def aclose(self) -> None:
        for http in self._closers:
            await http.aclose()

    async def __aenter__(self) -> ContextClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
