"""JSON from outside, read within bounds: the one loader for everything DMS sends.

DMS bodies, the ``params`` each task carries as a JSON string, and the outbox rows
that hold tasks until they are delivered are all read here. ``json.loads`` alone
fails a whole document for one hostile part: nesting a few thousand levels deep
raises ``RecursionError`` (not a ``ValueError``, so nothing meant for bad JSON
catches it), and the answer, the poll or the delivery that read it fails with it.

Here a document larger than its limit is refused whole (``UnreadableJson``), while a
part nested deeper than the limit is cut out and left as an ``Unreadable`` in its
place: the rest of the document, the other tasks of a page, still reads. The depth
is measured before ``json.loads`` runs, so the parser never recurses past the limit.

Written here rather than taken from a library: the standard parser has no depth or
size limit, and the streaming parsers we know of (ijson) bound neither either.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate, compress, count, islice, repeat
from operator import eq, gt
from typing import Any, Literal, NamedTuple, TypeAlias

__all__ = [
    "BODY",
    "PARAMS",
    "JsonLimits",
    "Loaded",
    "Reason",
    "Unreadable",
    "UnreadableJson",
    "find_unreadable",
    "loads",
    "read",
]

Reason: TypeAlias = Literal["too_deep", "too_large"]


@dataclass(frozen=True)
class JsonLimits:
    """``max_chars``: the longest document read (characters, or bytes before decoding);
    ``max_depth``: the deepest nesting kept, the outermost object or array being 1."""

    max_chars: int
    max_depth: int


# A DMS response: a page of tasks is about a kilobyte per task; a task's params object
# sits at depth 4 (body, tasks, task, params) and real ones nest three or four more.
BODY = JsonLimits(max_chars=4 * 1024 * 1024, max_depth=48)
# One task's params, read from its JSON string: far above any real change request, and
# no deeper than bot.core.redact looks into a value.
PARAMS = JsonLimits(max_chars=256 * 1024, max_depth=32)


@dataclass(frozen=True)
class Unreadable:
    """Stands where a value could not be read within the limits; never its content."""

    reason: Reason

    def __str__(self) -> str:
        return f"(unreadable: {self.reason})"


class UnreadableJson(ValueError):
    """The document as a whole cannot be read: larger than its limit."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(detail)
        self.reason: Reason = reason


# A JSON string (escapes included) or one bracket. Possessive, so a long string is one
# linear match and never backtracks. The closing quote is optional: a string never
# closed then runs, in one match, to the end of the text (which json.loads refuses);
# required, each failed match would be retried from every quote inside it, quadratic
# in the length of a cut-off string.
_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+"?|[\[\]{}]', re.S)
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"?', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]++")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class Loaded(NamedTuple):
    value: Any
    # Whether a part was cut for its depth: then ``value`` holds an Unreadable, and a
    # caller that refuses the whole for one need not look for it.
    cut: bool


def loads(document: str | bytes, limits: JsonLimits) -> Any:
    """``document`` parsed, its parts nested past ``limits.max_depth`` each replaced by
    ``Unreadable("too_deep")``. Raises ``UnreadableJson`` for a document over
    ``limits.max_chars`` and ``ValueError`` for one that is not JSON."""
    return read(document, limits).value


def read(document: str | bytes, limits: JsonLimits) -> Loaded:
    """``loads``, saying whether it cut anything."""
    if len(document) > limits.max_chars:
        raise UnreadableJson(
            "too_large", f"{len(document):,} characters (at most {limits.max_chars:,} are read)"
        )
    text = (
        document.decode(json.detect_encoding(document), "surrogatepass")
        if isinstance(document, bytes)
        else document
    )
    marker = ""
    if not _within_depth(text, limits.max_depth):
        marker = f"\x00unreadable-{secrets.token_hex(8)}"
        text = _cut_deep_parts(text, limits.max_depth, json.dumps(marker))
    try:
        value = json.loads(text)
    except RecursionError:
        # Not reached with the depth measured first; kept so that a parser change can
        # never turn hostile input into an exception nothing here expects.
        raise ValueError("nested too deeply to parse") from None
    # A marker is placed only where a part was cut (``_cut_deep_parts`` cuts at least one
    # part of a text that is not within its depth, or refuses it).
    return Loaded(_mark_cut_parts(value, marker), True) if marker else Loaded(value, False)


def find_unreadable(value: Any, max_depth: int) -> Unreadable | None:
    """The first ``Unreadable`` inside an already parsed ``value``, or one standing for
    its nesting past ``max_depth``; None when all of it reads. Iterative: ``value`` may
    be as deep as the document it came from allowed."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Unreadable):
            return item
        if isinstance(item, dict | list):
            if depth > max_depth:
                return Unreadable("too_deep")
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return None


def _within_depth(text: str, max_depth: int) -> bool:
    """Whether no bracket outside a string opens deeper than ``max_depth``.

    Strings are taken out, and the depth accumulated over the brackets left, all in C
    (a page has a few hundred brackets; hostile nesting millions). Unbalanced brackets
    are left for json.loads to refuse.
    """
    if text.count("[") + text.count("{") <= max_depth:
        # No more openings in all (strings' included) than the bound: nothing can be
        # deeper, and most params are a flat object of a few fields.
        return True
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return not any(map(gt, accumulate(map(_STEP.__getitem__, brackets)), repeat(max_depth)))


def _cut_deep_parts(text: str, max_depth: int, placeholder: str) -> str:
    """``text`` with each object or array that opens past ``max_depth`` replaced, whole,
    by ``placeholder`` (a JSON string).

    Hostile nesting is millions of brackets, so no Python code runs per bracket: the
    depth after each token is accumulated lazily in C, each cut's first and last token
    found by scanning that sequence in C, and the tokens' positions read from a second
    pass of the same regex, skipped ahead to just those tokens.
    """
    depths = accumulate(map(_STEP.get, map(re.Match.group, _TOKEN.finditer(text)), repeat(0)))
    tokens = _TOKEN.finditer(text)
    pieces: list[str] = []
    kept_to = 0
    read = 0  # tokens consumed so far, from both iterators alike
    while (first := _next_index(depths, read, max_depth + 1)) is not None:
        opened = next(islice(tokens, first - read, None))
        last = _next_index(depths, first + 1, max_depth)
        if last is None:
            # Opened and never closed: not JSON, and json.loads must not recurse into it.
            raise ValueError("nesting that is never closed")
        closed = next(islice(tokens, last - first - 1, None))
        pieces += [text[kept_to : opened.start()], placeholder]
        kept_to = closed.end()
        read = last + 1
    pieces.append(text[kept_to:])
    return "".join(pieces)


def _next_index(values: Iterator[int], index: int, wanted: int) -> int | None:
    """The index of the next of ``values`` equal to ``wanted`` (``index`` being the next
    one's), consuming ``values`` up to it; None when there is none."""
    return next(compress(count(index), map(eq, values, repeat(wanted))), None)


def _mark_cut_parts(value: Any, marker: str) -> Any:
    """Each ``marker`` string left by ``_cut_deep_parts`` turned into an ``Unreadable``."""
    cut = Unreadable("too_deep")
    if value == marker:
        return cut
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                if child == marker:
                    item[key] = cut
                elif isinstance(child, dict | list):
                    stack.append(child)
        elif isinstance(item, list):
            for index, child in enumerate(item):
                if child == marker:
                    item[index] = cut
                elif isinstance(child, dict | list):
                    stack.append(child)
    return value
