"""One grammar for slash-command text, mention text and shell input -> typed commands.

```
<instance> [window] [status <s>[,<s>]] [name <glob>] [page <n>]
<instance> task <task-id>
subscribe <instance> [failed|all] [name <glob>]
unsubscribe <instance>
subscriptions
instances
help [topic]
```

Filters may come in any order after the instance; the words left over are the window,
read by ``bot.timewindow``. Anything not understood raises ``CommandError`` quoting the
part as typed and the nearest valid form; nothing else is ever raised for any text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Literal, TypeAlias, TypeVar

from bot.dms.models import IN_PROGRESS, TaskStatus
from bot.timewindow import TimeWindow, WindowError, error_message, parse_window

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
# Words that start a window or a filter: a command that begins with one forgot its instance.
_NOT_INSTANCES = frozenset(
    {"last", "since", "from", "between", "today", "yesterday", "task", *_KEYED, *_SHORTCUTS}
)
_INSTANCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", re.ASCII)
# Task ids go into a URL path, so nothing that could change the path ("/", "..").
_TASK_ID = re.compile(r"[A-Za-z0-9_-]{1,128}", re.ASCII)
_PAGE = re.compile(r"[0-9]{1,6}", re.ASCII)
_INLINE_KEY = re.compile(rf"({'|'.join(_KEYED)})[:=](.*)", re.IGNORECASE | re.DOTALL)
_SCOPES: dict[str, Literal["failed", "all"]] = {"failed": "failed", "all": "all"}
_EXAMPLE_INSTANCE = "prod-orders"
_EXAMPLE_GLOB = "modify*"


class CommandError(ValueError):
    """A command that could not be read: the part not understood and a form that works."""

    def __init__(
        self, bad: str, suggestion: str, why: str | None = None, *, reading: str = "a command"
    ) -> None:
        super().__init__(error_message(bad, suggestion, why, reading=reading))
        self.bad = bad
        self.suggestion = suggestion
        self.why = why


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
    cleaned = clean_slack_text(text)
    if len(cleaned) > MAX_COMMAND_LENGTH:
        raise CommandError(cleaned, "help", f"a command is at most {MAX_COMMAND_LENGTH} characters")
    words = list(_split_keys(cleaned.split()))
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
    return _about_instance(words, now=now, tz=tz)


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


def _about_instance(words: list[str], *, now: datetime, tz: tzinfo) -> Command:
    rest = words[1:]
    instance = _instance(words[0], rest)
    if rest and rest[0].lower() == "task":
        return _task_lookup(instance, rest[1:])
    statuses: set[str] = set()
    name_glob: str | None = None
    page: int | None = None
    window_words: list[str] = []
    tokens = iter(rest)
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
            raise CommandError(
                word, f"{instance} task <task-id>", "a task id comes right after the instance"
            )
        else:
            window_words.append(word)
    window_text = " ".join(window_words)
    window = _window(window_text, words, now=now, tz=tz)
    return TasksQuery(instance, window, window_text, frozenset(statuses), name_glob, page or 1)


def _window(text: str, words: list[str], *, now: datetime, tz: tzinfo) -> TimeWindow:
    try:
        return parse_window(text, now=now, tz=tz)
    except WindowError as e:
        # "subscibe prod failed" reads as an instance called "subscibe" with a bad window;
        # the typo in the first word is the better thing to point at.
        fixed = _fixed_command_word(words, now=now, tz=tz)
        if fixed is not None:
            raise CommandError(words[0], fixed) from None
        raise CommandError(e.bad, e.suggestion, e.why, reading="a time window") from None


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


def _task_lookup(instance: str, args: list[str]) -> TaskLookup:
    example = f"{instance} task <task-id>"
    if len(args) != 1:
        bad = " ".join(args) or "task"
        raise CommandError(bad, example, 'give exactly one task id after "task"')
    if not _TASK_ID.fullmatch(args[0]):
        raise CommandError(args[0], example, "a task id is letters, digits, - and _")
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
        raise CommandError(keyword, "status failed", "which status? e.g. failed, running, success")
    return text


def _statuses(text: str) -> frozenset[str]:
    found: set[str] = set()
    for word in filter(None, text.split(",")):
        statuses = _STATUS_WORDS.get(word.lower())
        if statuses is None:
            close = difflib.get_close_matches(word.lower()[:40], _STATUS_WORDS, n=1, cutoff=0)
            raise CommandError(word, f"status {close[0]}", reading="a task status")
        found |= statuses
    return frozenset(found)


def _glob(keyword: str, tokens: Iterator[str]) -> str:
    glob = next(tokens, None)
    if glob is None:
        raise CommandError(keyword, f"name {_EXAMPLE_GLOB}", "which task name? a glob like modify*")
    return glob


def _page(tokens: Iterator[str]) -> int:
    text = next(tokens, None)
    if text is None or not _PAGE.fullmatch(text) or int(text) < 1:
        raise CommandError(text or "page", "page 1", "a page is a whole number from 1")
    return int(text)


def _once(current: _T | None, keyword: str, value: _T, example: str) -> _T:
    if current is not None:
        raise CommandError(keyword, example, f'"{keyword}" is given twice')
    return value


# --- subscriptions -------------------------------------------------------------------


def _subscribe(args: list[str]) -> Subscribe:
    if not args:
        example = f"subscribe {_EXAMPLE_INSTANCE} failed"
        raise CommandError("subscribe", example, f"which instance? e.g. {example}")
    instance = _instance(args[0], args[1:], before="subscribe")
    example = f"subscribe {instance} failed"
    scope: Literal["failed", "all"] | None = None
    name_glob: str | None = None
    tokens = iter(args[1:])
    for word in tokens:
        lowered = word.lower()
        if lowered in _SCOPES:
            scope = _once(scope, word, _SCOPES[lowered], example)
        elif lowered == "name":
            glob = _glob(word, tokens)
            name_glob = _once(name_glob, word, glob, f"subscribe {instance} name {_EXAMPLE_GLOB}")
        else:
            close = difflib.get_close_matches(
                lowered[:40], ("failed", "all", "name"), n=1, cutoff=0
            )
            option = close[0] if close[0] != "name" else f"name {_EXAMPLE_GLOB}"
            raise CommandError(
                word, f"subscribe {instance} {option}", reading="a subscription option"
            )
    # Without a scope a subscription is to every finished task: narrowing is what words do.
    return Subscribe(instance, scope or "all", name_glob)


def _unsubscribe(args: list[str]) -> Unsubscribe:
    if len(args) != 1:
        bad = " ".join(args) or "unsubscribe"
        raise CommandError(bad, f"unsubscribe {_EXAMPLE_INSTANCE}", "give exactly one instance")
    return Unsubscribe(_instance(args[0], [], before="unsubscribe"))


# --- words ---------------------------------------------------------------------------


def _instance(word: str, after: list[str], *, before: str = "") -> str:
    """An instance name or id, kept as typed (ids are UUIDs and case may matter upstream)."""
    if word.lower() in _NOT_INSTANCES:
        suggestion = " ".join(filter(None, [before, "<instance>", word, *after]))
        raise CommandError(word, suggestion, "start with the instance name or id")
    if not _INSTANCE.fullmatch(word):
        fixed = re.sub(r"[^A-Za-z0-9._-]+", "-", word, flags=re.ASCII).strip("-._")[:64]
        suggestion = " ".join(filter(None, [before, fixed or _EXAMPLE_INSTANCE, *after]))
        why = "an instance is a name of letters, digits, -, _ and . or an id"
        raise CommandError(word, suggestion, why)
    return word


def _expect_nothing_after(words: list[str]) -> None:
    if len(words) > 1:
        raise CommandError(
            " ".join(words[1:]), words[0].lower(), f'"{words[0]}" takes nothing after it'
        )


def _split_keys(words: Iterable[str]) -> Iterator[str]:
    """Split "status:failed" and "page=2" in two, the way the grammar writes them."""
    for word in words:
        match = _INLINE_KEY.fullmatch(word)
        if match is None:
            yield word
        else:
            yield match[1]
            if match[2]:
                yield match[2]
