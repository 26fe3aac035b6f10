"""The config file ``kafka-tasks.toml``: accounts, aliases, defaults and access rules.

Read once at start from the path in ``KAFKA_TASKS_CONFIG`` (optional: without it the
bot is configured from the environment alone, as before). Every key::

    [defaults]
    account = "prod"            # the account an id found in no listing is tried on;
                                # default: the first account
    timezone = "Asia/Shanghai"  # default zone for answers (KAFKA_TASKS_TZ still wins)
    language = "zh"             # "en" or "zh": for users whose Slack locale is unknown,
                                # and the shell

    [accounts.prod]                       # one table per account; the name is what
                                          # name@account and the answers use
    region = "cn-north-4"                 # required unless endpoint is given
    project_id = "0123456789abcdef..."    # required
    ak_env = "PROD_HUAWEICLOUD_SDK_AK"    # NAME of the env var holding the AK (required)
    sk_env = "PROD_HUAWEICLOUD_SDK_SK"    # NAME of the env var holding the SK (required)
    security_token_env = "PROD_TOKEN"     # optional (temporary credentials)
    endpoint = "https://dms.cn-north-4.myhuaweicloud.com"  # optional; default from region

    [aliases]                             # account optional: default, the default account
    orders = { account = "prod", instance = "<instance id>" }

    [access]                              # rules: see bot.core.access
    ...

The file never holds a key: an account names the environment variables that do, and
a key written into the file is refused. With no ``[accounts]`` the one account of the
environment (``HUAWEICLOUD_SDK_*``) is used, and aliases name instances of it.

Every problem is reported as ``<file> line N: <what is wrong and what to do>``, the
line found in the text (tomllib gives values, not where they were written), and no
message ever carries a value read from the environment.
"""

from __future__ import annotations

import ast
import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.adapters.dms.auth import Credentials
from bot.adapters.dms.endpoints import KNOWN_REGIONS, endpoint_for_region
from bot.adapters.dms.fleet import Alias
from bot.core.access import Policy, PolicyError, parse_policy
from bot.core.dms.place import Place
from bot.core.dms.resolve import looks_like_id
from bot.i18n import LANGS, Lang

TABLES = ("defaults", "accounts", "aliases", "access")
DEFAULT_KEYS = ("account", "timezone", "language")
ACCOUNT_KEYS = ("region", "project_id", "ak_env", "sk_env", "security_token_env", "endpoint")
ALIAS_KEYS = ("account", "instance")
# Keys people write when they put a credential itself into the file, and the key that
# names its environment variable instead.
_SECRET_KEYS = {
    "ak": "ak_env",
    "access_key": "ak_env",
    "access_key_id": "ak_env",
    "accesskey": "ak_env",
    "sk": "sk_env",
    "secret": "sk_env",
    "secret_key": "sk_env",
    "secret_access_key": "sk_env",
    "secretkey": "sk_env",
    "password": "sk_env",
    "security_token": "security_token_env",
    "token": "security_token_env",
}
# Account and alias names are typed after "@" and in commands: no spaces, no "@".
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TOML_POSITION = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)$")


@dataclass(frozen=True)
class Account:
    """One DMS account: where its instances live and the credentials to read them."""

    name: str
    # Credentials masks the SK and token in its repr, and shows only the AK's start.
    credentials: Credentials
    region: str | None = None
    endpoint: str | None = None
    # The environment variables the keys were read from, for messages that must say
    # which credential to check without showing it.
    ak_env: str = "HUAWEICLOUD_SDK_AK"
    sk_env: str = "HUAWEICLOUD_SDK_SK"
    security_token_env: str | None = None

    @property
    def project_id(self) -> str:
        return self.credentials.project_id

    def base_url(self) -> str:
        """The endpoint when given, else the region's (validated when loaded)."""
        if self.endpoint:
            return self.endpoint.rstrip("/")
        if not self.region:
            raise ValueError(f"account {self.name} has neither a region nor an endpoint")
        return endpoint_for_region(self.region)

    @property
    def place(self) -> Place:
        """How answers name the place they looked: region (or endpoint) and project."""
        return Place(region=self.region or self.endpoint or "", project=self.project_id)


@dataclass(frozen=True)
class ConfigFile:
    path: Path
    accounts: tuple[Account, ...] = ()
    # None only when the file has no accounts (the environment's one is used then).
    default_account: str | None = None
    timezone: str | None = None
    language: Lang | None = None
    aliases: tuple[Alias, ...] = ()
    # None: no [access] table (everyone may do everything).
    policy: Policy | None = None


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
        raise ConfigFileError(name, [_syntax_problem(str(exc), text)]) from None
    return _Reader(text, path, env).read(data)


# -- TOML syntax errors ----------------------------------------------------------------


def _syntax_problem(message: str, text: str) -> Problem:
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


# -- where a key was written -----------------------------------------------------------

KeyPath = tuple[str | int, ...]


def locate(text: str, path: Sequence[str | int]) -> int | None:
    """The line where ``path`` (table names, keys, array indexes) was written, or of
    the nearest enclosing key or table that was; None if nothing of it is in ``text``.

    ``text`` must be valid TOML (it is scanned only after tomllib accepted it).
    """
    found = _KeyScanner(text).scan()
    for end in range(len(path), 0, -1):
        line = found.get(tuple(path[:end]))
        if line is not None:
            return line
    return None


class _KeyScanner:
    """Walks valid TOML and notes the line of every table header, key and array item."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.found: dict[KeyPath, int] = {}
        # [[array.of.tables]] seen so far, by path: later keys go to the last one.
        self.arrays: dict[KeyPath, int] = {}

    def scan(self) -> dict[KeyPath, int]:
        table: KeyPath = ()
        while True:
            self._skip_blank()
            if self._at_end():
                return self.found
            before = self.pos
            if self._peek() == "[":
                table = self._header()
            else:
                self._pair(table)
            if self.pos == before:  # never stall on something unexpected
                self._advance(1)

    # characters

    def _at_end(self) -> bool:
        return self.pos >= len(self.text)

    def _peek(self, size: int = 1) -> str:
        return self.text[self.pos : self.pos + size]

    def _advance(self, size: int) -> None:
        self.line += self.text.count("\n", self.pos, self.pos + size)
        self.pos += size

    def _skip_spaces(self) -> None:
        while self._peek() in (" ", "\t") and not self._at_end():
            self._advance(1)

    def _skip_blank(self) -> None:
        """Spaces, newlines and comments."""
        while not self._at_end():
            ch = self._peek()
            if ch in " \t\r\n":
                self._advance(1)
            elif ch == "#":
                end = self.text.find("\n", self.pos)
                self._advance((len(self.text) if end < 0 else end) - self.pos)
            else:
                return

    # structure

    def _note(self, path: KeyPath) -> None:
        for end in range(1, len(path) + 1):
            self.found.setdefault(path[:end], self.line)

    def _header(self) -> KeyPath:
        is_array = self._peek(2) == "[["
        self._advance(2 if is_array else 1)
        parts = self._key()
        self._skip_spaces()
        self._advance(2 if is_array else 1)
        path: list[str | int] = []
        for n, part in enumerate(parts):
            path.append(part)
            last = n == len(parts) - 1
            if tuple(path) in self.arrays and not (is_array and last):
                path.append(self.arrays[tuple(path)] - 1)
        if is_array:
            count = self.arrays.get(tuple(path), 0)
            self.arrays[tuple(path)] = count + 1
            path.append(count)
        self._note(tuple(path))
        return tuple(path)

    def _pair(self, table: KeyPath) -> None:
        path = (*table, *self._key())
        self._note(path)
        self._skip_spaces()
        if self._peek() == "=":
            self._advance(1)
        self._skip_spaces()
        self._value(path)

    def _key(self) -> list[str]:
        parts: list[str] = []
        while not self._at_end():
            self._skip_spaces()
            ch = self._peek()
            if ch == '"':
                parts.append(ast.literal_eval(self._basic_string()))
            elif ch == "'":
                parts.append(self._literal_string()[1:-1])
            else:
                start = self.pos
                while not self._at_end() and (self._peek().isalnum() or self._peek() in "_-"):
                    self._advance(1)
                parts.append(self.text[start : self.pos])
            self._skip_spaces()
            if self._peek() != ".":
                break
            self._advance(1)
        return parts

    def _value(self, path: KeyPath) -> None:
        ch = self._peek()
        if self._peek(3) in ('"""', "'''"):
            closing = self.text.find(self._peek(3), self.pos + 3)
            while closing > 0 and self._peek(3) == '"""' and self.text[closing - 1] == "\\":
                closing = self.text.find('"""', closing + 1)
            end = len(self.text) if closing < 0 else closing + 3
            while self.text[end : end + 1] == self.text[self.pos]:  # """"" ends in quotes
                end += 1
            self._advance(end - self.pos)
        elif ch == '"':
            self._basic_string()
        elif ch == "'":
            self._literal_string()
        elif ch == "[":
            self._array(path)
        elif ch == "{":
            self._inline_table(path)
        else:
            while not self._at_end() and self._peek() not in ",]}\r\n#":
                self._advance(1)

    def _basic_string(self) -> str:
        start = self.pos
        self._advance(1)
        while not self._at_end() and self._peek() not in ('"', "\n"):
            self._advance(2 if self._peek() == "\\" else 1)
        self._advance(1)
        return self.text[start : self.pos]

    def _literal_string(self) -> str:
        start = self.pos
        end = self.text.find("'", self.pos + 1)
        self._advance((len(self.text) if end < 0 else end + 1) - self.pos)
        return self.text[start : self.pos]

    def _array(self, path: KeyPath) -> None:
        self._advance(1)
        index = 0
        while True:
            self._skip_blank()
            if self._at_end():
                return
            if self._peek() == "]":
                self._advance(1)
                return
            before = self.pos
            self._note((*path, index))
            self._value((*path, index))
            self._skip_blank()
            if self._peek() == ",":
                self._advance(1)
                index += 1
            elif self.pos == before:
                self._advance(1)

    def _inline_table(self, path: KeyPath) -> None:
        self._advance(1)
        while True:
            self._skip_blank()
            if self._at_end():
                return
            if self._peek() == "}":
                self._advance(1)
                return
            before = self.pos
            self._pair(path)
            self._skip_blank()
            if self._peek() == "," or self.pos == before:
                self._advance(1)


# -- what the keys mean ----------------------------------------------------------------


def _close(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _env_example(account: str, key: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]", "_", account).upper()
    suffix = {"ak_env": "AK", "sk_env": "SK", "security_token_env": "SECURITY_TOKEN"}[key]
    return f"{stem}_HUAWEICLOUD_SDK_{suffix}"


def _secret_env_key(key: str) -> str | None:
    """The *_env key to use instead, when ``key`` looks like it holds a credential."""
    lowered = key.lower()
    if lowered in _SECRET_KEYS:
        return _SECRET_KEYS[lowered]
    if "token" in lowered:
        return "security_token_env"
    if any(word in lowered for word in ("secret", "password", "passwd")):
        return "sk_env"
    return None


def _looks_like_env_name(value: str) -> bool:
    # A long word without "_" is far more likely an AK or SK pasted in by mistake than
    # a variable's name; such a value is never repeated in a message.
    return bool(_ENV_NAME.match(value)) and not (len(value) >= 16 and "_" not in value)


class _Reader:
    def __init__(self, text: str, path: Path, env: Mapping[str, str]) -> None:
        self.text = text
        self.path = path
        self.env = env
        self.problems: list[Problem] = []

    def problem(self, at: Sequence[str | int], reason: str) -> None:
        self.problems.append(Problem(locate(self.text, at), reason))

    def read(self, data: Mapping[str, Any]) -> ConfigFile:
        for key, value in data.items():
            if key in TABLES:
                if not isinstance(value, dict):
                    self.problem(
                        (key,), f"{key} must be a table: write [{key}] on a line of its own"
                    )
            elif key in DEFAULT_KEYS:
                self.problem((key,), f"{key} belongs under [defaults]; move it there")
            else:
                allowed = ", ".join(f"[{t}]" for t in TABLES)
                kind = "table" if isinstance(value, dict) else "key"
                self.problem(
                    (key,),
                    f'unknown {kind} "{key}"{_close(key, TABLES)}; the file takes {allowed}',
                )
        if data.get("accounts") == {}:
            self.problem(
                ("accounts",),
                "[accounts] holds no account; add [accounts.<name>] tables, or remove it "
                "to use the account of the environment",
            )
        declared = self._table(data, "accounts")
        accounts = self._accounts(declared)
        # Checked against every account written, valid or not: an account with a problem
        # of its own must not make each reference to it a second problem.
        names = list(declared)
        defaults = self._table(data, "defaults")
        default_account = self._defaults(defaults, names)
        aliases = self._aliases(self._table(data, "aliases"), names)
        policy = None
        access = data.get("access")
        if isinstance(access, dict):
            try:
                policy = parse_policy(access, aliases={a.name: a.instance_id for a in aliases})
            except PolicyError as exc:
                for each in (exc, *exc.others):
                    self.problem(("access", *each.path), f"{_dotted(each.path)}: {each.reason}")
        if self.problems:
            raise ConfigFileError(self.path.name, self.problems)
        timezone = defaults.get("timezone")
        language = defaults.get("language")
        return ConfigFile(
            path=self.path,
            accounts=accounts,
            default_account=default_account,
            timezone=timezone if isinstance(timezone, str) else None,
            language=next((lang for lang in LANGS if lang == language), None),
            aliases=aliases,
            policy=policy,
        )

    @staticmethod
    def _table(data: Mapping[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key)
        return value if isinstance(value, dict) else {}

    def _text(self, table: Mapping[str, Any], at: KeyPath, key: str) -> str | None:
        """A string value (stripped); a problem when present but not a string."""
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem((*at, key), f'{key} must be text in quotes, like {key} = "..."')
            return None
        return value.strip()

    # [defaults]

    def _defaults(self, table: Mapping[str, Any], accounts: Sequence[str]) -> str | None:
        at: KeyPath = ("defaults",)
        for key in table:
            if key not in DEFAULT_KEYS:
                self.problem(
                    (*at, key),
                    f'unknown key "{key}" in [defaults]{_close(key, DEFAULT_KEYS)}; it takes '
                    + ", ".join(DEFAULT_KEYS),
                )
        account = self._text(table, at, "account")
        if account is not None and account not in accounts:
            if accounts:
                self.problem(
                    (*at, "account"),
                    f'[defaults] account "{account}" is not an account of this file'
                    f"{_close(account, accounts)}; use one of: {', '.join(accounts)}",
                )
            else:
                self.problem(
                    (*at, "account"),
                    f'[defaults] account "{account}" names an account, but the file has no '
                    "[accounts.<name>] tables; add them or remove this key",
                )
        zone = self._text(table, at, "timezone")
        if zone is not None:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                self.problem(
                    (*at, "timezone"),
                    f'timezone "{zone}" is not an IANA time zone; use a name like '
                    "Asia/Shanghai or UTC",
                )
        language = self._text(table, at, "language")
        if language is not None and language not in LANGS:
            choices = " or ".join(f'"{lang}"' for lang in LANGS)
            self.problem((*at, "language"), f'language must be {choices}, not "{language}"')
        if account is not None:
            return account
        return accounts[0] if accounts else None

    # [accounts.<name>]

    def _accounts(self, table: Mapping[str, Any]) -> tuple[Account, ...]:
        accounts: list[Account] = []
        seen: dict[str, str] = {}
        for name, raw in table.items():
            other = seen.get(name.lower())
            if other is not None:
                self.problem(
                    ("accounts", name),
                    f'account "{name}" and account "{other}" differ only in case, and '
                    "name@account ignores case; rename one",
                )
            seen[name.lower()] = name
            account = self._account(name, raw)
            if account is not None:
                accounts.append(account)
        for account in accounts:
            for other_account in accounts:
                if (
                    other_account is not account
                    and other_account.region
                    and account.name.lower() == other_account.region.lower()
                ):
                    self.problem(
                        ("accounts", account.name),
                        f'account "{account.name}" has the name of the region of account '
                        f'"{other_account.name}", so name@{account.name} could mean either; '
                        "rename the account",
                    )
        return tuple(accounts)

    def _account(self, name: str, raw: object) -> Account | None:
        at: KeyPath = ("accounts", name)
        title = f"[accounts.{name}]"
        if not _NAME.match(name):
            self.problem(
                at,
                f'account name "{name}" cannot be typed after @: use letters, digits, - and _ only',
            )
        if not isinstance(raw, dict):
            self.problem(
                at,
                f"accounts.{name} must be a table: write {title} on a line of its own, then "
                "region, project_id, ak_env and sk_env below it",
            )
            return None
        for key in raw:
            if key in ACCOUNT_KEYS:
                continue
            instead = _secret_env_key(key)
            if instead is not None:
                self.problem(
                    (*at, key),
                    f"{title} {key}: the file must not hold credentials; delete it, put the "
                    f"value in an environment variable and name that variable with "
                    f'{instead} = "{_env_example(name, instead)}"',
                )
            else:
                self.problem(
                    (*at, key),
                    f'unknown key "{key}" in {title}{_close(key, ACCOUNT_KEYS)}; an account '
                    f"takes {', '.join(ACCOUNT_KEYS)}",
                )
        region = self._text(raw, at, "region")
        endpoint = self._text(raw, at, "endpoint")
        project = self._text(raw, at, "project_id")
        if project is None and "project_id" not in raw:
            self.problem(
                at,
                f'{title} has no project_id; add project_id = "..." (the project of the '
                "region its instances live in: My Credentials > API Credentials)",
            )
        elif project is not None and "/" in project:
            self.problem((*at, "project_id"), f"{title} project_id must not contain /")
            project = None
        if region is None and endpoint is None and not {"region", "endpoint"} & set(raw):
            self.problem(
                at,
                f'{title} has no region; add region = "cn-north-4" (or endpoint = "https://...")',
            )
        if region is not None:
            region = region.lower()
            if endpoint is None and region not in KNOWN_REGIONS:
                self.problem(
                    (*at, "region"),
                    f'{title} region "{region}" is not a DMS region the bot knows'
                    f"{_close(region, sorted(KNOWN_REGIONS))}; for a region not listed, add "
                    f'endpoint = "https://dms.{region}.myhuaweicloud.com" (its DMS base URL)',
                )
        if endpoint is not None and not endpoint.startswith(("https://", "http://")):
            self.problem(
                (*at, "endpoint"),
                f'{title} endpoint must be a URL starting with https://, not "{endpoint}"',
            )
            endpoint = None
        ak = self._credential(raw, at, name, "ak_env", "AK", required=True)
        sk = self._credential(raw, at, name, "sk_env", "SK", required=True)
        token = self._credential(raw, at, name, "security_token_env", "security token")
        if project is None or ak is None or sk is None or (region is None and endpoint is None):
            return None
        ak_env, ak_value = ak
        sk_env, sk_value = sk
        return Account(
            name=name,
            credentials=Credentials(
                ak=ak_value,
                sk=sk_value,
                project_id=project,
                security_token=token[1] if token else None,
            ),
            region=region,
            endpoint=endpoint,
            ak_env=ak_env,
            sk_env=sk_env,
            security_token_env=token[0] if token else None,
        )

    def _credential(
        self,
        raw: Mapping[str, Any],
        at: KeyPath,
        account: str,
        key: str,
        what: str,
        *,
        required: bool = False,
    ) -> tuple[str, str] | None:
        """(variable name, its value) for an *_env key; the value is never put in a
        message, nor is a name that looks like a credential itself."""
        title = f"[accounts.{account}]"
        example = _env_example(account, key)
        name = raw.get(key)
        if name is None:
            if required:
                self.problem(
                    at,
                    f'{title} has no {key}; add {key} = "{example}" and set that environment '
                    f"variable to the account's {what}",
                )
            return None
        if not isinstance(name, str) or not _looks_like_env_name(name.strip()):
            self.problem(
                (*at, key),
                f'{title} {key} must be the NAME of an environment variable (like "{example}"), '
                f"not the {what} itself; put the {what} in that variable",
            )
            return None
        name = name.strip()
        value = self.env.get(name, "").strip()
        if not value:
            self.problem(
                (*at, key),
                f"{title} {key} names the environment variable {name}, which is not set; set "
                f"it to the account's {what} (or fix the name)",
            )
            return None
        return name, value

    # [aliases]

    def _aliases(self, table: Mapping[str, Any], accounts: Sequence[str]) -> tuple[Alias, ...]:
        aliases: list[Alias] = []
        seen: dict[str, str] = {}
        for name, raw in table.items():
            at: KeyPath = ("aliases", name)
            other = seen.get(name.lower())
            if other is not None:
                self.problem(
                    at,
                    f'alias "{name}" and alias "{other}" differ only in case, and aliases '
                    "ignore case; rename or remove one",
                )
            seen[name.lower()] = name
            if not _NAME.match(name):
                self.problem(
                    at, f'alias "{name}" cannot be typed as a word: use letters, digits, - and _'
                )
            if not isinstance(raw, dict):
                self.problem(
                    at,
                    f'alias "{name}" must be a table: {name} = {{ account = "...", '
                    'instance = "<instance id>" }',
                )
                continue
            for key in raw:
                if key not in ALIAS_KEYS:
                    self.problem(
                        (*at, key),
                        f'unknown key "{key}" in alias "{name}"{_close(key, ALIAS_KEYS)}; an '
                        "alias takes account and instance",
                    )
            instance = self._text(raw, at, "instance")
            if instance is None and "instance" not in raw:
                self.problem(
                    at,
                    f'alias "{name}" has no instance; add instance = "<instance id>" (the ids '
                    "are listed by the `instances` command)",
                )
            elif instance is not None and not looks_like_id(instance):
                self.problem(
                    (*at, "instance"),
                    f'alias "{name}": instance must be an instance id (a UUID, listed by the '
                    f'`instances` command), not "{instance}"',
                )
                instance = None
            account = self._text(raw, at, "account")
            if account is not None and account not in accounts:
                if accounts:
                    self.problem(
                        (*at, "account"),
                        f'alias "{name}" points to account "{account}", which is not in this '
                        f"file{_close(account, accounts)}; use one of: {', '.join(accounts)}",
                    )
                else:
                    self.problem(
                        (*at, "account"),
                        f'alias "{name}" points to account "{account}", but the file has no '
                        "[accounts.<name>] tables; remove account to use the environment's",
                    )
                account = None
            if instance is not None:
                aliases.append(Alias(name=name, instance_id=instance, account=account))
        return tuple(aliases)


def _dotted(path: Sequence[str | int]) -> str:
    """``("rules", 1, "effect")`` -> ``access.rules #2.effect`` (rules count from 1)."""
    text = "access"
    for part in path:
        text += f" #{part + 1}" if isinstance(part, int) else f".{part}"
    return text
