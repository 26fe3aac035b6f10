"""``python -m bot timeline prod-orders last 6h [--json|--csv|--md]``: what happened to
an instance, written in the terminal for a postmortem: the same timeline (every moment
of it) that the Export button uploads to Slack."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime, tzinfo
from typing import TextIO

from bot.core.dms.errors import DmsError, ResolveError
from bot.core.grammar.commands import TimelineQuery, parse_command
from bot.core.grammar.errors import CommandError
from bot.main.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, zone_of
from bot.main.runtime import open_dms
from bot.main.settings import Settings, SettingsError
from bot.services.guard import Guard
from bot.services.timeline import Timelines
from bot.views.safe_text import json_visible, visible
from bot.views.timeline_export import timeline_csv, timeline_json, timeline_markdown


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "words", nargs="+", metavar="INSTANCE [WINDOW]", help="e.g. prod-orders last 6h"
    )
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="one JSON document")
    form.add_argument("--csv", action="store_true", help="one CSV row per moment")
    form.add_argument("--md", action="store_true", help="Markdown (the default)")
    parser.add_argument("--tz", help="time zone for times without one (default KAFKA_TASKS_TZ)")
    parser.add_argument("--fresh", action="store_true", help="bypass the cache")


def run(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    tz = zone_of(args.tz, settings, err)
    if tz is None:
        return EXIT_USAGE
    instance, *window = args.words
    typed = " ".join([instance, "timeline", *window])
    try:
        query = parse_command(typed, now=datetime.now(UTC), tz=tz)
    except CommandError as exc:
        print(visible(f"error: {exc}"), file=err)
        return EXIT_USAGE
    if not isinstance(query, TimelineQuery):
        print(visible(f"error: not a timeline: {typed}"), file=err)
        return EXIT_USAGE
    try:
        text = asyncio.run(_timeline(query, args, settings, tz, err))
    except (DmsError, ResolveError) as exc:
        print(visible(f"error: {exc}"), file=err)
        return EXIT_FAILED
    except SettingsError as exc:
        print(visible(f"error: {exc}"), file=err)
        return EXIT_USAGE
    print(text, file=out, end="")
    return EXIT_OK


async def _timeline(
    query: TimelineQuery, args: argparse.Namespace, settings: Settings, tz: tzinfo, err: TextIO
) -> str:
    async with open_dms(settings) as session:
        if session.note:
            print(session.note, file=err)
        # The operator's own credentials: nobody for the access rules to check.
        timelines = Timelines(session.client, Guard(session.client), session.context_for())
        timeline = await timelines.timeline(query, None, fresh=args.fresh)
    if args.json:
        return json_visible(timeline_json(timeline))
    if args.csv:
        return visible(timeline_csv(timeline))
    return visible(timeline_markdown(timeline, tz=tz))
