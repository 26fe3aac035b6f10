"""Outside text made safe to show: nothing invisible, no markup, no bare URL linked."""

from __future__ import annotations

import json
import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.views.safe_text import INVISIBLE, escape, inert, json_visible, unlinked, visible

# The bidi controls: embeddings, overrides, isolates, and the marks.
BIDI = [
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
    "\u200e",
    "\u200f",
    "\u061c",
]


def test_bidi_controls_are_removed_so_text_reads_as_it_is() -> None:
    # "exe.txt" written right to left reads "txt.exe" on screen.
    assert visible("invoice\u202etxt.exe") == "invoicetxt.exe"
    for char in BIDI:
        assert visible(f"a{char}b") == "ab", f"U+{ord(char):04X}"


def test_other_invisible_and_control_characters_are_removed() -> None:
    assert visible("re\u200bstart\ufeff\u2060\u00adTopic") == "restartTopic"
    assert visible("\x1b[31mred\x1b[0m\r") == "[31mred[0m"
    # Tag characters spell hidden text that some readers (and models) still read.
    assert visible("ok" + "".join(chr(0xE0000 + ord(c)) for c in "rm -rf")) == "ok"


def test_what_legitimate_text_needs_is_kept() -> None:
    text = '重启实例 👨\u200d👩\u200d👧 می\u200cخواهم\n\t{"a": 1}'
    assert visible(text) == text


def test_every_invisible_format_and_control_character_is_covered() -> None:
    """Held to the Unicode database this Python carries, so a new one is not missed."""
    kept = {"\t", "\n", "\u200c", "\u200d"}
    missed = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in ("Cc", "Cf")
        and chr(code) not in kept
        and not INVISIBLE.fullmatch(chr(code))
    ]
    assert missed == []


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("https://evil.example/login", "https[:]//evil.example/login"),
        ("HTTP://x.example, ftp://y.example", "HTTP[:]//x.example, ftp[:]//y.example"),
        ("www.evil.example/a", "www[.]evil.example/a"),
        ('{"sink": "https://svc@sink.example/in"}', '{"sink": "https[:]//svc@sink.example/in"}'),
        # Wherever they stand: Slack may find a URL inside a word.
        ("1https://x.example", "1https[:]//x.example"),
        ("topic.www.data", "topic.www[.]data"),
        # Not URLs: left as they are.
        ("restartInstance.v2", "restartInstance.v2"),
        ("path/to//file", "path/to//file"),
    ],
)  # fmt: skip
def test_bare_urls_are_broken_so_slack_does_not_link_them(text: str, shown: str) -> None:
    assert unlinked(text) == shown
    assert unlinked(shown) == shown  # once is enough: unlinking again changes nothing


def test_escape_leaves_no_markup_no_link_and_nothing_invisible() -> None:
    evil = "<@U123> & <!channel> <https://evil.example|click> \u202eabc"
    assert escape(evil) == (
        "&lt;@U123&gt; &amp; &lt;!channel&gt; &lt;https[:]//evil.example|click&gt; abc"
    )
    # Plain text (headers, buttons) is shown as written by Slack: not escaped.
    assert inert("a<b>&c https://x.example \u2066") == "a<b>&c https[:]//x.example "


@given(st.text())
def test_escaped_text_has_no_raw_markup_and_nothing_invisible(text: str) -> None:
    shown = escape(text)
    assert "<" not in shown
    assert ">" not in shown
    assert INVISIBLE.search(shown) is None
    assert "://" not in shown
    assert "www." not in shown.lower()


@given(st.dictionaries(st.text(), st.text() | st.integers(), max_size=4))
def test_json_for_the_terminal_is_the_same_data_with_nothing_invisible(value: object) -> None:
    document = json.dumps(value, ensure_ascii=False)
    shown = json_visible(document)
    assert INVISIBLE.search(shown) is None
    assert json.loads(shown) == value


def test_json_for_the_terminal_escapes_characters_past_the_first_plane_as_pairs() -> None:
    tag = chr(0xE0041)
    shown = json_visible(json.dumps({"name": f"a{tag}\u202e"}, ensure_ascii=False))
    assert shown == '{"name": "a\\udb40\\udc41\\u202e"}'
    assert json.loads(shown) == {"name": f"a{tag}\u202e"}
