"""The checks Slack applies to a message before it accepts it.

The fake Slack server runs these so that an end-to-end test fails the way production
would: slack_sdk's block models validate only some limits, and not at all when blocks
are plain dicts, so a message our views build can pass every unit test and still be
refused by Slack with ``invalid_blocks``. Only documented limits are enforced here; a
check that Slack might not make would turn into a false failure in our tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_BLOCKS_PER_MESSAGE = 50
MAX_ATTACHMENTS = 100
# chat.postMessage truncates past 40,000 characters; the fake refuses instead, so that
# a test notices. chat.update documents a 4,000-character cap of its own.
MAX_POST_TEXT = 40_000
MAX_UPDATE_TEXT = 4_000

_MAX_ID = 255
_SECTION_TEXT = 3_000
_SECTION_FIELDS = 10
_SECTION_FIELD_TEXT = 2_000
_HEADER_TEXT = 150
_ACTIONS_ELEMENTS = 25
_CONTEXT_ELEMENTS = 10
_MARKDOWN_TEXT = 12_000
_BUTTON_TEXT = 75
_BUTTON_VALUE = 2_000
_URL = 3_000
_OPTIONS = 100
_OPTION_TEXT = 75
_OPTION_VALUE = 150

# Every block type Slack documents for messages. An unknown type is refused, which
# catches a typo in a hand-built dict.
_BLOCK_TYPES = frozenset(
    {
        "actions",
        "call",
        "context",
        "context_actions",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "table",
        "video",
    }
)
_TEXT_TYPES = frozenset({"plain_text", "mrkdwn"})
_BUTTON_STYLES = frozenset({"primary", "danger"})


@dataclass(frozen=True)
class SlackError:
    """A refusal as Slack words it: the error code and, for block problems, the
    per-field messages Slack lists in ``errors`` and ``response_metadata.messages``."""

    error: str
    messages: tuple[str, ...] = field(default=())

    def body(self) -> dict[str, Any]:
        """The JSON body of the Web API answer."""
        body: dict[str, Any] = {"ok": False, "error": self.error}
        if self.messages:
            body["errors"] = list(self.messages)
            body["response_metadata"] = {"messages": [f"[ERROR] {m}" for m in self.messages]}
        return body


def check_message(args: Mapping[str, Any], *, text_limit: int) -> SlackError | None:
    """Why Slack would refuse a message with these arguments, or None if it would not.

    ``args`` are the request's arguments with ``blocks`` already JSON-decoded when it
    was sent as a string; a string still here is not valid JSON.
    """
    blocks = args.get("blocks")
    if blocks is not None and not isinstance(blocks, list):
        return SlackError("invalid_blocks_format")
    attachments = args.get("attachments")
    if isinstance(attachments, list) and len(attachments) > MAX_ATTACHMENTS:
        return SlackError("too_many_attachments")
    text = args.get("text")
    if not text and not blocks and not attachments and not args.get("markdown_text"):
        return SlackError("no_text")
    if isinstance(text, str) and len(text) > text_limit:
        return SlackError("msg_too_long")
    if blocks:
        problems = block_problems(blocks)
        if problems:
            return SlackError("invalid_blocks", tuple(problems))
    return None


def block_problems(blocks: list[Any]) -> list[str]:
    """Every documented limit these blocks break, each with a JSON pointer like Slack's."""
    problems: list[str] = []
    if len(blocks) > MAX_BLOCKS_PER_MESSAGE:
        problems.append(
            f"no more than {MAX_BLOCKS_PER_MESSAGE} items allowed [json-pointer:/blocks]"
        )
    seen_block_ids: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"/blocks/{index}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            problems.append(f"must be an object with a type [json-pointer:{where}]")
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            if not isinstance(block_id, str) or not 0 < len(block_id) <= _MAX_ID:
                problems.append(f"invalid block_id [json-pointer:{where}/block_id]")
            elif block_id in seen_block_ids:
                # Slack keys interactions by block_id, so a duplicate is refused.
                problems.append(f"duplicate block_id [json-pointer:{where}/block_id]")
            else:
                seen_block_ids.add(block_id)
        problems.extend(_block_type_problems(block, where))
    return problems


def _block_type_problems(block: Mapping[str, Any], where: str) -> list[str]:
    kind = block["type"]
    if kind not in _BLOCK_TYPES:
        return [f"unsupported type `{kind}` [json-pointer:{where}/type]"]
    if kind == "section":
        return _section_problems(block, where)
    if kind == "header":
        return _text_problems(block.get("text"), f"{where}/text", _HEADER_TEXT, plain=True)
    if kind == "actions":
        return _elements_problems(block, where, _ACTIONS_ELEMENTS, _element_problems)
    if kind == "context":
        return _elements_problems(block, where, _CONTEXT_ELEMENTS, _context_element_problems)
    if kind == "markdown":
        text = block.get("text")
        if not isinstance(text, str) or not 0 < len(text) <= _MARKDOWN_TEXT:
            return [f"must be 1 to {_MARKDOWN_TEXT} characters [json-pointer:{where}/text]"]
    return []


def _section_problems(block: Mapping[str, Any], where: str) -> list[str]:
    problems: list[str] = []
    text, fields = block.get("text"), block.get("fields")
    if text is None and not fields:
        problems.append(f"must provide text or fields [json-pointer:{where}]")
    if text is not None:
        problems.extend(_text_problems(text, f"{where}/text", _SECTION_TEXT))
    if fields is not None:
        if not isinstance(fields, list) or len(fields) > _SECTION_FIELDS:
            problems.append(
                f"no more than {_SECTION_FIELDS} items allowed [json-pointer:{where}/fields]"
            )
        else:
            for i, item in enumerate(fields):
                problems.extend(_text_problems(item, f"{where}/fields/{i}", _SECTION_FIELD_TEXT))
    accessory = block.get("accessory")
    if accessory is not None:
        problems.extend(_element_problems(accessory, f"{where}/accessory"))
    return problems


def _elements_problems(
    block: Mapping[str, Any],
    where: str,
    limit: int,
    check: Callable[[Any, str], list[str]],
) -> list[str]:
    elements = block.get("elements")
    if not isinstance(elements, list) or not 0 < len(elements) <= limit:
        return [f"must have 1 to {limit} elements [json-pointer:{where}/elements]"]
    problems: list[str] = []
    action_ids: set[str] = set()
    for i, element in enumerate(elements):
        at = f"{where}/elements/{i}"
        problems.extend(check(element, at))
        action_id = element.get("action_id") if isinstance(element, dict) else None
        if isinstance(action_id, str):
            # Unique within the block: Slack reports the pair (block_id, action_id).
            if action_id in action_ids:
                problems.append(f"duplicate action_id [json-pointer:{at}/action_id]")
            action_ids.add(action_id)
    return problems


def _element_problems(element: Any, where: str) -> list[str]:
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        return [f"must be an object with a type [json-pointer:{where}]"]
    problems: list[str] = []
    action_id = element.get("action_id")
    if action_id is not None and (not isinstance(action_id, str) or len(action_id) > _MAX_ID):
        problems.append(f"must be at most {_MAX_ID} characters [json-pointer:{where}/action_id]")
    if element["type"] == "button":
        problems.extend(
            _text_problems(element.get("text"), f"{where}/text", _BUTTON_TEXT, plain=True)
        )
        problems.extend(_length_problems(element, "value", _BUTTON_VALUE, where))
        problems.extend(_length_problems(element, "url", _URL, where))
        style = element.get("style")
        if style is not None and style not in _BUTTON_STYLES:
            problems.append(f"must be primary or danger [json-pointer:{where}/style]")
    options = element.get("options")
    if isinstance(options, list):
        if len(options) > _OPTIONS:
            problems.append(f"no more than {_OPTIONS} items allowed [json-pointer:{where}/options]")
        for i, option in enumerate(options):
            problems.extend(_option_problems(option, f"{where}/options/{i}"))
    return problems


def _context_element_problems(element: Any, where: str) -> list[str]:
    if isinstance(element, dict) and element.get("type") == "image":
        return []
    return _text_problems(element, where, None)


def _option_problems(option: Any, where: str) -> list[str]:
    if not isinstance(option, dict):
        return [f"must be an object [json-pointer:{where}]"]
    return [
        *_text_problems(option.get("text"), f"{where}/text", _OPTION_TEXT),
        *_length_problems(option, "value", _OPTION_VALUE, where),
    ]


def _text_problems(obj: Any, where: str, limit: int | None, *, plain: bool = False) -> list[str]:
    if not isinstance(obj, dict) or obj.get("type") not in _TEXT_TYPES:
        return [f"must be a text object [json-pointer:{where}]"]
    if plain and obj["type"] != "plain_text":
        return [f"must be plain_text [json-pointer:{where}/type]"]
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return [f"must be more than 0 characters [json-pointer:{where}/text]"]
    if limit is not None and len(text) > limit:
        return [f"must be less than {limit + 1} characters [json-pointer:{where}/text]"]
    return []


def _length_problems(obj: Mapping[str, Any], key: str, limit: int, where: str) -> list[str]:
    value = obj.get(key)
    if value is not None and (not isinstance(value, str) or len(value) > limit):
        return [f"must be less than {limit + 1} characters [json-pointer:{where}/{key}]"]
    return []
