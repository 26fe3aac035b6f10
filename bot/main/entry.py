"""``python -m bot COMMAND``: which entry point a command line runs, and its options."""

from __future__ import annotations

import argparse
import asyncio
import difflib
import logging
import sys

from bot.adapters.log_redaction import configure_logging
from bot.main.settings import Settings, SettingsError

# Each command imports what it needs when it runs (``tasks help`` needs no HTTP client,
# ``shell`` no Slack app): start-up is part of the answer for someone at a terminal.

COMMANDS = {
    "serve": "run the Slack bot (Socket Mode with SLACK_APP_TOKEN, else HTTP on PORT)",
    "shell": "the bot in this terminal: `shell` for a prompt, `shell prod-orders last 1h` once",
    "tasks": "query an instance's background tasks as a table, e.g. `tasks prod-orders last 1h`",
    "timeline": "what happened to an instance, e.g. `timeline prod-orders last 6h --md`",
    "simulator": "run the DMS simulator on a port (see `python -m bot simulator --help`)",
    "run": "serve when Slack tokens are set, else the shell (what `make run` does)",
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
    from bot.main import cli

    parser = argparse.ArgumentParser(
        prog="python -m bot tasks",
        description="Query background tasks. QUERY uses the bot's grammar: "
        "<instance> [window] [failed|running] [status s,..] [name glob]; "
        "<instance> task <id>; instances; help.",
    )
    cli.add_arguments(parser)
    return parser


def timeline_parser() -> argparse.ArgumentParser:
    from bot.main import cli_timeline

    parser = argparse.ArgumentParser(
        prog="python -m bot timeline",
        description="What happened to an instance: tasks, CTS operations and CES alarms, "
        "newest first (the default window: last 6h).",
    )
    cli_timeline.add_arguments(parser)
    return parser


def shell_parser() -> argparse.ArgumentParser:
    from bot.main import shell

    parser = argparse.ArgumentParser(
        prog="python -m bot shell",
        description="The bot in a terminal: the same commands and answers as in Slack.",
    )
    shell.add_arguments(parser)
    return parser


def run_serve(settings: Settings | None = None) -> int:
    """Serve Slack with ``settings`` (loaded here when not given)."""
    from bot.main.serve import serve

    try:
        asyncio.run(serve(settings or Settings.load()))
    except SettingsError as exc:
        print(f"error: cannot start: {exc}", file=sys.stderr)
        return 2
    return 0


def _run_what(settings: Settings) -> str:
    """What `run` runs: serve when Slack is set up, else the shell."""
    if settings.slack_unfinished:
        # Half a Slack setup is a mistake being made, not a wish for the shell.
        print(
            f"{settings.slack_unfinished}: opening the local shell instead of serving "
            "Slack (see Creating the Slack app in README.md).",
            file=sys.stderr,
        )
    return "serve" if settings.slack_configured else "shell"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    verbose = False
    while argv and argv[0] in ("-v", "--verbose"):
        verbose = True
        argv.pop(0)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(overview())
        return 0
    command, rest = argv[0], argv[1:]
    # Loaded once: `run` reads them to choose, and serving goes on with the same ones.
    settings: Settings | None = None
    if command == "run":
        try:
            settings = Settings.load()
        except SettingsError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        command = _run_what(settings)
    # A server logs what it does; the terminal commands show one line per error and
    # keep their log (retries, response snippets) for -v.
    quiet = logging.INFO if command == "serve" else logging.CRITICAL
    configure_logging(logging.DEBUG if verbose else quiet)
    if command == "serve":
        return run_serve(settings)
    if command == "shell":
        from bot.main import shell

        return shell.main_shell(shell_parser().parse_intermixed_args(rest))
    if command == "simulator":
        # The simulator owns its options; hand it the rest of the line untouched.
        from bot.simulator.cli import main as simulator_main

        return simulator_main(rest)
    if command == "tasks":
        # Intermixed: options may follow the query words (`tasks prod-orders --json`).
        from bot.main import cli

        args = tasks_parser().parse_intermixed_args(rest)
        return cli.main_tasks(args)
    if command == "timeline":
        from bot.main import cli_timeline

        args = timeline_parser().parse_intermixed_args(rest)
        try:
            loaded = settings or Settings.load()
        except SettingsError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return cli_timeline.run(args, loaded, sys.stdout, sys.stderr)
    close = difflib.get_close_matches(command, COMMANDS, n=1)
    hint = f'; did you mean "{close[0]}"?' if close else ""
    print(f'error: unknown command "{command}"{hint} (see python -m bot --help)', file=sys.stderr)
    return 2
