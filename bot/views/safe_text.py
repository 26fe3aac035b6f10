"""Text from outside made safe to show: the one place it passes before Slack or a terminal.

Task names, users, statuses, params, instance names and DMS's error messages are
written by whoever can reach DMS, and shown by the bot as its own words. Three things
in them must not survive into a view:

- Characters that change how text reads without being seen: bidirectional controls
  (an RLO turns ``exe.txt`` into ``txt.exe`` on screen), zero-width and other
  invisible format characters, and control characters (a terminal runs ESC sequences).
  ``visible`` removes them; it is all the terminal needs.
- Slack's markup: ``<@U123>``, ``<!channel>`` and ``<https://x|click>`` are mentions and
  links only when sent raw. ``escape`` writes ``&``, ``<`` and ``>`` as Slack asks.
- Bare URLs: Slack turns ``https://…`` and ``www.…`` into links, as if the bot vouched
  for them. ``unlinked`` breaks each one visibly (``https[:]//…``, ``www[.]…``), which
  holds in every place Slack shows text, the notification ``text`` included; the
  mrkdwn text objects the views build also set ``verbatim``, which stops Slack linking
  anything it finds there by itself (bare domains, channel names).

Kept on purpose: the zero-width joiner and non-joiner (emoji sequences, Persian and
Indic shaping), newlines and tabs (params are shown as indented JSON).
"""

from __future__ import annotations

import re

__all__ = ["INVISIBLE", "escape", "inert", "json_visible", "unlinked", "visible"]

# The bidi controls: embeddings and overrides, isolates, and the marks.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Every other invisible format character (Unicode category Cf, but for ZWJ and ZWNJ) and
# the C0 and C1 controls but for tab and newline. tests/unit/views/test_safe_text.py holds
# this list to the Unicode database.
_OTHER = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f"
    "\u00ad\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b"
    "\u2060-\u2064\u206a-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
INVISIBLE = re.compile(f"[{_BIDI}{_OTHER}]")
# What Slack links in text: a scheme's ``://`` and a ``www.``, wherever they stand.
_WWW = re.compile(r"(www)\.", re.IGNORECASE)


def visible(text: str) -> str:
    """``text`` without bidi controls, invisible format characters and control
    characters (tabs and newlines stay)."""
    return INVISIBLE.sub("", text)


def unlinked(text: str) -> str:
    """``text`` with each bare URL broken so that Slack does not make it a link."""
    text = text.replace("://", "[:]//")
    if "." in text:
        text = _WWW.sub(r"\1[.]", text)
    return text


def inert(text: str) -> str:
    """Text from outside for Slack's plain_text (headers, button labels), which Slack
    shows as written: nothing invisible, no bare URL; nothing escaped."""
    return unlinked(visible(text))


def escape(text: str) -> str:
    """Text from outside (DMS, users) made inert in mrkdwn: nothing invisible, and no
    mentions, links or dates."""
    return inert(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def json_visible(document: str) -> str:
    """A JSON document (``ensure_ascii=False``) with each invisible character written as
    its ``\\uXXXX`` escape: the same data, safe to print to a terminal."""
    return INVISIBLE.sub(_json_escape, document)


def _json_escape(found: re.Match[str]) -> str:
    char = found.group()
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    # JSON escapes a character outside the BMP as its UTF-16 surrogate pair.
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
