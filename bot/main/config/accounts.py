"""``[accounts.<name>]``: where each account's instances live, and the environment
variables its credentials are read from (the file never holds a credential)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.adapters.dms.endpoints import KNOWN_REGIONS
from bot.core.dms.accounts import Credentials
from bot.main.config.locate import KeyPath
from bot.main.config.model import Account
from bot.main.config.section import NAME, Reader, close

ACCOUNT_KEYS = (
    "region",
    "project_id",
    "ak_env",
    "sk_env",
    "security_token_env",
    "endpoint",
    "cts_endpoint",
    "ces_endpoint",
)
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
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def read_accounts(reader: Reader, table: Mapping[str, Any]) -> tuple[Account, ...]:
    accounts: list[Account] = []
    seen: dict[str, str] = {}
    for name, raw in table.items():
        other = seen.get(name.lower())
        if other is not None:
            reader.problem(
                ("accounts", name),
                f'account "{name}" and account "{other}" differ only in case, and '
                "name@account ignores case; rename one",
            )
        seen[name.lower()] = name
        account = _account(reader, name, raw)
        if account is not None:
            accounts.append(account)
    for account in accounts:
        for other_account in accounts:
            if (
                other_account is not account
                and other_account.region
                and account.name.lower() == other_account.region.lower()
            ):
                reader.problem(
                    ("accounts", account.name),
                    f'account "{account.name}" has the name of the region of account '
                    f'"{other_account.name}", so name@{account.name} could mean either; '
                    "rename the account",
                )
    return tuple(accounts)


def _account(reader: Reader, name: str, raw: object) -> Account | None:
    at: KeyPath = ("accounts", name)
    title = f"[accounts.{name}]"
    if not NAME.match(name):
        reader.problem(
            at,
            f'account name "{name}" cannot be typed after @: use letters, digits, - and _ only',
        )
    if not isinstance(raw, dict):
        reader.problem(
            at,
            f"accounts.{name} must be a table: write {title} on a line of its own, then "
            "region, project_id, ak_env and sk_env below it",
        )
        return None
    _check_keys(reader, at, name, raw)
    project = _project(reader, at, raw)
    region, endpoint = _where(reader, at, raw)
    ak = _credential(reader, raw, at, name, "ak_env", "AK", required=True)
    sk = _credential(reader, raw, at, name, "sk_env", "SK", required=True)
    token = _credential(reader, raw, at, name, "security_token_env", "security token")
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
        cts_endpoint=_url(reader, at, raw, "cts_endpoint"),
        ces_endpoint=_url(reader, at, raw, "ces_endpoint"),
        ak_env=ak_env,
        sk_env=sk_env,
        security_token_env=token[0] if token else None,
    )


def _check_keys(reader: Reader, at: KeyPath, name: str, raw: Mapping[str, Any]) -> None:
    """A problem for each key an account does not take; a credential written into the
    file is told to move to an environment variable."""
    title = f"[accounts.{name}]"
    for key in raw:
        if key in ACCOUNT_KEYS:
            continue
        instead = _secret_env_key(key)
        if instead is not None:
            reader.problem(
                (*at, key),
                f"{title} {key}: the file must not hold credentials; delete it, put the "
                f"value in an environment variable and name that variable with "
                f'{instead} = "{_env_example(name, instead)}"',
            )
        else:
            takes = f"an account takes {', '.join(ACCOUNT_KEYS)}"
            reader.unknown_key(at, key, title, ACCOUNT_KEYS, takes)


def _project(reader: Reader, at: KeyPath, raw: Mapping[str, Any]) -> str | None:
    title = f"[accounts.{at[-1]}]"
    project = reader.string(raw, at, "project_id")
    if project is None and "project_id" not in raw:
        reader.problem(
            at,
            f'{title} has no project_id; add project_id = "..." (the project of the '
            "region its instances live in: My Credentials > API Credentials)",
        )
    elif project is not None and "/" in project:
        reader.problem((*at, "project_id"), f"{title} project_id must not contain /")
        project = None
    return project


def _where(reader: Reader, at: KeyPath, raw: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The account's region and endpoint, as far as they are usable."""
    title = f"[accounts.{at[-1]}]"
    region = reader.string(raw, at, "region")
    endpoint = reader.string(raw, at, "endpoint")
    if region is None and endpoint is None and not {"region", "endpoint"} & set(raw):
        reader.problem(
            at,
            f'{title} has no region; add region = "cn-north-4" (or endpoint = "https://...")',
        )
    if region is not None:
        region = region.lower()
        if endpoint is None and region not in KNOWN_REGIONS:
            reader.problem(
                (*at, "region"),
                f'{title} region "{region}" is not a DMS region the bot knows'
                f"{close(region, sorted(KNOWN_REGIONS))}; for a region not listed, add "
                f'endpoint = "https://dms.{region}.myhuaweicloud.com" (its DMS base URL)',
            )
    if endpoint is not None and not endpoint.startswith(("https://", "http://")):
        reader.problem(
            (*at, "endpoint"),
            f'{title} endpoint must be a URL starting with https://, not "{endpoint}"',
        )
        endpoint = None
    return region, endpoint


def _url(reader: Reader, at: KeyPath, raw: Mapping[str, Any], key: str) -> str | None:
    """An optional base URL (``cts_endpoint``, ``ces_endpoint``), if it is one."""
    url = reader.string(raw, at, key)
    if url is not None and not url.startswith(("https://", "http://")):
        reader.problem(
            (*at, key),
            f'[accounts.{at[-1]}] {key} must be a URL starting with https://, not "{url}"',
        )
        return None
    return url


def _credential(
    reader: Reader,
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
            reader.problem(
                at,
                f'{title} has no {key}; add {key} = "{example}" and set that environment '
                f"variable to the account's {what}",
            )
        return None
    if not isinstance(name, str) or not _looks_like_env_name(name.strip()):
        reader.problem(
            (*at, key),
            f'{title} {key} must be the NAME of an environment variable (like "{example}"), '
            f"not the {what} itself; put the {what} in that variable",
        )
        return None
    name = name.strip()
    value = reader.env.get(name, "").strip()
    if not value:
        reader.problem(
            (*at, key),
            f"{title} {key} names the environment variable {name}, which is not set; set "
            f"it to the account's {what} (or fix the name)",
        )
        return None
    return name, value


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
