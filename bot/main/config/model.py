"""What the config file says, once read and checked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.adapters.dms.endpoints import ContextEndpoints, context_endpoints, endpoint_for_region
from bot.core.access import Policy
from bot.core.dms.accounts import Alias, Credentials
from bot.core.dms.place import Place
from bot.i18n import Lang


@dataclass(frozen=True)
class Account:
    """One DMS account: where its instances live and the credentials to read them."""

    name: str
    # Credentials masks the SK and token in its repr, and shows only the AK's start.
    credentials: Credentials
    region: str | None = None
    endpoint: str | None = None
    # Hosts of CTS and CES other than the region's (the timeline's sources).
    cts_endpoint: str | None = None
    ces_endpoint: str | None = None
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

    def context_endpoints(self) -> ContextEndpoints:
        """Where the account's CTS and CES are: overrides first, else the region's."""
        return context_endpoints(self.region, cts=self.cts_endpoint, ces=self.ces_endpoint)

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
