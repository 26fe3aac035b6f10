"""What an account is to the bot: the keys it signs with, and the short names of its instances.

Plain records, so settings and the config file can be read without loading an HTTP
client (``python -m bot tasks help`` starts in a fraction of a second).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Credentials:
    """An AK/SK pair, the project it acts in, and a token for temporary credentials."""

    ak: str
    sk: str = field(repr=False)
    project_id: str
    security_token: str | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        token = ", security_token=***" if self.security_token else ""
        return f"Credentials(ak={mask(self.ak)}, sk=***, project_id={self.project_id!r}{token})"


def mask(secret: str) -> str:
    """Enough of a key to tell two apart in a log, never enough to use it."""
    return f"{secret[:3]}***" if len(secret) > 8 else "***"


@dataclass(frozen=True)
class Alias:
    """A short name for one instance of one account (``[aliases]`` in the config file)."""

    name: str
    instance_id: str
    # None: the default account.
    account: str | None = None
