"""Log records masked before any handler writes them.

The bot never logs its own tokens, but libraries do log what passes through them (a
response body quoting a task's params, an exception whose message holds a URL with a
password). A filter on each handler masks every record's message, arguments and
traceback with the same rules as everything the bot shows (bot/core/redact.py).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from types import MappingProxyType
from typing import TextIO

from bot.core.redact import redact_text

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# ``extra=`` for a record whose message its writer masked field by field (an audit
# line): masking the finished text again could corrupt its structure.
MASKED_ATTR = "kafka_tasks_masked"
ALREADY_MASKED: Mapping[str, object] = MappingProxyType({MASKED_ATTR: True})
# Only for turning a traceback into text; the handler's own formatter writes the line.
_TRACEBACKS = logging.Formatter()


class RedactingFilter(logging.Filter):
    """Masks a record in place (so every later handler sees it masked too) and keeps it.

    The message is formatted with its arguments first, then masked: an argument can
    only be masked as the text it becomes. The record keeps no arguments afterwards.
    A record marked ``ALREADY_MASKED`` with nothing added to its message (no arguments,
    no traceback) is kept as its writer masked it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, MASKED_ATTR, False) and not record.args and not record.exc_info:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: its parts are masked and still shown
            message = f"{record.msg!r} % {record.args!r}"
        record.msg, record.args = redact_text(message), ()
        if record.exc_info and not record.exc_text:
            # Formatter.format uses exc_text when it is set, so this is what is written.
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return True


def redact_handler(handler: logging.Handler) -> logging.Handler:
    """``handler`` with a RedactingFilter (once, however often it is asked)."""
    if not any(isinstance(f, RedactingFilter) for f in handler.filters):
        handler.addFilter(RedactingFilter())
    return handler


def configure_logging(level: int, stream: TextIO | None = None) -> None:
    """The process's logging: one stream handler on the root logger, masked."""
    logging.basicConfig(level=level, format=LOG_FORMAT, stream=stream)
    for handler in logging.getLogger().handlers:
        redact_handler(handler)
