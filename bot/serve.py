"""``python -m bot serve``: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on PORT."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import build_app, require_slack
from bot.config import Settings, SettingsError
from bot.conversation import Conversation
from bot.runtime import open_dms
from bot.store.store import Store
from bot.store.urls import safe_url
from bot.watch.runner import replica_id, watching

log = logging.getLogger("kafka_tasks.serve")
EVENTS_PATH = "/slack/events"


def health_route(report: Callable[[], Awaitable[dict[str, object]]]) -> web.RouteDef:
    async def healthz(_: web.Request) -> web.Response:
        body = await report()
        return web.json_response(body, status=200 if body.get("ok") else 503)

    return web.get("/healthz", healthz)


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


async def serve(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    """Serve until SIGINT/SIGTERM (or until ``stop`` is set, for an embedding caller)."""
    app_token = settings.slack_app_token
    require_slack(settings, socket_mode=app_token is not None)
    # httpx logs every request at INFO; a server's log is for what the bot does.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    stop = stop or _stop_event()
    store = await asyncio.to_thread(Store.open, settings.database_url)
    log.info(
        "store: %s (schema version %s)", safe_url(settings.database_url), store.schema_version()
    )
    try:
        await _serve(settings, store, app_token, stop)
    finally:
        await asyncio.to_thread(store.close)


async def _serve(
    settings: Settings, store: Store, app_token: str | None, stop: asyncio.Event
) -> None:
    async with open_dms(settings) as session:
        if session.note:
            log.warning(session.note)
        conversation = Conversation(
            session.client, store=store, note=session.note, follow_for=settings.watch.follow_for
        )
        app = build_app(settings, conversation)
        async with watching(
            session.client,
            store,
            app.client,
            conversation,
            tz=settings.zone,
            owner=replica_id(settings.replica_id, settings.port),
            options=settings.watch,
        ):
            await _listen_until_stopped(settings, app, app_token, stop, demo=session.demo)


async def _listen_until_stopped(
    settings: Settings, app: AsyncApp, app_token: str | None, stop: asyncio.Event, *, demo: bool
) -> None:
    if app_token:
        # slack_sdk's Socket Mode client retries a refused connection forever; ask for
        # the WebSocket URL first so a wrong token stops the start-up with a message.
        # Asked before the handler is built: its client opens a session at once, which
        # a refused token would leave open.
        wss_uri = await _socket_url(app.client, app_token)
        handler = AsyncSocketModeHandler(app, app_token)
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
                health.add_routes([health_route(socket_health)])
                runner = await _listen(health, settings.port)
            await stop.wait()
        finally:
            await handler.close_async()  # type: ignore[no-untyped-call]
            if runner:
                await runner.cleanup()
        return

    web_app = app.web_app(path=EVENTS_PATH, port=settings.port)

    async def http_health() -> dict[str, object]:
        return {"ok": True, "mode": "http", "demo": demo}

    web_app.add_routes([health_route(http_health)])
    runner = await _listen(web_app, settings.port)
    log.warning("serving Slack events on :%d%s", settings.port, EVENTS_PATH)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
