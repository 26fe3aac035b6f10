"""Reading the config file: its bytes, its TOML, then each section in turn; every
problem of every section is reported at once."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bot.core.access import PolicyError, parse_policy
from bot.i18n import LANGS
from bot.main.config.accounts import read_accounts
from bot.main.config.aliases import read_aliases
from bot.main.config.defaults import DEFAULT_KEYS, read_defaults
from bot.main.config.errors import ConfigFileError, Problem, syntax_problem
from bot.main.config.model import ConfigFile
from bot.main.config.section import Reader, close

TABLES = ("defaults", "accounts", "aliases", "access")


def load_config_file(path: Path, env: Mapping[str, str]) -> ConfigFile:
    """The file at ``path``, checked; ``env`` holds the variables the accounts name."""
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigFileError(
            name,
            [
                Problem(
                    None,
                    f"cannot read {path} ({reason}); set KAFKA_TASKS_CONFIG to the file's "
                    "path, or unset it to configure the bot from the environment alone",
                )
            ],
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigFileError(
            name, [Problem(line, "this is not UTF-8 text; save the file as UTF-8")]
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError(name, [syntax_problem(str(exc), text)]) from None
    return _read(Reader(text, env), path, data)


def _read(reader: Reader, path: Path, data: Mapping[str, Any]) -> ConfigFile:
    for key, value in data.items():
        if key in TABLES:
            if not isinstance(value, dict):
                reader.problem((key,), f"{key} must be a table: write [{key}] on a line of its own")
        elif key in DEFAULT_KEYS:
            reader.problem((key,), f"{key} belongs under [defaults]; move it there")
        else:
            allowed = ", ".join(f"[{t}]" for t in TABLES)
            kind = "table" if isinstance(value, dict) else "key"
            reader.problem(
                (key,),
                f'unknown {kind} "{key}"{close(key, TABLES)}; the file takes {allowed}',
            )
    if data.get("accounts") == {}:
        reader.problem(
            ("accounts",),
            "[accounts] holds no account; add [accounts.<name>] tables, or remove it "
            "to use the account of the environment",
        )
    declared = _table(data, "accounts")
    accounts = read_accounts(reader, declared)
    # Checked against every account written, valid or not: an account with a problem
    # of its own must not make each reference to it a second problem.
    names = list(declared)
    defaults = _table(data, "defaults")
    default_account = read_defaults(reader, defaults, names)
    aliases = read_aliases(reader, _table(data, "aliases"), names)
    policy = None
    access = data.get("access")
    if isinstance(access, dict):
        try:
            policy = parse_policy(access, aliases={a.name: a.instance_id for a in aliases})
        except PolicyError as exc:
            for each in (exc, *exc.others):
                reader.problem(("access", *each.path), f"{_dotted(each.path)}: {each.reason}")
    if reader.problems:
        raise ConfigFileError(path.name, reader.problems)
    timezone = defaults.get("timezone")
    language = defaults.get("language")
    return ConfigFile(
        path=path,
        accounts=accounts,
        default_account=default_account,
        timezone=timezone if isinstance(timezone, str) else None,
        language=next((lang for lang in LANGS if lang == language), None),
        aliases=aliases,
        policy=policy,
    )


def _table(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _dotted(path: Sequence[str | int]) -> str:
    """``("rules", 1, "effect")`` -> ``access.rules #2.effect`` (rules count from 1)."""
    text = "access"
    for part in path:
        text += f" #{part + 1}" if isinstance(part, int) else f".{part}"
    return text
