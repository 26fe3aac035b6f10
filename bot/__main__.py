"""``python -m bot tasks | simulator``: the entry points."""

from __future__ import annotations

import argparse
import logging
import sys

from bot import cli


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="kafka-tasks: background tasks of Huawei Cloud DMS for Kafka instances.",
        epilog="Without Huawei credentials every command uses the built-in DMS simulator.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    tasks = sub.add_parser(
        "tasks",
        help="query an instance's background tasks, e.g. `tasks prod-orders last 1h`",
        description="Query background tasks. QUERY uses the bot's grammar: "
        "<instance> [window] [failed|running] [status s,..] [name glob]; "
        "<instance> task <id>; instances; help.",
    )
    cli.add_arguments(tasks)
    sub.add_parser(
        "simulator",
        help="run the DMS simulator on a port (see `python -m bot simulator --help`)",
        add_help=False,
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["simulator"]:
        # The simulator owns its own options; hand it the rest of the line untouched.
        from bot.simulator.cli import main as simulator_main

        return simulator_main(argv[1:])
    parser = build_parser()
    args = parser.parse_intermixed_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.command == "tasks":
        return cli.main_tasks(args)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
