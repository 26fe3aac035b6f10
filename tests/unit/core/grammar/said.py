"""What every refusal of the grammar says, in each language: shared by the tests of
``bot.core.grammar`` (a command's and a window's errors are held to the same)."""

from __future__ import annotations

import re

from bot.core.grammar.errors import Refusal
from bot.core.grammar.zh_write import to_zh
from bot.i18n import Lang

CJK = re.compile(r"[\u4e00-\u9fff]")


def quoted(bad: str, lang: Lang) -> str:
    """The bad part as an error in ``lang`` quotes it."""
    return f"“{bad}”" if lang == "zh" else f'"{bad}"'


def fix(suggestion: str, lang: Lang) -> str:
    """The suggestion as an error in ``lang`` ends with it, written as its reader types."""
    return f"试试“{to_zh(suggestion)}”" if lang == "zh" else f'try "{suggestion}"'


def assert_said(e: Refusal, lang: Lang) -> str:
    """One line in ``lang``, with the reason wherever there is one and the suggestion
    last, written as a reader of ``lang`` types it; the text is returned."""
    said = e.text(lang)
    assert e.text("en") == str(e)
    assert "\n" not in said
    assert said.endswith(fix(e.suggestion, lang))
    if e.why is not None:
        assert e.why.text(lang) in said
    if lang == "zh":
        assert said != str(e)
        assert CJK.search(said)
        assert "couldn't" not in said
        if e.why is not None:
            assert CJK.search(e.why.text("zh"))
    else:
        assert said.startswith("couldn't read")
    return said
