"""Running a simulator: in the caller's event loop, or in a thread of its own."""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType
from typing import Self

from aiohttp import web

from bot.simulator.clock import Clock, SystemClock
from bot.simulator.config import SimulatorConfig
from bot.simulator.context_api import ContextApi
from bot.simulator.control import ControlApi
from bot.simulator.faults import Faults
from bot.simulator.scheduled_api import ScheduledApi
from bot.simulator.server import CONTROL_PREFIX, DmsApi
from bot.simulator.state import SimulatorState
from bot.simulator.stats import Stats

# Long enough for an in-flight page to finish, short enough that a test run that
# stops a simulator mid-"slow"-fault does not hang.
_SHUTDOWN_TIMEOUT_S = 2.0


class Simulator:
    """The simulated DMS: its state, faults and stats, and the HTTP app serving them.

    ``clock`` drives the task timeline (default: the system clock); ``auth_clock`` is
    what ``X-Sdk-Date`` is checked against (default: the system clock), kept apart so
    that a test can move the timeline days ahead and still sign with the real time.
    """

    def __init__(
        self,
        config: SimulatorConfig | None = None,
        *,
        clock: Clock | None = None,
        auth_clock: Clock | None = None,
    ) -> None:
        self.config = config or SimulatorConfig()
        self.clock: Clock = clock or SystemClock()
        self.auth_clock: Clock = auth_clock or SystemClock()
        self.state = SimulatorState(self.config.seed, self.clock)
        self.faults = Faults(
            seed=self.config.seed,
            latency_ms=self.config.latency_ms,
            fail_rate=self.config.fail_rate,
        )
        self.faults.absent_services = self.config.absent_services
        self.stats = Stats()
        self.app = self._build_app()
        self._runner: web.AppRunner | None = None
        self._url: str | None = None

    def _build_app(self) -> web.Application:
        api = DmsApi(
            config=self.config,
            state=self.state,
            faults=self.faults,
            stats=self.stats,
            auth_clock=self.auth_clock,
        )
        app = web.Application(middlewares=[api.gateway])
        api.add_routes(app)
        ContextApi(self.state).add_routes(app)  # CTS and CES beside DMS: no path collides
        ScheduledApi(self.state).add_routes(app)
        control = ControlApi(state=self.state, faults=self.faults, stats=self.stats)
        app.add_subapp(CONTROL_PREFIX.rstrip("/"), control.app())
        return app

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:8765``, once started."""
        if self._url is None:
            raise RuntimeError("the simulator is not running; call start() first")
        return self._url

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on ``host:port`` (0: any free port) and return the base URL."""
        if self._runner is not None:
            raise RuntimeError(f"the simulator is already running at {self._url}")
        runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=_SHUTDOWN_TIMEOUT_S)
        await runner.setup()
        try:
            site = web.TCPSite(runner, host, port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        bound_host, bound_port = runner.addresses[0][:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        self._runner = runner
        self._url = f"http://{shown}:{bound_port}"
        return self._url

    async def stop(self) -> None:
        runner, self._runner, self._url = self._runner, None, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


class SimulatorThread:
    """A ``Simulator`` served from its own event loop thread, for synchronous clients
    such as the official SDK. ``state``, ``faults``, ``stats`` and ``clock`` are safe
    to use from the caller's thread."""

    def __init__(
        self,
        config: SimulatorConfig | None = None,
        *,
        clock: Clock | None = None,
        auth_clock: Clock | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.simulator = Simulator(config, clock=clock, auth_clock=auth_clock)
        self._host = host
        self._port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.simulator.url

    @property
    def state(self) -> SimulatorState:
        return self.simulator.state

    @property
    def faults(self) -> Faults:
        return self.simulator.faults

    @property
    def stats(self) -> Stats:
        return self.simulator.stats

    @property
    def clock(self) -> Clock:
        return self.simulator.clock

    @property
    def config(self) -> SimulatorConfig:
        return self.simulator.config

    def start(self, timeout: float = 10.0) -> str:
        if self._thread is not None:
            raise RuntimeError(f"the simulator thread is already running at {self.url}")
        loop = asyncio.new_event_loop()
        started = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.simulator.start(self._host, self._port))
            except BaseException as exc:
                failure.append(exc)
                started.set()
                loop.close()
                return
            started.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(self.simulator.stop())
                loop.close()

        thread = threading.Thread(target=serve, name="dms-simulator", daemon=True)
        thread.start()
        if not started.wait(timeout):
            raise TimeoutError(f"the simulator did not start within {timeout} s")
        if failure:
            thread.join()
            raise RuntimeError(f"the simulator failed to start: {failure[0]}") from failure[0]
        self._loop, self._thread = loop, thread
        return self.url

    def stop(self, timeout: float = 10.0) -> None:
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        if thread.is_alive():
            raise TimeoutError(f"the simulator thread did not stop within {timeout} s")

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
