"""Who may do what, where: the ``[access]`` rules of ``kafka-tasks.toml``.

A rule matches on the channel, the user (or a Slack user group they are in), the
action and the instance; the first rule that matches decides, and when none does,
``default`` decides. With no rules at all, everyone in the workspace may query,
share and subscribe (the start-up log says so).

``change`` (rescheduling or cancelling DMS's scheduled tasks: the bot's writes to the
cloud) is the exception: only a rule that names it grants it. A rule listing no
actions, ``default = "allow"`` and having no rules at all never do; a deny rule listing
no actions still refuses it.

```toml
[access]
default = "deny"                 # when no rule matches; "allow" if there are no rules

[[access.rules]]
effect = "allow"                 # or "deny"
channels = ["C0INCIDENTS"]       # channel ids; "DM" for direct messages; omit for any
users = ["U0ALICE"]              # user ids; omit (and groups) for anyone
groups = ["S0ONCALL"]            # Slack user group ids (usergroups:read)
actions = ["query", "share"]     # query, share, subscribe, unsubscribe, change; omit
                                 # for all but change (granted only where named)
instances = ["prod-*", "orders"] # names, ids, aliases or name@account, globs; omit for any
accounts = ["prod"]              # accounts of kafka-tasks.toml; omit for any
```

Refusals never say whether the instance exists: a name the asker may not query gets
the same answer whether or not DMS knows it (see ``bot.services.conversation``).
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from bot.core.dms.models import Instance

log = logging.getLogger("kafka_tasks.access")

Action = Literal["query", "share", "subscribe", "unsubscribe", "change"]
ACTIONS: tuple[Action, ...] = get_args(Action)
# Granted only by a rule that names them: writes to the cloud are never allowed by
# default, nor by a rule written before they existed.
NAMED_ONLY: frozenset[Action] = frozenset({"change"})
Effect = Literal["allow", "deny"]
# Direct-message channel ids start with D; rules name them all with this word.
DM = "DM"

_RULE_KEYS = frozenset(
    {"effect", "channels", "users", "groups", "actions", "instances", "accounts", "description"}
)


class PolicyError(ValueError):
    """A malformed ``[access]`` table: ``path`` leads to the key at fault."""

    def __init__(self, path: tuple[str | int, ...], reason: str) -> None:
        self.path = path
        self.reason = reason
        # The table's other problems, when there are several.
        self.others: tuple[PolicyError, ...] = ()
        super().__init__(f"{'.'.join(str(p) for p in path)}: {reason}")


@dataclass(frozen=True)
class Subject:
    """Who asks and where, with the Slack user groups the rules name that they are in."""

    user: str
    channel: str
    groups: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Target:
    """An instance as rules may name it: every name it goes by, and its account."""

    names: frozenset[str]
    account: str = ""

    @classmethod
    def of(cls, instance: Instance, aliases: Iterable[str] = ()) -> Target:
        names = {instance.name, instance.instance_id, *aliases}
        account = instance.account
        base, at, suffix = instance.name.rpartition("@")
        if at and base and not account:
            # A name stored as its label ("prod-payments@prod", as subscriptions keep
            # it when there are several accounts): judged as the instance it names.
            names.add(base)
            account = suffix
        elif account:
            names.add(f"{instance.name}@{account}")
        return cls(frozenset(n for n in names if n), account)


@dataclass(frozen=True)
class Rule:
    effect: Effect
    number: int  # 1-based, as the audit log and refusals name it
    channels: frozenset[str] = frozenset()
    users: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    actions: frozenset[Action] = frozenset()
    instances: tuple[str, ...] = ()
    accounts: frozenset[str] = frozenset()
    description: str = ""

    @property
    def targeted(self) -> bool:
        """Whether the rule depends on the instance (else it decides for all of them)."""
        return bool(self.instances or self.accounts)

    def covers(self, action: Action, who: Subject) -> bool:
        if self.actions and action not in self.actions:
            return False
        if not self.actions and action in NAMED_ONLY and self.effect == "allow":
            return False
        if self.channels and not (
            who.channel in self.channels or (DM in self.channels and who.channel.startswith("D"))
        ):
            return False
        if self.users or self.groups:
            return who.user in self.users or bool(self.groups & who.groups)
        return True

    def names(self, target: Target) -> bool:
        if self.accounts and target.account not in self.accounts:
            return False
        if not self.instances:
            return True
        lowered = {n.lower() for n in target.names}
        return any(
            fnmatch.fnmatchcase(name, pattern.lower())
            for pattern in self.instances
            for name in lowered
        )

    def label(self) -> str:
        return f"rule {self.number}" + (f" ({self.description})" if self.description else "")


@dataclass(frozen=True)
class Decision:
    allowed: bool
    # Which rule decided, or "default": for the audit log, never shown to the asker.
    by: str


@dataclass(frozen=True)
class Policy:
    rules: tuple[Rule, ...] = ()
    default: Effect = "allow"
    # alias -> instance id: a rule naming an alias matches the instance it stands for.
    aliases: Mapping[str, str] = field(default_factory=dict)

    @property
    def open(self) -> bool:
        """No rule restricts anyone: every check can be skipped."""
        return not self.rules and self.default == "allow"

    @property
    def group_ids(self) -> frozenset[str]:
        return frozenset(g for rule in self.rules for g in rule.groups)

    def describe(self, source: str | None = None) -> str:
        """One line for the start-up log. ``source``: the config file the rules were read
        from; None when there is none (then there are no rules)."""
        if self.open:
            where = f"no rules in {source}" if source else "no config file (KAFKA_TASKS_CONFIG)"
            return f"access: {where}: everyone in the workspace may query, share and subscribe"
        return (
            f"access: {len(self.rules)} rule(s){f' in {source}' if source else ''}; when none "
            f"matches: {self.default} "
            f"(groups checked: {', '.join(sorted(self.group_ids)) or 'none'})"
        )

    def target(self, instance: Instance) -> Target:
        aliases = [a for a, iid in self.aliases.items() if iid == instance.instance_id]
        return Target.of(instance, aliases)

    def allows(self, action: Action, who: Subject, instance: Instance) -> bool:
        """``decide`` for an instance DMS listed, as a yes or no."""
        return self.decide(action, who, self.target(instance)).allowed

    def fallback(self, action: Action) -> Effect:
        """What decides when no rule matches: ``default``, but never an allow of an
        action only a rule may grant."""
        return "deny" if action in NAMED_ONLY else self.default

    def decide(self, action: Action, who: Subject, target: Target) -> Decision:
        for rule in self.rules:
            if rule.covers(action, who) and rule.names(target):
                return Decision(rule.effect == "allow", rule.label())
        return Decision(self.fallback(action) == "allow", "default")

    def possible(self, action: Action, who: Subject) -> bool:
        """Whether some instance could be allowed: answered before anything is looked
        up, so that someone with no access at all costs DMS nothing and learns nothing."""
        for rule in self.rules:
            if not rule.covers(action, who):
                continue
            if rule.effect == "allow":
                return True
            if not rule.targeted:
                return False
        return self.fallback(action) == "allow"

    def restricted(self, action: Action, who: Subject) -> bool:
        """Whether some instance may be refused to ``who`` (else no need to look)."""
        for rule in self.rules:
            if not rule.covers(action, who):
                continue
            if rule.effect == "deny":
                return True
            if not rule.targeted:
                return False
        return self.fallback(action) == "deny"


def parse_policy(table: Mapping[str, Any], *, aliases: Mapping[str, str] | None = None) -> Policy:
    """The ``[access]`` table as a Policy.

    Raises a PolicyError for the first key at fault, with every other one in its
    ``others``: a file with three mistyped ids is mended in one go, not three starts.
    """
    problems: list[PolicyError] = []
    for key in table:
        if key not in ("default", "rules"):
            problems.append(
                PolicyError((key,), "unknown key; [access] takes `default` and `rules`")
            )
    raw_rules = table.get("rules", [])
    rules: tuple[Rule, ...] = ()
    if not isinstance(raw_rules, list) or not all(isinstance(r, Mapping) for r in raw_rules):
        problems.append(PolicyError(("rules",), "write each rule as an [[access.rules]] table"))
    else:
        rules = tuple(_rule(raw, n, problems) for n, raw in enumerate(raw_rules, start=1))
    default = table.get("default", "deny" if rules else "allow")
    if default not in ("allow", "deny"):
        problems.append(PolicyError(("default",), f'must be "allow" or "deny", got {default!r}'))
    if problems:
        first, *others = problems
        first.others = tuple(others)
        raise first
    return Policy(rules=rules, default=default, aliases=dict(aliases or {}))


def _rule(raw: Mapping[str, Any], number: int, problems: list[PolicyError]) -> Rule:
    """One rule; what is wrong with it goes to ``problems`` (the rule is then unused)."""
    path: tuple[str | int, ...] = ("rules", number - 1)
    for key in raw:
        if key not in _RULE_KEYS:
            problems.append(
                PolicyError(
                    (*path, key), f"unknown key; a rule takes {', '.join(sorted(_RULE_KEYS))}"
                )
            )
    effect = raw.get("effect", "allow")
    if effect not in ("allow", "deny"):
        problems.append(
            PolicyError((*path, "effect"), f'must be "allow" or "deny", got {effect!r}')
        )
        effect = "deny"

    def words(key: str, check: Callable[[str], str | None] | None = None) -> tuple[str, ...]:
        value = raw.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            problems.append(PolicyError((*path, key), "must be a list of non-empty strings"))
            return ()
        for item in value:
            problem = check(item) if check else None
            if problem:
                problems.append(PolicyError((*path, key), problem))
                return ()
        return tuple(value)

    actions = words(
        "actions",
        lambda a: None if a in ACTIONS else f"unknown action {a!r}; use {', '.join(ACTIONS)}",
    )
    description = raw.get("description", "")
    if not isinstance(description, str):
        problems.append(PolicyError((*path, "description"), "must be a string"))
        description = ""
    return Rule(
        effect=effect,
        number=number,
        channels=frozenset(words("channels", _channel_problem)),
        users=frozenset(words("users", _id_problem("U", "W", what="user"))),
        groups=frozenset(words("groups", _id_problem("S", what="user group"))),
        actions=frozenset(a for a in ACTIONS if a in actions),
        instances=words("instances"),
        accounts=frozenset(words("accounts")),
        description=description,
    )


def _channel_problem(value: str) -> str | None:
    if value == DM or (value[:1] in "CGD" and value.isalnum() and value.isupper()):
        return None
    return (
        f"{value!r} is not a channel id: use ids like C0123ABCD (channel details > About, "
        f'at the bottom) or "{DM}" for direct messages, not #names, which can change'
    )


def _id_problem(*prefixes: str, what: str) -> Callable[[str], str | None]:
    def problem(value: str) -> str | None:
        if value[:1] in prefixes and value.isalnum() and value.isupper():
            return None
        return f"{value!r} is not a Slack {what} id (like {prefixes[0]}0123ABCD)"

    return problem


class GroupsUnavailable(Exception):
    """Slack did not say who is in a user group that a rule names."""


GroupMembers = Callable[[str], Awaitable[Sequence[str]]]


class Gatekeeper:
    """The policy with what it needs from Slack: the members of the groups it names.

    ``members`` is ``usergroups.users.list`` in production; its answers are cached by
    the caller (see ``bot.adapters.slack.groups``). When it fails, asks are refused with a
    message saying why (a deny rule might name the group; guessing could let
    someone through).
    """

    def __init__(self, policy: Policy, members: GroupMembers | None = None) -> None:
        self.policy = policy
        self._members = members

    async def subject(self, user: str, channel: str) -> Subject:
        groups: set[str] = set()
        if self.policy.group_ids and self._members is not None:
            for group in sorted(self.policy.group_ids):
                try:
                    members = await self._members(group)
                except Exception as exc:
                    log.warning("could not read user group %s: %s", group, exc)
                    raise GroupsUnavailable(group) from exc
                if user in members:
                    groups.add(group)
        return Subject(user=user, channel=channel, groups=frozenset(groups))

    async def allows(self, action: Action, user: str, channel: str, instance: Instance) -> bool:
        """One check as the Home tab asks it; a group that cannot be read refuses."""
        if self.policy.open:
            return True
        who = await self.subject(user, channel)
        return self.policy.allows(action, who, instance)
