"""Simplified Chinese for the command grammar: read as the English grammar's own words.

``read`` turns a command (or a window) into the words the English grammar reads, each
traced back to the text typed, so that ``最近1小时失败`` is read exactly as
``last 1h failed`` and an error still quotes ``最近1小时``. English words, instance
names and ids pass through as typed, so both languages mix freely in one command.
``to_zh`` goes the other way, for the suggestions in Chinese error messages.

Chinese is often written without spaces, so a space-separated word holding Chinese is
split where the script changes and at the Chinese words this module knows. That is
safe because instance names and ids are ASCII (the grammar reads them as
``[A-Za-z0-9][A-Za-z0-9._-]*``) and so are task ids. The exception is a name glob: the
word after ``name``/``名称`` is kept whole, as in English, since it may hold anything.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, replace

from bot.i18n import Lang

# Ideographs, CJK punctuation ("、", "。") and compatibility ideographs; full-width
# letters and digits are folded to ASCII by NFKC before anything looks at them.
_CJK_CHARS = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_CJK = re.compile(f"[{_CJK_CHARS}]")
# A run of anything else: an instance name, an English word, a time such as 09:00.
_OTHER = re.compile(f"[^\\s,?!{_CJK_CHARS}]+")

_NUMERALS = "零〇一二两三四五六七八九十百千"
_DIGIT_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_DIGIT_VALUES |= {"六": 6, "七": 7, "八": 8, "九": 9}
_POWERS = {"十": 10, "百": 100, "千": 1000}
# Nine digits at most, as in English, so no amount is too long to convert.
_NUM = f"(?:[0-9]{{1,9}}|[{_NUMERALS}]{{1,12}})"

_UNIT_SECONDS = {
    **dict.fromkeys(("秒", "秒钟"), 1),
    **dict.fromkeys(("分", "分钟"), 60),
    **dict.fromkeys(("小时", "钟头"), 3600),
    **dict.fromkeys(("天", "日"), 86400),
    **dict.fromkeys(("周", "星期", "礼拜"), 604800),
}
_UNIT_WORDS = {1: "s", 60: "m", 3600: "h", 86400: "d", 604800: "w"}
_UNITS = "|".join(sorted(_UNIT_SECONDS, key=len, reverse=True))
# 一小时, 30分钟, 两个半小时, 半小时, 一天半. "个" is the measure word people put in.
_DURATION = re.compile(
    rf"(?:(?P<n>{_NUM})个?(?P<half>半)?|(?P<only>半)个?)(?P<unit>{_UNITS})(?P<after>半)?"
)
# 9点, 9点半, 下午3点15分, 9时30分: a clock. The part of the day decides am or pm.
_CLOCK = re.compile(
    rf"(?P<part>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上)?(?P<h>{_NUM})[点时]"
    rf"(?:(?P<half>半)|整|(?P<m>{_NUM})分?(?:(?P<s>{_NUM})秒)?)?"
)
_DATE = re.compile(r"(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})[日号]?")


@dataclass(frozen=True)
class _Word:
    words: tuple[str, ...]
    kind: str = ""


def _entries(kind: str, words: tuple[str, ...] | None, *keys: str) -> dict[str, _Word]:
    """``words`` None: the word stands for itself until ``_resolve`` finds it a place, so
    one left where it means nothing is quoted back as typed."""
    return {key: _Word((key,) if words is None else words, kind) for key in keys}


# Chinese words and what the English grammar reads for them. The kinds drive the
# rewrites in ``_resolve``: Chinese puts "since" after the time (09:00以来) and "last"
# after the length (1小时内), writes ranges as 从 A 到 B, and pages as 第2页.
_KEYWORDS: dict[str, _Word] = {
    **_entries("", ("help",), "帮助", "用法", "使用说明"),
    **_entries("", ("instances",), "实例", "实例列表", "所有实例", "列出实例"),
    **_entries("", ("subscribe",), "订阅", "添加订阅"),
    **_entries("", ("unsubscribe",), "取消订阅", "退订"),
    **_entries("", ("subscriptions",), "订阅列表", "所有订阅", "列出订阅", "查看订阅"),
    **_entries("", ("last",), "最近", "过去", "近", "最近的", "过去的"),
    **_entries("from", ("since",), "自", "从", "自从"),
    **_entries("to", ("to",), "到", "至", "直到"),
    **_entries("", ("today",), "今天", "今日"),
    **_entries("", ("yesterday",), "昨天", "昨日"),
    **_entries("since-after", None, "起", "以来", "开始", "之后", "以后"),
    **_entries("last-after", None, "内", "以内", "之内"),
    **_entries("range-after", None, "之间"),
    **_entries("", ("failed",), "失败", "已失败"),
    **_entries("", ("success",), "成功", "已成功"),
    **_entries("", ("running",), "运行中", "进行中", "正在运行", "正在进行"),
    **_entries("", ("executing",), "执行中", "正在执行"),
    **_entries("", ("created",), "已创建"),
    **_entries("", ("deleted",), "已删除"),
    **_entries("", ("cancelled",), "已取消"),
    **_entries("", ("all",), "全部", "所有"),
    **_entries("key", ("status",), "状态"),
    **_entries("key", ("name",), "名称", "名字", "任务名", "任务名称"),
    **_entries("key", ("page",), "页", "页码"),
    **_entries("key", ("lang",), "语言"),
    **_entries("ordinal", None, "第"),
    **_entries("task", ("task",), "任务"),
    **_entries("key", ("task",), "任务id", "任务编号"),
    **_entries("comma", None, "、"),
    **_entries(
        "filler", (), "的", "了", "吗", "呢", "吧", "啊", "呀", "请", "帮我", "查询", "查看",
        "看看", "看一下", "显示", "列出", "一下", "后台任务", "。", "?", "!",
    ),
    **{unit: _Word((_UNIT_WORDS[seconds],), "unit") for unit, seconds in _UNIT_SECONDS.items()},
    **_entries("unit", ("h",), "个小时", "个钟头"),
    **_entries("unit", ("w",), "个星期", "个礼拜"),
}  # fmt: skip
_LONGEST_KEYWORD = max(map(len, _KEYWORDS))
# Longest first: matched as prefixes of what follows 语言.
_LANG_VALUES = {"简体中文": "zh", "中文": "zh", "汉语": "zh", "英文": "en", "英语": "en"}

# Words a time is made of (a date, a clock, a day word, a zone): what "since" governs.
_POINT_WORD = re.compile(
    r"today|yesterday|utc|gmt|z|[0-9][0-9:t-]*(?:[ap]m|z|utc)?"
    r"|(?:utc|gmt)?[+-][0-9]{1,2}(?::?[0-9]{2})?|[a-z_]+(?:/[a-z0-9_+-]+)+",
    re.ASCII,
)
_LENGTH_WORD = re.compile(r"(?:[0-9]+[a-z]*)+", re.ASCII)


def keywords() -> dict[str, tuple[str, ...]]:
    """The Chinese words a command may be made of, each with the English words it reads
    as (for the shell's completion). Fillers, units and the particles that only follow a
    number or a time are left out: they are typed glued to what they follow."""
    words = {
        word: meaning.words
        for word, meaning in _KEYWORDS.items()
        if meaning.kind in ("", "from", "to", "key", "task") and meaning.words
    }
    return words | {word: (lang,) for word, lang in _LANG_VALUES.items()}


def normalise(text: str) -> str:
    """Full-width letters, digits, spaces and punctuation (１小时, ，, ：) as ASCII."""
    return unicodedata.normalize("NFKC", text)


def has_chinese(text: str) -> bool:
    return _CJK.search(text) is not None


@dataclass(frozen=True)
class Token:
    """Words of the English grammar and the span of text they were read from."""

    words: tuple[str, ...]
    start: int
    end: int
    kind: str = ""  # "" for English as typed; see _KEYWORDS, plus "verbatim", "unknown"
    chinese: bool = False


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
    return Phrase(text, tuple(_resolve(tokens)))


def _expecting(word: str, verbatim_after: Collection[str]) -> str:
    lowered = word.lower()
    return "verbatim" if lowered in verbatim_after else "lang" if lowered == "lang" else ""


# --- splitting a word that holds Chinese ---------------------------------------------


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
            while end < len(word) and _CJK.match(word, end) and _longest_at(word, end) is None:
                end += 1
            found = _Word((word[at:end],), "unknown"), end
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


def _language_at(word: str, at: int) -> tuple[_Word, int] | None:
    """A language after 语言/lang: 中文 or 英文, else the Chinese run whole, so that an
    unknown one (日文) is quoted whole rather than read as 日 (days) and 文."""
    for name, lang in _LANG_VALUES.items():
        if word.startswith(name, at):
            return _Word((lang,), "lang-value"), at + len(name)
    end = at
    while end < len(word) and _CJK.match(word, end):
        end += 1
    return (_Word((word[at:end],), "unknown"), end) if end > at else None


def _longest_at(word: str, at: int) -> tuple[_Word, int] | None:
    """What the text at ``at`` reads as, and where it ends: the longest reading wins,
    the patterns before the keywords on a tie."""
    best: tuple[_Word, int] | None = None
    for pattern, build in _PATTERNS:
        match = pattern.match(word, at)
        if match is not None and (best is None or match.end() > best[1]):
            meaning = build(match)
            if meaning is not None:
                best = meaning, match.end()
    for size in range(min(_LONGEST_KEYWORD, len(word) - at), 0, -1):
        # Lower-cased one candidate at a time: lower() may change a string's length.
        keyword = _KEYWORDS.get(word[at : at + size].lower())
        if keyword is not None:
            if best is None or at + size > best[1]:
                best = keyword, at + size
            break
    other = _OTHER.match(word, at)
    if other is not None and (best is None or other.end() > best[1]):
        best = _Word((other[0],)), other.end()
    if best is None and word[at] == ",":
        best = _Word((",",), "comma"), at + 1
    return best


def _number(text: str) -> int:
    if text.isascii():
        return int(text)
    if all(c in _DIGIT_VALUES for c in text):  # 二〇二六: digit by digit
        return int("".join(str(_DIGIT_VALUES[c]) for c in text))
    total = current = 0
    for c in text:
        if c in _POWERS:
            total += (current or 1) * _POWERS[c]
            current = 0
        else:
            current = _DIGIT_VALUES[c]
    return total + current


def _duration(match: re.Match[str]) -> _Word | None:
    unit = _UNIT_SECONDS[match["unit"]]
    halves = sum(1 for group in ("half", "only", "after") if match[group])
    if halves > 1 or (halves and unit == 1):
        return None  # "半秒", "半个小时半": not a length the grammar can say
    amount = _number(match["n"]) if match["n"] else 0
    if not halves:
        return _Word((f"{amount}{_UNIT_WORDS[unit]}",), "length")
    return _Word((_compact(amount * unit + unit // 2),), "length")


def _compact(seconds: int) -> str:
    parts = []
    for size in (86400, 3600, 60, 1):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{_UNIT_WORDS[size]}")
    return "".join(parts) or "0s"


def _clock(match: re.Match[str]) -> _Word:
    hour = _number(match["h"])
    minute = 30 if match["half"] else _number(match["m"]) if match["m"] else 0
    second = _number(match["s"]) if match["s"] else 0
    part = match["part"]
    # 中午1点 is 13:00 and 中午12点 noon; 晚上12点 and 凌晨12点 are midnight.
    afternoon = part in ("下午", "傍晚", "晚上") or (part == "中午" and hour < 6)
    if afternoon and hour < 12:
        hour += 12
    elif part in ("凌晨", "晚上") and hour == 12:
        hour = 0
    # Out-of-range hours pass through, so that the English reader says what is wrong.
    text = f"{hour:02d}:{minute:02d}" + (f":{second:02d}" if second else "")
    return _Word((text,), "point")


def _date(match: re.Match[str]) -> _Word:
    return _Word((f"{match['y']}-{match['m']}-{match['d']}",), "point")


def _numeral(match: re.Match[str]) -> _Word:
    return _Word((str(_number(match[0])),), "number")


_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], _Word | None]], ...] = (
    (_DATE, _date),
    (_CLOCK, _clock),
    (_DURATION, _duration),
    (re.compile(f"[{_NUMERALS}]{{1,12}}"), _numeral),
)


# --- reading Chinese word order as English --------------------------------------------


def _resolve(tokens: list[Token]) -> list[Token]:
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
    return bool(token.words) and token.words[-1].lower().rstrip(",") in _ZH_STATUSES


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
    return bool(token.words) and all(_POINT_WORD.fullmatch(w.lower()) for w in token.words)


def _is_length(token: Token) -> bool:
    if token.kind in ("unit", "length"):
        return True
    return bool(token.words) and all(_LENGTH_WORD.fullmatch(w.lower()) for w in token.words)


# --- English grammar text in Chinese --------------------------------------------------

_ZH_WORDS = {
    "subscribe": "订阅",
    "unsubscribe": "取消订阅",
    "subscriptions": "订阅列表",
    "instances": "实例列表",
    "help": "帮助",
    "task": "任务",
    "failed": "失败",
    "running": "运行中",
    "all": "全部",
    "today": "今天",
    "yesterday": "昨天",
    "<instance>": "<实例>",
    "<task-id>": "<任务ID>",
}
_ZH_STATUSES = {
    "failed": "失败",
    "success": "成功",
    "ok": "成功",
    "running": "运行中",
    "executing": "执行中",
    "created": "已创建",
    "deleted": "已删除",
    "cancelled": "已取消",
    "canceled": "已取消",
}
_ZH_LANGS = {"zh": "中文", "en": "英文"}
_ZH_UNITS = {"s": "秒", "m": "分钟", "h": "小时", "d": "天", "w": "周"}
_ENGLISH_LENGTH = re.compile(r"(?:[0-9]{1,9}[smhdw])+", re.ASCII)
_AM_PM = re.compile(r"([0-9]{1,2})(?::([0-9]{2}))?([ap]m)", re.ASCII)
# First words that are grammar, not an instance, in a suggestion ("last 1h", "page 1").
_LEADING = frozenset(
    {"last", "since", "from", "between", "today", "yesterday", "status", "name", "page", "lang"}
    | {"task", "failed", "running", "subscribe", "unsubscribe", "subscriptions"}
    | {"instances", "help"}
)


@dataclass(frozen=True)
class Typed:
    """A command of the grammar as a reader of a language types it: in Chinese through
    ``to_zh``, in English as it is (for suggestions, said in the reader's language)."""

    command: str

    def text(self, lang: Lang) -> str:
        return to_zh(self.command) if lang == "zh" else self.command


def to_zh(text: str) -> str:
    """An English command or window of the grammar written in Chinese, for suggestions.

    Instance names, ids, globs, times and zones are kept; what is not grammar is kept
    as it is, so the result always reads back as the same command.
    """
    words = text.split()
    out: list[str] = []
    rest = iter(enumerate(words))
    for i, word in rest:
        low = word.lower()
        if i == 0 and low not in _LEADING:
            out.append(_placeholder(word))  # the instance
        elif low in ("subscribe", "unsubscribe") and i + 1 < len(words):
            out += [_ZH_WORDS[low], _placeholder(next(rest)[1])]
        elif low == "last" and i + 1 < len(words) and _ENGLISH_LENGTH.fullmatch(words[i + 1]):
            out.append("最近" + _zh_length(next(rest)[1]))
        elif low in ("since", "from", "between"):
            out.append(_zh_window(low, _points(words, i + 1, rest)))
        elif low == "status" and i + 1 < len(words):
            statuses = next(rest)[1].split(",")
            out.append("状态 " + ",".join(_ZH_STATUSES.get(s.lower(), s) for s in statuses))
        elif low == "name" and i + 1 < len(words):
            out.append(f"名称 {next(rest)[1]}")
        elif low == "page" and i + 1 < len(words) and words[i + 1].isdigit():
            out.append(f"第{next(rest)[1]}页")
        elif low == "lang" and i + 1 < len(words):
            value = next(rest)[1]
            out.append(f"语言 {_ZH_LANGS.get(value.lower(), value)}")
        else:
            out.append(_ZH_WORDS.get(low, word))
    return " ".join(out)


def _placeholder(word: str) -> str:
    return _ZH_WORDS[word] if word.startswith("<") and word in _ZH_WORDS else word


def _points(words: list[str], start: int, rest: Iterator[tuple[int, str]]) -> list[str]:
    """The words of the window from ``start``: times, and "to"/"and" between two."""
    taken: list[str] = []
    for word in words[start:]:
        if not (_POINT_WORD.fullmatch(word.lower()) or word.lower() in ("to", "and")):
            break
        taken.append(word)
        next(rest)
    return taken


def _zh_window(keyword: str, words: list[str]) -> str:
    lowered = [w.lower() for w in words]
    separator = "to" if keyword == "from" else "and"
    if keyword != "since" and separator in lowered:
        cut = lowered.index(separator)
        return f"从 {_zh_point(words[:cut])} 到 {_zh_point(words[cut + 1 :])}"
    if keyword != "since" or not words:
        return " ".join([keyword, *words])  # a range without its end: left as it is
    return f"自 {_zh_point(words)} 起"


def _zh_point(words: list[str]) -> str:
    out = []
    for word in words:
        low = word.lower()
        am_pm = _AM_PM.fullmatch(low)
        if am_pm:
            hour = int(am_pm[1]) % 12 + (12 if am_pm[3] == "pm" else 0)
            out.append(f"{hour:02d}:{am_pm[2] or '00'}")
        else:
            out.append(_ZH_WORDS.get(low, word) if low in ("today", "yesterday") else word)
    return " ".join(out)


def _zh_length(text: str) -> str:
    return "".join(
        f"{amount}{_ZH_UNITS[unit]}" for amount, unit in re.findall(r"([0-9]+)([a-z])", text)
    )
