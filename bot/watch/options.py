"""How often and how long the bot watches, in one place (settings feed it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class WatchOptions:
    # Poll an instance this often while it has tasks in progress, and when idle.
    fast_interval: timedelta = timedelta(seconds=10)
    slow_interval: timedelta = timedelta(seconds=60)
    # Each poll re-reads this much before the stored cursor, so a task created just
    # before the last poll (or while the bot was down) is not missed.
    overlap: timedelta = timedelta(minutes=10)
    # The first poll of an instance records what is there (the baseline) this far back.
    baseline_lookback: timedelta = timedelta(hours=6)
    # Instances polled at once in a cycle.
    concurrency: int = 20
    # A lease outlives a missed cycle or two, then another replica takes the instance.
    lease_ttl: timedelta = timedelta(seconds=90)
    # More than this many tasks finishing on one instance in one cycle: one digest.
    digest_after: int = 3
    # DMS failing this long for an instance is reported once to its channels.
    unreachable_after: timedelta = timedelta(minutes=5)
    # Longest wait between polls of a failing instance.
    max_backoff: timedelta = timedelta(minutes=5)
    # Status threads are followed this long, then left with a last note.
    follow_for: timedelta = timedelta(hours=6)
    # A followed answer is edited as its scale-outs move at most this often (Slack
    # limits how often one message may be updated), and only when what it shows moved.
    progress_every: timedelta = timedelta(seconds=10)
    # How often the outbox is looked at for rows to deliver.
    delivery_interval: timedelta = timedelta(seconds=1)
    # How often every subscription is judged by the access rules again (user groups
    # change without a restart); each delivery is judged as well.
    access_recheck: timedelta = timedelta(minutes=5)
