"""Reading query parameters as the services do, and refusing what they would refuse."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.simulator import errors
from bot.simulator.errors import ApiError


class Refused(Exception):
    """Raised by a handler to answer with a service or gateway error body."""

    def __init__(self, error: ApiError) -> None:
        super().__init__(f"{error.status} {error.error_code} {error.error_msg}")
        self.error = error


def int_param(
    query: Mapping[str, str],
    name: str,
    default: int,
    low: int,
    high: int | None = None,
    *,
    refuse: Callable[[str], ApiError] = errors.bad_parameter,
) -> int:
    """``query[name]`` as an int within ``[low, high]``; ``refuse(detail)`` builds the
    error, so that each service answers in its own error shape."""
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Refused(refuse(f"{name} must be an integer, got {raw!r}")) from None
    if value < low or (high is not None and value > high):
        bounds = f">= {low}" if high is None else f"within {low}-{high}"
        raise Refused(refuse(f"{name} must be {bounds}, got {value}"))
    return value
