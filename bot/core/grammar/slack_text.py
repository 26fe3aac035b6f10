"""Slack's markup in message and command text (mentions, channel links, escaped ``&``,
``<`` and ``>``) turned back into what the user typed, and split into the grammar's
words: slash commands, mentions and the shell then read the same text.
"""

from __future__ import annotations

import re

from bot.core.grammar import zh_words


def command_words(text: str) -> list[str]:
    """``text``'s words as the grammar reads them: Slack's markup cleaned, then folded
    (full width, Chinese punctuation) by ``bot.core.grammar.zh_read``."""
    return zh_words.normalise(clean_slack_text(text)).split()


def clean_slack_text(text: str) -> str:
    """Slack's markup in message and command text turned back into what the user typed."""
    return " ".join(_unescape(_SLACK_MARKUP.sub(_plain, text)).split())


_SLACK_MARKUP = re.compile(r"<([^<>]*)>")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}


def _plain(match: re.Match[str]) -> str:
    target, _, label = match[1].partition("|")
    if target.startswith("@"):
        # The bot's own mention and anyone else's: people, not words of the grammar.
        return " "
    if target.startswith("#"):
        return f"#{label or target[1:]}"
    if target.startswith("!"):  # <!here>, <!subteam^S1|@team>, <!date^...|fallback>
        return label
    return label or target


def _unescape(text: str) -> str:
    # One pass, so "&amp;lt;" (a typed "&lt;") stays "&lt;" instead of becoming "<".
    return _ENTITY.sub(lambda m: _ENTITIES[m[1]], text)
