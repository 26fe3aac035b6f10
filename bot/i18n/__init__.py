"""The languages the bot speaks: English and Simplified Chinese.

Answers follow the asker's Slack locale (``users.info`` with ``include_locale``);
notifications follow the language stored with each subscription.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol, get_args, runtime_checkable

from bot.i18n import en, zh

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = get_args(Lang)


def lang_from_locale(locale: str | None, default: Lang = "en") -> Lang:
    """``zh-CN``, ``zh_CN``, ``zh-Hans``... -> "zh"; ``en-US``, ``en-GB`` -> "en".

    Traditional Chinese locales (zh-TW, zh-HK) get Simplified Chinese too: closer to
    what they read than English. Anything else gets ``default``.
    """
    if not locale:
        return default
    primary = locale.replace("_", "-").split("-", 1)[0].strip().lower()
    if primary in LANGS:
        return "zh" if primary == "zh" else "en"
    return default


CATALOG: Mapping[str, Mapping[str, str]] = {"en": en.MESSAGES, "zh": zh.MESSAGES}


def t(lang: Lang, key: str, /, **params: object) -> str:
    """The message ``key`` in ``lang``, its ``{fields}`` filled from ``params``.

    A language the catalog does not have (a stored row from a newer release, say) reads
    as English, and so does a key missing from it: a half-translated message is better
    than no message. An unknown key is a bug and raises ``KeyError``.
    """
    template = CATALOG.get(lang, en.MESSAGES).get(key)
    if template is None:
        template = en.MESSAGES[key]
    return template.format_map(params)


def tn(lang: Lang, key: str, count: int, /, **params: object) -> str:
    """A plural pair: ``key.one`` when ``count`` is 1, else ``key.other``; ``count`` is
    passed on as ``{count}``."""
    return t(lang, f"{key}.{'one' if count == 1 else 'other'}", count=count, **params)


@runtime_checkable
class Sayable(Protocol):
    """Anything that says itself in a language: a ``Said``, a place, a command."""

    def text(self, lang: Lang) -> str: ...


@dataclass(frozen=True)
class Said:
    """A message said later, in each reader's language: its catalog key and parameters,
    plain data until ``text(lang)``. A parameter that is itself ``Sayable`` is said in
    the same language. ``str()`` is the English, for logs and the terminal."""

    key: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, key: str, /, **params: object) -> Said:
        return cls(key, tuple(params.items()))

    @classmethod
    def as_is(cls, text: str) -> Said:
        """Text with no translation (a name, what DMS sent): the same in every language."""
        return cls.of("as_is", text=text)

    def text(self, lang: Lang) -> str:
        return t(lang, self.key, **{name: say(value, lang) for name, value in self.params})

    def __str__(self) -> str:
        return self.text("en")


@dataclass(frozen=True)
class Listing:
    """Several things said as one list, with the language's separator (``sep_key``)."""

    items: tuple[object, ...]
    sep_key: str = "sep.names"

    def text(self, lang: Lang) -> str:
        return t(lang, self.sep_key).join(str(say(item, lang)) for item in self.items)


def say(value: object, lang: Lang) -> object:
    """``value`` in ``lang`` when it says itself, else as it is (a name, a number)."""
    return value.text(lang) if isinstance(value, Sayable) else value
