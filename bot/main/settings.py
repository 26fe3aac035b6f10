"""Settings from the environment and ``.env``, validated once at start.

Everything else receives a ``Settings`` (or the part it needs) as an argument; nothing
deeper in the code reads the environment. Secrets never appear in ``repr``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from bot.adapters.dms.endpoints import UnknownRegion, endpoint_for_region
from bot.core.access import Policy
from bot.core.dms.accounts import Alias, Credentials
from bot.core.dms.source import ClientOptions
from bot.i18n import Lang
from bot.main.config import Account, ConfigFile, ConfigFileError, load_config_file
from bot.watch.options import WatchOptions

# The name of the one account set up by HUAWEICLOUD_SDK_* alone (no config file
# accounts): what name@account would take, though with one account nothing needs it.
ENV_ACCOUNT = "default"

SECRET_FIELDS = frozenset(
    {
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "huawei_sk",
        "huawei_security_token",
        "database_url",
    }
)


class SettingsError(ValueError):
    """One or more settings are missing or malformed; the message names each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    port: int = 3000
    # Whether PORT was set: in Socket Mode /healthz is served only then.
    port_set: bool = False
    # This replica's name in leases; None: the platform's DYNO, else host:port.
    replica_id: str | None = None
    # A file the audit log is also written to, one JSON object a line; None: the log only.
    audit_log: str | None = None
    huawei_ak: str | None = None
    huawei_sk: str | None = None
    huawei_project_id: str | None = None
    huawei_security_token: str | None = None
    huawei_region: str | None = None
    dms_endpoint: str | None = None
    # CTS_ENDPOINT / CES_ENDPOINT: hosts for the timeline other than the region's.
    cts_endpoint: str | None = None
    ces_endpoint: str | None = None
    database_url: str = "sqlite:///data/kafka-tasks.db"
    default_tz: str = "UTC"
    dms: ClientOptions = field(default_factory=ClientOptions)
    watch: WatchOptions = field(default_factory=WatchOptions)
    # kafka-tasks.toml, when KAFKA_TASKS_CONFIG names one (its repr holds no secret).
    config: ConfigFile | None = None

    def __repr__(self) -> str:
        shown = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in SECRET_FIELDS and value:
                value = "***"
            elif f.name == "huawei_ak" and value:
                value = f"{value[:3]}***"
            shown.append(f"{f.name}={value!r}")
        return f"Settings({', '.join(shown)})"

    @property
    def slack_configured(self) -> bool:
        """Slack tokens are set: `make run` serves the bot rather than opening the shell."""
        return bool(self.slack_bot_token and (self.slack_app_token or self.slack_signing_secret))

    @property
    def slack_unfinished(self) -> str | None:
        """Some Slack settings set, but too few to serve: which are set and what is
        missing, for `make run` to say why it opens the shell. None with all or none."""
        given = {
            "SLACK_BOT_TOKEN": self.slack_bot_token,
            "SLACK_SIGNING_SECRET": self.slack_signing_secret,
            "SLACK_APP_TOKEN": self.slack_app_token,
        }
        named = [name for name, value in given.items() if value]
        if not named or self.slack_configured:
            return None
        missing = (
            "SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)"
            if self.slack_bot_token
            else "SLACK_BOT_TOKEN"
        )
        are = "is" if len(named) == 1 else "are"
        return f"{' and '.join(named)} {are} set but {missing} is not"

    @property
    def demo_mode(self) -> bool:
        """No Huawei credentials: the built-in simulator answers instead of DMS."""
        if self.config is not None and self.config.accounts:
            return False
        return not (self.huawei_ak or self.huawei_sk)

    def accounts(self) -> tuple[Account, ...]:
        """The DMS accounts to open: the config file's when it has some, else the one
        of the HUAWEICLOUD_SDK_* variables; none in demo mode."""
        if self.config is not None and self.config.accounts:
            return self.config.accounts
        if self.demo_mode:
            return ()
        return (
            Account(
                name=ENV_ACCOUNT,
                credentials=self.credentials(),
                region=self.huawei_region,
                endpoint=self.dms_endpoint,
                cts_endpoint=self.cts_endpoint,
                ces_endpoint=self.ces_endpoint,
                security_token_env=(
                    "HUAWEICLOUD_SDK_SECURITY_TOKEN" if self.huawei_security_token else None
                ),
            ),
        )

    @property
    def default_account(self) -> str:
        """The account an instance id found in no listing is asked about."""
        if self.config is not None and self.config.default_account:
            return self.config.default_account
        return ENV_ACCOUNT

    @property
    def aliases(self) -> tuple[Alias, ...]:
        return self.config.aliases if self.config is not None else ()

    @property
    def policy(self) -> Policy:
        """The access rules: the config file's ``[access]``; none: everyone may."""
        if self.config is not None and self.config.policy is not None:
            return self.config.policy
        return Policy()

    @property
    def default_lang(self) -> Lang:
        """For users whose Slack locale is unknown, and the shell."""
        if self.config is not None and self.config.language:
            return self.config.language
        return "en"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.default_tz)

    def credentials(self) -> Credentials:
        if not (self.huawei_ak and self.huawei_sk and self.huawei_project_id):
            raise SettingsError(["no Huawei credentials are set (demo mode)"])
        return Credentials(
            ak=self.huawei_ak,
            sk=self.huawei_sk,
            project_id=self.huawei_project_id,
            security_token=self.huawei_security_token,
        )

    def endpoint(self) -> str:
        if self.dms_endpoint:
            return self.dms_endpoint.rstrip("/")
        if not self.huawei_region:
            raise SettingsError(["set HUAWEICLOUD_REGION (e.g. cn-north-4) or DMS_ENDPOINT"])
        return endpoint_for_region(self.huawei_region)

    @classmethod
    def load(
        cls, environ: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")
    ) -> Settings:
        """Settings from ``.env`` overlaid by the real environment (which wins)."""
        merged: dict[str, str] = {}
        if dotenv is not None and dotenv.is_file():
            merged.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
        merged.update(os.environ if environ is None else environ)
        return cls.from_mapping(merged)

    @classmethod
    def from_mapping(cls, env: Mapping[str, str]) -> Settings:
        read = _Env(env)
        config = _config_file(read)
        ak, sk = read.text("HUAWEICLOUD_SDK_AK"), read.text("HUAWEICLOUD_SDK_SK")
        region, endpoint = read.text("HUAWEICLOUD_REGION"), read.text("DMS_ENDPOINT")
        # Accounts in the file replace the HUAWEICLOUD_SDK_* one: its variables are not
        # checked then (an account's ak_env may well name HUAWEICLOUD_SDK_AK).
        if not (config is not None and config.accounts):
            _check_env_account(read)
        slack_url = read.text("SLACK_API_URL") or "https://slack.com/api/"
        if not slack_url.startswith(("https://", "http://")):
            read.problems.append(f"SLACK_API_URL must be a URL, got {slack_url!r}")
        tz = _zone(read, config)
        port = read.number("PORT", 3000, low=1, high=65535)
        dms, watch = _dms_options(read), _watch_options(read)
        if read.problems:
            raise SettingsError(read.problems)
        text = read.text
        return cls(
            slack_bot_token=text("SLACK_BOT_TOKEN"),
            slack_signing_secret=text("SLACK_SIGNING_SECRET"),
            slack_app_token=text("SLACK_APP_TOKEN"),
            slack_api_url=slack_url if slack_url.endswith("/") else slack_url + "/",
            port=int(port),
            port_set=text("PORT") is not None,
            replica_id=text("KAFKA_TASKS_REPLICA_ID") or text("DYNO"),
            audit_log=text("KAFKA_TASKS_AUDIT_LOG"),
            huawei_ak=ak,
            huawei_sk=sk,
            huawei_project_id=text("HUAWEICLOUD_SDK_PROJECT_ID"),
            huawei_security_token=text("HUAWEICLOUD_SDK_SECURITY_TOKEN"),
            huawei_region=region,
            dms_endpoint=endpoint,
            cts_endpoint=text("CTS_ENDPOINT"),
            ces_endpoint=text("CES_ENDPOINT"),
            database_url=text("DATABASE_URL") or "sqlite:///data/kafka-tasks.db",
            default_tz=tz,
            dms=dms,
            watch=watch,
            config=config,
        )


class _Env:
    """The variables read, and every problem found in them (all are named at once)."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.problems: list[str] = []

    def text(self, name: str) -> str | None:
        value = self.env.get(name, "").strip()
        return value or None

    def number(self, name: str, default: float, *, low: float, high: float) -> float:
        raw = self.text(name)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            self.problems.append(f"{name} must be a number, got {raw!r}")
            return default
        if not low <= value <= high:
            self.problems.append(f"{name} must be between {low:g} and {high:g}, got {raw}")
            return default
        return value

    def duration(
        self, name: str, default: timedelta, unit: _Unit, *, low: float, high: float
    ) -> timedelta:
        """A duration given in ``unit`` (seconds, minutes or hours)."""
        per = default.total_seconds() / _UNIT_SECONDS[unit]
        return timedelta(**{unit: self.number(name, per, low=low, high=high)})


_Unit = Literal["seconds", "minutes", "hours"]
_UNIT_SECONDS: dict[_Unit, int] = {"seconds": 1, "minutes": 60, "hours": 3600}


def _config_file(read: _Env) -> ConfigFile | None:
    config_path = read.text("KAFKA_TASKS_CONFIG")
    if not config_path:
        return None
    try:
        return load_config_file(Path(config_path), read.env)
    except ConfigFileError as exc:
        read.problems.extend(exc.messages)
        return None


def _check_env_account(read: _Env) -> None:
    """The one account of the HUAWEICLOUD_SDK_* variables: complete, and reachable."""
    problems = read.problems
    ak, sk = read.text("HUAWEICLOUD_SDK_AK"), read.text("HUAWEICLOUD_SDK_SK")
    project = read.text("HUAWEICLOUD_SDK_PROJECT_ID")
    region, endpoint = read.text("HUAWEICLOUD_REGION"), read.text("DMS_ENDPOINT")
    if bool(ak) != bool(sk):
        missing = "HUAWEICLOUD_SDK_SK" if ak else "HUAWEICLOUD_SDK_AK"
        problems.append(f"{missing} is missing (the AK and SK are set together)")
    if ak and sk:
        if not project:
            problems.append(
                "HUAWEICLOUD_SDK_PROJECT_ID is missing (the project of the region the "
                "instances live in; see My Credentials > API Credentials)"
            )
        if not region and not endpoint:
            problems.append("set HUAWEICLOUD_REGION (e.g. cn-north-4) or DMS_ENDPOINT")
    if region and not endpoint:
        try:
            endpoint_for_region(region)
        except UnknownRegion as exc:
            problems.append(str(exc))
    for name in ("DMS_ENDPOINT", "CTS_ENDPOINT", "CES_ENDPOINT"):
        url = read.text(name)
        if url and not url.startswith(("https://", "http://")):
            problems.append(f"{name} must be a URL starting with https://, got {url!r}")


def _zone(read: _Env, config: ConfigFile | None) -> str:
    tz = read.text("KAFKA_TASKS_TZ") or (config.timezone if config else None) or "UTC"
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        read.problems.append(f"KAFKA_TASKS_TZ {tz!r} is not an IANA time zone (e.g. Asia/Shanghai)")
        return "UTC"
    return tz


def _dms_options(read: _Env) -> ClientOptions:
    defaults = ClientOptions()
    return ClientOptions(
        page_size=int(read.number("DMS_PAGE_SIZE", defaults.page_size, low=1, high=1000)),
        concurrency=int(read.number("DMS_CONCURRENCY", defaults.concurrency, low=1, high=64)),
        timeout=read.number("DMS_TIMEOUT", defaults.timeout, low=0.5, high=120),
        cache_ttl=read.number("KAFKA_TASKS_CACHE_TTL", defaults.cache_ttl, low=0, high=3600),
    )


def _watch_options(read: _Env) -> WatchOptions:
    w = WatchOptions()
    return WatchOptions(
        fast_interval=read.duration(
            "KAFKA_TASKS_POLL_FAST", w.fast_interval, "seconds", low=1, high=3600
        ),
        slow_interval=read.duration(
            "KAFKA_TASKS_POLL_SLOW", w.slow_interval, "seconds", low=1, high=86400
        ),
        follow_for=read.duration(
            "KAFKA_TASKS_FOLLOW_HOURS", w.follow_for, "hours", low=0.01, high=168
        ),
        unreachable_after=read.duration(
            "KAFKA_TASKS_UNREACHABLE_MINUTES", w.unreachable_after, "minutes", low=0, high=1440
        ),
        digest_after=int(read.number("KAFKA_TASKS_DIGEST_AFTER", w.digest_after, low=1, high=40)),
        progress_every=read.duration(
            "KAFKA_TASKS_PROGRESS_EVERY", w.progress_every, "seconds", low=1, high=3600
        ),
    )
