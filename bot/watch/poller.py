"""The poller: one look per watched instance per cycle, however many channels watch it.

For each instance this replica holds the lease for, it lists the tasks since the
stored cursor (with an overlap), follows by id the running tasks that left that
window, finds those that finished, and queues one outbox row per (target, task,
final status). Rows are queued before the new states are saved: a crash in between
finds the same tasks again next time, and the rows' unique keys absorb the repeat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from bot.adapters.metrics import Metrics
from bot.adapters.store.polling import PollView
from bot.adapters.store.store import Store
from bot.core.clock import utc_now
from bot.core.dms.errors import DmsError, DmsNotFound
from bot.core.dms.models import Task
from bot.core.dms.source import Dms
from bot.core.durations import SlowRun
from bot.core.grammar.window import TimeWindow
from bot.core.quiet import hold_for
from bot.core.records import NewOutboxRow
from bot.i18n import LANGS
from bot.services.slow import SlowTasks
from bot.views.errors import describe_error
from bot.watch.following import Following
from bot.watch.leases import Leases
from bot.watch.options import WatchOptions
from bot.watch.payload import (
    Payload,
    Reachable,
    TaskFinished,
    Unreachable,
    encode,
)
from bot.watch.transitions import Finished, finished_tasks, still_running, wants

log = logging.getLogger("kafka_tasks.watch")


@dataclass
class _Health:
    failing_since: datetime | None = None
    failures: int = 0
    reported: bool = False
    last_error: str = ""


@dataclass
class CycleReport:
    polled: list[str] = field(default_factory=list)
    skipped_leased: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    queued: int = 0


class Poller:
    def __init__(
        self,
        dms: Dms,
        store: Store,
        *,
        owner: str,
        options: WatchOptions | None = None,
        clock: Callable[[], datetime] = utc_now,
        metrics: Metrics | None = None,
    ) -> None:
        self.dms = dms
        self.store = store
        self.owner = owner
        self.options = options or WatchOptions()
        self._clock = clock
        self._metrics = metrics
        self._next_due: dict[str, datetime] = {}
        self._health: dict[str, _Health] = {}
        self.leases = Leases(store.polling, owner, self.options.lease_ttl, clock)
        self._cycle = 0
        self._following = Following(dms, store, self.options, clock)
        self.slow = SlowTasks(store, clock=clock)

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    await self.cycle()
                except Exception:
                    # The watcher must outlive any one bad cycle; the next one retries.
                    log.exception("poll cycle failed")
                    if self._metrics:
                        self._metrics.poll_error()
                wait = self._until_next_due()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=wait)
        finally:
            with contextlib.suppress(Exception):
                await self.leases.release_all()

    def _until_next_due(self) -> float:
        now = self._clock()
        soonest = min(self._next_due.values(), default=now + self.options.fast_interval)
        # A cycle at least every quarter lease, however long the intervals: each one
        # renews the heartbeat (half a lease) and the leases past half their time.
        longest = min(self.options.fast_interval, self.options.lease_ttl / 4)
        return min(max(0.2, (soonest - now).total_seconds()), longest.total_seconds())

    async def cycle(self) -> CycleReport:
        self._cycle += 1
        report = CycleReport()
        now = self._clock()
        share, owners = await self.leases.settle()
        for gone in (set(self._next_due) - set(owners)) | share.released:
            self._next_due.pop(gone, None)
            if self._metrics:
                self._metrics.forget_instance(gone)
        due = sorted(i for i in owners if self._next_due.get(i, now) <= now)
        for instance_id in due:
            if instance_id not in share.held:
                self._not_ours(instance_id, report)
        due = [i for i in due if i in share.held]
        # What every poll of the cycle needs from the store, read in one go.
        views = await self.store.polling.views(due)
        gate = asyncio.Semaphore(self.options.concurrency)
        # Where each poll reached, written together once the cycle's polls are done. A
        # crash before that only widens the next look at those instances: what it finds
        # again is already in the task states and the outbox, so nothing is repeated.
        cursors: dict[str, datetime] = {}

        async def one(instance_id: str) -> None:
            async with gate:
                # Late by the whole wait: the cycle's start past the due time, and the
                # queue for the concurrency gate (an instance seen for the first time is
                # due at once).
                due_at = self._next_due.get(instance_id, now)
                late = max(0.0, (self._clock() - due_at).total_seconds())
                await self._poll_if_ours(
                    instance_id, report, late=late, cursors=cursors, view=views[instance_id]
                )

        try:
            await asyncio.gather(*(one(i) for i in due))
        finally:
            await self.store.polling.set_cursors(cursors)
        report.queued += await self._following.close_expired()
        return report

    async def _poll_if_ours(
        self,
        instance_id: str,
        report: CycleReport,
        *,
        late: float = 0.0,
        cursors: dict[str, datetime] | None = None,
        view: PollView | None = None,
    ) -> None:
        if not self.leases.live(instance_id):
            # The cycle ran past the lease (a stall): it is renewed, or lost, next cycle.
            self._not_ours(instance_id, report)
            return
        if self._metrics:
            self._metrics.poll_lag(instance_id, late)
        try:
            busy, queued = await self.poll_instance(instance_id, cursors=cursors, view=view)
        except DmsError as exc:
            if self._metrics:
                self._metrics.poll_error()
            report.failed.append(instance_id)
            await self._failed(instance_id, exc)
            return
        except Exception:
            # A bug met on one instance's data: that instance is tried again later, and
            # the cycle's other instances are still polled and their cursors written.
            log.exception("polling %s failed", instance_id)
            if self._metrics:
                self._metrics.poll_error()
            report.failed.append(instance_id)
            self._next_due[instance_id] = self._clock() + self.options.slow_interval
            return
        report.polled.append(instance_id)
        report.queued += queued
        await self._recovered(instance_id)
        interval = self.options.fast_interval if busy else self.options.slow_interval
        self._next_due[instance_id] = self._clock() + interval

    def _not_ours(self, instance_id: str, report: CycleReport) -> None:
        """Another replica polls it (or this one is at its share): not this cycle. It
        stays due, so it is polled as soon as its lease comes to this replica."""
        if self._metrics:
            self._metrics.forget_instance(instance_id)
        self._next_due.pop(instance_id, None)
        report.skipped_leased.append(instance_id)

    async def poll_instance(
        self,
        instance_id: str,
        *,
        cursors: dict[str, datetime] | None = None,
        view: PollView | None = None,
    ) -> tuple[bool, int]:
        """One look at an instance; returns (tasks still in progress, rows queued).

        ``cursors``: where the cycle gathers where each poll reached, to write them
        together; without it the cursor is written at once. ``view``: the instance's
        poll state as the cycle read it; without it, it is read here.
        """
        now = self._clock()
        if view is None:
            view = await self.store.polling.view(instance_id)
        cursor, baseline = view.cursor, not view.has_baseline
        begin = (cursor - self.options.overlap) if cursor else now - self.options.baseline_lookback
        window = TimeWindow(begin=begin, end=now, label="watch", zone="UTC", ends_now=False)
        listing = await self.dms.list_tasks(instance_id, window, fresh=True)
        seen = view.states
        threads = view.threads
        followed: dict[int, set[str]] = {
            thread.id: await self.store.threads.tasks(thread.id) for thread in threads
        }
        tasks = list(listing.tasks)
        shown = {t.id for t in tasks}
        # Running tasks that left the window, and every task a thread follows, are
        # looked up one by one: their end must not be missed.
        missing = set().union(*followed.values()) - shown if followed else set()
        if not baseline:
            missing |= still_running(seen, tasks)
        tasks += await self._follow_by_id(instance_id, missing)
        finished = finished_tasks(seen, tasks, baseline=baseline)
        # Kept before the rows are queued: a task's run is there for the next one's note.
        await self.slow.record(instance_id, [f.task for f in finished])
        queued = await self._announce(instance_id, finished) if finished else 0
        queued += await self._following.updates(threads, followed, tasks)
        # Only what changed is written (all of it on the baseline look, which is what
        # records the baseline, even when empty).
        changed = {
            t.id: t.status for t in tasks if t.id and (baseline or seen.get(t.id) != t.status)
        }
        if baseline or changed:
            await self.store.polling.save_task_states(instance_id, changed)
        if cursors is None:
            await self.store.polling.set_cursor(instance_id, now)
        else:
            cursors[instance_id] = now
        busy = any(t.in_progress for t in tasks)
        return busy, queued

    async def _follow_by_id(self, instance_id: str, task_ids: set[str]) -> list[Task]:
        """Looks tasks up one by one, a few at a time (the API has no batch lookup)."""
        gate = asyncio.Semaphore(self.dms.options.concurrency)

        async def one(task_id: str) -> Task | None:
            async with gate:
                try:
                    return await self.dms.get_task(instance_id, task_id)
                except DmsNotFound:
                    # Gone upstream (deleted with its instance, aged out): stop following.
                    log.info("task %s of %s is gone; no longer followed", task_id, instance_id)
                    await self.store.polling.save_task_states(instance_id, {task_id: "GONE"})
                    return None

        found = await asyncio.gather(*(one(t) for t in sorted(task_ids)))
        return [task for task in found if task is not None]

    async def _announce(self, instance_id: str, finished: Sequence[Finished]) -> int:
        subscriptions = await self.store.subscriptions.for_instance(instance_id)
        now = self._clock()
        snoozes = await self.store.snoozes.in_force(instance_id, now) if subscriptions else {}
        rows: list[NewOutboxRow] = []
        batch = f"{instance_id}:{now.isoformat()}"
        slow = await self.slow.slow(instance_id, [f.task for f in finished])
        for sub in subscriptions:
            if sub.paused:
                continue  # the access rules refuse it: nothing is queued until they allow
            wanted = [f for f in finished if wants(sub.scope, sub.name_glob, sub.created_at, f)]
            # Oldest first, so the channel reads them in the order they finished.
            wanted.sort(key=lambda f: (f.task.updated_at or self._clock(), f.task.id))
            for f in wanted:
                payload = TaskFinished(
                    instance_id=instance_id,
                    instance_name=sub.instance_name,
                    task=f.task.to_api(),
                    # Rows of one batch may be delivered together as a digest.
                    batch=batch,
                    digest_after=self.options.digest_after,
                    # Each subscription's own language: one channel may read Chinese.
                    lang=sub.language,
                    **_slow_fields(slow.get(f.task.id)),
                )
                key = f"sub:{sub.channel}:{f.task.id}:{f.task.status}"
                snooze = snoozes.get(sub.channel)
                # Snoozed or quiet: queued now, posted with the rest of its hold when it ends.
                hold = hold_for(
                    instance_id,
                    now,
                    failed=f.task.failed,
                    snoozed_until=snooze.until if snooze else None,
                    quiet=sub.quiet,
                )
                kept = hold or (None, None)
                row = NewOutboxRow(key, sub.channel, None, payload.kind, encode(payload), *kept)
                rows.append(row)
        # One transaction: a deliverer claiming the first row finds the rest of its batch
        # queued with it, and posts them as one digest rather than the first alone.
        new: set[str] = await self.store.outbox.enqueue_many(rows)
        return len(new)

    # -- failing instances -------------------------------------------------------------

    async def _failed(self, instance_id: str, exc: DmsError) -> None:
        now = self._clock()
        health = self._health.setdefault(instance_id, _Health())
        health.failures += 1
        health.last_error = str(exc)
        if health.failing_since is None:
            health.failing_since = now
        backoff = min(
            self.options.max_backoff, self.options.fast_interval * (2 ** min(health.failures, 8))
        )
        self._next_due[instance_id] = now + backoff
        log.warning(
            "polling %s failed (%d in a row; next try in %s): %s",
            instance_id,
            health.failures,
            backoff,
            exc,
        )
        if not health.reported and now - health.failing_since >= self.options.unreachable_after:
            health.reported = True
            await self._notice(
                instance_id,
                partial(
                    Unreachable,
                    reason=str(exc),
                    # Each channel reads it in its subscription's language.
                    reasons={lang: describe_error(exc, lang) for lang in LANGS},
                    since=health.failing_since.isoformat(),
                ),
                stamp=health.failing_since,
            )

    async def _recovered(self, instance_id: str) -> None:
        health = self._health.pop(instance_id, None)
        if health is None or not health.reported or health.failing_since is None:
            return
        down_for = self._clock() - health.failing_since
        await self._notice(
            instance_id,
            partial(Reachable, down_for_s=down_for.total_seconds()),
            stamp=health.failing_since,
        )

    async def _notice(
        self, instance_id: str, notice: Callable[..., Payload], *, stamp: datetime
    ) -> None:
        """Tell each subscribed channel, in its own language; ``notice`` makes the row
        from the instance's id, its name there and that language."""
        for sub in await self.store.subscriptions.for_instance(instance_id):
            if sub.paused:
                continue
            payload = notice(
                instance_id=instance_id, instance_name=sub.instance_name, lang=sub.language
            )
            key = f"{payload.kind}:{sub.channel}:{instance_id}:{stamp.isoformat()}"
            await self.store.outbox.enqueue(key, sub.channel, None, payload.kind, encode(payload))


def _slow_fields(note: SlowRun | None) -> dict[str, float]:
    """A slow run's note as a row carries it: nothing when the run was not slow."""
    return {} if note is None else {"took_s": note.took_s, "usual_s": note.usual_s}
