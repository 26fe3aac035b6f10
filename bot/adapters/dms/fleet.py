"""Fleet: several DMS accounts (projects, regions) behind the one ``Dms`` shape.

Names resolve across every account; ``name@account`` or ``name@region`` narrows the
search, and an alias from the config file names one instance of one account. Task
calls carry only an instance id, so the fleet remembers which account's listing
showed each id (subscriptions and buttons hold ids, and still route after a restart:
the listings are fetched again on the first unknown id). An id no listing shows goes
to the default account.

With one account the fleet is a pass-through: the same calls, answers and messages as
that account's client alone, and instances are not tagged with an account.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.core.dms.accounts import Alias
from bot.core.dms.errors import DmsError, UnknownInstance, UnknownPlace
from bot.core.dms.models import Instance, Task, TaskList
from bot.core.dms.place import Place, Where
from bot.core.dms.resolve import pick_instance
from bot.core.dms.scheduled import ScheduledList
from bot.core.dms.source import ClientOptions, Dms, Window
from bot.core.timeline.records import InstanceDetail, Progress

log = logging.getLogger("kafka_tasks.dms")


@dataclass(frozen=True)
class Member:
    """One account of the fleet: its name in the config file, region and client."""

    name: str
    client: Dms
    region: str = ""


@dataclass(frozen=True)
class _Listing:
    member: Member
    instances: tuple[Instance, ...] = ()
    error: DmsError | None = None


class Fleet:
    def __init__(
        self,
        members: Sequence[Member],
        *,
        default: str | None = None,
        aliases: Iterable[Alias] = (),
    ) -> None:
        if not members:
            raise ValueError("a fleet needs at least one account")
        self._members = {m.name: m for m in members}
        if len(self._members) != len(members):
            raise ValueError("account names must be unique")
        if default is not None and default not in self._members:
            raise ValueError(f"the default account {default!r} is not one of the accounts")
        self._default = self._members[default] if default else members[0]
        self._several = len(members) > 1
        self._aliases: dict[str, Alias] = {}
        # instance id -> account name, learned from listings and fixed by aliases.
        self._home: dict[str, str] = {}
        for alias in aliases:
            if alias.account is not None and alias.account not in self._members:
                raise ValueError(f"alias {alias.name!r} names an unknown account {alias.account!r}")
            self._aliases[alias.name.lower()] = alias
            self._home[alias.instance_id] = alias.account or self._default.name
        # Per account: the client's listing as last seen, and it tagged with the account,
        # so a cached listing is not tagged again on every question.
        self._tagged: dict[str, tuple[tuple[Instance, ...], tuple[Instance, ...]]] = {}

    @property
    def accounts(self) -> tuple[str, ...]:
        return tuple(self._members)

    @property
    def default_account(self) -> str:
        return self._default.name

    @property
    def where(self) -> Where:
        return self._where(tuple(self._members.values()))

    @property
    def options(self) -> ClientOptions:
        return self._default.client.options

    # -- the Dms shape -----------------------------------------------------------------

    async def list_instances(self, *, fresh: bool = False) -> tuple[Instance, ...]:
        if not self._several:
            return await self._default.client.list_instances(fresh=fresh)
        listings = await self._listings(tuple(self._members.values()), fresh=fresh)
        answered = [listing for listing in listings if listing.error is None]
        if not answered and listings[0].error is not None:
            raise listings[0].error
        # One account whose key expired must not hide every other account's instances
        # (the failure is in the log, and questions about its instances say so).
        found = [inst for listing in answered for inst in listing.instances]
        return tuple(sorted(found, key=lambda i: (i.name, i.account)))

    async def resolve(self, name_or_id: str) -> Instance:
        wanted = name_or_id.strip()
        alias = self._aliases.get(wanted.lower())
        if alias is not None:
            return await self._aliased(alias)
        members, name = self._scope(wanted)
        if not self._several:
            return await self._default.client.resolve(name)
        listings = await self._listings(members)
        instances = [inst for listing in listings for inst in listing.instances]
        failed = [listing for listing in listings if listing.error is not None]
        try:
            found = pick_instance(name, instances, where=self._where(members))
        except UnknownInstance:
            # It may well be in the account that did not answer: say that, not "no such".
            if failed and failed[0].error is not None:
                raise failed[0].error from None
            raise
        if failed:
            log.warning(
                "resolved %r without the listing of %s (it failed)",
                wanted,
                ", ".join(listing.member.name for listing in failed),
            )
        if any(inst is found for inst in instances):
            return found
        if len(members) < len(self._members):
            # An id asked with @account that this account does not list: if another
            # account lists it, that is the instance, named as it is, whatever was typed
            # after the @ (access rules judge its real name and account).
            for listing in await self._listings(tuple(self._members.values())):
                for inst in listing.instances:
                    if inst.instance_id == found.instance_id:
                        return inst
        # An id no listing shows: asked with @account it goes there, else to the default.
        # Not remembered: a guess must not outlive the call that made it.
        home = members[0] if len(members) == 1 else self._default
        return self._tag(found, home)

    async def list_tasks(
        self, instance_id: str, window: Window, *, fresh: bool = False
    ) -> TaskList:
        member = await self._home_of(instance_id)
        return await member.client.list_tasks(instance_id, window, fresh=fresh)

    async def get_task(self, instance_id: str, task_id: str) -> Task:
        member = await self._home_of(instance_id)
        return await member.client.get_task(instance_id, task_id)

    async def show_instance(self, instance_id: str, *, fresh: bool = False) -> InstanceDetail:
        member = await self._home_of(instance_id)
        return await member.client.show_instance(instance_id, fresh=fresh)

    async def task_progress(
        self, instance_id: str, task_id: str, *, fresh: bool = False
    ) -> Progress:
        member = await self._home_of(instance_id)
        return await member.client.task_progress(instance_id, task_id, fresh=fresh)

    async def list_scheduled(self, instance_id: str) -> ScheduledList:
        member = await self._home_of(instance_id)
        return await member.client.list_scheduled(instance_id)

    async def update_scheduled(
        self, instance_id: str, task_id: str, *, execute_at: datetime | None
    ) -> str | None:
        member = await self._home_of(instance_id)
        return await member.client.update_scheduled(instance_id, task_id, execute_at=execute_at)

    def account_of(self, instance: Instance) -> str:
        """The account an instance lives in (its CTS and CES are that account's)."""
        return instance.account or self._home.get(instance.instance_id) or self._default.name

    # -- routing -----------------------------------------------------------------------

    async def _home_of(self, instance_id: str) -> Member:
        if not self._several:
            return self._default
        home = self._home.get(instance_id)
        if home is None:
            # Learns every listed id; the clients cache their listings, so this costs
            # requests only the first time (or once the listing has expired).
            await self._listings(tuple(self._members.values()))
            home = self._home.get(instance_id)
        return self._members[home] if home is not None else self._default

    async def _aliased(self, alias: Alias) -> Instance:
        member = self._members[alias.account] if alias.account else self._default
        for inst in await member.client.list_instances():
            if inst.instance_id == alias.instance_id:
                return self._tag(inst, member)
        # Not listed (filters, permissions): the task call decides whether it exists.
        return self._tag(Instance(instance_id=alias.instance_id, name=alias.instance_id), member)

    def _scope(self, wanted: str) -> tuple[tuple[Member, ...], str]:
        """The accounts to look in and the name to look for, from ``name@place``."""
        everyone = tuple(self._members.values())
        name, at, place = wanted.rpartition("@")
        key = place.strip().lower()
        if not (at and name.strip() and key):
            return everyone, wanted
        chosen = tuple(m for m in everyone if m.name.lower() == key) or tuple(
            m for m in everyone if m.region.lower() == key
        )
        if chosen:
            return chosen, name.strip()
        if not self._several:
            # One account: "a@b" is just a name, looked up (and not found) as before.
            return everyone, wanted
        regions = sorted({m.region for m in everyone if m.region})
        raise UnknownPlace(wanted, place.strip(), list(self._members), regions)

    async def _listings(self, members: Sequence[Member], *, fresh: bool = False) -> list[_Listing]:
        """Every member's listing at once; a failing account is reported, not raised, so
        the others still answer (and route)."""
        results = await asyncio.gather(
            *(m.client.list_instances(fresh=fresh) for m in members), return_exceptions=True
        )
        listings = []
        for member, result in zip(members, results, strict=True):
            if isinstance(result, DmsError):
                log.warning("listing the instances of account %s failed: %s", member.name, result)
                listings.append(_Listing(member, error=result))
            elif isinstance(result, BaseException):
                raise result
            else:
                tagged = self._tag_all(member, result)
                for inst in tagged:
                    # What an account's listing shows settles where an id lives.
                    self._home[inst.instance_id] = member.name
                listings.append(_Listing(member, tagged))
        return listings

    def _tag_all(self, member: Member, listing: tuple[Instance, ...]) -> tuple[Instance, ...]:
        if not self._several:
            return listing
        seen = self._tagged.get(member.name)
        if seen is not None and seen[0] is listing:
            return seen[1]
        tagged = tuple(self._tag(inst, member) for inst in listing)
        self._tagged[member.name] = (listing, tagged)
        return tagged

    def _tag(self, instance: Instance, member: Member) -> Instance:
        if not self._several:
            return instance
        return replace(instance, account=member.name, region=member.region)

    def _where(self, members: Sequence[Member]) -> Where:
        if not self._several:
            return members[0].client.where
        return Place(accounts=tuple((m.name, m.client.where) for m in members))
