"""This replica's share of the poll leases.

Every replica renews a heartbeat each cycle, so each knows how many are watching. Its
fair share is ceil(watched / replicas): it takes free or expired leases only while under
that share, and gives back what it holds over it (a replica has joined, or the count
of instances fell) at the start of a cycle, when none of its polls is running. So the
leases of a replica that left go to those under their share, and a replica that joins
is given room. Who gets one lease is still decided by the store's single conditional
upsert: the share only limits what a replica asks for, so a wrong count of replicas can
unbalance the work for a cycle or two but never lets two replicas poll one instance.

Each replica prefers instances in its own order (a hash of its name and the
instance's), which keeps the same instances with the same replica from cycle to cycle
and lets replicas reaching for free leases at once mostly reach for different ones.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.adapters.store.polling import Polling


@dataclass(frozen=True)
class Share:
    """What one cycle's look at the leases decided."""

    replicas: int  # watching now, this one included
    share: int  # most instances this replica holds
    held: frozenset[str]  # the instances this replica holds a live lease on now
    released: frozenset[str]  # given back this cycle: over the share


class Leases:
    def __init__(
        self, polling: Polling, owner: str, ttl: timedelta, clock: Callable[[], datetime]
    ) -> None:
        self._polling = polling
        self._owner = owner
        self._ttl = ttl
        self._clock = clock
        # Instance -> when this replica's lease on it expires, as far as it knows.
        self._until: dict[str, datetime] = {}
        self._rank: dict[str, bytes] = {}

    @property
    def held(self) -> set[str]:
        return set(self._until)

    def live(self, instance_id: str) -> bool:
        """Whether the lease is still this replica's: a poll never starts on a lapsed one."""
        until = self._until.get(instance_id)
        return until is not None and until > self._clock()

    async def settle(self) -> tuple[Share, dict[str, str | None]]:
        """Heartbeat, look at every watched instance's lease, give back what is over the
        share, take free ones up to it and renew those past half their time, in four
        statements; returns the share and the lease owners read."""
        # The heartbeat lives half a lease: a replica killed mid-cycle is counted out
        # before its leases expire, so the others have room for them when they do.
        replicas = await self._polling.heartbeat(self._owner, self._ttl / 2)
        owners: dict[str, str | None] = await self._polling.watched_leases()
        share = math.ceil(len(owners) / replicas)
        mine = {i for i, owner in owners.items() if owner == self._owner}
        for lost in set(self._until) - mine:
            del self._until[lost]  # expired and taken, or no longer watched
        released: set[str] = set()
        if len(mine) > share:
            released = set(sorted(mine, key=self._preference)[share:])
            await self._polling.release_leases(released, self._owner)
            mine -= released
            for instance_id in released:
                self._until.pop(instance_id, None)
        free = [i for i, owner in owners.items() if owner is None]
        room = share - len(mine)
        wanted = set(sorted(free, key=self._preference)[:room]) if room > 0 and free else set()
        now = self._clock()
        wanted |= {i for i in mine if self._until.get(i, now) - now <= self._ttl / 2}
        if wanted:
            got = await self._polling.acquire_leases(wanted, self._owner, self._ttl)
            for instance_id in wanted - got:
                self._until.pop(instance_id, None)
            for instance_id in got:
                self._until[instance_id] = now + self._ttl
        for gone in set(self._rank) - set(owners):
            del self._rank[gone]
        share_now = Share(replicas, share, frozenset(self._until), frozenset(released))
        return share_now, owners

    async def release_all(self) -> None:
        """A clean stop (a deploy): the instances go to the others at once, not when the
        leases expire, and the others stop counting this replica."""
        held, self._until = set(self._until), {}
        try:
            await self._polling.release_leases(held, self._owner)
        finally:
            await self._polling.leave(self._owner)

    def _preference(self, instance_id: str) -> bytes:
        rank = self._rank.get(instance_id)
        if rank is None:
            key = f"{self._owner}\0{instance_id}".encode()
            rank = self._rank[instance_id] = hashlib.blake2b(key, digest_size=8).digest()
        return rank
