"""Leases spread over replicas (issue 16, target 1; target 5 for the kill and the join).

R replica processes, each a real ``Poller`` with its own ``DmsClient``, share one
PostgreSQL database and poll N idle instances on a simulator process at 50 ms. Each
replica logs every listing it makes (instance, start, end, on the wall clock all
processes share). The benchmark reads the live leases every half second and reports:

- how long until the leases are spread (every instance held, each replica within 1.3x
  of its fair share N / R) after the replicas start, after one is SIGKILLed, and after
  one joins, in lease periods (target: within two);
- whether every instance was listed in each poll interval of a steady stretch;
- double polls: two replicas listing one instance at overlapping times (target: none).

``python -m bench.leases [--instances N] [--replicas R]`` runs it alone. It needs
PostgreSQL: KAFKA_TASKS_BENCH_DATABASE_URL (or KAFKA_TASKS_TEST_DATABASE_URL).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import httpx
from sqlalchemy import create_engine, func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from bench.pg import scratch_schema
from bench.upstream import simulator_process
from bot.adapters.dms.client import DmsClient
from bot.adapters.store.schema import poll_leases, subscriptions
from bot.adapters.store.store import Store
from bot.adapters.store.urls import engine_url
from bot.core.dms.accounts import Credentials
from bot.core.dms.source import ClientOptions, Dms
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK
from bot.watch.options import WatchOptions
from bot.watch.poller import Poller

DB_ENVS = ("KAFKA_TASKS_BENCH_DATABASE_URL", "KAFKA_TASKS_TEST_DATABASE_URL")
SPREAD = 1.3  # each replica within this factor of its fair share


@dataclass(frozen=True)
class Plan:
    instances: int
    replicas: int
    interval_s: float  # every instance is due this often (fast and slow alike)
    lease_s: float
    latency_ms: float = 50


@dataclass(frozen=True)
class Phase:
    name: str
    replicas: int  # alive after the event
    spread_s: float | None  # until spread, None if not within the wait
    held: tuple[int, ...]  # live leases per replica when it was measured


@dataclass(frozen=True)
class LeasesResult:
    plan: Plan
    phases: tuple[Phase, ...]
    steady_s: float
    all_listed: bool  # every instance listed in the steady stretch
    polls_per_instance_interval: float
    gap_p50_s: float  # between two listings of one instance, steady stretch
    gap_max_s: float
    double_polls: int
    polls: int


def database_url() -> str | None:
    return next((os.environ[e] for e in DB_ENVS if os.environ.get(e, "").strip()), None)


# -- one replica (a child process) ---------------------------------------------------------


class _Recorded:
    """The client, with every listing written to the replica's log."""

    def __init__(self, dms: DmsClient, log: Any) -> None:
        self._dms = dms
        self._log = log

    async def list_tasks(self, instance_id: str, window: Any, *, fresh: bool = False) -> Any:
        start = time.time()
        try:
            return await self._dms.list_tasks(instance_id, window, fresh=fresh)
        finally:
            self._log.write(f"{instance_id} {start:.4f} {time.time():.4f}\n")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._dms, name)


async def _replica(owner: str, db: str, sim: str, plan: Plan, log: Any) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    interval = timedelta(seconds=plan.interval_s)
    options = WatchOptions(
        fast_interval=interval, slow_interval=interval, lease_ttl=timedelta(seconds=plan.lease_s)
    )
    store = Store.open(db)
    creds = Credentials(DEMO_AK, DEMO_SK, DEMO_PROJECT_ID)
    try:
        async with DmsClient.create(sim, creds, options=ClientOptions(cache_ttl=0)) as dms:
            recorded = cast(Dms, _Recorded(dms, log))
            await Poller(recorded, store, owner=owner, options=options).run(stop)
    finally:
        store.close()


# -- the benchmark -------------------------------------------------------------------------


def _seed(sim_url: str, db: str, count: int) -> None:
    with httpx.Client(base_url=sim_url, timeout=60) as client:
        ids = []
        for n in range(count):
            response = client.post(
                "/_sim/instances", json={"name": f"lease-{n:05d}", "tasks": 0, "span_hours": 1}
            )
            response.raise_for_status()
            ids.append(str(response.json()["instance_id"]))
    Store.open(db).close()  # the schema
    engine = create_engine(engine_url(db), poolclass=NullPool)
    now = datetime.now(UTC)
    rows = [
        {
            "channel": f"C{n:05d}",
            "instance_id": iid,
            "instance_name": iid,
            "scope": "all",
            "name_glob": None,
            "created_by": "U0BENCH",
            "created_at": now,
        }
        for n, iid in enumerate(ids)
    ]
    with engine.begin() as conn:
        conn.execute(insert(subscriptions), rows)
    engine.dispose()


def _held(engine: Engine) -> dict[str, int]:
    stmt = (
        select(poll_leases.c.owner, func.count())
        .where(poll_leases.c.expires_at > datetime.now(UTC))
        .group_by(poll_leases.c.owner)
    )
    with engine.connect() as conn:
        return {str(owner): int(n) for owner, n in conn.execute(stmt)}


def _spread(held: dict[str, int], alive: set[str], instances: int) -> bool:
    fair = instances / len(alive)
    counts = [held.get(owner, 0) for owner in alive]
    return (
        sum(counts) == instances
        and set(held) <= alive
        and all(fair / SPREAD <= n <= fair * SPREAD for n in counts)
    )


def _until_spread(engine: Engine, alive: set[str], plan: Plan, name: str, since: float) -> Phase:
    deadline = since + 4 * plan.lease_s + 4 * plan.interval_s
    held: dict[str, int] = {}
    while time.monotonic() < deadline:
        held = _held(engine)
        if _spread(held, alive, plan.instances):
            spread = time.monotonic() - since
            return Phase(name, len(alive), spread, tuple(held[o] for o in sorted(alive)))
        time.sleep(0.5)
    return Phase(name, len(alive), None, tuple(held.get(o, 0) for o in sorted(alive)))


def _start(owner: str, db: str, sim: str, plan: Plan, logs: Path) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "bench.leases", "--replica", owner, "--db", db, "--sim", sim]
    argv += ["--instances", str(plan.instances), "--interval", str(plan.interval_s)]
    argv += ["--lease", str(plan.lease_s), "--log", str(logs / f"{owner}.log")]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL)


def _read_logs(logs: Path) -> list[tuple[str, str, float, float]]:
    polls = []
    for path in logs.glob("*.log"):
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 3:  # a SIGKILL may cut the last line short
                polls.append((path.stem, parts[0], float(parts[1]), float(parts[2])))
    return polls


def _double_polls(polls: list[tuple[str, str, float, float]]) -> int:
    by_instance: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
    for owner, instance, start, end in polls:
        by_instance[instance].append((start, end, owner))
    doubles = 0
    for spans in by_instance.values():
        spans.sort()
        # The listing that ends last so far, and whose it was.
        last_end, last_owner = spans[0][1], spans[0][2]
        for start, end, owner in spans[1:]:
            doubles += owner != last_owner and start < last_end
            if end > last_end:
                last_end, last_owner = end, owner
    return doubles


def measure(plan: Plan) -> LeasesResult:
    raw = database_url()
    if raw is None:
        raise RuntimeError(f"the leases benchmark needs PostgreSQL at {DB_ENVS[0]}")
    procs: dict[str, subprocess.Popen[bytes]] = {}
    with (
        simulator_process("--latency-ms", str(plan.latency_ms)) as sim,
        scratch_schema(raw, "kt_bench") as db,
        tempfile.TemporaryDirectory(prefix="bench-leases-") as scratch,
    ):
        logs = Path(scratch)
        _seed(sim.url, db, plan.instances)
        engine = create_engine(engine_url(db), poolclass=NullPool)
        try:
            # From the processes' start: their imports and first store look count.
            start = time.monotonic()
            for n in range(plan.replicas):
                procs[f"replica-{n}"] = _start(f"replica-{n}", db, sim.url, plan, logs)
            phases = [_until_spread(engine, set(procs), plan, "start", start)]
            # A steady stretch: every instance listed in each interval?
            steady_from = time.time()
            intervals = 3
            time.sleep(intervals * plan.interval_s)
            steady_to = time.time()
            killed = next(iter(procs))
            procs[killed].send_signal(signal.SIGKILL)
            procs[killed].wait()
            del procs[killed]
            phases.append(_until_spread(engine, set(procs), plan, "kill", time.monotonic()))
            procs["replica-new"] = _start("replica-new", db, sim.url, plan, logs)
            phases.append(_until_spread(engine, set(procs), plan, "join", time.monotonic()))
        finally:
            for proc in procs.values():
                proc.send_signal(signal.SIGTERM)
            for proc in procs.values():
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
            engine.dispose()
        polls = _read_logs(logs)
    steady = sorted((p for p in polls if steady_from <= p[2] < steady_to), key=lambda p: p[2])
    per = Counter(p[1] for p in steady)
    starts: dict[str, list[float]] = defaultdict(list)
    for _, instance, begin, _ in steady:
        starts[instance].append(begin)
    gaps = sorted(b - a for s in starts.values() for a, b in itertools.pairwise(s))
    return LeasesResult(
        plan,
        tuple(phases),
        steady_to - steady_from,
        len(per) == plan.instances,
        sum(per.values()) / (plan.instances * intervals),
        gaps[len(gaps) // 2] if gaps else math.nan,
        gaps[-1] if gaps else math.nan,
        _double_polls(polls),
        len(polls),
    )


def report(r: LeasesResult) -> str:
    p = r.plan

    def phase(ph: Phase) -> str:
        if ph.spread_s is None:
            took = "NOT spread within the wait"
        else:
            periods = ph.spread_s / p.lease_s
            verdict = "met" if periods <= 2 else "missed"
            took = f"spread in {ph.spread_s:.1f} s = {periods:.2f} lease periods ({verdict})"
        return f"{ph.name} ({ph.replicas} replicas): {took}, leases held {list(ph.held)}"

    doubles = "met" if r.double_polls == 0 else "MISSED"
    return "\n".join(
        [
            f"leases, {p.instances:,} instances on {p.replicas} replica processes at "
            f"{p.latency_ms:g} ms, interval {p.interval_s:g} s, lease {p.lease_s:g} s "
            f"(targets: within {SPREAD}x of the fair share within 2 lease periods; "
            "no double polls):",
            *(f"  {phase(ph)}" for ph in r.phases),
            f"  steady {r.steady_s:.0f} s: "
            f"{'every' if r.all_listed else 'NOT every'} instance listed; "
            f"{r.polls_per_instance_interval:.2f} listings per instance per interval; "
            f"between two listings of one instance p50 {r.gap_p50_s:.2f} s, max "
            f"{r.gap_max_s:.2f} s (interval {p.interval_s:g} s; the next poll is due an "
            "interval after the last one ended)",
            f"  double polls (two replicas at once): {r.double_polls} of {r.polls:,} "
            f"listings ({doubles})",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.leases")
    parser.add_argument("--instances", type=int, default=10_000)
    parser.add_argument("--replicas", type=int, default=4)
    parser.add_argument("--interval", type=float, default=60)
    parser.add_argument("--lease", type=float, default=90)
    parser.add_argument("--replica", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--sim", help=argparse.SUPPRESS)
    parser.add_argument("--log", help=argparse.SUPPRESS)
    args = parser.parse_args()
    plan = Plan(args.instances, args.replicas, args.interval, args.lease)
    if args.replica:
        with open(args.log, "a", buffering=1, encoding="utf-8") as log:
            asyncio.run(_replica(args.replica, args.db, args.sim, plan, log))
        return 0
    print(report(measure(plan)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
