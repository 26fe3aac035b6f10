"""Show a placeholder only when an answer is slow, so fast answers arrive in one step."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def with_placeholder(
    work: Awaitable[T], *, after: float, show: Callable[[], Awaitable[object]]
) -> tuple[T, bool]:
    """Run ``work``; if it takes longer than ``after`` seconds, ``show`` a placeholder.

    Returns the result and whether the placeholder was shown (so the caller knows to
    replace it rather than post anew).
    """
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=after)
    if done:
        return task.result(), False
    await show()
    return await task, True
