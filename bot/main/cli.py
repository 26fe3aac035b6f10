"""``python -m bot tasks``: a one-shot terminal query, as a table or JSON lines."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime, tzinfo
from typing import Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.dms.errors import DmsError, ResolveError, UnknownInstance
from bot.core.dms.models import Instance
from bot.core.grammar.commands import Help, ListInstances, TaskLookup, TasksQuery, parse_command
from bot.core.grammar.errors import CommandError
from bot.core.grammar.help import USAGE
from bot.core.redact import redact
from bot.main.settings import Settings, SettingsError
from bot.views.safe_text import json_visible, visible

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("words", nargs="*", metavar="QUERY", help="e.g. prod-orders last 1h failed")
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object per task per line, with the API's own field names",
    )
    parser.add_argument("--tz", help="time zone for times without one (default KAFKA_TASKS_TZ)")
    parser.add_argument("--fresh", action="store_true", help="bypass the cache")


def zone_of(typed: str | None, settings: Settings, err: TextIO) -> tzinfo | None:
    """The ``--tz`` zone (else the configured one); None, said on ``err``, when unknown.
    One reading for every terminal command (``tasks`` and ``timeline``)."""
    try:
        return ZoneInfo(typed) if typed else settings.zone
    except (ZoneInfoNotFoundError, ValueError):
        _say(f'error: unknown time zone "{typed}"; use an IANA name like Asia/Shanghai', err)
        return None


def run(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    tz = zone_of(args.tz, settings, err)
    if tz is None:
        return EXIT_USAGE
    now = datetime.now(UTC)
    typed = " ".join(args.words)
    try:
        command = parse_command(typed, now=now, tz=tz)
    except CommandError as exc:
        # As in Slack: a first word that names no instance is what to say first.
        error = _to_report(exc, typed, settings)
        _say(f"error: {error}", err)
        return EXIT_FAILED if isinstance(error, UnknownInstance) else EXIT_USAGE
    if isinstance(command, Help):
        print(USAGE, file=out, end="")
        return EXIT_OK
    if not isinstance(command, TasksQuery | TaskLookup | ListInstances):
        _say(
            "error: subscriptions live in Slack channels; use /kafka-tasks there "
            "(this command answers queries only)",
            err,
        )
        return EXIT_USAGE
    try:
        return asyncio.run(_query(command, args, settings, tz, out, err))
    except UnknownInstance as exc:
        _say(f"error: {_to_report(exc, typed, settings)}", err)
        return EXIT_FAILED
    except (DmsError, ResolveError) as exc:
        _say(f"error: {exc}", err)
        return EXIT_FAILED
    except SettingsError as exc:
        _say(f"error: {exc}", err)
        return EXIT_USAGE


def _to_report(
    error: CommandError | UnknownInstance, typed: str, settings: Settings
) -> CommandError | UnknownInstance:
    """``error_to_report``: DMS is opened only if the first word must be looked up."""
    from bot.main.runtime import open_dms
    from bot.services.queries import error_to_report

    async def resolve(word: str) -> Instance | None:
        try:
            async with open_dms(settings) as session:
                return await session.client.resolve(word)
        except SettingsError:
            return None  # nothing to ask: the grammar's error is the one to fix first

    return asyncio.run(error_to_report(error, typed, resolve))


async def _query(
    command: TasksQuery | TaskLookup | ListInstances,
    args: argparse.Namespace,
    settings: Settings,
    tz: tzinfo,
    out: TextIO,
    err: TextIO,
) -> int:
    # Imported here: help and usage errors answer without loading the HTTP client.
    from bot.main.runtime import open_dms
    from bot.services.answers import Answers
    from bot.services.guard import Guard
    from bot.views.terminal import instances_text, task_text, tasks_text

    async with open_dms(settings) as session:
        if session.note:
            print(session.note, file=err)
        # The answers the shell and Slack get, rendered for the terminal; nobody for the
        # access rules to check (the CLI runs with the operator's own credentials).
        answers = Answers(session.client, Guard(session.client))
        if isinstance(command, ListInstances):
            instances = await answers.instances(None, fresh=args.fresh)
            if args.json:
                for inst in instances:
                    print(
                        json_visible(
                            json.dumps(
                                {
                                    "instance_id": inst.instance_id,
                                    "name": inst.name,
                                    "status": inst.status,
                                },
                                ensure_ascii=False,
                            )
                        ),
                        file=out,
                    )
            else:
                _say(instances_text(instances, str(answers.where)), out)
        elif isinstance(command, TaskLookup):
            one = await answers.task(command, None)
            if args.json:
                print(_json_line(one.task.to_api()), file=out)
            else:
                _say(task_text(one, tz, datetime.now(UTC)), out)
        else:
            answer = await answers.listing(command, None, fresh=args.fresh)
            if args.json:
                for task in answer.tasks:
                    # The API's own fields and text, secrets masked as everywhere else:
                    # this output is pasted into tickets and chats as often as piped.
                    print(_json_line(task.to_api()), file=out)
            else:
                _say(tasks_text(answer, tz, datetime.now(UTC)), out)
    return EXIT_OK


def _say(text: str, file: TextIO) -> None:
    """Prints a line of text (a JSON line is written by ``_json_line``). DMS's words are
    in most of them (names, statuses, its error messages, close matches), and a terminal
    acts on the control sequences such words can hold: taken out here, where every line
    leaves, rather than in each of the views and messages that build them."""
    print(visible(text), file=file)


def _json_line(task: dict[str, Any]) -> str:
    """A task as one JSON line: its secrets masked, and anything invisible in it written
    as a JSON escape (the same data, but nothing hidden reaches the terminal)."""
    return json_visible(json.dumps(redact(task), ensure_ascii=False))


def main_tasks(args: argparse.Namespace) -> int:
    try:
        settings = Settings.load()
    except SettingsError as exc:
        _say(f"error: {exc}", sys.stderr)
        return EXIT_USAGE
    return run(args, settings, sys.stdout, sys.stderr)
