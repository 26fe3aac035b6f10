"""The one guard over the access rules: query, share, subscribe, unsubscribe, view and
change (scheduled tasks).

Typed commands, button presses, the Home tab and the delivery of queued rows all ask it,
so a rule means the same wherever it is checked (``bot.core.access`` holds the rules).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.core.access import Action, Decision, Gatekeeper, Policy, Subject, Target
from bot.core.dms.errors import AmbiguousInstance, DmsError, ResolveError, UnknownInstance
from bot.core.dms.models import Instance
from bot.core.dms.source import Dms

log = logging.getLogger("kafka_tasks.access")


class Refused(Exception):
    """The access rules do not let the asker do this; ``typed`` is what they named."""

    def __init__(self, action: Action, typed: str, by: str) -> None:
        self.action = action
        self.typed = typed
        self.by = by
        super().__init__(f"{action} {typed!r} refused by {by}")


class Guard:
    """``gate`` None: no rules configured, everyone may do everything."""

    def __init__(self, dms: Dms, gate: Gatekeeper | None = None) -> None:
        self._dms = dms
        self._gate = gate

    @property
    def open(self) -> bool:
        """No rules restrict anyone: nothing to check."""
        return self._gate is None or self._gate.policy.open

    async def subject(self, user: str, channel: str) -> Subject | None:
        """Whom the rules are checked for; None when there is nothing to check. Raises
        ``GroupsUnavailable`` when a user group a rule names cannot be read."""
        if self._gate is None or self._gate.policy.open:
            return None
        return await self._gate.subject(user, channel)

    # -- an instance as typed or carried by a button ------------------------------------

    async def permitted(self, action: Action, who: Subject | None, typed: str) -> Instance:
        """The instance ``typed`` names, if ``who`` may do ``action`` on it.

        Someone the rules restrict gets the same refusal for an instance they may not
        see whether or not it exists, and suggestions and choices only among those they
        may see: a refusal tells nothing about what else is there.
        """
        if who is None or self._gate is None:
            return await self._dms.resolve(typed)
        policy = self._gate.policy
        if not policy.possible(action, who):
            raise Refused(action, typed, "no rule allows it")
        if not policy.restricted(action, who):
            return await self._dms.resolve(typed)
        try:
            instance = await self._dms.resolve(typed)
        except UnknownInstance as exc:
            close = [c for c in exc.close if policy.decide(action, who, _named(c)).allowed]
            raise _unseen(policy, action, who, typed, close) from exc
        except AmbiguousInstance as exc:
            seen = [
                (label, iid)
                for label, iid in exc.candidates
                if policy.decide(action, who, _named(label, iid)).allowed
            ]
            if not seen:
                raise _unseen(policy, action, who, typed, []) from exc
            if len(seen) == 1:
                return await self._dms.resolve(seen[0][1])
            raise AmbiguousInstance(exc.name, seen) from exc
        # An id no listing confirms could be any instance, one the rules refuse
        # included: someone the rules restrict gets only instances DMS lists.
        unconfirmed = instance.name == instance.instance_id
        if unconfirmed or not policy.allows(action, who, instance):
            raise _unseen(policy, action, who, typed, [])
        return instance

    async def may_share(self, who: Subject | None, instance_id: str | None) -> bool:
        """Whether an answer about the instance may be shown to the channel; when that
        cannot be told (DMS down), it is not."""
        if who is None or instance_id is None or self._gate is None:
            return True
        try:
            instance = await self._dms.resolve(instance_id)
        except (DmsError, ResolveError) as exc:
            log.info("could not check sharing of %s (%s); answering privately", instance_id, exc)
            return False
        return self._gate.policy.allows("share", who, instance)

    def sharing(self, who: Subject | None, instance: Instance) -> Decision | None:
        """Whether ``who`` may share answers about ``instance``; None: nobody to check."""
        if who is None or self._gate is None:
            return None
        return self.judge("share", who, instance)

    def visible(self, who: Subject | None, instances: Iterable[Instance]) -> tuple[Instance, ...]:
        """The instances ``who`` may query, for a listing."""
        if who is None or self._gate is None:
            return tuple(instances)
        policy = self._gate.policy
        return tuple(i for i in instances if policy.allows("query", who, i))

    # -- an instance already in hand (the Home tab, queued rows) -------------------------

    def judge(self, action: Action, who: Subject | None, instance: Instance) -> Decision:
        """Whether ``who`` may do ``action`` on an instance DMS listed (or a row kept)."""
        if who is None or self._gate is None:
            return Decision(True, "no rules")
        policy = self._gate.policy
        return policy.decide(action, who, policy.target(instance))

    async def decide(self, action: Action, user: str, channel: str, instance: Instance) -> Decision:
        """One check for ``user`` in ``channel``; raises ``GroupsUnavailable``."""
        return self.judge(action, await self.subject(user, channel), instance)

    async def changing(self, user: str, channel: str, instance: Instance) -> Decision:
        """Whether ``user`` in ``channel`` may change ``instance``'s scheduled tasks.
        Checked even with no rules at all: only a rule naming ``change`` grants it.
        Raises ``GroupsUnavailable``."""
        if self._gate is None:
            return Decision(False, "no rules")
        policy = self._gate.policy
        who = await self._gate.subject(user, channel)
        return policy.decide("change", who, policy.target(instance))

    async def allows(self, action: Action, user: str, channel: str, instance: Instance) -> bool:
        """``decide``, where a rule that cannot be evaluated refuses: showing or removing
        too much is the worse mistake."""
        try:
            return (await self.decide(action, user, channel, instance)).allowed
        except Exception:
            log.exception("access check failed for %s in %s on %s", user, channel, instance.name)
            return False


def _unseen(
    policy: Policy, action: Action, who: Subject, typed: str, close: list[str]
) -> Exception:
    """The answer for an instance the asker may not see: exactly what they would get if
    ``typed`` named nothing at all, so that refusals map nothing out."""
    named = policy.decide(action, who, _named(typed))
    if not named.allowed:
        return Refused(action, typed, named.by)
    return UnknownInstance(typed, "", close)


def _named(name: str, instance_id: str = "") -> Target:
    """An instance known only by what was typed or listed (``name`` or ``name@account``)."""
    base, _, account = name.partition("@")
    return Target(frozenset(n for n in (name, base, instance_id) if n), account)
