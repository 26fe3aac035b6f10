"""Two replicas of the bot at once on one PostgreSQL database, against one simulator and
one fake Slack: every finished task is posted exactly once per subscribed channel, and
each instance is polled by one replica per cycle.

The replicas are real ``python -m bot serve`` processes, each named by
KAFKA_TASKS_REPLICA_ID. The test process serves the simulator (on a clock it moves)
and the fake Slack over loopback. The simulator's one application listens on two
ports, one per replica, so every DMS request it serves can be put down to the replica
that made it.

Also here: what a poll cycle costs upstream when fifty channels watch one instance
(``bench/poll_cost.py`` measures it; this pins the figure).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from aiohttp import web
from aiohttp.typedefs import Handler
from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool

from bench.pg import scratch_schema
from bench.poll_cost import run_scenario
from bot.adapters.store.schema import outbox
from bot.adapters.store.store import Store
from bot.adapters.store.urls import engine_url
from bot.core.records import Subscription
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, ManualClock, Simulator, TaskRecord
from tests.fakes.slack import FakeSlack
from tests.paths import REPO_ROOT
from tests.scenarios.slack_harness import BOT_TOKEN, SIGNING_SECRET, free_port

PG_URL_ENV = "KAFKA_TASKS_TEST_DATABASE_URL"
REPO = REPO_ROOT

REPLICAS = ("replica-a", "replica-b")
CHANNELS = ("C0REPLICA1", "C0REPLICA2")
POLL_S = 1.0
QUIET_S = 5.0
STEP = timedelta(minutes=20)
STEPS = 10  # 200 minutes: past the 3 h the longest running task takes
IN_PROGRESS = ("CREATED", "EXECUTING")
WAIT_S = 30.0


def _postgres_url() -> str:
    raw = os.environ.get(PG_URL_ENV, "").strip()
    if raw:
        return raw
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false"):
        pytest.fail(
            f"{PG_URL_ENV} is not set under CI: replicas share PostgreSQL, so this test "
            "must run on it",
            pytrace=False,
        )
    pytest.skip(f"the replica test needs PostgreSQL at {PG_URL_ENV}")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A DATABASE_URL on a schema of this test's own, dropped afterwards."""
    with scratch_schema(_postgres_url(), "kt_replicas") as url:
        yield url


@dataclass(frozen=True)
class Seen:
    """One DMS request the simulator served: which replica, which kind, which instance."""

    replica: str
    kind: str
    instance_id: str
    at: float


@dataclass
class TwoDoorSimulator:
    """The simulator's application on two loopback ports, one per replica."""

    sim: Simulator
    doors: dict[int, str] = field(default_factory=dict)  # port -> replica
    seen: list[Seen] = field(default_factory=list)

    def url(self, replica: str) -> str:
        port = next(p for p, r in self.doors.items() if r == replica)
        return f"http://127.0.0.1:{port}"

    @web.middleware
    async def tap(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        # Inside the gateway: only requests that passed the signature check count.
        kind = request.match_info.route.name or "unknown"
        replica = self.doors.get(request.url.port or 0, "?")
        instance_id = request.match_info.get("instance_id", "")
        self.seen.append(Seen(replica, kind, instance_id, time.monotonic()))
        return await handler(request)

    def polls(self, since: float = 0.0, until: float = float("inf")) -> list[Seen]:
        return [s for s in self.seen if s.kind == "list_tasks" and since <= s.at < until]


@contextlib.asynccontextmanager
async def two_door_simulator(clock: ManualClock) -> AsyncIterator[TwoDoorSimulator]:
    sim = Simulator(clock=clock)
    doors = TwoDoorSimulator(sim)
    sim.app.middlewares.append(doors.tap)
    runner = web.AppRunner(sim.app, access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    try:
        for replica in REPLICAS:
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            doors.doors[int(runner.addresses[-1][1])] = replica
        yield doors
    finally:
        await runner.cleanup()


@dataclass
class Replica:
    name: str
    port: int
    process: asyncio.subprocess.Process
    output: list[str] = field(default_factory=list)
    reader: asyncio.Task[None] | None = None

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output[-lines:])


def _replica_env(name: str, port: int, dms_url: str, slack_url: str, db_url: str) -> dict[str, str]:
    # The test's own environment must not leak a token, endpoint or replica name in.
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "HUAWEICLOUD_", "KAFKA_TASKS_", "DMS_"))
        and k not in ("DATABASE_URL", "DYNO", "PORT")
    }
    return {
        **inherited,
        "PYTHONPATH": str(REPO),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack_url,
        "PORT": str(port),
        "HUAWEICLOUD_SDK_AK": DEMO_AK,
        "HUAWEICLOUD_SDK_SK": DEMO_SK,
        "HUAWEICLOUD_SDK_PROJECT_ID": DEMO_PROJECT_ID,
        "DMS_ENDPOINT": dms_url,
        "DATABASE_URL": db_url,
        "KAFKA_TASKS_TZ": "UTC",
        "KAFKA_TASKS_REPLICA_ID": name,
        "KAFKA_TASKS_POLL_FAST": str(POLL_S),
        "KAFKA_TASKS_POLL_SLOW": str(POLL_S),
        # The most the settings allow: with about five tasks finishing per instance per
        # step, every task gets a message of its own.
        "KAFKA_TASKS_DIGEST_AFTER": "40",
    }


async def start_replica(name: str, env: dict[str, str], cwd: Path) -> Replica:
    port = int(env["PORT"])
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "serve",
        env=env,
        cwd=cwd,  # no .env there
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    replica = Replica(name, port, process)

    async def read() -> None:
        assert process.stdout is not None
        async for line in process.stdout:
            replica.output.append(line.decode(errors="replace").rstrip())

    replica.reader = asyncio.create_task(read())
    return replica


async def until_healthy(replica: Replica) -> None:
    deadline = time.monotonic() + 30
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            if replica.process.returncode is not None:
                break
            with contextlib.suppress(httpx.HTTPError):
                response = await client.get(f"http://127.0.0.1:{replica.port}/healthz")
                if response.status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise AssertionError(f"{replica.name} did not come up:\n{replica.tail()}")


async def stop_replica(replica: Replica) -> None:
    if replica.process.returncode is None:
        replica.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(replica.process.wait(), timeout=15)
        except TimeoutError:
            replica.process.kill()
            await replica.process.wait()
    if replica.reader is not None:
        await replica.reader


async def until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Polls ``check`` until it is true, or fails after WAIT_S."""
    deadline = time.monotonic() + WAIT_S
    while True:
        if await check():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


def delivery_keys(slack: FakeSlack, channel: str | None = None) -> list[str]:
    """The outbox keys of the accepted posts, in the order Slack accepted them."""
    return [
        str(call.args["metadata"]["event_payload"]["key"])
        for call in slack.calls_to("chat.postMessage", ok=True)
        if channel is None or call.args.get("channel") == channel
    ]


def outbox_ids(db_url: str, keys: list[str]) -> dict[str, int]:
    engine = create_engine(engine_url(db_url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(outbox.c.key, outbox.c.id).where(outbox.c.key.in_(keys)))
            return {str(key): int(row_id) for key, row_id in rows}
    finally:
        engine.dispose()


def to_finish(timeline: tuple[TaskRecord, ...], start: datetime) -> list[TaskRecord]:
    return [t for t in timeline if t.visible_at(start) and t.status_at(start) in IN_PROGRESS]


async def test_two_replicas_notify_each_finished_task_once_and_share_the_polling(
    pg_url: str, tmp_path: Path
) -> None:
    started = time.monotonic()
    clock = ManualClock(datetime.now(UTC))
    start = clock.now()
    store = Store.open(pg_url)
    replicas: list[Replica] = []
    owners: dict[str, set[str]] = {}
    try:
        async with two_door_simulator(clock) as sim, FakeSlack(bot_token=BOT_TOKEN) as slack:
            ids = [
                sim.sim.state.add_instance(
                    f"replicated-{n}", 10, span=timedelta(hours=2), running=40
                )
                for n in range(3)
            ]
            expected: set[str] = set()
            for iid in ids:
                timeline = sim.sim.state.timeline(iid) or ()
                running = to_finish(timeline, start)
                assert len(running) >= 40
                assert max(t.finished_at for t in running) <= start + STEP * STEPS
                for channel in CHANNELS:
                    expected |= {f"sub:{channel}:{t.id}:{t.final_status}" for t in running}
                    store.subscriptions.upsert.sync(
                        Subscription(
                            channel=channel,
                            instance_id=iid,
                            instance_name=f"replicated-{ids.index(iid)}",
                            scope="all",
                            name_glob=None,
                            created_by="U123",
                            created_at=start,
                        )
                    )
            # Who polls the first two instances is settled up front, as if each replica
            # had got there first; the third goes to whichever asks first.
            lease = timedelta(seconds=90)
            assert store.polling.acquire_lease.sync(ids[0], REPLICAS[0], lease)
            assert store.polling.acquire_lease.sync(ids[1], REPLICAS[1], lease)

            for name in REPLICAS:
                env = _replica_env(name, free_port(), sim.url(name), slack.api_url, pg_url)
                replicas.append(await start_replica(name, env, tmp_path))
            await asyncio.gather(*(until_healthy(r) for r in replicas))

            stop_sampling = asyncio.Event()

            async def sample_leases() -> None:
                while not stop_sampling.is_set():
                    for iid in ids:
                        owner = await store.polling.lease_owner(iid)
                        if owner:
                            owners.setdefault(iid, set()).add(owner)
                    await asyncio.sleep(0.2)

            sampler = asyncio.create_task(sample_leases())

            async def baselined() -> bool:
                return all([await store.polling.has_baseline(i) for i in ids])

            await until(baselined, "the baseline polls")

            # A quiet stretch, the clock standing still: each instance is listed about
            # once per poll interval, by one replica; two replicas would list it twice.
            quiet_from = time.monotonic()
            await asyncio.sleep(QUIET_S)
            quiet = sim.polls(quiet_from, quiet_from + QUIET_S)
            quiet_counts = Counter(s.instance_id for s in quiet)
            quiet_by = {iid: {s.replica for s in quiet if s.instance_id == iid} for iid in ids}

            for _ in range(STEPS):
                mark = time.monotonic()
                clock.advance(STEP)

                async def all_polled(mark: float = mark) -> bool:
                    return {s.instance_id for s in sim.polls(mark)} >= set(ids)

                await until(all_polled, "a poll of every instance after the clock moved")

            async def all_delivered() -> bool:
                depth = await store.outbox.depth()
                return depth == 0 and expected <= set(delivery_keys(slack))

            await until(all_delivered, "every finished task delivered to both channels")
            settled = len(slack.calls_to("chat.postMessage"))
            # A few more cycles of both replicas: nothing more is posted.
            await asyncio.sleep(2.5)
            stop_sampling.set()
            await sampler
            assert len(slack.calls_to("chat.postMessage")) == settled

            posted = delivery_keys(slack)
            repeated = [key for key, n in Counter(posted).items() if n > 1]
            assert repeated == []
            assert set(posted) == expected, "each finished task once, no history replayed"
            # The 40 long tasks of each instance, and any of its history still running.
            assert len(posted) == len(expected) >= 2 * 3 * 40
            # Both replicas queued into the same channels; each channel still reads in
            # the order the rows were queued.
            for channel in CHANNELS:
                keys = delivery_keys(slack, channel)
                ids_in_post_order = [outbox_ids(pg_url, keys)[k] for k in keys]
                assert ids_in_post_order == sorted(ids_in_post_order)

            # Each instance had one owner all along, both replicas owned some, and the
            # DMS requests for an instance all came from its owner.
            assert set(owners) == set(ids)
            assert all(len(o) == 1 for o in owners.values()), owners
            assert set().union(*owners.values()) == set(REPLICAS)
            listed_by = {
                iid: {s.replica for s in sim.polls() if s.instance_id == iid} for iid in ids
            }
            assert listed_by == owners
            assert quiet_by == owners
            for iid in ids:
                # About QUIET_S / POLL_S (a poll takes a little time too); twice as many
                # would mean both replicas polled.
                assert 0.4 * QUIET_S / POLL_S <= quiet_counts[iid] <= 1.2 * QUIET_S / POLL_S, (
                    quiet_counts
                )

            totals = Counter((s.replica, s.kind) for s in sim.seen)
            print(
                f"\nreplicas: quiet {QUIET_S:.0f} s list_tasks per instance "
                f"{dict(quiet_counts)}; owners {owners}; requests {dict(totals)}; "
                f"{len(posted)} posts; {time.monotonic() - started:.1f} s"
            )
    except BaseException:
        for replica in replicas:
            print(f"--- {replica.name} ---\n{replica.tail()}")
        raise
    finally:
        await asyncio.gather(*(stop_replica(r) for r in replicas))
        store.close()
    # A clean stop hands the leases back at once.
    check = Store.open(pg_url)
    try:
        assert [check.polling.lease_owner.sync(i) for i in ids] == [None, None, None]
    finally:
        check.close()


async def test_fifty_channels_on_one_instance_cost_the_pages_of_one_listing() -> None:
    # 120 finished tasks and 5 running: the first look spans three pages.
    scenario = await run_scenario(1, 50, tasks=120, running=5)
    cycles = scenario.cycles
    assert scenario.first_listing_pages == 3
    assert (cycles["first"].list_tasks, cycles["first"].show_task) == (3, 0)
    # Later looks read the overlap window: one page, however many channels watch.
    assert cycles["busy"].list_tasks == 1
    assert cycles["finish"].list_tasks == 1
    assert (cycles["idle"].list_tasks, cycles["idle"].show_task) == (1, 0)
    # Each finished task was queued once per channel from that one look.
    assert cycles["finish"].queued % 50 == 0
    assert cycles["finish"].queued >= 50 * 5
