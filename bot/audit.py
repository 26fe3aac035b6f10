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
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.clock import utc_now
from bot.metrics import CommandKind, Metrics

# Where an event came from: a slash command, a mention in a channel, a direct message,
# a button, the Home tab, the local shell, or a notification the bot posted.
AuditKind = Literal["slash", "mention", "dm", "button", "home", "shell", "notification"]
AuditResult = Literal["ok", "error", "refused", "delivered", "failed"]

AUDIT_LOGGER = "kafka_tasks.audit"
# What a person typed is evidence, not a transcript: enough to see what was asked.
MAX_WHAT = 300
MASK = "••••••"
# Slack tokens, Huawei access keys and ``key=value`` pairs whose key names a secret:
# things people paste by mistake. Masked in what is written, whatever the context.
_SECRETS = re.compile(
    r"(xox[a-z]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|\b[A-Z0-9]{20}\b"
    r"|(?i:(?:password|passwd|pwd|secret|token|sk|ak)\s*[=:]\s*)\S+)"
)


def mask_secrets(text: str) -> str:
    def masked(match: re.Match[str]) -> str:
        found = match.group(0)
        key = re.match(r"(?i)(password|passwd|pwd|secret|token|sk|ak)\s*[=:]\s*", found)
        return (key.group(0) if key else "") + MASK

    return _SECRETS.sub(masked, text)


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
            "what": mask_secrets(" ".join(self.what.split())[:MAX_WHAT]),
            "result": self.result,
        }
        if self.instance:
            record["instance"] = self.instance
        if self.detail:
            record["detail"] = mask_secrets(" ".join(self.detail.split())[:MAX_WHAT])
        if self.request_ids:
            record["request_ids"] = list(dict.fromkeys(self.request_ids))
        if self.duration_ms is not None:
            record["ms"] = round(self.duration_ms, 1)
        return json.dumps(record, ensure_ascii=False)


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
        self._log.info(event.line(self._clock()))
        for observe in self._observers:
            observe(event)


@contextmanager
def audit_file(path: str) -> Iterator[None]:
    """Bare audit lines appended to ``path`` (KAFKA_TASKS_AUDIT_LOG) while inside.

    Raises OSError at once when the file cannot be opened, so start-up says so.
    """
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(message)s"))
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
