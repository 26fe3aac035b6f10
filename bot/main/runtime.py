"""Opens the DMS side for a run: real DMS from settings, or the simulator in demo mode.

Either way the rest of the bot gets a ``Fleet``: one client per configured account
(one account, from the environment or the config file, behaves as that client alone).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

from bot.adapters.context import ContextClient
from bot.adapters.dms.client import DmsClient
from bot.adapters.dms.endpoints import ContextEndpoints
from bot.adapters.dms.fleet import Fleet, Member
from bot.adapters.metrics import Metrics
from bot.core.dms.accounts import Credentials
from bot.core.dms.place import Place
from bot.i18n import Said
from bot.main.config import Account
from bot.main.settings import Settings
from bot.services.timeline import ContextFor, contexts_by_account

# Shown with help in the asker's language; printed and logged in English.
DEMO_NOTE = Said("note.demo")


@dataclass(frozen=True)
class DmsSession:
    client: Fleet
    demo: bool
    # Each account's CTS and CES (the timeline's sources), by account name.
    contexts: Mapping[str, ContextClient] = field(default_factory=dict)

    def context_for(self) -> ContextFor:
        """Each instance's CTS and CES: its account's."""
        return contexts_by_account(self.contexts, self.client.account_of)

    @property
    def note(self) -> Said | None:
        return DEMO_NOTE if self.demo else None


@asynccontextmanager
async def open_dms(
    settings: Settings, *, metrics: Metrics | None = None
) -> AsyncIterator[DmsSession]:
    accounts = settings.accounts()
    if accounts:
        async with AsyncExitStack() as opened:
            members = []
            contexts: dict[str, ContextClient] = {}
            for account in accounts:
                client = DmsClient.create(
                    account.base_url(),
                    account.credentials,
                    options=settings.dms,
                    where=account.place,
                    endpoint_setting=_endpoint_setting(settings, account),
                    metrics=metrics,
                )
                await opened.enter_async_context(client)
                members.append(Member(account.name, client, region=account.region or ""))
                contexts[account.name] = await opened.enter_async_context(
                    ContextClient.create(
                        account.context_endpoints(),
                        account.credentials,
                        options=settings.dms,
                        metrics=metrics,
                    )
                )
            fleet = Fleet(members, default=settings.default_account, aliases=settings.aliases)
            yield DmsSession(fleet, demo=False, contexts=contexts)
        return

    # Imported here: only demo mode needs the simulator's server and data generator.
    from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Simulator, SimulatorConfig

    async with Simulator(SimulatorConfig()) as simulator:
        demo_credentials = Credentials(ak=DEMO_AK, sk=DEMO_SK, project_id=DEMO_PROJECT_ID)
        client = DmsClient.create(
            simulator.url,
            demo_credentials,
            options=settings.dms,
            where=Place(demo=True),
            metrics=metrics,
        )
        # The simulator serves CTS and CES on its one port beside DMS.
        context = ContextClient.create(
            ContextEndpoints(cts=simulator.url, ces=simulator.url),
            demo_credentials,
            options=settings.dms,
            metrics=metrics,
        )
        async with client, context:
            # The aliases of a file without accounts name the environment's one, which
            # the simulator stands in for.
            fleet = Fleet([Member(settings.default_account, client)], aliases=settings.aliases)
            yield DmsSession(fleet, demo=True, contexts={settings.default_account: context})


def _endpoint_setting(settings: Settings, account: Account) -> str:
    """The setting that chose an account's endpoint: what to check when it cannot be
    reached."""
    key = "endpoint" if account.endpoint else "region"
    config = settings.config
    if config is not None and config.accounts:
        return f"{config.path.name} [accounts.{account.name}] {key}"
    return "DMS_ENDPOINT" if account.endpoint else "HUAWEICLOUD_REGION"
