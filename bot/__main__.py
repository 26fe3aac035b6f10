"""``python -m bot tasks | simulator``: the entry points."""

from __future__ import annotations

import argparse
import difflib
import logging
import sys

from bot import cli

COMMANDS = {
    "tasks": "query an instance's background tasks, e.g. `tasks prod-orders last 1h`",
    "simulator": "run the DMS simulator on a port (see `python -m bot simulator --help`)",
}


def overview() -> str:
    lines = [
        "usage: python -m bot [-v] COMMAND ...",
        "",
        "kafka-tasks: background tasks of Huawei Cloud DMS for Kafka instances.",
        "",
        "commands:",
        *(f"  {name:<10} {text}" for name, text in COMMANDS.items()),
        "",
        "options:",
        "  -v, --verbose  log debug detail",
        "",
        "Without Huawei credentials every command uses the built-in DMS simulator.",
    ]
    return "\n".join(lines)


def tasks_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot tasks",
        description="Query background tasks. QUERY uses the bot's grammar: "
        "<instance> [window] [failed|running] [status s,..] [name glob]; "
        "<instance> task <id>; instances; help.",
    )
    cli.add_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    verbose = False
    while argv and argv[0] in ("-v", "--verbose"):
        verbose = True
        argv.pop(0)
    # Errors reach a terminal user as one line that says what to do; the log behind
    # them (retries, response snippets) is for -v.
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.CRITICAL,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(overview())
        return 0
    command, rest = argv[0], argv[1:]
    if command == "simulator":
        # The simulator owns its options; hand it the rest of the line untouched.
        from bot.simulator.cli import main as simulator_main

        return simulator_main(rest)
    if command == "tasks":
        # Intermixed: options may follow the query words (`tasks prod-orders --json`).
        args = tasks_parser().parse_intermixed_args(rest)
        return cli.main_tasks(args)
    close = difflib.get_close_matches(command, COMMANDS, n=1)
    hint = f'; did you mean "{close[0]}"?' if close else ""
    print(f'error: unknown command "{command}"{hint} (see python -m bot --help)', file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
