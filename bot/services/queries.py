"""The questions the bot answers, independent of where they are asked.

Slack handlers, the local shell and the terminal CLI all call these, so an answer is
the same wherever it is read.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from bot.core.answer import TaskAnswer, TasksAnswer, filter_tasks
from bot.core.dms.errors import DmsError, DmsNotFound, ResolveError, UnknownInstance, UnknownTask
from bot.core.dms.ids import INSTANCE_NOT_FOUND
from bot.core.dms.models import Instance
from bot.core.dms.source import Dms
from bot.core.grammar.commands import TaskLookup, TasksQuery
from bot.core.grammar.errors import CommandError
from bot.core.grammar.misread import misread
from bot.core.grammar.slack_text import command_words
from bot.core.grammar.window import TimeWindow

log = logging.getLogger("kafka_tasks.service")


def missing_instance(exc: DmsNotFound, asked: str, client: Dms) -> Exception:
    """A 404 for an id we passed through unlisted: name it as the user typed it."""
    if exc.error_code == INSTANCE_NOT_FOUND:
        return UnknownInstance(asked, client.where, request_id=exc.request_id)
    return exc


async def answer_tasks(
    client: Dms, query: TasksQuery, *, fresh: bool = False, instance: Instance | None = None
) -> TasksAnswer:
    """``instance``: already resolved from ``query.instance`` (by the access check)."""
    instance = instance or await client.resolve(query.instance)
    try:
        listing = await client.list_tasks(instance.instance_id, query.window, fresh=fresh)
    except DmsNotFound as exc:
        raise missing_instance(exc, query.instance, client) from exc
    return TasksAnswer(
        instance=instance,
        window=query.window,
        listing=listing,
        tasks=filter_tasks(listing.tasks, query.statuses, query.name_glob),
        statuses=query.statuses,
        name_glob=query.name_glob,
    )


async def answer_task(
    client: Dms, lookup: TaskLookup, *, instance: Instance | None = None
) -> TaskAnswer:
    instance = instance or await client.resolve(lookup.instance)
    try:
        task = await client.get_task(instance.instance_id, lookup.task_id)
    except DmsNotFound as exc:
        missing = missing_instance(exc, lookup.instance, client)
        if missing is exc:
            raise UnknownTask(lookup.task_id, instance.name) from exc
        raise missing from exc
    return TaskAnswer(instance=instance, task=task)


async def existing_instance(client: Dms, name_or_id: str) -> Instance:
    """An instance that DMS confirms exists: an id not in the listing is checked with a
    one-second look at its tasks, so nothing is set up for an instance that is not."""
    instance = await client.resolve(name_or_id)
    if instance.name == instance.instance_id:
        now = datetime.now(UTC)
        probe = TimeWindow(
            begin=now - timedelta(seconds=1), end=now, label="probe", zone="UTC", ends_now=False
        )
        try:
            await client.list_tasks(instance.instance_id, probe, fresh=True)
        except DmsNotFound as exc:
            raise missing_instance(exc, name_or_id, client) from exc
    return instance


# How long the first word of a command that could not be read is looked up for. The
# grammar's error is known at once, and is as good an answer: a slow or failing DMS
# (the client's retries take up to ~40 s) must not hold a typo's answer back.
FIRST_WORD_WAIT = 1.5


async def error_to_report(
    error: CommandError | UnknownInstance,
    typed: str,
    resolve: Callable[[str], Awaitable[object]],
    *,
    wait: float = FIRST_WORD_WAIT,
) -> CommandError | UnknownInstance:
    """What to tell someone whose command ``typed`` failed with ``error``.

    A first word that names no instance is said first, with the command or button it is
    close to ("detials 2": the Details button): for an unknown instance the command
    named, and for a grammar error about the words after a first word that ``resolve``
    finds names no instance ("asdf qwer zxcv"), rather than a complaint about "qwer
    zxcv". Otherwise, and when that cannot be told (DMS failing, or not answering
    within ``wait`` seconds), ``error`` itself.

    ``resolve`` finds an instance as the caller does (through the access rules), so the
    answer is the one the same word would get on its own.
    """
    words = command_words(typed)
    if isinstance(error, UnknownInstance):
        return misread(error, words)
    if error.instance is None:
        return error
    try:
        await asyncio.wait_for(resolve(error.instance), wait)
    except UnknownInstance as exc:
        return misread(exc, words)
    except ResolveError:
        pass  # several instances by that name: it is one, ambiguous
    except DmsError as exc:
        log.info("could not check whether %r is an instance: %s", error.instance, exc)
    except TimeoutError:
        log.info("no word from DMS in %s s on whether %r is an instance", wait, error.instance)
    return error
