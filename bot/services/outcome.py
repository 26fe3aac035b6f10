"""The one audited outcome of an ask: what failed, how the asker is told, one audit line.

Every use case (typed commands, button presses, the Home tab) runs its work through
``Auditor.audited``: the DMS request ids it caused are collected, it is timed, and one
audit line says who asked what with which result. Every exception maps to what the
asker is told through ``failure_of``, the one error table; what nobody foresaw gets an
incident id from ``incident``, the one place such ids are made.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from bot.adapters.audit import AuditEvent, AuditKind, AuditLog, AuditResult
from bot.adapters.dms.trace import collecting_request_ids
from bot.core.dms.errors import (
    DmsError,
    DmsProtocolError,
    DmsThrottled,
    DmsUnavailable,
    ResolveError,
)
from bot.core.grammar.errors import WindowError
from bot.i18n import Lang, t
from bot.services.guard import Refused
from bot.views.errors import describe_error

log = logging.getLogger("kafka_tasks.conversation")

T = TypeVar("T")


def incident(doing: str, *args: object) -> str:
    """A new incident id, logged with the exception being handled: the asker is shown
    the id, the log has the stack trace under it. ``doing``: a %-format for the log."""
    made = uuid.uuid4().hex[:8]
    log.exception(f"{doing} (incident %s)", *args, made)
    return made


@dataclass(frozen=True)
class Failure:
    """What an ask that failed tells the asker."""

    # In the asker's language ("" for a refusal: its own message says it).
    text: str
    # Upstream trouble (DMS slow, throttled or answering oddly): the same ask may work.
    retryable: bool = False
    refused: Refused | None = None
    incident: str | None = None


def failure_of(exc: Exception, lang: Lang) -> Failure:
    """The errors table (design.md): every exception, as the asker is told of it."""
    if isinstance(exc, Refused):
        log.info("refused: %s", exc)
        return Failure("", refused=exc)
    if isinstance(exc, ResolveError):
        return Failure(describe_error(exc, lang))
    if isinstance(exc, DmsProtocolError):
        log.error("unexpected DMS body (request id %s): %s | %r", exc.request_id, exc, exc.snippet)
        return Failure(describe_error(exc, lang), retryable=True)
    if isinstance(exc, DmsThrottled | DmsUnavailable):
        return Failure(describe_error(exc, lang), retryable=True)
    if isinstance(exc, DmsError | WindowError):
        return Failure(describe_error(exc, lang))
    made = incident("unexpected failure answering")
    return Failure(t(lang, "error.internal", incident=made), incident=made)


@dataclass(frozen=True)
class Act:
    """What is audited: where it came from, who asked where, and what they asked."""

    kind: AuditKind
    user: str | None
    channel: str | None
    # The command as typed, the button's action id, or the Home tab's press.
    what: str


@dataclass(frozen=True)
class Outcome:
    """How an act ended, for its audit line."""

    result: AuditResult
    instance: str | None = None
    # Why: the error shown, the rule that refused.
    detail: str | None = None


class Auditor:
    """``log`` None: nothing is written (the shell, the CLI and tests without one)."""

    def __init__(self, log: AuditLog | None = None) -> None:
        self._log = log

    @property
    def log(self) -> AuditLog | None:
        return self._log

    async def audited(
        self,
        act: Act,
        work: Callable[[], Awaitable[T]],
        judge: Callable[[T], Outcome],
        *,
        timed: bool = True,
    ) -> T:
        """``work``'s result, after one audit line for it. ``work`` must not raise: it
        turns its failures into its result (``failure_of``). ``timed``: the line
        carries the request ids and the time taken."""
        started = time.perf_counter()
        with collecting_request_ids() as request_ids:
            done = await work()
        if self._log is not None:
            outcome = judge(done)
            self._log.record(
                AuditEvent(
                    kind=act.kind,
                    user=act.user,
                    channel=act.channel,
                    what=act.what,
                    result=outcome.result,
                    instance=outcome.instance,
                    detail=outcome.detail,
                    request_ids=tuple(request_ids) if timed else (),
                    duration_ms=(time.perf_counter() - started) * 1000 if timed else None,
                )
            )
        return done
