"""Opens the DMS side for a run: real DMS from settings, or the simulator in demo mode."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.config import Settings
from bot.dms.auth import Credentials
from bot.dms.client import DmsClient

DEMO_NOTE = (
    "No Huawei credentials set (HUAWEICLOUD_SDK_AK/SK): answering from the built-in DMS "
    "simulator's demo data."
)


@dataclass(frozen=True)
class DmsSession:
    client: DmsClient
    demo: bool

    @property
    def note(self) -> str | None:
        return DEMO_NOTE if self.demo else None


@asynccontextmanager
async def open_dms(settings: Settings) -> AsyncIterator[DmsSession]:
    if not settings.demo_mode:
        client = DmsClient.create(
            settings.endpoint(),
            settings.credentials(),
            options=settings.dms,
            where=settings.where(),
        )
        async with client:
            yield DmsSession(client, demo=False)
        return

    # Imported here: only demo mode needs the simulator's server and data generator.
    from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Simulator, SimulatorConfig

    async with Simulator(SimulatorConfig()) as simulator:
        client = DmsClient.create(
            simulator.url,
            Credentials(ak=DEMO_AK, sk=DEMO_SK, project_id=DEMO_PROJECT_ID),
            options=settings.dms,
            where="the demo simulator",
        )
        async with client:
            yield DmsSession(client, demo=True)
