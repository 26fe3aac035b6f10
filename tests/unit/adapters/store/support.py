"""Shared test data, and the worker the multi-process tests start (it must be importable
by name, since spawned processes import it afresh)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from bot.adapters.store import Store

START = datetime(2026, 11, 27, 3, 0, 0, tzinfo=UTC)
RACE_TTL = timedelta(minutes=5)


def race_in_process(
    url: str,
    owner: str,
    rounds: int,
    phase: Barrier,
    each_round: Barrier,
    results: Queue[tuple[str, list[int], list[int]]],
) -> None:
    """One racer: open the store together with the others (so migrations race too),
    then for each round race for lease ``inst-<r>`` and outbox key ``key-<r>``."""
    phase.wait(timeout=30)
    store = Store.open(url)
    try:
        phase.wait(timeout=30)  # all open; the parent seeds expired leases
        phase.wait(timeout=30)
        leases: list[int] = []
        keys: list[int] = []
        for r in range(rounds):
            each_round.wait(timeout=30)
            if store.polling.acquire_lease.sync(f"inst-{r}", owner, RACE_TTL):
                leases.append(r)
            each_round.wait(timeout=30)
            if store.outbox.enqueue.sync(
                f"key-{r}", "C-race", None, "task_finished", f'{{"by": "{owner}"}}'
            ):
                keys.append(r)
        results.put((owner, leases, keys))
    finally:
        store.close()
