"""Chinese word order read as English: 第2页 is "page 2", 09:00以来 "since 09:00",
1小时内 "last 1h", 从 A 到 B "from A to B", 失败、运行中 one status list. English
tokens are left alone.
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.grammar.zh_words import LENGTH_WORD, POINT_WORD, ZH_STATUSES, Token


def resolve(tokens: list[Token]) -> list[Token]:
    """Rewrite the Chinese tokens into English order; English tokens are left alone."""
    tokens = _pages(tokens)
    tokens = _commas(tokens)
    tokens = _tasks(tokens)
    tokens = _ranges(tokens)
    return _afterwords(tokens)


def _pages(tokens: list[Token]) -> list[Token]:
    """第2页, 第 二 页 -> page 2."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        window = tokens[i : i + 3]
        if (
            len(window) == 3
            and window[0].kind == "ordinal"
            and len(window[1].words) == 1
            and window[1].words[0].isascii()
            and window[1].words[0].isdigit()
            and window[2].words == ("page",)
        ):
            out.append(
                Token(("page", window[1].words[0]), window[0].start, window[2].end, "", True)
            )
            i += 3
        else:
            out.append(tokens[i])
            i += 1
    return out


def _commas(tokens: list[Token]) -> list[Token]:
    """失败,运行中 and 失败、运行中: one comma list, as English writes "failed,running".

    Elsewhere a comma only separates phrases (prod-orders，最近1小时，失败) and is
    dropped: glued on, it would spoil the word before it ("1h," ends no window).
    """
    out: list[Token] = []
    for i, token in enumerate(tokens):
        if token.kind != "comma":
            out.append(token)
            continue
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        before = out[-1] if out and out[-1].words else None
        if before is not None and (
            _is_status(before) or (before.kind == "unknown" and after and _is_status(after))
        ):
            words = (*before.words[:-1], before.words[-1] + ",")
            out[-1] = replace(before, words=words, end=token.end, chinese=True)
        else:
            out.append(replace(token, words=(), kind="filler"))
    return out


def _is_status(token: Token) -> bool:
    return bool(token.words) and token.words[-1].lower().rstrip(",") in ZH_STATUSES


def _tasks(tokens: list[Token]) -> list[Token]:
    # "任务" is also just "tasks" (prod-orders 最近1小时失败的任务): only a task id after it
    # (something not Chinese) makes it the task lookup.
    out = list(tokens)
    following: Token | None = None  # the next token with words, walking back
    for i in range(len(out) - 1, -1, -1):
        token = out[i]
        if token.kind == "task" and (following is None or following.chinese):
            out[i] = replace(token, words=(), kind="filler")
        if token.words:
            following = token
    return out


def _ranges(tokens: list[Token]) -> list[Token]:
    """从/自 A 到 B is "from A to B"; without an end it is "since A"; A 到 B is a range too."""
    out = list(tokens)
    end_later = False  # walking back: whether a "to" follows
    for i in range(len(out) - 1, -1, -1):
        token = out[i]
        if token.kind == "from" and end_later:
            out[i] = replace(token, words=("from",))
        end_later = end_later or (token.words == ("to",) and token.kind != "verbatim")
    for i, token in enumerate(out):
        if token.kind == "to":
            start = _point_start(out, i)
            if start < i and _word_before(out, start) not in ("from", "since", "between"):
                out[start] = replace(out[start], words=("from", *out[start].words))
    return out


def _afterwords(tokens: list[Token]) -> list[Token]:
    """09:00以来 is "since 09:00", 1小时内 is "last 1h": the word after joins what it
    follows, and the English keyword is put in front when none is there."""
    out: list[Token] = []
    for token in tokens:
        keyword = {"since-after": "since", "last-after": "last", "range-after": ""}.get(token.kind)
        if keyword is None:
            out.append(token)
            continue
        is_part = _is_point if keyword != "last" else _is_length
        if not out or not is_part(out[-1]):
            out.append(token)  # nothing to join: left as typed for the reader to refuse
            continue
        out[-1] = replace(out[-1], end=token.end)
        if keyword:
            start = len(out) - 1
            while start > 0 and is_part(out[start - 1]):
                start -= 1
            if _word_before(out, start) not in (keyword, "from", "to", "between"):
                out[start] = replace(out[start], words=(keyword, *out[start].words))
    return out


def _point_start(tokens: list[Token], end: int) -> int:
    start = end
    while start > 0 and _is_point(tokens[start - 1]):
        start -= 1
    return start


def _word_before(tokens: list[Token], index: int) -> str:
    for token in reversed(tokens[:index]):
        if token.words:
            return token.words[-1].lower()
    return ""


def _is_point(token: Token) -> bool:
    return bool(token.words) and all(POINT_WORD.fullmatch(w.lower()) for w in token.words)


def _is_length(token: Token) -> bool:
    if token.kind in ("unit", "length"):
        return True
    return bool(token.words) and all(LENGTH_WORD.fullmatch(w.lower()) for w in token.words)
