"""A command's first word that names no instance but is close to a command or a
button's label (``detials 2``: the Details button): what it most likely was, said
with the instance that was not found.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from bot.core.dms.errors import UnknownInstance
from bot.core.grammar.vocabulary import BUTTON_LABELS, COMMANDS, FIRST_WORDS
from bot.core.grammar.zh_write import Typed
from bot.i18n import Said


class NotAnInstance(UnknownInstance):
    """A command's first word that names no instance but is close to a command or a
    button's label: the instance is said first, then what was most likely meant."""

    def __init__(self, unknown: UnknownInstance, meant: str, button: str | None) -> None:
        self.meant = meant  # the command as it was most likely meant
        self.button = button  # the label's key in bot.i18n, when it is a button
        super().__init__(unknown.name, unknown.where, unknown.close, unknown.request_id)

    def also(self) -> Said:
        if self.button is not None:
            # The command as typed: in the shell a label is pressed by its English word.
            return Said.of("unknown_instance.button", label=Said(self.button), meant=self.meant)
        return Said.of("unknown_instance.command", meant=Typed(self.meant))


def meant_command(words: Sequence[str]) -> tuple[str, str | None] | None:
    """What a command (its ``command_words``) whose first word names no instance was most
    likely meant to be, and the button's label key when it is a button's label; None
    when nothing is close."""
    if not words:
        return None
    close = difflib.get_close_matches(words[0].lower()[:40], FIRST_WORDS, n=1, cutoff=0.75)
    if not close:
        return None
    word, rest = close[0], list(words[1:])
    if word in BUTTON_LABELS:
        # Each task has its own Details button, numbered in the shell.
        rest = rest or (["1"] if word == "details" else [])
        return " ".join([word, *rest]), BUTTON_LABELS[word]
    if word in COMMANDS:
        return " ".join([word, *rest]), None
    return " ".join(["<instance>", word, *rest]), None


def misread(unknown: UnknownInstance, words: Sequence[str]) -> UnknownInstance:
    """``unknown``, about the first of a command's ``words`` (``command_words``), saying
    also which command or button it most likely was (``detials 2``: the Details button)."""
    if isinstance(unknown, NotAnInstance) or not words or words[0] != unknown.name:
        return unknown
    meant = meant_command(words)
    if meant is None:
        return unknown
    return NotAnInstance(unknown, *meant)
