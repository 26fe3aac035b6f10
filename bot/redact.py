"""Masks secret-looking values in task params before anyone sees them.

Task params are written by DMS from what a user asked for (a reset password, an SASL
user's secret, keys); a chat message or a terminal scrollback is no place for them.
"""

from __future__ import annotations

import re
from typing import Any

MASK = "••••••"
_SECRET_KEY = re.compile(
    r"(pass(word|wd)?|pwd|secret|token|credential|private|api[_-]?key|access[_-]?key|"
    r"secret[_-]?key|(^|[_-])(ak|sk)$|^key$|[_-]key$|cert(ificate)?|auth)",
    re.IGNORECASE,
)


def is_secret_key(key: str) -> bool:
    return bool(_SECRET_KEY.search(key))


def redact(value: Any) -> Any:
    """A copy of ``value`` with the values under secret-looking keys masked, recursively."""
    if isinstance(value, dict):
        return {
            k: (MASK if is_secret_key(str(k)) and v not in (None, "") else redact(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value
