"""The grammar's refusals: what could not be read, quoted, and a form that works.

``CommandError`` (a command) and ``WindowError`` (a time window) say themselves in each
language from the catalog (``grammar.*`` in ``bot.i18n``): ``str()`` is the English,
``text(lang)`` any language, the suggestion written as a reader of it types it (in
Chinese through ``bot.core.grammar.zh_write.to_zh``), so it can be pasted back.
"""

from __future__ import annotations

from bot.core.grammar.zh_write import Typed
from bot.i18n import Lang, Said

_QUOTE_LIMIT = 60


def refusal(
    lang: Lang, bad: str, suggestion: str, why: Said | None = None, *, reading: str = "window"
) -> str:
    """The one-line reply for anything not understood, in ``lang``: the bad part quoted,
    then a fix written as a reader of ``lang`` types it. ``reading`` names what the part
    was read as (the catalog's ``grammar.reading.*``) when there is no ``why``."""
    params = {"quoted": _quote(bad), "suggestion": Typed(suggestion)}
    if why is not None:
        return Said.of("grammar.error.why", why=why, **params).text(lang)
    return Said.of("grammar.error", reading=Said(f"grammar.reading.{reading}"), **params).text(lang)


def _quote(bad: str) -> str:
    # One line, and control characters shown escaped rather than sent on to Slack.
    quoted = "".join(c if c.isprintable() else repr(c)[1:-1] for c in " ".join(bad.split()))
    if len(quoted) > _QUOTE_LIMIT:
        quoted = quoted[: _QUOTE_LIMIT - 1] + "…"
    return quoted


class WindowError(ValueError):
    """A window that could not be read: the part not understood and a form that works.

    ``str()`` is the English message; ``text(lang)`` the message in a language, its
    suggestion written as a reader of that language types it.
    """

    def __init__(self, bad: str, suggestion: str, why: Said | None = None) -> None:
        self.bad = bad
        self.suggestion = suggestion
        self.why = why
        super().__init__(self.text("en"))

    def text(self, lang: Lang) -> str:
        return refusal(lang, self.bad, self.suggestion, self.why)

    def __str__(self) -> str:
        return self.text("en")


class CommandError(ValueError):
    """A command that could not be read: the part not understood and a form that works.

    ``str()`` is the English message; ``text(lang)`` the message in a language, its
    suggestion written as a reader of that language types it. ``reading`` names what
    the part was read as (``grammar.reading.*`` in the catalog) when there is no ``why``.
    """

    def __init__(
        self,
        bad: str,
        suggestion: str,
        why: Said | None = None,
        *,
        reading: str = "command",
        instance: str | None = None,
    ) -> None:
        self.bad = bad
        self.suggestion = suggestion
        self.why = why
        self.reading = reading
        # The first word, read as an instance, when what is wrong comes after it: if it
        # names no instance, that is the thing to say (``bot.services.queries.error_to_report``).
        self.instance = instance
        super().__init__(self.text("en"))

    def text(self, lang: Lang) -> str:
        return refusal(lang, self.bad, self.suggestion, self.why, reading=self.reading)

    def __str__(self) -> str:
        return self.text("en")

    def quoting(self, bad: str) -> CommandError:
        """The same error quoting ``bad``: the words as typed rather than as read."""
        return CommandError(
            bad, self.suggestion, self.why, reading=self.reading, instance=self.instance
        )
