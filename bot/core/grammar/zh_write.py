"""English grammar text written in Chinese, for the suggestions of Chinese errors:
``to_zh("last 1h")`` is ``最近1小时``, and reads back as the same command.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.core.grammar.zh_words import POINT_WORD, ZH_STATUSES
from bot.i18n import Lang

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
    "quiet": "免打扰",
    "today": "今天",
    "yesterday": "昨天",
    "<instance>": "<实例>",
    "<task-id>": "<任务ID>",
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
            out.append("状态 " + ",".join(ZH_STATUSES.get(s.lower(), s) for s in statuses))
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
        if not (POINT_WORD.fullmatch(word.lower()) or word.lower() in ("to", "and")):
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
