"""The options of ``subscribe`` beyond a word: the language (``lang zh``), quiet hours
(``quiet [all] 22:00-08:00 [zone] [all]``), and what is said for an option the grammar
does not know.

Quiet hours are read in the zone written after the range, else in the subscriber's
own, which only the caller knows (``QuietOption.hours``). ``all`` right after ``quiet``
or after the range holds failures too.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import time

from bot.core.grammar.errors import CommandError
from bot.core.grammar.vocabulary import EXAMPLE_RANGE, LANGS, OPTION_FORMS, SCOPES
from bot.core.grammar.window import zone_name
from bot.core.grammar.window_parts import Unreadable, read_zone
from bot.core.quiet import QuietHours, read_range
from bot.i18n import Lang, Said


@dataclass(frozen=True)
class QuietOption:
    start: time
    end: time
    zone: str | None  # as written; None: the subscriber's own
    everything: bool = False

    def hours(self, default_zone: str) -> QuietHours:
        return QuietHours(self.start, self.end, self.zone or default_zone, self.everything)


class Tokens(Iterator[str]):
    """The words after the instance, with a look at the next one before taking it."""

    def __init__(self, words: list[str]) -> None:
        self._words = words
        self._at = 0

    def __next__(self) -> str:
        if self._at >= len(self._words):
            raise StopIteration
        self._at += 1
        return self._words[self._at - 1]

    def peek(self) -> str | None:
        return self._words[self._at] if self._at < len(self._words) else None


def unknown_option(word: str, instance: str) -> CommandError:
    """A word after ``subscribe <instance>`` that is no option: the nearest one."""
    close = difflib.get_close_matches(word.lower()[:40], (*SCOPES, *OPTION_FORMS), n=1, cutoff=0)
    option = OPTION_FORMS.get(close[0], close[0])
    return CommandError(word, f"subscribe {instance} {option}", reading="option")


def read_lang(keyword: str, tokens: Iterator[str], instance: str) -> Lang:
    """The language after ``lang``."""
    value = next(tokens, None)
    if value is None:
        why = Said("grammar.why.which_language")
        raise CommandError(keyword, f"subscribe {instance} lang zh", why)
    lang = LANGS.get(value.lower())
    if lang is None:
        close = difflib.get_close_matches(value.lower()[:40], LANGS, n=1, cutoff=0.6)
        fix = LANGS[close[0]] if close else "zh"
        raise CommandError(value, f"subscribe {instance} lang {fix}", reading="language")
    return lang


def read_quiet(
    keyword: str, tokens: Tokens, instance: str, *, given: QuietOption | None
) -> QuietOption:
    """Quiet hours after ``quiet``; ``given``: those read already (given twice is refused)."""
    example = f"subscribe {instance} quiet {EXAMPLE_RANGE}"
    if given is not None:
        raise CommandError(keyword, example, Said.of("grammar.why.twice", keyword=keyword))
    everything = _all(tokens)
    text = next(tokens, None)
    read = read_range(text) if text is not None else None
    if read is None:
        why = Said.of("grammar.why.quiet_range", example=EXAMPLE_RANGE)
        raise CommandError(text or keyword, example, why)
    zone = _zone(tokens, instance)
    everything = _all(tokens) or everything
    return QuietOption(read[0], read[1], zone, everything)


def _all(tokens: Tokens) -> bool:
    if (tokens.peek() or "").lower() == "all":
        next(tokens)
        return True
    return False


def _zone(tokens: Tokens, instance: str) -> str | None:
    word = tokens.peek()
    if word is None:
        return None
    try:
        zone = read_zone(word)
    except Unreadable as exc:
        fix = exc.fix or "UTC"
        example = f"subscribe {instance} quiet {EXAMPLE_RANGE} {fix}"
        raise CommandError(word, example, exc.why, reading="option") from None
    if zone is None:
        return None
    next(tokens)
    return zone_name(zone)
