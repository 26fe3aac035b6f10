"""The simulator and the bot as real processes, so a test can SIGKILL the bot mid-flight.

``slack_harness`` runs the bot inside the test's event loop, where a crash can only be
imitated; here ``python -m bot serve`` is a child process that the kernel kills, with
no ``finally`` and no flushed buffers, exactly as an OOM kill or a lost dyno does. The
fake Slack Web API stays in the test's event loop (the bot reaches it over loopback),
so every post the bot made, including those of processes killed since, is on record.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web

from bot.adapters.dms.client import DmsClient
from bot.core.dms.accounts import Credentials
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK
from tests.fakes.slack import FakeSlack
from tests.paths import REPO_ROOT
from tests.scenarios.slack_harness import BOT_TOKEN, SIGNING_SECRET, free_port

REPO = REPO_ROOT
# Start-up is an interpreter plus Bolt, SQLAlchemy and aiohttp imports: about a second
# here; the margin is for a loaded CI machine.
START_TIMEOUT_S = 30.0
_OWNER_LINE = re.compile(r"watching as (\S+)")


def clean_env(cwd: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Only what a child needs: nothing of the developer's own Slack or Huawei settings
    (or a ``.env``: the children run in ``cwd``, a scratch folder) leaks in."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(REPO),
        "HOME": str(cwd),
        **(extra or {}),
    }


async def until(
    check: Callable[[], Awaitable[bool]],
    *,
    what: str,
    within_s: float = 30.0,
    interval: float = 0.05,
    alive: Callable[[], None] | None = None,
) -> None:
    """Wait until ``check()`` is true; ``alive()`` raises when a process we wait on died."""
    deadline = time.monotonic() + within_s
    while True:
        if alive is not None:
            alive()
        if await check():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within_s:g} s waiting for {what}")
        await asyncio.sleep(interval)


class ChildProcess:
    """One child with its output in a log file (a pipe nobody reads would fill and
    stall the child)."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.name = name
        self.argv = argv
        self.env = env
        self.cwd = cwd
        self.log_path = cwd / f"{name}.log"
        self._process: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        return self._require().pid

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    def _require(self) -> asyncio.subprocess.Process:
        if self._process is None:
            raise RuntimeError(f"{self.name} was never started")
        return self._process

    async def spawn(self) -> None:
        with self.log_path.open("ab") as log:
            self._process = await asyncio.create_subprocess_exec(
                *self.argv,
                cwd=self.cwd,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def check_alive(self) -> None:
        process = self._require()
        if process.returncode is not None:
            raise AssertionError(
                f"{self.name} exited with {process.returncode}; its log ends:\n{self.log_tail()}"
            )

    async def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed or released."""
        process = self._require()
        if process.returncode is None:
            process.send_signal(signal.SIGKILL)
        await process.wait()

    async def stop(self, grace: float = 10.0) -> None:
        """SIGTERM, then SIGKILL if it does not stop within ``grace`` seconds."""
        process = self._process
        if process is None or process.returncode is not None:
            return
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), timeout=grace)
        except TimeoutError:
            await self.kill()


class SimulatorProcess:
    """``python -m bot simulator --manual-clock``: the timeline moves only when told."""

    def __init__(self, scratch: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        argv = [sys.executable, "-m", "bot", "simulator", "--port", str(self.port)]
        self.child = ChildProcess(
            "simulator", [*argv, "--manual-clock"], clean_env(scratch), scratch
        )
        self._http = httpx.AsyncClient(base_url=self.url, timeout=10.0)

    async def start(self) -> None:
        await self.child.spawn()

        async def answers() -> bool:
            try:
                return (await self._http.get("/_sim/stats")).status_code == 200
            except httpx.TransportError:
                return False

        await until(
            answers,
            what="the simulator to answer",
            within_s=START_TIMEOUT_S,
            alive=self.child.check_alive,
        )

    async def aclose(self) -> None:
        await self._http.aclose()
        await self.child.stop()

    async def _control(self, method: str, path: str, body: object = None) -> Any:
        response = await self._http.request(method, f"/_sim/{path}", json=body)
        if response.status_code >= 300:
            raise AssertionError(f"{method} /_sim/{path}: {response.status_code} {response.text}")
        return response.json()

    async def now(self) -> datetime:
        view = await self._control("GET", "clock")
        return datetime.fromisoformat(str(view["now"]).replace("Z", "+00:00"))

    async def advance(self, seconds: float) -> datetime:
        view = await self._control("POST", "clock", {"advance_s": seconds})
        return datetime.fromisoformat(str(view["now"]).replace("Z", "+00:00"))

    async def add_instance(self, name: str, *, tasks: int, span_hours: float, running: int) -> str:
        body = {"name": name, "tasks": tasks, "span_hours": span_hours, "running": running}
        return str((await self._control("POST", "instances", body))["instance_id"])

    def dms(self) -> DmsClient:
        """A signed client of our own, to ask DMS what really happened."""
        credentials = Credentials(ak=DEMO_AK, sk=DEMO_SK, project_id=DEMO_PROJECT_ID)
        return DmsClient.create(self.url, credentials, where="the test's simulator")


@asynccontextmanager
async def simulator_process(scratch: Path) -> AsyncIterator[SimulatorProcess]:
    sim = SimulatorProcess(scratch)
    try:
        await sim.start()
        yield sim
    finally:
        await sim.aclose()


@dataclass(frozen=True)
class Life:
    """One run of the bot process, for the test's account of what it killed."""

    number: int
    pid: int
    owner: str
    started_at: float
    ended_at: float | None = None


class BotProcess:
    """``python -m bot serve`` in HTTP mode against the simulator and a fake Slack.

    The same PORT on every start: the replica's name in leases and claims is derived
    from it (``bot.watch.runner.replica_id``), so a restart is the same replica coming
    back, as a restarted dyno or container is.
    """

    def __init__(
        self,
        scratch: Path,
        *,
        sim_url: str,
        slack_api_url: str,
        database_url: str,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        self.scratch = scratch
        self.port = free_port()
        self.database_url = database_url
        self.env = clean_env(
            scratch,
            {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": slack_api_url,
                "PORT": str(self.port),
                "HUAWEICLOUD_SDK_AK": DEMO_AK,
                "HUAWEICLOUD_SDK_SK": DEMO_SK,
                "HUAWEICLOUD_SDK_PROJECT_ID": DEMO_PROJECT_ID,
                "DMS_ENDPOINT": sim_url,
                "DATABASE_URL": database_url,
                **(extra or {}),
            },
        )
        self.lives: list[Life] = []
        self._child: ChildProcess | None = None
        self._http = httpx.AsyncClient(timeout=5.0)

    @property
    def events_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    @property
    def child(self) -> ChildProcess:
        if self._child is None:
            raise RuntimeError("the bot was never started")
        return self._child

    async def start(self) -> Life:
        """Start (or restart) the bot and wait until it serves ``/healthz``."""
        if self._child is not None and self._child.running:
            raise RuntimeError("the bot is already running")
        number = len(self.lives) + 1
        argv = [sys.executable, "-m", "bot", "serve"]
        # A log per life, so the account of each run stays readable after the kills.
        self._child = ChildProcess(f"bot-{number}", argv, self.env, self.scratch)
        started = time.monotonic()
        await self._child.spawn()

        async def healthy() -> bool:
            try:
                response = await self._http.get(f"http://127.0.0.1:{self.port}/healthz")
            except httpx.TransportError:
                return False
            return response.status_code == 200

        await until(
            healthy,
            what="the bot's /healthz",
            within_s=START_TIMEOUT_S,
            alive=self._child.check_alive,
        )
        # Logged before the bot listens, so it is in the log by the time /healthz answers.
        found = _OWNER_LINE.search(self._child.log_text())
        if found is None:
            raise AssertionError(f"no 'watching as' line in {self._child.log_path}")
        life = Life(number, self._child.pid, found.group(1), started)
        self.lives.append(life)
        return life

    async def kill(self) -> Life:
        """SIGKILL the running bot; returns the life that ended."""
        await self.child.kill()
        self.lives[-1] = replace(self.lives[-1], ended_at=time.monotonic())
        return self.lives[-1]

    async def aclose(self) -> None:
        await self._http.aclose()
        if self._child is not None:
            await self._child.stop()

    def log_tails(self, lines: int = 15) -> str:
        """The end of every life's log, for an assertion message."""
        parts = []
        for life in self.lives:
            path = self.scratch / f"bot-{life.number}.log"
            text = path.read_text(errors="replace") if path.exists() else ""
            parts.append(f"--- bot-{life.number} (pid {life.pid}) ---")
            parts.extend(text.splitlines()[-lines:])
        return "\n".join(parts)


@asynccontextmanager
async def bot_process(
    scratch: Path,
    *,
    sim_url: str,
    slack_api_url: str,
    database_url: str,
    extra: Mapping[str, str] | None = None,
) -> AsyncIterator[BotProcess]:
    """A bot not yet started; stopped (SIGTERM) on the way out whatever happened."""
    bot = BotProcess(
        scratch,
        sim_url=sim_url,
        slack_api_url=slack_api_url,
        database_url=database_url,
        extra=extra,
    )
    try:
        yield bot
    finally:
        await bot.aclose()


class HeldSlack(FakeSlack):
    """The fake Slack, able to keep one answer back.

    ``hold_next(method, seconds)``: the answer to the next call to ``method`` is held
    back after the fake has recorded the call (and, for a post, stored the message), so
    a test can kill the caller after Slack has the message but before the caller knows.
    A subclass rather than a change to the fake: only crash tests need the pause.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.holding = asyncio.Event()
        self._hold: tuple[str, float] | None = None

    def hold_next(self, method: str, seconds: float) -> None:
        self.holding.clear()
        self._hold = (method, seconds)

    async def _answer(
        self,
        request: web.Request,
        method: str,
        args: dict[str, Any],
        token: str | None,
        at: float,
        body: dict[str, Any],
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> web.Response:
        response = await super()._answer(request, method, args, token, at, body, status, headers)
        if self._hold is not None and self._hold[0] == method:
            seconds = self._hold[1]
            self._hold = None
            self.holding.set()
            # The caller may be killed meanwhile; aiohttp then drops the answer.
            await asyncio.sleep(seconds)
        return response
