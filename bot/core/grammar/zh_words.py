"""The Chinese words the grammar knows, and what the English grammar reads for each:
keywords, numerals, lengths (一小时, 两个半小时), clocks (下午3点15分) and dates
(2026年11月27日). ``bot.core.grammar.zh_read`` reads commands with them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

# Ideographs, CJK punctuation ("、", "。") and compatibility ideographs; full-width
# letters and digits are folded to ASCII by NFKC before anything looks at them.
CJK_CHARS = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
CJK = re.compile(f"[{CJK_CHARS}]")
# A run of anything else: an instance name, an English word, a time such as 09:00.
OTHER = re.compile(f"[^\\s,?!{CJK_CHARS}]+")

NUMERALS = "零〇一二两三四五六七八九十百千"
_DIGIT_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_DIGIT_VALUES |= {"六": 6, "七": 7, "八": 8, "九": 9}
_POWERS = {"十": 10, "百": 100, "千": 1000}
# Nine digits at most, as in English, so no amount is too long to convert.
_NUM = f"(?:[0-9]{{1,9}}|[{NUMERALS}]{{1,12}})"

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
class Word:
    words: tuple[str, ...]
    kind: str = ""


def _entries(kind: str, words: tuple[str, ...] | None, *keys: str) -> dict[str, Word]:
    """``words`` None: the word stands for itself until ``resolve`` finds it a place, so
    one left where it means nothing is quoted back as typed."""
    return {key: Word((key,) if words is None else words, kind) for key in keys}


# Chinese words and what the English grammar reads for them. The kinds drive the
# rewrites in ``resolve``: Chinese puts "since" after the time (09:00以来) and "last"
# after the length (1小时内), writes ranges as 从 A 到 B, and pages as 第2页.
KEYWORDS: dict[str, Word] = {
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
    **_entries("key", ("daily",), "每天", "每日"),
    **_entries("", ("quiet",), "免打扰", "安静", "静音"),
    **_entries("ordinal", None, "第"),
    **_entries("task", ("task",), "任务"),
    **_entries("", ("timeline",), "时间线", "时间轴"),
    **_entries("", ("scheduled",), "计划", "定时任务", "计划任务"),
    **_entries("key", ("task",), "任务id", "任务编号"),
    **_entries("comma", None, "、"),
    **_entries(
        "filler", (), "的", "了", "吗", "呢", "吧", "啊", "呀", "请", "帮我", "查询", "查看",
        "看看", "看一下", "显示", "列出", "一下", "后台任务", "。", "?", "!",
    ),
    **{unit: Word((_UNIT_WORDS[seconds],), "unit") for unit, seconds in _UNIT_SECONDS.items()},
    **_entries("unit", ("h",), "个小时", "个钟头"),
    **_entries("unit", ("w",), "个星期", "个礼拜"),
}  # fmt: skip
LONGEST_KEYWORD = max(map(len, KEYWORDS))
# Longest first: matched as prefixes of what follows 语言.
LANG_VALUES = {"简体中文": "zh", "中文": "zh", "汉语": "zh", "英文": "en", "英语": "en"}

# Words a time is made of (a date, a clock, a day word, a zone): what "since" governs.
POINT_WORD = re.compile(
    r"today|yesterday|utc|gmt|z|[0-9][0-9:t-]*(?:[ap]m|z|utc)?"
    r"|(?:utc|gmt)?[+-][0-9]{1,2}(?::?[0-9]{2})?|[a-z_]+(?:/[a-z0-9_+-]+)+",
    re.ASCII,
)
LENGTH_WORD = re.compile(r"(?:[0-9]+[a-z]*)+", re.ASCII)

ZH_STATUSES = {
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


def keywords() -> dict[str, tuple[str, ...]]:
    """The Chinese words a command may be made of, each with the English words it reads
    as (for the shell's completion). Fillers, units and the particles that only follow a
    number or a time are left out: they are typed glued to what they follow."""
    words = {
        word: meaning.words
        for word, meaning in KEYWORDS.items()
        if meaning.kind in ("", "from", "to", "key", "task") and meaning.words
    }
    return words | {word: (lang,) for word, lang in LANG_VALUES.items()}


def normalise(text: str) -> str:
    """Full-width letters, digits, spaces and punctuation (１小时, ，, ：) as ASCII."""
    return unicodedata.normalize("NFKC", text)


def has_chinese(text: str) -> bool:
    return CJK.search(text) is not None


@dataclass(frozen=True)
class Token:
    """Words of the English grammar and the span of text they were read from."""

    words: tuple[str, ...]
    start: int
    end: int
    kind: str = ""  # "" for English as typed; see KEYWORDS, plus "verbatim", "unknown"
    chinese: bool = False


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


def _duration(match: re.Match[str]) -> Word | None:
    unit = _UNIT_SECONDS[match["unit"]]
    halves = sum(1 for group in ("half", "only", "after") if match[group])
    if halves > 1 or (halves and unit == 1):
        return None  # "半秒", "半个小时半": not a length the grammar can say
    amount = _number(match["n"]) if match["n"] else 0
    if not halves:
        return Word((f"{amount}{_UNIT_WORDS[unit]}",), "length")
    return Word((_compact(amount * unit + unit // 2),), "length")


def _compact(seconds: int) -> str:
    parts = []
    for size in (86400, 3600, 60, 1):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{_UNIT_WORDS[size]}")
    return "".join(parts) or "0s"


def _clock(match: re.Match[str]) -> Word:
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
    return Word((text,), "point")


def _date(match: re.Match[str]) -> Word:
    return Word((f"{match['y']}-{match['m']}-{match['d']}",), "point")


def _numeral(match: re.Match[str]) -> Word:
    return Word((str(_number(match[0])),), "number")


PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Word | None]], ...] = (
    (_DATE, _date),
    (_CLOCK, _clock),
    (_DURATION, _duration),
    (re.compile(f"[{NUMERALS}]{{1,12}}"), _numeral),
)
