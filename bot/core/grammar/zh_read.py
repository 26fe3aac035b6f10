"""Simplified Chinese for the command grammar: read as the English grammar's own words.

``read`` turns a command (or a window) into the words the English grammar reads, each
traced back to the text typed, so that ``最近1小时失败`` is read exactly as
``last 1h failed`` and an error still quotes ``最近1小时``. English words, instance
names and ids pass through as typed, so both languages mix freely in one command.

Chinese is often written without spaces, so a space-separated word holding Chinese is
split where the script changes and at the Chinese words ``zh_words`` knows. That is
safe because instance names and ids are ASCII (the grammar reads them as
``[A-Za-z0-9][A-Za-z0-9._-]*``) and so are task ids. The exception is a name glob: the
word after ``name``/``名称`` is kept whole, as in English, since it may hold anything.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from bot.core.grammar.zh_order import resolve
from bot.core.grammar.zh_words import (
    CJK,
    KEYWORDS,
    LANG_VALUES,
    LONGEST_KEYWORD,
    OTHER,
    PATTERNS,
    Token,
    Word,
    has_chinese,
)


@dataclass(frozen=True)
class Phrase:
    """A command's words as the English grammar reads them, each traced to what was typed."""

    text: str
    tokens: tuple[Token, ...]

    def english(self) -> list[str]:
        return [word for token in self.tokens for word in token.words]

    def typed_at(self, word_indices: Collection[int]) -> str:
        """The text typed for some of ``english()``: the tokens they came from."""
        origins = self._origins()
        wanted = sorted({origins[i] for i in word_indices})
        return self._typed([self.tokens[i] for i in wanted])

    def quote(self, bad: str) -> str:
        """The text typed for ``bad``, a run of English words an error quotes.

        The last run that matches is taken: a repeated option is reported where it is
        repeated. Anything else (not a run of words) is returned as it is.
        """
        wanted = bad.split(" ")
        english = self.english()
        for first in range(len(english) - len(wanted), -1, -1):
            if english[first : first + len(wanted)] == wanted:
                origins = self._origins()
                tokens = self.tokens[origins[first] : origins[first + len(wanted) - 1] + 1]
                return self._typed(tokens)
        return bad

    def _origins(self) -> list[int]:
        return [i for i, token in enumerate(self.tokens) for _ in token.words]

    def _typed(self, tokens: Sequence[Token]) -> str:
        parts: list[str] = []
        for i, token in enumerate(tokens):
            # Spaced as typed between neighbours ("lang:zh" keeps its colon), one space
            # between parts apart, so English reads back as the words it was split into.
            gap = self.text[tokens[i - 1].end : token.start] if i else ""
            if gap:
                parts.append(gap if gap in (":", "=") else " ")
            parts.append(self.text[token.start : token.end])
        return "".join(parts)


def read(text: str, *, keys: Collection[str] = (), verbatim_after: Collection[str] = ()) -> Phrase:
    """Split normalised text into the grammar's words, Chinese read as English.

    ``keys`` are English keywords also written glued to their value ("status:failed");
    the value after a word in ``verbatim_after`` is kept whole, whatever it holds.
    """
    tokens: list[Token] = []
    expect = ""  # what the next word is: "verbatim", "lang" (a language) or anything
    inline = re.compile(rf"({'|'.join(map(re.escape, keys))})([:=])(.*)", re.I | re.S)
    for match in re.finditer(r"\S+", text):
        word, start = match[0], match.start()
        if expect == "verbatim":
            tokens.append(Token((word,), start, match.end(), "verbatim"))
            expect = ""
            continue
        glued = inline.fullmatch(word) if keys and not expect else None
        if glued is not None:
            key_end = start + len(glued[1])
            tokens.append(Token((glued[1],), start, key_end))
            word, start = glued[3], key_end + 1
            expect = _expecting(glued[1], verbatim_after)
            if not word:
                continue
            if expect == "verbatim":
                tokens.append(Token((word,), start, match.end(), "verbatim"))
                expect = ""
                continue
        if has_chinese(word):
            split, expect = _segment(word, start, verbatim_after, expect)
            tokens.extend(split)
        else:
            tokens.append(Token((word,), start, start + len(word)))
            expect = _expecting(word, verbatim_after)
    return Phrase(text, tuple(resolve(tokens)))


def _expecting(word: str, verbatim_after: Collection[str]) -> str:
    lowered = word.lower()
    return "verbatim" if lowered in verbatim_after else "lang" if lowered == "lang" else ""


def _segment(
    word: str, offset: int, verbatim_after: Collection[str], expect: str
) -> tuple[list[Token], str]:
    """The tokens of one space-separated word, and what the next word is expected to be."""
    tokens: list[Token] = []
    at = 0
    while at < len(word):
        found = _language_at(word, at) if expect == "lang" else None
        found = found or _longest_at(word, at)
        if found is None:
            end = at + 1
            while end < len(word) and CJK.match(word, end) and _longest_at(word, end) is None:
                end += 1
            found = Word((word[at:end],), "unknown"), end
        meaning, end = found
        if meaning.kind == "key" and end < len(word) and word[end] in ":=":
            end += 1  # 状态:失败, 名称=restart*
        chinese = has_chinese(word[at:end])
        tokens.append(Token(meaning.words, offset + at, offset + end, meaning.kind, chinese))
        at = end
        expect = _expecting(meaning.words[-1], verbatim_after) if meaning.words else ""
        if expect == "verbatim" and at < len(word):
            tokens.append(Token((word[at:],), offset + at, offset + len(word), "verbatim"))
            return tokens, ""
    return tokens, expect


def _language_at(word: str, at: int) -> tuple[Word, int] | None:
    """A language after 语言/lang: 中文 or 英文, else the Chinese run whole, so that an
    unknown one (日文) is quoted whole rather than read as 日 (days) and 文."""
    for name, lang in LANG_VALUES.items():
        if word.startswith(name, at):
            return Word((lang,), "lang-value"), at + len(name)
    end = at
    while end < len(word) and CJK.match(word, end):
        end += 1
    return (Word((word[at:end],), "unknown"), end) if end > at else None


def _longest_at(word: str, at: int) -> tuple[Word, int] | None:
    """What the text at ``at`` reads as, and where it ends: the longest reading wins,
    the patterns before the keywords on a tie."""
    best: tuple[Word, int] | None = None
    for pattern, build in PATTERNS:
        match = pattern.match(word, at)
        if match is not None and (best is None or match.end() > best[1]):
            meaning = build(match)
            if meaning is not None:
                best = meaning, match.end()
    for size in range(min(LONGEST_KEYWORD, len(word) - at), 0, -1):
        # Lower-cased one candidate at a time: lower() may change a string's length.
        keyword = KEYWORDS.get(word[at : at + size].lower())
        if keyword is not None:
            if best is None or at + size > best[1]:
                best = keyword, at + size
            break
    other = OTHER.match(word, at)
    if other is not None and (best is None or other.end() > best[1]):
        best = Word((other[0],)), other.end()
    if best is None and word[at] == ",":
        best = Word((",",), "comma"), at + 1
    return best
