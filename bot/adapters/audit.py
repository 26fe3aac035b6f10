"""The audit log: one JSON line per command, button press and notification.

Written to the ``kafka_tasks.audit`` logger (stderr with the rest of the log, or the
file KAFKA_TASKS_AUDIT_LOG names), so that a log pipeline can pick out who asked what
about which instance, where, with what result and under which upstream request ids.
A line never carries a secret: what users typed is clipped and anything shaped like a
token or a key is masked before it is written.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.adapters.log_redaction import ALREADY_MASKED, redact_handler
from bot.adapters.metrics import CommandKind, Metrics
from bot.core.clock import utc_now
from bot.core.redact import redact_text

# Where an event came from: a slash command, a mention in a channel, a direct message,
# a button, the Home tab, the local shell, or a notification the bot posted.
AuditKind = Literal["slash", "mention", "dm", "button", "home", "shell", "notification"]
AuditResult = Literal["ok", "error", "refused", "delivered", "failed"]

AUDIT_LOGGER = "kafka_tasks.audit"
# What a person typed is evidence, not a transcript: enough to see what was asked.
MAX_WHAT = 300


@dataclass(frozen=True)
class AuditEvent:
    kind: AuditKind
    user: str | None
    channel: str | None
    # The command as typed, the button's action id, or the notification's kind.
    what: str
    result: AuditResult
    instance: str | None = None
    # Why: the error shown, the rule that refused, Slack's error for a failed post.
    detail: str | None = None
    request_ids: Sequence[str] = ()
    duration_ms: float | None = None

    def line(self, at: datetime) -> str:
        record: dict[str, object] = {
            "at": at.isoformat(timespec="milliseconds"),
            "kind": self.kind,
            "user": self.user,
            "channel": self.channel,
            "what": _clipped(self.what),
            "result": self.result,
        }
        if self.instance:
            record["instance"] = self.instance
        if self.detail:
            record["detail"] = _clipped(self.detail)
        if self.request_ids:
            record["request_ids"] = list(dict.fromkeys(self.request_ids))
        if self.duration_ms is not None:
            record["ms"] = round(self.duration_ms, 1)
        return json.dumps(record, ensure_ascii=False)


def _clipped(text: str) -> str:
    # Masked before it is cut, so that a secret straddling the cut is still recognised.
    return redact_text(" ".join(text.split()))[:MAX_WHAT]


class AuditLog:
    def __init__(
        self,
        logger: logging.Logger | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
        observers: Sequence[Callable[[AuditEvent], None]] = (),
    ) -> None:
        self._log = logger or logging.getLogger(AUDIT_LOGGER)
        self._clock = clock
        # Metrics count the same events: one place decides what a command's result is.
        self._observers = tuple(observers)

    def record(self, event: AuditEvent) -> None:
        # Each field is masked as the line is built; masked again as a whole, a field's
        # quote could be read as the start of a secret and the JSON cut or broken.
        self._log.info(event.line(self._clock()), extra=ALREADY_MASKED)
        for observe in self._observers:
            observe(event)


@contextmanager
def audit_file(path: str) -> Iterator[None]:
    """Bare audit lines appended to ``path`` (KAFKA_TASKS_AUDIT_LOG) while inside.

    Raises OSError at once when the file cannot be opened, so start-up says so.
    """
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(message)s"))
    redact_handler(handler)
    logger = logging.getLogger(AUDIT_LOGGER)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        handler.close()


def counted_in(metrics: Metrics) -> Callable[[AuditEvent], None]:
    """An observer counting asks in ``kafka_tasks_commands_total``: the metric and the
    audit log then agree on what each ask's result was."""
    kinds: dict[AuditKind, CommandKind] = {
        "slash": "slash",
        "mention": "mention",
        "dm": "mention",
        "button": "button",
        "home": "home",
    }

    def observe(event: AuditEvent) -> None:
        kind = kinds.get(event.kind)
        # The shell is not the service; notifications are counted by the deliverer.
        if kind is not None and event.result in ("ok", "error", "refused"):
            metrics.command(kind, event.result)

    return observe
