"""Block Kit as a terminal shows it: the local shell prints the very messages Slack gets.

Nothing here builds messages; it reads the block JSON, so what a newcomer sees in
``make run`` is what the channel would see, down to the buttons (which the shell lets
them press by typing a label).
"""

from __future__ import annotations

import json
import re
import textwrap
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

BUILDER_URL = "https://app.slack.com/block-kit-builder#"

_BOLD, _DIM, _UNDERLINE, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[4m", "\x1b[0m"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_CONTEXT_PREFIX = "  ┊ "

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
}

Button = tuple[str, str, str]


def render(blocks: Sequence[Mapping[str, Any]], *, width: int = 100, color: bool = False) -> str:
    """The blocks as lines of text at most ``width`` columns wide (code is never wrapped).

    ANSI styles only with ``color``: output that is piped or logged stays plain.
    """
    width = max(20, width)
    labels = iter(_labels(blocks))
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
        elif isinstance(block.get("text"), Mapping):
            lines += _text_lines(_shown(block.get("text"), color=color), width)
    return "\n".join(lines)


def buttons(blocks: Sequence[Mapping[str, Any]]) -> list[Button]:
    """(label, action_id, value) of every button, in the order ``render`` shows them.

    Labels are made unique ("Details 1", "Details 2", ...) so that typing one presses
    exactly one button; a label that occurs once is kept as it is.
    """
    found = _button_elements(blocks)
    return [
        (label, str(e.get("action_id") or ""), str(e.get("value") or ""))
        for label, e in zip(_labels(blocks), found, strict=True)
    ]


def builder_link(blocks: Sequence[Mapping[str, Any]]) -> str:
    """A Block Kit Builder URL that opens these blocks as Slack would draw them."""
    payload = json.dumps({"blocks": list(blocks)}, separators=(",", ":"), ensure_ascii=False)
    return BUILDER_URL + quote(payload, safe="")


def readable(text: str, *, color: bool = False) -> str:
    """mrkdwn as plain text: dates as their fallback, entities decoded, bold as bold
    (with ``color``) or as plain words, code blocks kept with their fences."""
    parts = _FENCED.split(text)
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            # The zero-width spaces that defuse fences inside params: not for copying.
            out.append("```" + _unescape(part.replace("\u200b", "")) + "```")
        else:
            out.append(_prose(part, color))
    return "".join(out)


# --- pieces --------------------------------------------------------------------------


def _prose(text: str, color: bool) -> str:
    pieces = _INLINE_CODE.split(text)
    out = []
    for index, piece in enumerate(pieces):
        piece = _TOKEN.sub(_token_text, piece)
        if index % 2:  # inside `code`: no bold, no emoji
            out.append(_unescape(piece))
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
        lines += _text_lines(_shown(text, color=color), width)
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


def _text_lines(text: str, width: int) -> list[str]:
    """Prose wrapped to the width; code blocks kept line for line."""
    lines: list[str] = []
    in_code = False
    for line in text.split("\n"):
        fences = line.count("```")
        if in_code or fences:
            lines.append(line)
        else:
            lines += _wrap(line, width)
        if fences % 2:
            in_code = not in_code
    return lines


def _wrap(line: str, width: int, *, indent: str = "  ") -> list[str]:
    if _width(line) <= width:
        return [line]
    return textwrap.wrap(
        line,
        width=max(10, width),
        subsequent_indent=indent,
        break_on_hyphens=False,
        drop_whitespace=True,
    ) or [line]


def _labels(blocks: Sequence[Mapping[str, Any]]) -> list[str]:
    names = [" ".join(_text_of(e.get("text")).split()) or "?" for e in _button_elements(blocks)]
    repeated = Counter(names)
    seen: Counter[str] = Counter()
    labels = []
    for name in names:
        if repeated[name] > 1:
            seen[name] += 1
            labels.append(f"{name} {seen[name]}")
        else:
            labels.append(name)
    return labels


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
