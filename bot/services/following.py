"""Following an answer's running tasks: a reply in its thread as each one ends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.core.actions import QueryState
from bot.core.clock import utc_now
from bot.core.records import ThreadQuery
from bot.i18n import Lang

if TYPE_CHECKING:
    # Annotations only: a shell without subscriptions never loads the database driver.
    from bot.adapters.store.store import Store


@dataclass(frozen=True)
class Follow:
    """Tasks in progress in an answer: followed once the answer is visible to others."""

    instance_id: str
    instance_name: str
    state: QueryState
    task_ids: frozenset[str]
    lang: Lang = "en"
    # Who asked: each reply in the thread is posted only while the rules still let
    # them look at the instance and show it there.
    user: str = ""


class Following:
    """``store`` None (the shell): nothing is followed."""

    def __init__(
        self,
        store: Store | None,
        *,
        clock: Callable[[], datetime] = utc_now,
        follow_for: timedelta = timedelta(hours=6),
    ) -> None:
        self._store = store
        self._clock = clock
        self._follow_for = follow_for

    async def follow(
        self, follow: Follow, *, channel: str, message_ts: str, thread_ts: str | None
    ) -> None:
        """Follow an answer's running tasks: replies in its thread as each one ends."""
        if self._store is None:
            return
        query = ThreadQuery(
            state=follow.state.encode(),
            thread_ts=thread_ts or message_ts,
            # Replies in the thread speak the asker's language.
            lang=follow.lang,
            user=follow.user,
        ).encode()
        await self._store.threads.follow(
            channel,
            message_ts,
            follow.instance_id,
            follow.instance_name,
            query,
            sorted(follow.task_ids),
            self._clock() + self._follow_for,
        )
