"""``[aliases]``: short names for instances, each of one account."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.dms.accounts import Alias
from bot.core.dms.resolve import looks_like_id
from bot.main.config.locate import KeyPath
from bot.main.config.section import NAME, Reader

ALIAS_KEYS = ("account", "instance")


def read_aliases(
    reader: Reader, table: Mapping[str, Any], accounts: Sequence[str]
) -> tuple[Alias, ...]:
    aliases: list[Alias] = []
    seen: dict[str, str] = {}
    for name, raw in table.items():
        at: KeyPath = ("aliases", name)
        other = seen.get(name.lower())
        if other is not None:
            reader.problem(
                at,
                f'alias "{name}" and alias "{other}" differ only in case, and aliases '
                "ignore case; rename or remove one",
            )
        seen[name.lower()] = name
        if not NAME.match(name):
            reader.problem(
                at, f'alias "{name}" cannot be typed as a word: use letters, digits, - and _'
            )
        if not isinstance(raw, dict):
            reader.problem(
                at,
                f'alias "{name}" must be a table: {name} = {{ account = "...", '
                'instance = "<instance id>" }',
            )
            continue
        alias = _alias(reader, at, name, raw, accounts)
        if alias is not None:
            aliases.append(alias)
    return tuple(aliases)


def _alias(
    reader: Reader, at: KeyPath, name: str, raw: Mapping[str, Any], accounts: Sequence[str]
) -> Alias | None:
    for key in raw:
        if key not in ALIAS_KEYS:
            takes = "an alias takes account and instance"
            reader.unknown_key(at, key, f'alias "{name}"', ALIAS_KEYS, takes)
    instance = reader.string(raw, at, "instance")
    if instance is None and "instance" not in raw:
        reader.problem(
            at,
            f'alias "{name}" has no instance; add instance = "<instance id>" (the ids '
            "are listed by the `instances` command)",
        )
    elif instance is not None and not looks_like_id(instance):
        reader.problem(
            (*at, "instance"),
            f'alias "{name}": instance must be an instance id (a UUID, listed by the '
            f'`instances` command), not "{instance}"',
        )
        instance = None
    account = reader.string(raw, at, "account")
    if account is not None and not reader.known_account(
        (*at, "account"),
        account,
        accounts,
        not_in_file=f'alias "{name}" points to account "{account}", which is not in this file',
        no_accounts=f'alias "{name}" points to account "{account}", but the file has no '
        "[accounts.<name>] tables; remove account to use the environment's",
    ):
        account = None
    if instance is None:
        return None
    return Alias(name=name, instance_id=instance, account=account)
