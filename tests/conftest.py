"""Shared fixtures: a DMS simulator over real loopback HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import httpx
import pytest

from bot.adapters.dms.auth import AkSkAuth
from bot.core.dms.accounts import Credentials
from bot.simulator import (
    DEMO_AK,
    DEMO_PROJECT_ID,
    DEMO_SK,
    ManualClock,
    Simulator,
    SimulatorConfig,
    SimulatorThread,
)

# The timeline's fixed "now" for the async simulator: tests that move time do so from
# here, so task data (and so assertions on it) are the same on every run.
SIMULATOR_START = datetime(2026, 11, 27, 3, 0, 0, tzinfo=UTC)


@pytest.fixture
async def simulator() -> AsyncIterator[Simulator]:
    """A started ``Simulator`` (``.url``) on a ``ManualClock`` at a fixed time; signatures
    are still checked against the real time, so sign with the real clock."""
    sim = Simulator(SimulatorConfig(), clock=ManualClock(SIMULATOR_START))
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()


@pytest.fixture
def sim_thread() -> Iterator[SimulatorThread]:
    """A ``SimulatorThread`` on the system clock, for synchronous clients like the SDK."""
    with SimulatorThread(SimulatorConfig()) as thread:
        yield thread


@pytest.fixture
async def sim_client(simulator: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client on ``simulator.url`` that signs with the demo credentials."""
    auth = AkSkAuth(Credentials(DEMO_AK, DEMO_SK, DEMO_PROJECT_ID))
    async with httpx.AsyncClient(base_url=simulator.url, auth=auth, timeout=10) as client:
        yield client
