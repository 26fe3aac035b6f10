"""``[defaults]``: the default account, time zone and language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import LANGS
from bot.main.config.locate import KeyPath
from bot.main.config.section import Reader

DEFAULT_KEYS = ("account", "timezone", "language")


def read_defaults(reader: Reader, table: Mapping[str, Any], accounts: Sequence[str]) -> str | None:
    """The default account (the first account when not named); the other keys are
    checked here and taken as they are by the caller."""
    at: KeyPath = ("defaults",)
    for key in table:
        if key not in DEFAULT_KEYS:
            reader.unknown_key(
                at, key, "[defaults]", DEFAULT_KEYS, "it takes " + ", ".join(DEFAULT_KEYS)
            )
    account = reader.string(table, at, "account")
    if account is not None:
        reader.known_account(
            (*at, "account"),
            account,
            accounts,
            not_in_file=f'[defaults] account "{account}" is not an account of this file',
            no_accounts=f'[defaults] account "{account}" names an account, but the file has no '
            "[accounts.<name>] tables; add them or remove this key",
        )
    zone = reader.string(table, at, "timezone")
    if zone is not None:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            reader.problem(
                (*at, "timezone"),
                f'timezone "{zone}" is not an IANA time zone; use a name like Asia/Shanghai or UTC',
            )
    language = reader.string(table, at, "language")
    if language is not None and language not in LANGS:
        choices = " or ".join(f'"{lang}"' for lang in LANGS)
        reader.problem((*at, "language"), f'language must be {choices}, not "{language}"')
    if account is not None:
        return account
    return accounts[0] if accounts else None
