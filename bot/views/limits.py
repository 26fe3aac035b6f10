"""Slack's Block Kit limits, checked on the JSON we are about to send.

slack_sdk validates some limits when a block is serialised, but not all of them (not
the 50 blocks of a message, the 2000 characters of a section field, the 4000 of the
top-level text, nor empty texts or duplicate ids), and Slack rejects a whole message
for one bad block: the user would see nothing at all. ``check_message`` is the full
list, so tests can hold every builder to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# Escaping lives with the rest of what makes outside text safe; every view imports it
# from here, beside the clip that must not split what it writes.
from bot.views.safe_text import escape as escape

MAX_BLOCKS = 50
HEADER_TEXT = 150
SECTION_TEXT = 3000
SECTION_FIELDS = 10
FIELD_TEXT = 2000
CONTEXT_ELEMENTS = 10
# Slack's limit on any text object; the section and field limits are tighter.
TEXT_OBJECT = 3000
ACTIONS_ELEMENTS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
BUTTON_URL = 3000
ID_LENGTH = 255
MESSAGE_TEXT = 4000

ELLIPSIS = "…"
# The longest entity we write (``&amp;``); a cut closer than this to an ``&`` may split one.
_LONGEST_ENTITY = len("&amp;")


def clip(text: str, limit: int, *, mrkdwn: bool = True) -> str:
    """``text`` cut to at most ``limit`` characters, ending in "…" when cut.

    In mrkdwn the cut backs off to before a ``<...>`` token (a date, mention or link)
    or an ``&amp;``-style entity it would split: half a token shows as raw markup, or
    makes Slack reject the text. Plain text (headers, button labels) has no markup, so
    there the cut is exact.
    """
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    head = text[: limit - len(ELLIPSIS)]
    if mrkdwn:
        opened = head.rfind("<")
        if opened != -1 and head.find(">", opened) == -1:
            head = head[:opened]
        amp = head.rfind("&")
        if amp != -1 and len(head) - amp < _LONGEST_ENTITY and ";" not in head[amp:]:
            head = head[:amp]
    return head.rstrip() + ELLIPSIS


def check_message(blocks: Sequence[Mapping[str, Any]], text: str) -> list[str]:
    """Every Slack limit the message breaks, as readable lines; empty when it is fine."""
    problems: list[str] = []
    if len(text) > MESSAGE_TEXT:
        problems.append(f"text has {len(text)} characters (max {MESSAGE_TEXT})")
    if len(blocks) > MAX_BLOCKS:
        problems.append(f"{len(blocks)} blocks (max {MAX_BLOCKS})")
    block_ids: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"block {index} ({block.get('type')})"
        block_id = block.get("block_id")
        if block_id is not None:
            problems.extend(f"{where}: {p}" for p in _id_problems("block_id", block_id))
            if block_id in block_ids:
                problems.append(f"{where}: block_id {block_id!r} is used twice")
            block_ids.add(str(block_id))
        problems.extend(f"{where}: {p}" for p in _check_block(block))
    return problems


def _check_block(block: Mapping[str, Any]) -> list[str]:
    kind = block.get("type")
    problems: list[str] = []
    if kind == "header":
        _check_text(problems, "text", block.get("text"), HEADER_TEXT, plain=True)
    elif kind == "section":
        text, fields = block.get("text"), block.get("fields")
        if text is None and not fields:
            problems.append("a section needs text or fields")
        if text is not None:
            _check_text(problems, "text", text, SECTION_TEXT)
        if fields is not None:
            if len(fields) > SECTION_FIELDS:
                problems.append(f"{len(fields)} fields (max {SECTION_FIELDS})")
            for i, item in enumerate(fields):
                _check_text(problems, f"field {i}", item, FIELD_TEXT)
        accessory = block.get("accessory")
        if accessory is not None:
            problems.extend(f"accessory: {p}" for p in _check_element(accessory))
    elif kind == "context":
        elements = block.get("elements") or []
        _check_count(problems, len(elements), CONTEXT_ELEMENTS)
        for i, element in enumerate(elements):
            if element.get("type") in ("mrkdwn", "plain_text"):
                _check_text(problems, f"element {i}", element, TEXT_OBJECT)
    elif kind == "actions":
        elements = block.get("elements") or []
        _check_count(problems, len(elements), ACTIONS_ELEMENTS)
        action_ids: set[str] = set()
        for i, element in enumerate(elements):
            problems.extend(f"element {i}: {p}" for p in _check_element(element))
            action_id = element.get("action_id")
            # Slack wants action ids unique within a block, and rejects the message if not.
            if action_id is not None:
                if action_id in action_ids:
                    problems.append(f"element {i}: action_id {action_id!r} is used twice")
                action_ids.add(str(action_id))
    return problems


def _check_element(element: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    action_id = element.get("action_id")
    if action_id is not None:
        problems.extend(_id_problems("action_id", action_id))
    if element.get("type") == "button":
        _check_text(problems, "button text", element.get("text"), BUTTON_TEXT, plain=True)
        value = element.get("value")
        if value is not None and len(str(value)) > BUTTON_VALUE:
            problems.append(f"button value has {len(str(value))} characters (max {BUTTON_VALUE})")
        url = element.get("url")
        if url is not None and len(str(url)) > BUTTON_URL:
            problems.append(f"button url has {len(str(url))} characters (max {BUTTON_URL})")
    return problems


def _check_text(
    problems: list[str], what: str, obj: object, limit: int, *, plain: bool = False
) -> None:
    if not isinstance(obj, Mapping):
        problems.append(f"{what} is not a text object")
        return
    kind = obj.get("type")
    if plain and kind != "plain_text":
        problems.append(f"{what} must be plain_text, not {kind!r}")
    elif kind not in ("plain_text", "mrkdwn"):
        problems.append(f"{what} has an unknown text type {kind!r}")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        # Slack rejects empty and whitespace-only texts, though slack_sdk lets them by.
        problems.append(f"{what} is empty")
    elif len(text) > limit:
        problems.append(f"{what} has {len(text)} characters (max {limit})")


def _check_count(problems: list[str], count: int, limit: int) -> None:
    if count == 0:
        problems.append("no elements")
    elif count > limit:
        problems.append(f"{count} elements (max {limit})")


def _id_problems(name: str, value: object) -> list[str]:
    if not isinstance(value, str) or not value:
        return [f"{name} is empty"]
    if len(value) > ID_LENGTH:
        return [f"{name} has {len(value)} characters (max {ID_LENGTH})"]
    return []
