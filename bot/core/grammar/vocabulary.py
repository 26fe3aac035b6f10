"""The English words of the command grammar, by where they stand: commands, filters,
statuses, subscription options and languages. The parser reads them from here, and the
shell offers them on Tab (``VOCABULARY``), so a word the grammar learns is offered with
no list to update.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.core.actions import LABEL_KEYS, TYPED_WORDS
from bot.core.dms.models import IN_PROGRESS, TaskStatus
from bot.i18n import Lang

STATUSES = tuple(status.value for status in TaskStatus)
MAX_COMMAND_LENGTH = 1000

STATUS_WORDS: dict[str, frozenset[str]] = {
    **{status.lower(): frozenset({status}) for status in STATUSES},
    "ok": frozenset({"SUCCESS"}),
    "running": IN_PROGRESS,
    "canceled": frozenset({"CANCELLED"}),
}
# Bare words that are status filters wherever they stand after the instance.
SHORTCUTS = ("failed", "running")
KEYED = ("status", "name", "page")
COMMANDS = ("subscribe", "unsubscribe", "subscriptions", "instances", "help")
WINDOW_STARTS = ("last", "since", "from", "between", "today", "yesterday")
# Words that start a window or a filter: a command that begins with one forgot its instance.
NOT_INSTANCES = frozenset({*WINDOW_STARTS, "task", "timeline", "scheduled", *KEYED, *SHORTCUTS})
# The buttons' English words (the shell presses a button by them: "details 2") and the
# keys of their labels in bot.i18n; "subscribe" is the command before it is a button.
BUTTON_LABELS = {
    words[0]: LABEL_KEYS[action]
    for action, words in TYPED_WORDS.items()
    if words[0] not in COMMANDS
}
# What a first word naming no instance is most likely a typo of. Not "task": "tasks
# prod-orders" is the CLI's word typed again, not a task lookup.
FIRST_WORDS = (*COMMANDS, *sorted(NOT_INSTANCES - {"task"}), *BUTTON_LABELS)

# Keys also written glued to their value: "status:failed", "page=2", "lang:zh".
INLINE_KEYS = (*KEYED, "lang")
SCOPES: dict[str, Literal["failed", "all"]] = {"failed": "failed", "all": "all"}
# 中文/英文 arrive here as zh/en, read by bot.core.grammar.zh_read after 语言.
LANGS: dict[str, Lang] = {"zh": "zh", "en": "en", "cn": "zh", "chinese": "zh", "english": "en"}
EXAMPLE_INSTANCE = "prod-orders"
EXAMPLE_GLOB = "modify*"
EXAMPLE_RANGE = "22:00-08:00"
# A subscription option as a suggestion writes it, where it takes a value.
OPTION_FORMS = {
    "name": f"name {EXAMPLE_GLOB}",
    "lang": "lang zh",
    "quiet": f"quiet {EXAMPLE_RANGE}",
    "daily": "daily 09:00",
}
# An incident is read over the last hours, not the tasks' default day.
TIMELINE_WINDOW = "last 6h"


@dataclass(frozen=True)
class Vocabulary:
    """The English words the grammar reads, by where they stand. The shell offers them on
    Tab: taken from the grammar itself, a word it learns is offered with no list to update."""

    commands: tuple[str, ...]  # a command's first word (else the instance)
    filters: tuple[str, ...]  # after the instance
    windows: tuple[str, ...]  # the words of a time window
    statuses: tuple[str, ...]  # after "status"
    options: tuple[str, ...]  # after "subscribe <instance>"
    langs: tuple[str, ...]  # after "lang"


VOCABULARY = Vocabulary(
    commands=COMMANDS,
    filters=(*SHORTCUTS, *KEYED, "task", "timeline", "scheduled"),
    # "to" ends a "from" range (bot.core.grammar.window_parse reads it).
    windows=(*WINDOW_STARTS, "to"),
    statuses=tuple(STATUS_WORDS),
    options=(*SCOPES, "name", "lang", "daily", "quiet"),
    langs=tuple(LANGS),
)
