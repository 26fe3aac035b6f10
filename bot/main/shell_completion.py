"""What Tab offers in the shell: the grammar's words, the buttons on screen, instance names.

The words come from the grammar (``bot.core.grammar.commands.VOCABULARY`` and the Chinese words of
``bot.core.grammar.zh_read``), by where the cursor stands: a command or an instance first, then
windows and filters, statuses after ``status``, and so on; not the subscription
commands, which only Slack carries out. Instance names come from the DMS listing,
fetched in the background (``InstanceNames``): Tab never waits long for DMS, and a DMS
that is slow or down only leaves the names out. (The prompt_toolkit side,
``ShellCompleter``, is in ``bot.main.shell_input``.)"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import astuple, dataclass

from bot.core.grammar.vocabulary import VOCABULARY
from bot.core.grammar.zh_words import keywords

log = logging.getLogger("kafka_tasks.shell")

# How long Tab waits for a listing in flight before offering what it has.
WAIT_FOR_NAMES = 0.5


class InstanceNames:
    """The instance names DMS lists, for completion: never blocks, never raises.

    ``known()`` returns the names fetched last and starts a fetch, when none is in
    flight, for the next Tab. Nothing is kept here beyond that: ``fetch`` reads the DMS
    client's listing, which the client caches (``names_ttl``) and coalesces.
    """

    def __init__(self, fetch: Callable[[], Awaitable[Sequence[str]]]) -> None:
        self._fetch = fetch
        self._names: tuple[str, ...] = ()
        self._task: asyncio.Task[None] | None = None
        self._failing = False
        self._closed = False

    def known(self) -> tuple[str, ...]:
        """The names fetched last (none yet: empty)."""
        # Outside the event loop nothing can be fetched: what there is is offered.
        with contextlib.suppress(RuntimeError):
            self._start()
        return self._names

    async def wait(self, seconds: float) -> tuple[str, ...]:
        """The names, waiting up to ``seconds`` for a fetch in flight."""
        self._start()
        task = self._task
        if task is not None and not task.done():
            # asyncio.wait, not wait_for: a slow fetch goes on for the next Tab.
            await asyncio.wait({task}, timeout=seconds)
        return self._names

    async def aclose(self) -> None:
        """Stops a fetch in flight; none is started after."""
        self._closed = True
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait({task})

    def _start(self) -> None:
        if self._closed or (self._task is not None and not self._task.done()):
            return
        self._task = asyncio.get_running_loop().create_task(self._refresh())

    async def _refresh(self) -> None:
        try:
            names = await self._fetch()
        except Exception as exc:
            # Completion is a convenience: the names it had stay offered, and the next
            # command the user types meets the same failure with its own clear message.
            # Said once while it lasts, not at every Tab.
            level = logging.DEBUG if self._failing else logging.WARNING
            log.log(level, "instance names for completion not fetched: %s", exc)
            self._failing = True
            return
        self._failing = False
        self._names = tuple(dict.fromkeys(n for n in names if n))


@dataclass(frozen=True)
class _Words:
    """The grammar's words by where they stand, English and Chinese together."""

    commands: tuple[str, ...]
    filters: tuple[str, ...]
    windows: tuple[str, ...]
    statuses: tuple[str, ...]
    # Every word, Chinese included, to the English word it reads as ("订阅" -> subscribe).
    english: dict[str, str]


def _grammar_words() -> _Words:
    chinese = keywords()
    english = {w: w for w in _all(astuple(VOCABULARY))}
    english |= {word: meaning[0] for word, meaning in chinese.items()}

    def with_chinese(words: tuple[str, ...]) -> tuple[str, ...]:
        return (*words, *(zh for zh, meaning in chinese.items() if meaning[0] in words))

    v = VOCABULARY
    return _Words(
        commands=with_chinese(v.commands),
        filters=with_chinese(v.filters),
        windows=with_chinese(v.windows),
        statuses=with_chinese(v.statuses),
        english=english,
    )


def _all(groups: Iterable[tuple[str, ...]]) -> Iterator[str]:
    for group in groups:
        yield from group


WORDS = _grammar_words()
# Subscriptions deliver to Slack channels: in the shell these only say so, so Tab does
# not offer them (typed, they still answer that).
_SHELL_COMMANDS = tuple(
    w
    for w in WORDS.commands
    if WORDS.english[w] not in ("subscribe", "unsubscribe", "subscriptions")
)

# After these comes a length, a time or a number: nothing to offer.
_FREE_AFTER = frozenset({"last", "since", "from", "to", "between", "name", "page", "task"})


def candidates(
    before_cursor: str, *, names: Sequence[str], labels: Sequence[str]
) -> tuple[list[str], str]:
    """The words that may stand where the cursor is, and the text typed so far that they
    replace: the word being typed (empty right after a space), or the whole line when a
    button's label is being typed (labels may have spaces: "Share in channel")."""
    line = before_cursor.lstrip()
    words = line.split()
    if len(words) > 1 or line[-1:].isspace():
        typed_labels = _starting_with(line, labels)
        if typed_labels:
            return typed_labels, line
    typed = "" if not words or line[-1:].isspace() else words.pop()
    head = WORDS.english.get(words[0].lower(), words[0].lower()) if words else ""
    previous = WORDS.english.get(words[-1].lower(), words[-1].lower()) if words else ""
    if not words:
        offered = [*_SHELL_COMMANDS, *names]
    elif head in VOCABULARY.commands:
        offered = []  # help, instances, and the commands not offered: nothing follows
    elif previous == "status":
        offered = list(WORDS.statuses)
    elif previous in _FREE_AFTER:
        offered = []
    else:
        offered = [*WORDS.windows, *WORDS.filters]
    if not words:
        offered += labels
    return _starting_with(typed, offered), typed


def _starting_with(typed: str, offered: Iterable[str]) -> list[str]:
    wanted = typed.casefold()
    return list(dict.fromkeys(w for w in offered if w.casefold().startswith(wanted)))
