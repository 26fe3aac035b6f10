"""A config file that cannot be used: each problem with its line and what to do,
and the advice for TOML syntax errors (tomllib's own messages name no fix)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass

_TOML_POSITION = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)$")


@dataclass(frozen=True)
class Problem:
    line: int | None
    reason: str


class ConfigFileError(ValueError):
    """The config file cannot be used; each problem says where and what to do."""

    def __init__(self, file: str, problems: Iterable[Problem]) -> None:
        self.file = file
        self.problems = tuple(
            sorted(problems, key=lambda p: (p.line is None, p.line or 0, p.reason))
        )
        super().__init__("; ".join(self.messages))

    @property
    def messages(self) -> list[str]:
        return [
            f"{self.file} line {p.line}: {p.reason}" if p.line else f"{self.file}: {p.reason}"
            for p in self.problems
        ]


def syntax_problem(message: str, text: str) -> Problem:
    position = _TOML_POSITION.search(message)
    what = message[: position.start()] if position else message
    if position and position.group(1):
        line: int = int(position.group(1))
        where = f" (column {position.group(2)})"
    else:
        line = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        where = " (at the end of the file: something opened earlier is never closed)"
    return Problem(line, f"{_syntax_advice(what)}{where}")


def _syntax_advice(what: str) -> str:
    declared = re.match(r"Cannot declare \((.*)\) twice", what)
    if declared:
        try:
            parts = ast.literal_eval(f"({declared.group(1)})")
            table = ".".join(str(p) for p in parts)
        except (ValueError, SyntaxError):
            table = declared.group(1)
        return (
            f"[{table}] is declared a second time; each name may appear once: merge the "
            "two tables or rename one"
        )
    advice = {
        "Cannot overwrite a value": "this key is already set above; keep only one of them",
        "Invalid value": (
            'this value is not valid TOML; write text in quotes ("..."), and close every [ and {'
        ),
        "Unterminated string": "a string is not closed; add the closing quote",
        "Illegal character '\\n'": (
            "a string is not closed on this line; add the closing quote (text on several "
            'lines goes in """triple quotes""")'
        ),
        "Expected '=' after a key in a key/value pair": (
            'expected key = value; a key with spaces or dots needs quotes ("my key" = ...)'
        ),
        "Expected newline or end of document after a statement": (
            "put one key = value per line (a comment starts with #)"
        ),
        "Invalid initial character for a key part": (
            "expected a key here; an inline table { ... } must stay on one line, else use "
            "a [table] header"
        ),
    }
    for start, text in advice.items():
        if what.startswith(start):
            return text
    return f"{what.rstrip('.')}: fix the TOML syntax here"
