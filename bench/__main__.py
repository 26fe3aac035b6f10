"""``python -m bench [--quick]``: run the benchmarks and print their figures."""

from __future__ import annotations

import argparse

from bench import (
    ack,
    burst,
    leases,
    memory,
    overhead,
    paging,
    poll_cost,
    poll_cycle,
    timeline,
)
from bench.machine import facts


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="fewer, smaller runs (< 1 min)")
    args = parser.parse_args()
    print(facts())
    sizes = [2000] if args.quick else [2000, 5000]
    for size in sizes:
        print(paging.report(paging.measure(size, runs=1 if args.quick else 3)))
    print(ack.report(ack.measure(commands=40 if args.quick else 200)))
    print(ack.report(ack.measure_deployed(commands=40 if args.quick else 200)))
    print(burst.report(burst.measure(asks=100)))
    print(overhead.report(overhead.measure()))
    if not args.quick:
        print(overhead.profile())
    print(poll_cycle.report(poll_cycle.measure(instances=200 if args.quick else 2000)))
    print(timeline.report(timeline.measure(runs=1 if args.quick else 3)))
    print(memory.report(memory.measure()))
    if not args.quick:
        print(poll_cost.report(poll_cost.measure(instances=500)))
    print(_leases(quick=args.quick))
    return 0


def _leases(*, quick: bool) -> str:
    if leases.database_url() is None:
        return f"leases: skipped, they need PostgreSQL at {leases.DB_ENVS[0]}"
    # The size: 10,000 instances on 4 replicas at the default intervals and
    # lease. The quick run keeps the shape at a size and pace that takes a minute.
    if quick:
        plan = leases.Plan(instances=400, replicas=4, interval_s=5, lease_s=10)
    else:
        plan = leases.Plan(instances=10_000, replicas=4, interval_s=60, lease_s=90)
    return leases.report(leases.measure(plan))


if __name__ == "__main__":
    raise SystemExit(main())
