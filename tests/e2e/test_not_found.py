"""Things that are not there are named as the user typed them, and nothing is set up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC
from pathlib import Path

import pytest

from bot.conversation import Asker, Conversation, Reply
from bot.dms.auth import Credentials
from bot.dms.client import DmsClient
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Simulator
from bot.store.store import Store

MISSING_ID = "00000000-1111-2222-3333-444444444444"


def text(reply: Reply) -> str:
    return reply.message.text + " " + str(reply.message.block_dicts())


@pytest.fixture
async def talk(simulator: Simulator, tmp_path: Path) -> AsyncIterator[Conversation]:
    store = Store.open(f"sqlite:///{tmp_path}/bot.db")
    client = DmsClient.create(
        simulator.url, Credentials(DEMO_AK, DEMO_SK, DEMO_PROJECT_ID), where="the test project"
    )
    async with client:
        yield Conversation(client, store=store)
    store.close()


async def test_an_unknown_instance_id_is_named_with_where_it_was_looked_for(
    talk: Conversation,
) -> None:
    reply = await talk.answer(f"{MISSING_ID} last 1h", tz=UTC, shareable=True)
    assert not reply.ok
    assert MISSING_ID in text(reply)
    assert "the test project" in text(reply)


async def test_an_unknown_task_id_is_named_with_how_to_find_ids(talk: Conversation) -> None:
    reply = await talk.answer("prod-orders task " + "f" * 32, tz=UTC, shareable=True)
    assert not reply.ok
    assert "f" * 32 in text(reply)
    assert "prod-orders last 24h" in text(reply)


async def test_subscribing_to_an_instance_that_does_not_exist_sets_nothing_up(
    talk: Conversation,
) -> None:
    asker = Asker(user="U1", channel="C1")
    reply = await talk.answer(f"subscribe {MISSING_ID}", tz=UTC, shareable=True, asker=asker)
    assert not reply.ok
    assert MISSING_ID in text(reply)
    assert talk.store is not None
    assert talk.store.subscriptions_in("C1") == []
