"""What a typed command or a button press gets back: the message and where it goes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from bot.core.actions import QueryState
from bot.i18n import Lang
from bot.services.following import Follow
from bot.services.outcome import Failure, Outcome, failure_of
from bot.views.access import refused_message
from bot.views.kit import Message
from bot.views.replies import error_message
from bot.views.timeline_export import ExportFile

# How a reply to a button press is delivered: in place of the message pressed, in its
# thread, as a new message everyone in the channel sees, or only to the presser.
Delivery = Literal["replace", "thread", "channel", "ephemeral"]


@dataclass(frozen=True)
class Reply:
    message: Message
    ok: bool = True
    delivery: Delivery = "replace"
    follow: Follow | None = None
    # For the audit log: refused by the access rules, and the instance the reply is about.
    refused: bool = False
    instance: str | None = None
    # Which rule refused (the audit log's; never shown to the asker).
    why: str | None = None
    # Files uploaded with the message (a timeline's export), where it is delivered.
    files: tuple[ExportFile, ...] = ()

    def outcome(self) -> Outcome:
        """The reply's audit result: refused, ok, or the error the asker was shown."""
        if self.refused:
            return Outcome("refused", self.instance, self.why)
        if self.ok:
            return Outcome("ok", self.instance)
        return Outcome("error", self.instance, self.message.text)


def error_reply(
    text: str,
    lang: Lang,
    *,
    retry: QueryState | None = None,
    choices: list[tuple[str, str]] | None = None,
) -> Reply:
    """An error, to the asker alone; ``retry``: a Retry button re-runs that query."""
    return Reply(
        error_message(text, retry=retry, choices=choices or (), lang=lang),
        ok=False,
        delivery="ephemeral",
    )


def failed_reply(failure: Failure, lang: Lang, *, retry: QueryState | None = None) -> Reply:
    if failure.refused is not None:
        refused = failure.refused
        return Reply(
            refused_message(refused.action, refused.typed, lang=lang),
            ok=False,
            delivery="ephemeral",
            refused=True,
            why=refused.by,
        )
    return error_reply(failure.text, lang, retry=retry if failure.retryable else None)


async def guarded(
    run: Callable[[], Awaitable[Reply]], lang: Lang, *, retry: QueryState | None = None
) -> Reply:
    """``run``'s reply, or what its failure tells the asker; ``retry``: the query a
    Retry button re-runs when the failure was upstream trouble."""
    try:
        return await run()
    except Exception as exc:
        return failed_reply(failure_of(exc, lang), lang, retry=retry)
