"""One grammar for slash-command text, mention text and shell input -> typed commands.

```
<instance> [window] [status <s>[,<s>]] [name <glob>] [page <n>]
<instance> task <task-id>
subscribe <instance> [failed|all] [name <glob>] [lang zh|en]
unsubscribe <instance>
subscriptions
instances
help [topic]
```

Filters may come in any order after the instance; the words left over are the window,
read by ``bot.core.timewindow``. Anything not understood raises ``CommandError`` quoting the
part as typed and the nearest valid form; nothing else is ever raised for any text.

The same commands may be written in Simplified Chinese, mixed with English words and
with or without spaces (``prod-orders最近1小时失败``): ``bot.core.grammar_zh`` reads them as
the English words they stand for, so both languages make the very same commands.
Every error reads in English (``str``) and Chinese (``CommandError.text("zh")``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Literal, TypeAlias, TypeVar

from bot.core import grammar_zh
from bot.core.actions import LABEL_KEYS, TYPED_WORDS
from bot.core.dms.errors import UnknownInstance
from bot.core.dms.ids import is_dms_id
from bot.core.dms.models import IN_PROGRESS, TaskStatus
from bot.core.grammar_zh import Typed
from bot.core.timewindow import TimeWindow, WindowError, parse_window_words, refusal
from bot.i18n import Lang, Said

STATUSES = tuple(status.value for status in TaskStatus)
MAX_COMMAND_LENGTH = 1000

_STATUS_WORDS: dict[str, frozenset[str]] = {
    **{status.lower(): frozenset({status}) for status in STATUSES},
    "ok": frozenset({"SUCCESS"}),
    "running": IN_PROGRESS,
    "canceled": frozenset({"CANCELLED"}),
}
# Bare words that are status filters wherever they stand after the instance.
_SHORTCUTS = ("failed", "running")
_KEYED = ("status", "name", "page")
_COMMANDS = ("subscribe", "unsubscribe", "subscriptions", "instances", "help")
_WINDOW_STARTS = ("last", "since", "from", "between", "today", "yesterday")
# Words that start a window or a filter: a command that begins with one forgot its instance.
_NOT_INSTANCES = frozenset({*_WINDOW_STARTS, "task", *_KEYED, *_SHORTCUTS})
# The buttons' English words (the shell presses a button by them: "details 2") and the
# keys of their labels in bot.i18n; "subscribe" is the command before it is a button.
BUTTON_LABELS = {
    words[0]: LABEL_KEYS[action]
    for action, words in TYPED_WORDS.items()
    if words[0] not in _COMMANDS
}
# What a first word naming no instance is most likely a typo of. Not "task": "tasks
# prod-orders" is the CLI's word typed again, not a task lookup.
_FIRST_WORDS = (*_COMMANDS, *sorted(_NOT_INSTANCES - {"task"}), *BUTTON_LABELS)
# A name or id, optionally @account or @region (several accounts in kafka-tasks.toml).
_INSTANCE = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}(?:@[A-Za-z0-9][A-Za-z0-9_-]{0,63})?", re.ASCII
)
_PAGE = re.compile(r"[0-9]{1,6}", re.ASCII)
# Keys also written glued to their value: "status:failed", "page=2", "lang:zh".
_INLINE_KEYS = (*_KEYED, "lang")
_SCOPES: dict[str, Literal["failed", "all"]] = {"failed": "failed", "all": "all"}
# 中文/英文 arrive here as zh/en, read by bot.core.grammar_zh after 语言.
_LANGS: dict[str, Lang] = {"zh": "zh", "en": "en", "cn": "zh", "chinese": "zh", "english": "en"}
_EXAMPLE_INSTANCE = "prod-orders"
_EXAMPLE_GLOB = "modify*"


class CommandError(ValueError):
    """A command that could not be read: the part not understood and a form that works.

    ``str()`` is the English message; ``text(lang)`` the message in a language, its
    suggestion written as a reader of that language types it. ``reading`` names what
    the part was read as (``grammar.reading.*`` in the catalog) when there is no ``why``.
    """

    def __init__(
        self,
        bad: str,
        suggestion: str,
        why: Said | None = None,
        *,
        reading: str = "command",
        instance: str | None = None,
    ) -> None:
        self.bad = bad
        self.suggestion = suggestion
        self.why = why
        self.reading = reading
        # The first word, read as an instance, when what is wrong comes after it: if it
        # names no instance, that is the thing to say (``bot.services.queries.error_to_report``).
        self.instance = instance
        super().__init__(self.text("en"))

    def text(self, lang: Lang) -> str:
        return refusal(lang, self.bad, self.suggestion, self.why, reading=self.reading)

    def __str__(self) -> str:
        return self.text("en")

    def quoting(self, bad: str) -> CommandError:
        """The same error quoting ``bad``: the words as typed rather than as read."""
        return CommandError(
            bad, self.suggestion, self.why, reading=self.reading, instance=self.instance
        )


@dataclass(frozen=True)
class TasksQuery:
    instance: str
    window: TimeWindow
    window_text: str  # as typed; "" for the default window
    statuses: frozenset[str]  # upper-case API statuses; empty means all
    name_glob: str | None
    page: int = 1


@dataclass(frozen=True)
class TaskLookup:
    instance: str
    task_id: str


@dataclass(frozen=True)
class ListInstances:
    pass


@dataclass(frozen=True)
class Help:
    topic: str | None = None


@dataclass(frozen=True)
class Subscribe:
    instance: str
    scope: Literal["failed", "all"]
    name_glob: str | None
    # The notifications' language; None: the subscriber's own, which the caller knows.
    lang: Lang | None = None


@dataclass(frozen=True)
class Unsubscribe:
    instance: str


@dataclass(frozen=True)
class ListSubscriptions:
    pass


Command: TypeAlias = (
    TasksQuery | TaskLookup | ListInstances | Help | Subscribe | Unsubscribe | ListSubscriptions
)
_T = TypeVar("_T")


def parse_command(text: str, *, now: datetime, tz: tzinfo) -> Command:
    """Read one command. Slack markup is cleaned first, so all three surfaces share it."""
    # Folded after cleaning (NFKC may itself make spaces), then spaced once again.
    cleaned = " ".join(command_words(text))
    if len(cleaned) > MAX_COMMAND_LENGTH:
        why = Said.of("grammar.why.too_long", most=MAX_COMMAND_LENGTH)
        raise CommandError(cleaned, "help", why)
    phrase = grammar_zh.read(cleaned, keys=_INLINE_KEYS, verbatim_after=("name",))
    try:
        return _parse(phrase, now=now, tz=tz)
    except CommandError as e:
        # Errors are raised quoting the words as read; the user is shown what they typed.
        typed = phrase.quote(e.bad)
        if typed == e.bad:
            raise
        raise e.quoting(typed) from None


def _parse(phrase: grammar_zh.Phrase, *, now: datetime, tz: tzinfo) -> Command:
    words = phrase.english()
    if not words or words[0] == "?":
        return Help()
    head = words[0].lower()
    if head == "help":
        return Help(" ".join(words[1:]).lower() or None)
    if head in ("instances", "subscriptions"):
        _expect_nothing_after(words)
        return ListInstances() if head == "instances" else ListSubscriptions()
    if head == "subscribe":
        return _subscribe(words[1:])
    if head == "unsubscribe":
        return _unsubscribe(words[1:])
    return _about_instance(phrase, now=now, tz=tz)


def command_words(text: str) -> list[str]:
    """``text``'s words as the grammar reads them: Slack's markup cleaned, then folded
    (full width, Chinese punctuation) by ``bot.core.grammar_zh``."""
    return grammar_zh.normalise(clean_slack_text(text)).split()


def clean_slack_text(text: str) -> str:
    """Slack's markup in message and command text turned back into what the user typed."""
    return " ".join(_unescape(_SLACK_MARKUP.sub(_plain, text)).split())


# --- Slack markup --------------------------------------------------------------------

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


# --- commands about one instance -----------------------------------------------------


def _about_instance(phrase: grammar_zh.Phrase, *, now: datetime, tz: tzinfo) -> Command:
    words = phrase.english()
    rest = words[1:]
    instance = _instance(words[0], rest)
    if rest and rest[0].lower() == "task":
        return _task_lookup(instance, rest[1:])
    statuses: set[str] = set()
    name_glob: str | None = None
    page: int | None = None
    window_at: list[int] = []
    tokens = _Cursor(rest)
    for word in tokens:
        lowered = word.lower()
        if lowered in _SHORTCUTS:
            statuses |= _STATUS_WORDS[lowered]
        elif lowered == "status":
            statuses |= _statuses(_status_text(word, tokens))
        elif lowered == "name":
            name_glob = _once(name_glob, word, _glob(word, tokens), f"name {_EXAMPLE_GLOB}")
        elif lowered == "page":
            page = _once(page, word, _page(tokens), "page 2")
        elif lowered == "task":
            why = Said("grammar.why.task_after_instance")
            raise CommandError(word, f"{instance} task <task-id>", why)
        else:
            window_at.append(tokens.at)
    window_words = [rest[i] for i in window_at]
    # As typed, Chinese included: shown with the answer and read again by Refresh.
    window_text = phrase.typed_at([i + 1 for i in window_at])
    window = _window(window_words, words, now=now, tz=tz)
    return TasksQuery(instance, window, window_text, frozenset(statuses), name_glob, page or 1)


class _Cursor(Iterator[str]):
    """The words after the instance, one at a time, knowing where the last one stood."""

    def __init__(self, words: list[str]) -> None:
        self._words = words
        self.at = -1

    def __next__(self) -> str:
        if self.at + 1 >= len(self._words):
            raise StopIteration
        self.at += 1
        return self._words[self.at]


def _window(window_words: list[str], words: list[str], *, now: datetime, tz: tzinfo) -> TimeWindow:
    try:
        return parse_window_words(window_words, now=now, tz=tz)
    except WindowError as e:
        # "subscibe prod failed" reads as an instance called "subscibe" with a bad window;
        # the typo in the first word is the better thing to point at.
        fixed = _fixed_command_word(words, now=now, tz=tz)
        if fixed is not None:
            raise CommandError(words[0], fixed) from None
        # "prod-orders success" (成功): a status that is not a shortcut, not a bad window.
        for word in window_words:
            if word.lower() in _STATUS_WORDS:
                why = Said("grammar.why.status_alone")
                raise CommandError(word, f"status {word.lower()}", why) from None
        # "asdf qwer zxcv", "detials 2": the rest is no window because the first word is
        # no instance; the caller, who can ask DMS, says so when that is the case.
        raise CommandError(
            e.bad,
            e.suggestion,
            e.why,
            reading="window",
            instance=words[0],
        ) from None


def _fixed_command_word(words: list[str], *, now: datetime, tz: tzinfo) -> str | None:
    close = difflib.get_close_matches(words[0].lower(), _COMMANDS, n=1, cutoff=0.75)
    if not close:
        return None
    candidate = " ".join([close[0], *words[1:]])
    try:
        parse_command(candidate, now=now, tz=tz)
    except CommandError:
        return None
    return candidate


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
    close = difflib.get_close_matches(words[0].lower()[:40], _FIRST_WORDS, n=1, cutoff=0.75)
    if not close:
        return None
    word, rest = close[0], list(words[1:])
    if word in BUTTON_LABELS:
        # Each task has its own Details button, numbered in the shell.
        rest = rest or (["1"] if word == "details" else [])
        return " ".join([word, *rest]), BUTTON_LABELS[word]
    if word in _COMMANDS:
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


def _task_lookup(instance: str, args: list[str]) -> TaskLookup:
    example = f"{instance} task <task-id>"
    if len(args) != 1:
        bad = " ".join(args) or "task"
        raise CommandError(bad, example, Said("grammar.why.one_task_id"))
    # The shape the client will send in a URL path (bot.core.dms.ids): refused here, the
    # typed id is quoted with the form to use, rather than looked up and not found.
    if not is_dms_id(args[0]):
        raise CommandError(args[0], example, Said("grammar.why.task_id_shape"))
    return TaskLookup(instance, args[0])


def _status_text(keyword: str, tokens: Iterator[str]) -> str:
    """The words after "status", as one comma list: "failed,success" or "failed, success"."""
    text = next(tokens, "")
    while text.endswith(","):
        more = next(tokens, None)
        if more is None:
            break
        text += more
    if not text.strip(","):
        raise CommandError(keyword, "status failed", Said("grammar.why.which_status"))
    return text


def _statuses(text: str) -> frozenset[str]:
    found: set[str] = set()
    for word in filter(None, text.split(",")):
        statuses = _STATUS_WORDS.get(word.lower())
        if statuses is None:
            close = difflib.get_close_matches(word.lower()[:40], _STATUS_WORDS, n=1, cutoff=0)
            raise CommandError(word, f"status {close[0]}", reading="status")
        found |= statuses
    return frozenset(found)


def _glob(keyword: str, tokens: Iterator[str]) -> str:
    glob = next(tokens, None)
    if glob is None:
        raise CommandError(keyword, f"name {_EXAMPLE_GLOB}", Said("grammar.why.which_name"))
    return glob


def _page(tokens: Iterator[str]) -> int:
    text = next(tokens, None)
    if text is None or not _PAGE.fullmatch(text) or int(text) < 1:
        raise CommandError(text or "page", "page 1", Said("grammar.why.page"))
    return int(text)


def _once(current: _T | None, keyword: str, value: _T, example: str) -> _T:
    if current is not None:
        raise CommandError(keyword, example, Said.of("grammar.why.twice", keyword=keyword))
    return value


# --- subscriptions -------------------------------------------------------------------


def _subscribe(args: list[str]) -> Subscribe:
    if not args:
        example = f"subscribe {_EXAMPLE_INSTANCE} failed"
        why = Said.of("grammar.why.which_instance", example=Typed(example))
        raise CommandError("subscribe", example, why)
    instance = _instance(args[0], args[1:], before="subscribe")
    example = f"subscribe {instance} failed"
    scope: Literal["failed", "all"] | None = None
    name_glob: str | None = None
    lang: Lang | None = None
    tokens = iter(args[1:])
    for word in tokens:
        lowered = word.lower()
        if lowered in _SCOPES:
            scope = _once(scope, word, _SCOPES[lowered], example)
        elif lowered == "name":
            glob = _glob(word, tokens)
            name_glob = _once(name_glob, word, glob, f"subscribe {instance} name {_EXAMPLE_GLOB}")
        elif lowered == "lang":
            lang = _once(lang, word, _lang(word, tokens, instance), f"subscribe {instance} lang zh")
        else:
            close = difflib.get_close_matches(
                lowered[:40], ("failed", "all", "name", "lang"), n=1, cutoff=0
            )
            option = {"name": f"name {_EXAMPLE_GLOB}", "lang": "lang zh"}.get(close[0], close[0])
            raise CommandError(word, f"subscribe {instance} {option}", reading="option")
    # Without a scope a subscription is to every finished task: narrowing is what words do.
    return Subscribe(instance, scope or "all", name_glob, lang)


def _lang(keyword: str, tokens: Iterator[str], instance: str) -> Lang:
    value = next(tokens, None)
    if value is None:
        why = Said("grammar.why.which_language")
        raise CommandError(keyword, f"subscribe {instance} lang zh", why)
    lang = _LANGS.get(value.lower())
    if lang is None:
        close = difflib.get_close_matches(value.lower()[:40], _LANGS, n=1, cutoff=0.6)
        fix = _LANGS[close[0]] if close else "zh"
        raise CommandError(value, f"subscribe {instance} lang {fix}", reading="language")
    return lang


def _unsubscribe(args: list[str]) -> Unsubscribe:
    if len(args) != 1:
        bad = " ".join(args) or "unsubscribe"
        example = f"unsubscribe {_EXAMPLE_INSTANCE}"
        raise CommandError(bad, example, Said("grammar.why.one_instance"))
    return Unsubscribe(_instance(args[0], [], before="unsubscribe"))


# --- words ---------------------------------------------------------------------------


def _instance(word: str, after: list[str], *, before: str = "") -> str:
    """An instance name or id, kept as typed (ids are UUIDs and case may matter upstream)."""
    if word.lower() in _NOT_INSTANCES:
        suggestion = " ".join(filter(None, [before, "<instance>", word, *after]))
        raise CommandError(word, suggestion, Said("grammar.why.instance_first"))
    if not _INSTANCE.fullmatch(word):
        fixed = re.sub(r"[^A-Za-z0-9._-]+", "-", word, flags=re.ASCII).strip("-._")[:64]
        suggestion = " ".join(filter(None, [before, fixed or _EXAMPLE_INSTANCE, *after]))
        raise CommandError(word, suggestion, Said("grammar.why.instance_shape"))
    return word


def _expect_nothing_after(words: list[str]) -> None:
    if len(words) > 1:
        why = Said.of("grammar.why.nothing_after", command=words[0])
        raise CommandError(" ".join(words[1:]), words[0].lower(), why)


# --- the vocabulary, for the shell's completion --------------------------------------


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
    commands=_COMMANDS,
    filters=(*_SHORTCUTS, *_KEYED, "task"),
    # "to" ends a "from" range (bot.core.timewindow reads it).
    windows=(*_WINDOW_STARTS, "to"),
    statuses=tuple(_STATUS_WORDS),
    options=(*_SCOPES, "name", "lang"),
    langs=tuple(_LANGS),
)
