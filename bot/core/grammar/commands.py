"""One grammar for slash-command text, mention text and shell input -> typed commands.

```
<instance> [window] [status <s>[,<s>]] [name <glob>] [page <n>]
<instance> task <task-id>
<instance> timeline [window]
<instance> scheduled
subscribe <instance> [failed|all] [name <glob>] [lang zh|en] [daily HH:MM [zone]]
          [quiet HH:MM-HH:MM [zone] [all]]
unsubscribe <instance>
subscriptions
instances
help [topic]
```

Filters may come in any order after the instance; the words left over are the window,
read by ``bot.core.grammar.window_parse``. Anything not understood raises
``CommandError`` quoting the part as typed and the nearest valid form; nothing else is
ever raised for any text.

The same commands may be written in Simplified Chinese, mixed with English words and
with or without spaces (``prod-orders最近1小时失败``): ``bot.core.grammar.zh_read`` reads
them as the English words they stand for, so both languages make the very same commands.
Every error reads in English (``str``) and Chinese (``CommandError.text("zh")``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Literal, TypeAlias, TypeVar

from bot.core.dms.ids import is_dms_id
from bot.core.grammar import zh_read
from bot.core.grammar.daily import DailyAt, take_daily
from bot.core.grammar.errors import CommandError, WindowError
from bot.core.grammar.slack_text import command_words
from bot.core.grammar.subscribe_words import (
    QuietOption,
    Tokens,
    read_lang,
    read_quiet,
    unknown_option,
)
from bot.core.grammar.vocabulary import (
    COMMANDS,
    EXAMPLE_GLOB,
    EXAMPLE_INSTANCE,
    INLINE_KEYS,
    MAX_COMMAND_LENGTH,
    NOT_INSTANCES,
    SCOPES,
    SHORTCUTS,
    STATUS_WORDS,
    TIMELINE_WINDOW,
)
from bot.core.grammar.window import TimeWindow
from bot.core.grammar.window_parse import parse_window_words
from bot.core.grammar.zh_write import Typed
from bot.i18n import Lang, Said

# A name or id, optionally @account or @region (several accounts in kafka-tasks.toml).
_INSTANCE = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}(?:@[A-Za-z0-9][A-Za-z0-9_-]{0,63})?", re.ASCII
)
_PAGE = re.compile(r"[0-9]{1,6}", re.ASCII)


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
class TimelineQuery:
    """What happened to an instance: its tasks, CTS traces and CES alarms as one timeline."""

    instance: str
    window: TimeWindow
    window_text: str  # as typed; "" for the timeline's default window


@dataclass(frozen=True)
class ScheduledQuery:
    """The changes DMS has scheduled for an instance (``<instance> scheduled``, 计划)."""

    instance: str


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
    daily: DailyAt | None = None  # the day before, each day then; zone "": the subscriber's
    quiet: QuietOption | None = None


@dataclass(frozen=True)
class Unsubscribe:
    instance: str


@dataclass(frozen=True)
class ListSubscriptions:
    pass


Command: TypeAlias = (
    TasksQuery
    | TaskLookup
    | TimelineQuery
    | ScheduledQuery
    | ListInstances
    | Help
    | Subscribe
    | Unsubscribe
    | ListSubscriptions
)
_T = TypeVar("_T")


def parse_command(text: str, *, now: datetime, tz: tzinfo) -> Command:
    """Read one command. Slack markup is cleaned first, so all three surfaces share it."""
    # Folded after cleaning (NFKC may itself make spaces), then spaced once again.
    cleaned = " ".join(command_words(text))
    if len(cleaned) > MAX_COMMAND_LENGTH:
        why = Said.of("grammar.why.too_long", most=MAX_COMMAND_LENGTH)
        raise CommandError(cleaned, "help", why)
    phrase = zh_read.read(cleaned, keys=INLINE_KEYS, verbatim_after=("name",))
    try:
        return _parse(phrase, now=now, tz=tz)
    except CommandError as e:
        # Errors are raised quoting the words as read; the user is shown what they typed.
        typed = phrase.quote(e.bad)
        if typed == e.bad:
            raise
        raise e.quoting(typed) from None


def _parse(phrase: zh_read.Phrase, *, now: datetime, tz: tzinfo) -> Command:
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


def _about_instance(phrase: zh_read.Phrase, *, now: datetime, tz: tzinfo) -> Command:
    words = phrase.english()
    rest = words[1:]
    instance = _instance(words[0], rest)
    if rest and rest[0].lower() == "task":
        return _task_lookup(instance, rest[1:])
    if rest and rest[0].lower() == "timeline":
        return _timeline(phrase, instance, words, now=now, tz=tz)
    if rest and rest[0].lower() == "scheduled":
        if len(rest) > 1:
            why = Said.of("grammar.why.nothing_after", command="scheduled")
            raise CommandError(" ".join(rest[1:]), f"{instance} scheduled", why)
        return ScheduledQuery(instance)
    statuses: set[str] = set()
    name_glob: str | None = None
    page: int | None = None
    window_at: list[int] = []
    tokens = _Cursor(rest)
    for word in tokens:
        lowered = word.lower()
        if lowered in SHORTCUTS:
            statuses |= STATUS_WORDS[lowered]
        elif lowered == "status":
            statuses |= _statuses(_status_text(word, tokens))
        elif lowered == "name":
            name_glob = _once(name_glob, word, _glob(word, tokens), f"name {EXAMPLE_GLOB}")
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


def _timeline(
    phrase: zh_read.Phrase, instance: str, words: list[str], *, now: datetime, tz: tzinfo
) -> TimelineQuery:
    """``<instance> timeline [window]``: the words after "timeline" are the window."""
    window_words = words[2:]
    window_text = phrase.typed_at(list(range(2, len(words))))
    window = _window(window_words or TIMELINE_WINDOW.split(), words, now=now, tz=tz)
    return TimelineQuery(instance, window, window_text)


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
            if word.lower() in STATUS_WORDS:
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
    close = difflib.get_close_matches(words[0].lower(), COMMANDS, n=1, cutoff=0.75)
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
        statuses = STATUS_WORDS.get(word.lower())
        if statuses is None:
            close = difflib.get_close_matches(word.lower()[:40], STATUS_WORDS, n=1, cutoff=0)
            raise CommandError(word, f"status {close[0]}", reading="status")
        found |= statuses
    return frozenset(found)


def _glob(keyword: str, tokens: Iterator[str]) -> str:
    glob = next(tokens, None)
    if glob is None:
        raise CommandError(keyword, f"name {EXAMPLE_GLOB}", Said("grammar.why.which_name"))
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


def _subscribe(args: list[str]) -> Subscribe:
    if not args:
        example = f"subscribe {EXAMPLE_INSTANCE} failed"
        why = Said.of("grammar.why.which_instance", example=Typed(example))
        raise CommandError("subscribe", example, why)
    instance = _instance(args[0], args[1:], before="subscribe")
    example = f"subscribe {instance} failed"
    rest, daily = take_daily(args[1:], instance)
    scope: Literal["failed", "all"] | None = None
    name_glob: str | None = None
    lang: Lang | None = None
    quiet: QuietOption | None = None
    tokens = Tokens(rest)
    for word in tokens:
        lowered = word.lower()
        if lowered in SCOPES:
            scope = _once(scope, word, SCOPES[lowered], example)
        elif lowered == "name":
            glob = _glob(word, tokens)
            name_glob = _once(name_glob, word, glob, f"subscribe {instance} name {EXAMPLE_GLOB}")
        elif lowered == "lang":
            lang = _once(
                lang, word, read_lang(word, tokens, instance), f"subscribe {instance} lang zh"
            )
        elif lowered == "quiet":
            quiet = read_quiet(word, tokens, instance, given=quiet)
        else:
            raise unknown_option(word, instance)
    # Without a scope a subscription is to every finished task: narrowing is what words do.
    return Subscribe(instance, scope or "all", name_glob, lang, daily, quiet)


def _unsubscribe(args: list[str]) -> Unsubscribe:
    if len(args) != 1:
        bad = " ".join(args) or "unsubscribe"
        example = f"unsubscribe {EXAMPLE_INSTANCE}"
        raise CommandError(bad, example, Said("grammar.why.one_instance"))
    return Unsubscribe(_instance(args[0], [], before="unsubscribe"))


def _instance(word: str, after: list[str], *, before: str = "") -> str:
    """An instance name or id, kept as typed (ids are UUIDs and case may matter upstream)."""
    if word.lower() in NOT_INSTANCES:
        suggestion = " ".join(filter(None, [before, "<instance>", word, *after]))
        raise CommandError(word, suggestion, Said("grammar.why.instance_first"))
    if not _INSTANCE.fullmatch(word):
        fixed = re.sub(r"[^A-Za-z0-9._-]+", "-", word, flags=re.ASCII).strip("-._")[:64]
        suggestion = " ".join(filter(None, [before, fixed or EXAMPLE_INSTANCE, *after]))
        raise CommandError(word, suggestion, Said("grammar.why.instance_shape"))
    return word


def _expect_nothing_after(words: list[str]) -> None:
    if len(words) > 1:
        why = Said.of("grammar.why.nothing_after", command=words[0])
        raise CommandError(" ".join(words[1:]), words[0].lower(), why)
