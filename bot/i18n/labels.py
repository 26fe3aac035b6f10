"""Readable names for what DMS sends as identifiers: task names, statuses, windows.

DMS adds task names and statuses without notice (dms-api.md §2), so every function
here takes any text: a known value gets its label, anything else is shown as DMS sent
it (in English a camelCase name is split into words, which reads as well as a label).
"""

from __future__ import annotations

import re

from bot.i18n import CATALOG, Lang, en, t

# The words of a camelCase / PascalCase name: "bindInstancePublicIp" -> bind Instance
# Public Ip, "enableSASLSsl" -> enable SASL Ssl, "modifyV2Config" -> modify V2 Config
# (digits stay with the word before them). Only a name made of nothing else is split.
_CAMEL = re.compile(r"[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*(?![a-z])|[0-9]+")
_CAMEL_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")
# Words written in capitals in English prose, whatever case the name gives them.
_ACRONYMS = frozenset(
    {"acl", "api", "az", "dns", "eip", "id", "ip", "kms", "sasl", "ssl", "tls", "vpc"}
)
_UNITS = {"d": "天", "h": "小时", "m": "分钟", "s": "秒", "w": "周"}
_LAST = re.compile(r"last ((?:[0-9]+[dhmsw])+)")
_PART = re.compile(r"([0-9]+)([dhmsw])")


def _known(prefix: str, value: str, lang: Lang) -> str | None:
    key = f"{prefix}.{value}"
    return t(lang, key) if key in CATALOG.get(lang, en.MESSAGES) else None


def humanize(name: str) -> str:
    """``resetConsumerOffset`` -> "Reset consumer offset"; text that is not a single
    camelCase identifier (spaces, punctuation, already words) is returned unchanged."""
    if not _CAMEL_NAME.fullmatch(name):
        return name
    words = _CAMEL.findall(name)
    if len(words) < 2:
        return name
    shown = [_word(w) for w in words]
    first = shown[0]
    shown[0] = first if first.isupper() else first[:1].upper() + first[1:]
    return " ".join(shown)


def _word(word: str) -> str:
    if word.lower() in _ACRONYMS:
        return word.upper()
    # Capitals the name itself gives a word (SASL, KRaft) are kept: DMS knows best.
    return word if len(word) > 1 and word[1:].lower() != word[1:] else word.lower()


def task_label(name: str, lang: Lang) -> str:
    """A task name as people say it: "Restart instance", "重启实例"."""
    known = _known("task", name, lang)
    if known is not None:
        return known
    # A Chinese reader gets an unknown name as DMS wrote it: a guessed translation could
    # mislead, and the identifier is what the console and the logs show.
    return humanize(name) if lang == "en" else name


def status_label(status: str, lang: Lang) -> str:
    """A task status (``TaskStatus``) as a word: "Failed", "失败"; unknown ones as sent."""
    return _known("status", status, lang) or status


def instance_status_label(status: str, lang: Lang) -> str:
    """An instance status (RUNNING, EXTENDING, ...): "运行中"; unknown ones as sent."""
    return _known("instance_status", status, lang) or status


def window_label(label: str, lang: Lang) -> str:
    """A window's canonical label (``bot.core.grammar.window_parse``) in ``lang``: "last 2h30m" ->
    "过去 2 小时 30 分钟", "since 09:00" -> "09:00 至今". Times and ranges ("08:00 → 10:30")
    read the same in both languages; a label of another form is shown as it is."""
    if lang != "zh":
        return label
    text = label.strip()
    if text == "today":
        return "今天"
    if text == "yesterday":
        return "昨天"
    last = _LAST.fullmatch(text)
    if last:
        parts = [f"{n} {_UNITS[unit]}" for n, unit in _PART.findall(last[1])]
        return "过去 " + " ".join(parts)
    if text.startswith("since ") and len(text) > len("since "):
        return f"{text[len('since ') :]} 至今"
    return label
