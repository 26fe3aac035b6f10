"""What every outbox row carries, and the readers its fields share (``payload.py``
has the kinds; this is apart so that kinds may live in modules of their own)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from bot.i18n import Lang, lang_from_locale

N = TypeVar("N", int, float)

# A task as DMS sent it (``Task.to_api``); ``Task.from_api`` reads it back.
ApiTask = Mapping[str, Any]


@dataclass(frozen=True)
class Payload:
    """What every row carries: the instance it speaks of, and the language it is in."""

    instance_id: str = ""
    instance_name: str = ""
    # As written when queued; ``None`` in rows from before languages.
    lang: str | None = None

    kind: ClassVar[str] = ""

    @property
    def language(self) -> Lang:
        """The language the row is posted in. Rows queued before languages existed were
        meant in English; a value this release does not speak (a newer replica's row)
        reads as English too."""
        return lang_from_locale(self.lang)

    @property
    def name(self) -> str:
        """The instance as the channel knows it."""
        return self.instance_name or self.instance_id or "?"

    def _fields(self) -> dict[str, Any]:
        return {"instance_id": self.instance_id, "instance_name": self.instance_name}


def task_of(value: object) -> ApiTask:
    if not isinstance(value, dict):
        raise ValueError("a queued task must be a JSON object")
    return value


def optional(value: object, name: str) -> float | None:
    return None if value is None else number(float, value, name)


def number(kind: Callable[[Any], N], value: object, name: str) -> N:
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
