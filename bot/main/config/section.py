"""What every section of the config file is read with: the problems found so far,
each at the line its key was written, and the checks the sections share."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.main.config.errors import Problem
from bot.main.config.locate import KeyPath, locate

# Account and alias names are typed after "@" and in commands: no spaces, no "@".
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def close(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


class Reader:
    """The file's text (to find where a key was written), the environment the accounts
    name, and every problem found so far."""

    def __init__(self, text: str, env: Mapping[str, str]) -> None:
        self.text = text
        self.env = env
        self.problems: list[Problem] = []

    def problem(self, at: Sequence[str | int], reason: str) -> None:
        self.problems.append(Problem(locate(self.text, at), reason))

    def string(self, table: Mapping[str, Any], at: KeyPath, key: str) -> str | None:
        """A string value (stripped); a problem when present but not a string."""
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem((*at, key), f'{key} must be text in quotes, like {key} = "..."')
            return None
        return value.strip()

    def unknown_key(
        self, at: KeyPath, key: str, place: str, known: Sequence[str], takes: str
    ) -> None:
        """``key`` is not one ``place`` (a table, named as the message names it) takes."""
        self.problem((*at, key), f'unknown key "{key}" in {place}{close(key, known)}; {takes}')

    def known_account(
        self,
        at: KeyPath,
        account: str,
        accounts: Sequence[str],
        *,
        not_in_file: str,
        no_accounts: str,
    ) -> bool:
        """Whether ``account`` is one the file declares; a problem if not, which starts
        ``not_in_file`` when there are accounts to name, else is ``no_accounts``."""
        if account in accounts:
            return True
        if accounts:
            self.problem(
                at,
                f"{not_in_file}{close(account, accounts)}; use one of: {', '.join(accounts)}",
            )
        else:
            self.problem(at, no_accounts)
        return False
