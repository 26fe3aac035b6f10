"""The poller against the simulator and a real store: restarts, windows, DMS outages."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest

from bot.adapters.dms.client import DmsClient
from bot.adapters.store.store import Store
from bot.core.dms.accounts import Credentials
from bot.core.dms.source import ClientOptions, Dms, Window
from bot.core.records import Subscription
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, ManualClock, Simulator
from bot.watch.options import WatchOptions
from bot.watch.poller import Poller


@dataclass
class World:
    sim: Simulator
    clock: ManualClock
    store: Store
    dms: DmsClient

    def poller(self, owner: str = "replica-a", **options: object) -> Poller:
        opts = WatchOptions(**options)  # type: ignore[arg-type]
        return Poller(self.dms, self.store, owner=owner, options=opts, clock=self.clock.now)

    def subscribe(self, instance_id: str, channel: str = "C1", scope: str = "all") -> None:
        self.store.subscriptions.upsert.sync(
            Subscription(
                channel=channel,
                instance_id=instance_id,
                instance_name="watched",
                scope="all" if scope == "all" else "failed",
                name_glob=None,
                created_by="U1",
                created_at=self.clock.now(),
            )
        )

    def queued(self, channel: str = "C1") -> list[dict[str, object]]:
        return [json.loads(item.payload) for item in self.store.outbox.pending_for.sync(channel)]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path}/poller.db")
    yield opened
    opened.close()


@pytest.fixture
async def world(store: Store) -> AsyncIterator[World]:
    clock = ManualClock(datetime.now(UTC))
    async with Simulator(clock=clock) as sim:
        dms = DmsClient.create(
            sim.url,
            Credentials(DEMO_AK, DEMO_SK, DEMO_PROJECT_ID),
            options=ClientOptions(max_attempts=1, cache_ttl=0),
        )
        async with dms:
            yield World(sim, clock, store, dms)


async def test_a_task_that_finished_while_the_bot_was_down_is_found_after_restart(
    world: World,
) -> None:
    iid = world.sim.state.add_instance("downtime", 5, span=timedelta(hours=1), running=6)
    world.subscribe(iid)
    first = world.poller()
    assert (await first.cycle()).queued == 0  # the baseline: no history replayed
    # The bot is down for a day: every running task finishes meanwhile.
    world.clock.advance(timedelta(days=1))
    report = await world.poller().cycle()  # a new process, same replica name
    assert report.polled == [iid]
    names = sorted(str(p["task"]["id"]) for p in world.queued())  # type: ignore[index]
    assert len(names) == 6
    assert len(set(names)) == 6
    # Polling again finds nothing new: each finish is queued once.
    assert (await world.poller().cycle()).queued == 0


async def test_running_tasks_that_leave_the_window_are_followed_by_id(world: World) -> None:
    iid = world.sim.state.add_instance("long", 0, span=timedelta(hours=1), running=4)
    world.subscribe(iid)
    poller = world.poller(overlap=timedelta(seconds=1), baseline_lookback=timedelta(hours=2))
    await poller.cycle()
    world.sim.stats.reset()
    # Far past the overlap: the next window no longer holds the running tasks.
    world.clock.advance(timedelta(hours=5))
    await poller.cycle()
    assert world.sim.stats.count("show_task") == 4
    assert len(world.queued()) == 4


async def test_one_poll_per_instance_however_many_channels_watch_it(world: World) -> None:
    iid = world.sim.state.add_instance("popular", 30, span=timedelta(hours=1), running=3)
    for n in range(50):
        world.subscribe(iid, channel=f"C{n:02d}")
    poller = world.poller()
    await poller.cycle()
    running = [
        s
        for s in world.store.polling.task_states.sync(iid).values()
        if s in ("CREATED", "EXECUTING")
    ]
    assert len(running) >= 3
    world.sim.stats.reset()
    world.clock.advance(timedelta(days=1))
    await poller.cycle()
    assert world.sim.stats.count("list_tasks") == 1
    per_channel = {len(world.store.outbox.pending_for.sync(f"C{n:02d}")) for n in range(50)}
    assert per_channel == {len(running)}


async def test_a_lease_held_by_another_replica_is_not_polled_until_it_expires(
    world: World,
) -> None:
    iid = world.sim.state.add_instance("leased", 3, span=timedelta(hours=1))
    world.subscribe(iid)
    assert world.store.polling.acquire_lease.sync(iid, "replica-b", timedelta(seconds=90))
    report = await world.poller("replica-a").cycle()
    assert report.skipped_leased == [iid]
    assert report.polled == []


async def test_an_unreachable_instance_is_reported_once_and_its_recovery_once(
    world: World,
) -> None:
    iid = world.sim.state.add_instance("flaky", 3, span=timedelta(hours=1), running=1)
    world.subscribe(iid)
    poller = world.poller(unreachable_after=timedelta(minutes=5))
    await poller.cycle()
    world.sim.faults.add("503", count=1000)
    for _ in range(4):
        world.clock.advance(timedelta(minutes=3))
        await poller.cycle()
    world.sim.faults.clear()
    world.clock.advance(timedelta(minutes=10))
    await poller.cycle()
    kinds = [item.kind for item in world.store.outbox.pending_for.sync("C1")]
    assert kinds.count("unreachable") == 1
    assert kinds.count("reachable") == 1
    notice = next(p for p, k in zip(world.queued(), kinds, strict=True) if k == "unreachable")
    assert "503" in str(notice["reason"]) or "did not answer" in str(notice["reason"])


async def test_a_thread_followed_past_its_time_gets_a_last_note_naming_what_still_runs(
    world: World,
) -> None:
    iid = world.sim.state.add_instance("slow-ops", 0, span=timedelta(hours=1), running=2)
    poller = world.poller()
    running = [t for t in world.sim.state.timeline(iid) or () if t.visible_at(world.clock.now())]
    thread = world.store.threads.follow.sync(
        "C9",
        "1700000000.000900",
        iid,
        "slow-ops",
        json.dumps({"state": "{}", "thread_ts": "1700000000.000100"}),
        [t.id for t in running],
        world.clock.now() + timedelta(seconds=1),
    )
    await poller.cycle()  # within its time: followed, nothing to say yet
    assert world.store.outbox.pending_for.sync("C9") == []
    world.clock.advance(timedelta(seconds=2))
    await poller.cycle()
    [note] = world.store.outbox.pending_for.sync("C9")
    assert note.kind == "thread_closed"
    assert note.thread_ts == "1700000000.000100"
    names = {t["name"] for t in json.loads(note.payload)["still_running"]}
    assert names == {t.name for t in running}
    assert world.store.threads.for_instance.sync(iid) == []
    assert thread.id not in {t.id for t in world.store.threads.for_instance.sync(iid)}


class _BrokenFor:
    """The real client, but listing one instance meets a bug (not a DMS error)."""

    def __init__(self, dms: DmsClient, broken: str) -> None:
        self._dms = dms
        self._broken = broken
        self.where = dms.where
        self.options = dms.options

    async def list_tasks(self, instance_id: str, window: Window, *, fresh: bool = False) -> Any:
        if instance_id == self._broken:
            raise RuntimeError("a bug met on this instance's data")
        return await self._dms.list_tasks(instance_id, window, fresh=fresh)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._dms, name)


async def test_a_bug_met_polling_one_instance_does_not_stop_the_others(world: World) -> None:
    broken = world.sim.state.add_instance("broken", 2, span=timedelta(hours=1), running=1)
    fine = world.sim.state.add_instance("fine", 2, span=timedelta(hours=1), running=1)
    world.subscribe(broken)
    world.subscribe(fine, channel="C2")
    poller = Poller(
        cast(Dms, _BrokenFor(world.dms, broken)), world.store, owner="a", clock=world.clock.now
    )
    report = await poller.cycle()
    assert (report.polled, report.failed) == ([fine], [broken])
    world.clock.advance(timedelta(days=1))
    await poller.cycle()
    assert [p["task"]["id"] for p in world.queued("C2")]  # type: ignore[index]
    assert world.store.polling.view.sync(broken).cursor is None
