"""The grammar's refusals: what could not be read, quoted, and a form that works.

``CommandError`` (a command) and ``WindowError`` (a time window), both a ``Refusal``,
say themselves in each language from the catalog (``grammar.*`` in ``bot.i18n``):
``str()`` is the English, ``text(lang)`` any language, the suggestion written as a
reader of it types it (in Chinese through ``bot.core.grammar.zh_write.to_zh``), so it
can be pasted back.
"""

from __future__ import annotations

from bot.core.grammar.zh_write import Typed
from bot.i18n import Lang, Said

_QUOTE_LIMIT = 60


class Refusal(ValueError):
    """Text that could not be read as ``reading``: the part not understood (``bad``), a
    form that works (``suggestion``) and, when the grammar knows it, why (``why``).

    ``str()`` is the English message; ``text(lang)`` the message in a language, the bad
    part quoted on one line and the suggestion written as a reader of ``lang`` types it.
    ``reading`` names what the part was read as (the catalog's ``grammar.reading.*``),
    said when there is no ``why``.
    """

    def __init__(self, bad: str, suggestion: str, why: Said | None = None, *, reading: str) -> None:
        self.bad = bad
        self.suggestion = suggestion
        self.why = why
        self.reading = reading
        super().__init__(self.text("en"))

    def text(self, lang: Lang) -> str:
        params = {"quoted": _quote(self.bad), "suggestion": Typed(self.suggestion)}
        if self.why is not None:
            return Said.of("grammar.error.why", why=self.why, **params).text(lang)
        reading = Said(f"grammar.reading.{self.reading}")
        return Said.of("grammar.error", reading=reading, **params).text(lang)

    def __str__(self) -> str:
        return self.text("en")


def _quote(bad: str) -> str:
    # One line, and control characters shown escaped rather than sent on to Slack.
    quoted = "".join(c if c.isprintable() else repr(c)[1:-1] for c in " ".join(bad.split()))
    if len(quoted) > _QUOTE_LIMIT:
        quoted = quoted[: _QUOTE_LIMIT - 1] + "…"
    return quoted


class WindowError(Refusal):
    """A window that could not be read."""

    def __init__(self, bad: str, suggestion: str, why: Said | None = None) -> None:
        super().__init__(bad, suggestion, why, reading="window")


class CommandError(Refusal):
    """A command that could not be read."""

    def __init__(
        self,
        bad: str,
        suggestion: str,
        why: Said | None = None,
        *,
        reading: str = "command",
        instance: str | None = None,
    ) -> None:
        # The first word, read as an instance, when what is wrong comes after it: if it
        # names no instance, that is the thing to say (``bot.services.queries.error_to_report``).
        self.instance = instance
        super().__init__(bad, suggestion, why, reading=reading)

    def quoting(self, bad: str) -> CommandError:
        """The same error quoting ``bad``: the words as typed rather than as read."""
        return CommandError(
            bad, self.suggestion, self.why, reading=self.reading, instance=self.instance
        )
