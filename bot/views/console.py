"""Block Kit as a terminal shows it: the local shell prints the very messages Slack gets.

Nothing here builds messages; it reads the block JSON, so what a newcomer sees in
``make run`` is what the channel would see, down to the buttons (which the shell lets
them press by typing a label).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

BUILDER_URL = "https://app.slack.com/block-kit-builder#"

_BOLD, _DIM, _UNDERLINE, _CODE, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[4m", "\x1b[36m", "\x1b[0m"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_CONTEXT_PREFIX = "  ┊ "
# A code block is set off by this indent (and, in colour, its colour) where Slack draws
# a box: its lines are kept as they are, never wrapped, so they can be copied.
_CODE_INDENT = "  "

_FENCED = re.compile(r"```(.*?)```", re.DOTALL)
_INLINE_CODE = re.compile(r"`([^`\n]*)`")
_TOKEN = re.compile(r"<([^<>]*)>")
# Slack's bold: asterisks hugging non-space text, not inside a word.
_BOLD_SPAN = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_SHORTCODE = re.compile(r":([a-z0-9_+-]+):")

# The shortcodes our messages use; any other is left as typed, which still reads.
_EMOJI = {
    "red_circle": "🔴",
    "large_blue_circle": "🔵",
    "white_circle": "⚪",
    "large_green_circle": "🟢",
    "heavy_minus_sign": "➖",
    "wastebasket": "🗑",
    "grey_question": "❔",
    "warning": "⚠",
    "hourglass_flowing_sand": "⏳",
    "calendar": "📆",
    "floppy_disk": "💾",
    "bell": "🔔",
    "no_bell": "🔕",
    "zzz": "💤",
    "white_check_mark": "✅",
    "x": "❌",
    "rotating_light": "🚨",
    "pencil2": "✏",
    "lock": "🔒",
}


@dataclass(frozen=True)
class Button:
    """A button as the shell shows it, and what pressing it sends.

    ``name``: its text as Slack shows it; ``number``: which of the buttons with that
    name it is, from 1, when several have it (a Details button per task), else None.
    """

    name: str
    action_id: str
    value: str
    number: int | None = None

    @property
    def label(self) -> str:
        """As the screen shows it: "Details 2" for the second of several, else the name."""
        return self.name if self.number is None else f"{self.name} {self.number}"


def render(blocks: Sequence[Mapping[str, Any]], *, width: int = 100, color: bool = False) -> str:
    """The blocks as lines of text at most ``width`` columns wide (code is never wrapped):
    the shell passes its terminal's width.

    ANSI styles only with ``color``: output that is piped or logged stays plain.
    """
    width = max(20, width)
    labels = iter([b.label for b in buttons(blocks)])
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            title = _shown(block.get("text"), color=False)
            rule = "═" * min(width, max(1, _width(title)))
            lines += [_style(title, _BOLD + _UNDERLINE, color), rule]
        elif kind == "section":
            lines += _section(block, labels, width, color)
        elif kind == "context":
            texts = [
                _shown(e, color=color)
                for e in block.get("elements") or []
                if e.get("type") in ("mrkdwn", "plain_text")
            ]
            for line in "  ".join(texts).split("\n"):
                wrapped = _wrap(line, width - len(_CONTEXT_PREFIX), indent="")
                lines += [_style(_CONTEXT_PREFIX + w, _DIM, color) for w in wrapped]
        elif kind == "divider":
            lines.append("─" * width)
        elif kind == "actions":
            shown = [f"[{next(labels)}]" for e in block.get("elements") or [] if _is_button(e)]
            if shown:
                lines += _wrap(" ".join(shown), width, indent="")
        elif isinstance(text := block.get("text"), Mapping):
            lines += _text_lines(text, width, color)
    return "\n".join(lines)


def render_text(text: str, *, width: int = 100, color: bool = False) -> str:
    """One mrkdwn text (the shell's own lines) as ``render`` shows a section of it."""
    return "\n".join(_text_lines({"type": "mrkdwn", "text": text}, max(20, width), color))


def buttons(blocks: Sequence[Mapping[str, Any]]) -> list[Button]:
    """Every button, in the order ``render`` shows them.

    Buttons that share a name are numbered ("Details 1", "Details 2", ...) so that typing
    a label presses exactly one button; a name that occurs once is not.
    """
    found = _button_elements(blocks)
    names = [" ".join(_text_of(e.get("text")).split()) or "?" for e in found]
    repeated = Counter(names)
    seen: Counter[str] = Counter()
    numbered = []
    for name, element in zip(names, found, strict=True):
        number = None
        if repeated[name] > 1:
            seen[name] += 1
            number = seen[name]
        action_id, value = str(element.get("action_id") or ""), str(element.get("value") or "")
        numbered.append(Button(name, action_id, value, number))
    return numbered


def builder_link(blocks: Sequence[Mapping[str, Any]]) -> str:
    """A Block Kit Builder URL that opens these blocks as Slack would draw them."""
    payload = json.dumps({"blocks": list(blocks)}, separators=(",", ":"), ensure_ascii=False)
    return BUILDER_URL + quote(payload, safe="")


def readable(text: str, *, color: bool = False) -> str:
    """mrkdwn as plain text: dates as their fallback, entities decoded, bold as bold
    (with ``color``) or as plain words, code as its text (no backticks), a code block
    on lines of its own, indented."""
    parts = list(_code_split(text))
    if not any(is_code for is_code, _ in parts):
        return _prose(text, color)
    pieces = [
        "\n".join(_code_lines(part, color)) if is_code else _prose(part, color).strip("\n")
        for is_code, part in parts
    ]
    return "\n".join(piece for piece in pieces if piece)


# --- pieces --------------------------------------------------------------------------


def _prose(text: str, color: bool) -> str:
    pieces = _INLINE_CODE.split(text)
    out = []
    for index, piece in enumerate(pieces):
        piece = _TOKEN.sub(_token_text, piece)
        if index % 2:  # inside `code`: no bold, no emoji
            out.append(_style(_unescape(piece), _CODE, color))
            continue
        piece = _SHORTCODE.sub(lambda m: _EMOJI.get(m[1], m[0]), piece)
        piece = _BOLD_SPAN.sub(lambda m: _style(m[1], _BOLD, color), piece)
        out.append(_unescape(piece))
    return "".join(out)


def _token_text(match: re.Match[str]) -> str:
    """What Slack would show for a ``<...>`` token: dates, mentions and links."""
    inner = match[1]
    body, _, label = inner.partition("|")
    if body.startswith("!date^"):
        if label:
            return label
        stamp = body.split("^")[1] if body.count("^") >= 1 else ""
        try:
            return datetime.fromtimestamp(int(stamp), UTC).strftime("%Y-%m-%d %H:%M UTC")
        except (ValueError, OverflowError, OSError):
            return inner
    if body.startswith("!subteam^"):
        return label or "@group"
    if body.startswith("!"):
        return "@" + body[1:]
    if body.startswith("@"):
        return "@" + (label or body[1:])
    if body.startswith("#"):
        return "#" + (label or body[1:])
    return f"{label} ({body})" if label else body


def _unescape(text: str) -> str:
    # &amp; last, so that an escaped "&lt;" typed by someone stays "&lt;".
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _section(block: Mapping[str, Any], labels: Iterator[str], width: int, color: bool) -> list[str]:
    lines: list[str] = []
    text = block.get("text")
    if isinstance(text, Mapping):
        lines += _text_lines(text, width, color)
    fields = [_shown(f, color=color) for f in block.get("fields") or []]
    lines += _fields(fields, width)
    accessory = block.get("accessory")
    if isinstance(accessory, Mapping) and _is_button(accessory):
        button = f"[{next(labels)}]"
        if lines and _width(lines[-1]) + 2 + len(button) <= width:
            lines[-1] += "  " + button
        else:
            lines.append(button)
    return lines


def _fields(fields: Sequence[str], width: int) -> list[str]:
    """Fields as ``label: value``, two to a line when both fit in half the width."""
    items = []
    for field in fields:
        head, _, rest = field.partition("\n")
        items.append(f"{head}: {' '.join(rest.split())}" if rest else head)
    column = (width - 2) // 2
    lines = []
    index = 0
    while index < len(items):
        left = items[index]
        right = items[index + 1] if index + 1 < len(items) else None
        if right is not None and _width(left) <= column and _width(right) <= column:
            lines.append(left + " " * (column - _width(left) + 2) + right)
            index += 2
        else:
            lines += _wrap(left, width)
            index += 1
    return lines


def _text_lines(obj: Mapping[str, Any], width: int, color: bool) -> list[str]:
    """A text object's lines: prose wrapped to the width, code blocks line for line."""
    if obj.get("type") == "plain_text":
        return [w for line in _shown(obj, color=color).split("\n") for w in _wrap(line, width)]
    lines: list[str] = []
    for is_code, part in _code_split(_text_of(obj)):
        if is_code:
            lines += _code_lines(part, color)
        elif prose := _prose(part, color).strip("\n"):
            lines += [w for line in prose.split("\n") for w in _wrap(line, width)]
    return lines or [""]


def _code_split(text: str) -> Iterator[tuple[bool, str]]:
    """mrkdwn in turns of prose and code block: (False, prose), (True, code), ..."""
    for index, part in enumerate(_FENCED.split(text)):
        if part:
            yield bool(index % 2), part


def _code_lines(code: str, color: bool) -> list[str]:
    # The zero-width spaces that defuse fences inside params: not for copying. The line
    # breaks that set the fences apart from the code are Slack's layout, not code.
    text = _unescape(code.replace("\u200b", ""))
    text = text.removeprefix("\n").removesuffix("\n")
    return [_style(_CODE_INDENT + line, _CODE, color) if line else "" for line in text.split("\n")]


def _wrap(line: str, width: int, *, indent: str = "  ") -> list[str]:
    """The line broken at spaces, and between wide (CJK) characters, into lines of at
    most ``width`` columns; a word longer than a line is cut.

    Written here because ``textwrap`` counts characters, not columns, and breaks only at
    spaces: a Chinese line would run past the terminal's edge.
    """
    if _width(line) <= width:
        return [line]
    width = max(10, width)
    body = line.lstrip(" ")
    lines: list[str] = []
    current = line[: len(line) - len(body)]
    gap = False
    for chunk in _chunks(body):
        if chunk == " ":
            gap = True
            continue
        joined = current + (" " if gap and current.strip() else "") + chunk
        if current.strip() and _width(joined) > width:
            lines.append(current)
            joined = indent + chunk
        current, gap = joined, False
        while _width(current) > width:
            cut = _cut_at(current, width)
            lines.append(current[:cut])
            current = indent + current[cut:]
    if current.strip():
        lines.append(current)
    return lines or [line]


def _chunks(text: str) -> Iterator[str]:
    """Words, single spaces for runs of whitespace, and each wide character on its own
    (a line may break between two of them, as Chinese text does)."""
    word = ""
    for char in text:
        wide = unicodedata.east_asian_width(char) in "WF"
        if word and (char.isspace() or wide):
            yield word
            word = ""
        if char.isspace():
            yield " "
        elif wide:
            yield char
        else:
            word += char
    if word:
        yield word


def _cut_at(text: str, width: int) -> int:
    """How many characters of ``text`` fill at most ``width`` columns (at least one)."""
    used = 0
    for index, char in enumerate(text):
        used += _width(char)
        if used > width:
            return max(1, index)
    return len(text)


def _button_elements(blocks: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    for block in blocks:
        if block.get("type") == "section":
            accessory = block.get("accessory")
            if isinstance(accessory, Mapping) and _is_button(accessory):
                found.append(accessory)
        elif block.get("type") == "actions":
            found += [e for e in block.get("elements") or [] if _is_button(e)]
    return found


def _is_button(element: Mapping[str, Any]) -> bool:
    return element.get("type") == "button"


def _shown(obj: object, *, color: bool) -> str:
    """A text object as it reads: mrkdwn made readable, plain_text as typed (Slack does
    not parse it, so ``&amp;`` there is meant literally), but with its emoji."""
    if isinstance(obj, Mapping) and obj.get("type") == "plain_text":
        return _SHORTCODE.sub(lambda m: _EMOJI.get(m[1], m[0]), _text_of(obj))
    return readable(_text_of(obj), color=color)


def _text_of(obj: object) -> str:
    if isinstance(obj, Mapping):
        return str(obj.get("text") or "")
    return str(obj or "")


def _style(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text


def _width(text: str) -> int:
    # Wide (CJK) characters take two terminal columns; ANSI codes take none.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in _ANSI.sub("", text))
