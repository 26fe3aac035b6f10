"""``python -m bot simulator``: serve the DMS simulator until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime

from bot.simulator.clock import ManualClock
from bot.simulator.config import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, SimulatorConfig
from bot.simulator.runner import Simulator


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot simulator",
        description="Serve a simulated Huawei Cloud DMS for Kafka API with demo data.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on; the /_sim/ control endpoints have no auth, so keep "
        "it on loopback unless the network is yours",
    )
    parser.add_argument("--port", type=int, default=8765, help="port to listen on (0: any)")
    parser.add_argument(
        "--latency-ms", type=float, default=0.0, help="delay added to every API response"
    )
    parser.add_argument(
        "--fail-rate", type=float, default=0.0, help="share of API requests answered with a 500"
    )
    parser.add_argument("--seed", type=int, default=7, help="seed of the demo data and faults")
    parser.add_argument("--ak", default=DEMO_AK, help="access key clients must sign with")
    parser.add_argument("--sk", default=DEMO_SK, help="secret key clients must sign with")
    parser.add_argument("--project-id", default=DEMO_PROJECT_ID, help="the one project served")
    parser.add_argument(
        "--max-limit", type=int, default=1000, help="silent cap on the tasks 'limit' parameter"
    )
    parser.add_argument(
        "--start-param",
        choices=("start", "offset"),
        default="start",
        help="query parameter read as the first task index ('offset': ignore 'start')",
    )
    parser.add_argument(
        "--without",
        action="append",
        choices=("cts", "ces"),
        default=[],
        help="serve a region without this service: its paths answer 404 APIGW.0101",
    )
    parser.add_argument(
        "--manual-clock",
        action="store_true",
        help="the task timeline stands still until moved with POST /_sim/clock "
        '{"advance_s": N} (signatures are still checked against the real time)',
    )
    return parser


def banner(url: str, config: SimulatorConfig) -> str:
    # The SK is never printed: a real one given with --sk must not end up in a log.
    sk = "(demo secret, see --help)" if config.sk == DEMO_SK else "(the --sk you gave)"
    return (
        f"DMS simulator at {url} (seed {config.seed}); use: DMS_ENDPOINT={url} "
        f"CTS_ENDPOINT={url} CES_ENDPOINT={url} "
        f"HUAWEICLOUD_SDK_AK={config.ak} HUAWEICLOUD_SDK_SK={sk} "
        f"HUAWEICLOUD_SDK_PROJECT_ID={config.project_id}"
    )


async def serve(
    config: SimulatorConfig, host: str, port: int, *, manual_clock: bool = False
) -> None:
    sim = Simulator(config, clock=ManualClock(datetime.now(UTC)) if manual_clock else None)
    url = await sim.start(host, port)
    try:
        print(banner(url, config), flush=True)
        await asyncio.Event().wait()  # until Ctrl-C cancels us
    finally:
        await sim.stop()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = SimulatorConfig(
            seed=args.seed,
            latency_ms=args.latency_ms,
            fail_rate=args.fail_rate,
            ak=args.ak,
            sk=args.sk,
            project_id=args.project_id,
            max_limit=args.max_limit,
            start_param=args.start_param,
            absent_services=frozenset(args.without),
        )
    except ValueError as exc:
        parser.error(str(exc))
    try:
        asyncio.run(serve(config, args.host, args.port, manual_clock=args.manual_clock))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
