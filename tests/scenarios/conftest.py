"""What the outbox tests share: a store of their own and the parts a deliverer talks to."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.dms.client import DmsClient
from bot.adapters.store.store import Store
from bot.core.dms.accounts import Credentials
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Simulator
from tests.fakes.slack import FakeSlack


@dataclass(frozen=True)
class DeliveryParts:
    """The fake Slack and a client of it, and a DMS client of a running simulator."""

    slack: FakeSlack
    client: AsyncWebClient
    dms: DmsClient


@pytest.fixture
def outbox_store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path}/outbox.db")
    yield opened
    opened.close()


@pytest.fixture
async def delivery_parts() -> AsyncIterator[DeliveryParts]:
    async with Simulator() as sim, FakeSlack() as slack:
        dms = DmsClient.create(sim.url, Credentials(DEMO_AK, DEMO_SK, DEMO_PROJECT_ID))
        async with dms:
            client = AsyncWebClient(token="xoxb-test-token", base_url=slack.api_url)
            yield DeliveryParts(slack, client, dms)
