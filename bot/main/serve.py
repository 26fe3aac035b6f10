"""``python -m bot serve``: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on PORT."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.audit import audit_file
from bot.adapters.metrics import Metrics
from bot.adapters.store.store import Store
from bot.core.clock import Clock, utc_now
from bot.main.app import build_app, build_services, require_slack, slack_client
from bot.main.runtime import open_dms
from bot.main.settings import Settings, SettingsError
from bot.watch.runner import replica_id, watching

log = logging.getLogger("kafka_tasks.serve")
EVENTS_PATH = "/slack/events"
METRICS_PATH = "/metrics"
# aiohttp's default, stated here so that it stays: the largest request Slack sends (a
# mention of 40,000 characters with its rich_text copy, JSON-escaped: some 480 KB) fits;
# a bigger body is answered 413 as soon as its bytes pass this, and is not read further.
MAX_REQUEST_BYTES = 1024 * 1024


def health_route(report: Callable[[], Awaitable[dict[str, object]]]) -> web.RouteDef:
    async def healthz(_: web.Request) -> web.Response:
        body = await report()
        return web.json_response(body, status=200 if body.get("ok") else 503)

    return web.get("/healthz", healthz)


def metrics_route(metrics: Metrics) -> web.RouteDef:
    async def render(_: web.Request) -> web.Response:
        # Off the loop: with thousands of watched instances (a lag series each) a render
        # takes tens of ms, which acks arriving meanwhile must not wait for.
        body = await asyncio.to_thread(metrics.render)
        return web.Response(body=body, headers={"Content-Type": metrics.content_type})

    return web.get(METRICS_PATH, render)


def events_route(
    app: AsyncApp, signing_secret: str, metrics: Metrics | None = None
) -> web.RouteDef:
    """``POST /slack/events``: the Slack signature is checked on the raw bytes first.

    Bolt checks it as well, but only after it has parsed the body and the timestamp
    header; a body or a header that does not parse gave anyone who can reach the port a
    500 and a traceback in the log. Here nothing is parsed until the request is known to
    come from Slack (401 otherwise), and a signed body that still does not parse is a 400.
    """
    verifier = SignatureVerifier(signing_secret)

    async def events(request: web.Request) -> web.Response:
        arrived = time.perf_counter()
        body = await request.read()
        if not _signed_by_slack(verifier, body, request.headers):
            log.info("refused a request to %s without a valid Slack signature", request.path)
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            bolt_request = await to_bolt_request(request)
        except ValueError:  # not JSON where JSON is due, or JSON but not an object
            return web.json_response({"error": "malformed request"}, status=400)
        # Bolt returns from dispatch once the listener has called ack(), and that answer
        # is the ack Slack waits for. Only requests from Slack are timed: refusing a
        # forged one is quick and would flatter the figure.
        response = await app.async_dispatch(bolt_request)
        if metrics:
            metrics.ack(time.perf_counter() - arrived)
        return await to_aiohttp_response(response)

    return web.post(EVENTS_PATH, events)


def _signed_by_slack(verifier: SignatureVerifier, body: bytes, headers: Mapping[str, str]) -> bool:
    try:
        return verifier.is_valid_request(body, headers)
    except (ValueError, OverflowError):
        # A timestamp that is not a whole number (or is past a float), or a body that is
        # not UTF-8 (slack_sdk signs text): nothing Slack sends, so not signed by Slack.
        return False


async def _listen(app: web.Application, port: int) -> web.AppRunner:
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, host="0.0.0.0", port=port).start()
    return runner


def _stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def _socket_url(client: AsyncWebClient, app_token: str) -> str:
    try:
        response = await client.apps_connections_open(app_token=app_token)
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response else None
        raise SettingsError(
            [
                f"Slack refused to open a Socket Mode connection ({error or 'no reason given'}): "
                "check SLACK_APP_TOKEN is the app-level token (xapp-) with connections:write "
                "and that Socket Mode is on in the app's settings"
            ]
        ) from None
    return str(response["url"])


class TimedSocketModeHandler(AsyncSocketModeHandler):
    """Bolt's Socket Mode handler, timing each envelope from its arrival to its ack.

    In Socket Mode the ack is the envelope's response on the WebSocket, which Bolt
    sends once dispatch returns (after the listener's ack()); ``handle`` spans both.
    """

    def __init__(self, app: AsyncApp, app_token: str, *, metrics: Metrics) -> None:
        super().__init__(app, app_token)
        self._metrics = metrics

    # The override Bolt's own handler makes (its client is the aiohttp one), ignored as
    # Bolt ignores it.
    async def handle(  # type: ignore[override]
        self, client: SocketModeClient, req: SocketModeRequest
    ) -> None:
        arrived = time.perf_counter()
        await super().handle(client, req)
        self._metrics.ack(time.perf_counter() - arrived)


async def serve(
    settings: Settings,
    *,
    stop: asyncio.Event | None = None,
    metrics: Metrics | None = None,
    clock: Clock = utc_now,
) -> None:
    """Serve until SIGINT/SIGTERM (or until ``stop`` is set, for an embedding caller).

    ``metrics``: where the run counts (served at /metrics); a new one when not given.
    ``clock``: the bot's "now" (the store, the watcher, snoozes, when daily summaries
    are due); a test moves it to reach the end of quiet hours, of a snooze or a day
    without waiting for it.
    """
    app_token = settings.slack_app_token
    require_slack(settings, socket_mode=app_token is not None)
    # httpx logs every request at INFO; a server's log is for what the bot does.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    stop = stop or _stop_event()
    with contextlib.ExitStack() as files:
        if settings.audit_log:
            try:
                files.enter_context(audit_file(settings.audit_log))
            except OSError as exc:
                raise SettingsError(
                    [f"KAFKA_TASKS_AUDIT_LOG {settings.audit_log!r} cannot be written: {exc}"]
                ) from None
        # Store.open logs where the store is and its schema version.
        store = await asyncio.to_thread(Store.open, settings.database_url, clock=clock)
        try:
            await _serve(settings, store, app_token, stop, metrics or Metrics(), clock)
        finally:
            await asyncio.to_thread(store.close)


async def _serve(
    settings: Settings,
    store: Store,
    app_token: str | None,
    stop: asyncio.Event,
    metrics: Metrics,
    clock: Clock,
) -> None:
    async with open_dms(settings, metrics=metrics) as session:
        if session.note:
            log.warning(session.note)
        web = slack_client(settings)
        # Said at every start, rules or none: who may do what is not left to guesswork.
        source = settings.config.path.name if settings.config is not None else None
        log.info(settings.policy.describe(source))
        services = build_services(
            settings,
            session.client,
            store,
            web,
            note=session.note,
            metrics=metrics,
            contexts=session.context_for(),
            clock=clock,
        )
        app = build_app(settings, services, store, client=web)
        async with watching(
            session.client,
            store,
            app.client,
            services.conversation,
            services.guard,
            tz=settings.zone,
            audit=services.audit,
            owner=replica_id(settings.replica_id, settings.port),
            options=settings.watch,
            metrics=metrics,
            clock=clock,
        ):
            await _listen_until_stopped(
                settings, app, app_token, stop, demo=session.demo, metrics=metrics
            )


async def _listen_until_stopped(
    settings: Settings,
    app: AsyncApp,
    app_token: str | None,
    stop: asyncio.Event,
    *,
    demo: bool,
    metrics: Metrics,
) -> None:
    if app_token:
        # slack_sdk's Socket Mode client retries a refused connection forever; ask for
        # the WebSocket URL first so a wrong token stops the start-up with a message.
        # Asked before the handler is built: its client opens a session at once, which
        # a refused token would leave open.
        wss_uri = await _socket_url(app.client, app_token)
        handler = TimedSocketModeHandler(app, app_token, metrics=metrics)
        handler.client.wss_uri = wss_uri
        runner = None
        # Closed however start-up ends (PORT in use, say).
        try:
            await handler.connect_async()  # type: ignore[no-untyped-call]  # untyped in Bolt
            log.warning("connected to Slack in Socket Mode")
            if settings.port_set:

                async def socket_health() -> dict[str, object]:
                    connected = await handler.client.is_connected()
                    return {"ok": connected, "mode": "socket", "connected": connected}

                health = web.Application()
                health.add_routes([health_route(socket_health), metrics_route(metrics)])
                runner = await _listen(health, settings.port)
            await stop.wait()
        finally:
            await handler.close_async()  # type: ignore[no-untyped-call]
            if runner:
                await runner.cleanup()
        return

    if settings.slack_signing_secret is None:  # require_slack has said so already
        raise SettingsError(["SLACK_SIGNING_SECRET is missing"])

    async def http_health() -> dict[str, object]:
        return {"ok": True, "mode": "http", "demo": demo}

    web_app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    web_app.add_routes(
        [
            events_route(app, settings.slack_signing_secret, metrics),
            health_route(http_health),
            metrics_route(metrics),
        ]
    )
    runner = await _listen(web_app, settings.port)
    log.warning("serving Slack events on :%d%s", settings.port, EVENTS_PATH)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
