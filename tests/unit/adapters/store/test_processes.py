"""Separate processes sharing one database, as replicas do: opening (and migrating) at
once, racing for the same expired leases and enqueuing the same keys."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta

from bot.adapters.store import Store, latest_version
from tests.unit.adapters.store.support import RACE_TTL, race_in_process

PROCESSES = 3
ROUNDS = 15


def test_processes_race_for_leases_and_outbox_keys(db_url: str) -> None:
    # spawn, not fork: a forked child would inherit this process's pooled connections.
    ctx = multiprocessing.get_context("spawn")
    phase = ctx.Barrier(PROCESSES + 1)
    each_round = ctx.Barrier(PROCESSES)
    results = ctx.Queue()
    workers = [
        ctx.Process(
            target=race_in_process,
            args=(db_url, f"replica-{n}", ROUNDS, phase, each_round, results),
            daemon=True,
        )
        for n in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    try:
        phase.wait(timeout=30)  # all started: they open the store together now
        phase.wait(timeout=30)  # all open
        # A replica that died a day ago holds every lease; the racers take leases on
        # their real clocks, so "a day ago" and "a day on" are read from the same clock.
        died = datetime.now(UTC) - timedelta(days=1)
        with Store.open(db_url, clock=lambda: died) as seeder:
            for r in range(ROUNDS):
                assert seeder.polling.acquire_lease.sync(f"inst-{r}", "dead-replica", RACE_TTL)
        phase.wait(timeout=30)
        outcomes = [results.get(timeout=30) for _ in workers]
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()
    assert all(worker.exitcode == 0 for worker in workers)

    lease_winners = [r for _, leases, _ in outcomes for r in leases]
    key_winners = [r for _, _, keys in outcomes for r in keys]
    assert sorted(lease_winners) == list(range(ROUNDS))  # exactly one winner per lease
    assert sorted(key_winners) == list(range(ROUNDS))  # exactly one insert per key

    later = datetime.now(UTC) + timedelta(days=1)
    with Store.open(db_url, clock=lambda: later) as store:
        assert store.schema_version() == latest_version()
        assert store.outbox.depth.sync() == ROUNDS
        for owner, leases, _ in outcomes:
            for r in leases:
                assert store.polling.lease_owner.sync(f"inst-{r}") is None  # a day on: expired
                assert owner.startswith("replica-")
