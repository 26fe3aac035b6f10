"""``python -m bot serve``: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on PORT."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.app import build_app, require_slack
from bot.config import Settings
from bot.conversation import Conversation
from bot.runtime import open_dms

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


async def serve(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    """Serve until SIGINT/SIGTERM (or until ``stop`` is set, for an embedding caller)."""
    socket_mode = bool(settings.slack_app_token)
    require_slack(settings, socket_mode=socket_mode)
    # httpx logs every request at INFO; a server's log is for what the bot does.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    stop = stop or _stop_event()
    async with open_dms(settings) as session:
        if session.note:
            log.warning(session.note)
        app = build_app(settings, Conversation(session.client, note=session.note))
        if socket_mode:
            handler = AsyncSocketModeHandler(app, settings.slack_app_token)
            await handler.connect_async()  # type: ignore[no-untyped-call]  # untyped in Bolt
            log.warning("connected to Slack in Socket Mode")
            runner = None
            if settings.port_set:

                async def socket_health() -> dict[str, object]:
                    connected = await handler.client.is_connected()
                    return {"ok": connected, "mode": "socket", "connected": connected}

                health = web.Application()
                health.add_routes([health_route(socket_health)])
                runner = await _listen(health, settings.port)
            try:
                await stop.wait()
            finally:
                await handler.close_async()  # type: ignore[no-untyped-call]
                if runner:
                    await runner.cleanup()
            return

        web_app = app.web_app(path=EVENTS_PATH, port=settings.port)

        async def http_health() -> dict[str, object]:
            return {"ok": True, "mode": "http", "demo": session.demo}

        web_app.add_routes([health_route(http_health)])
        runner = await _listen(web_app, settings.port)
        log.warning("serving Slack events on :%d%s", settings.port, EVENTS_PATH)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
