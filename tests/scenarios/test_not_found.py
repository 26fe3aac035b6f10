"""Things that are not there are named as the user typed them, and nothing is set up."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.dms.client import DmsClient
from bot.adapters.store.store import Store
from bot.core.dms.accounts import Credentials
from bot.services.ask import Ask
from bot.services.conversation import Conversation
from bot.services.reply import Reply
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Simulator

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
        yield Conversation.of(client, store=store)
    store.close()


async def test_an_unknown_instance_id_is_named_with_where_it_was_looked_for(
    talk: Conversation,
) -> None:
    reply = await talk.answer(f"{MISSING_ID} last 1h", Ask())
    assert not reply.ok
    assert MISSING_ID in text(reply)
    assert "the test project" in text(reply)


async def test_an_unknown_task_id_is_named_with_how_to_find_ids(talk: Conversation) -> None:
    reply = await talk.answer("prod-orders task " + "f" * 32, Ask())
    assert not reply.ok
    assert "f" * 32 in text(reply)
    assert "prod-orders last 24h" in text(reply)
    # Where ids are shown: a task's Details, not the rows of an answer.
    assert "press Details beside the task" in text(reply)


async def test_subscribing_to_an_instance_that_does_not_exist_sets_nothing_up(
    talk: Conversation, tmp_path: Path
) -> None:
    asker = Ask(user="U1", channel="C1", via="slash")
    reply = await talk.answer(f"subscribe {MISSING_ID}", asker)
    assert not reply.ok
    assert MISSING_ID in text(reply)
    store = Store.open(f"sqlite:///{tmp_path}/bot.db")
    try:
        assert store.subscriptions.in_channel.sync("C1") == []
    finally:
        store.close()


async def test_a_first_word_that_is_no_instance_is_said_before_the_rest(
    talk: Conversation,
) -> None:
    garbled = await talk.answer("asdf qwer zxcv", Ask())
    assert not garbled.ok
    assert garbled.message.text.endswith(
        'No Kafka instance named "asdf" in the test project. Run `instances` to list them.'
    )
    # Not a complaint about a window "qwer zxcv" of an instance that is not there.
    assert "time window" not in text(garbled)


async def test_a_typo_of_a_button_or_command_is_named_with_what_was_meant(
    talk: Conversation,
) -> None:
    pressed = await talk.answer("detials 2", Ask())
    assert not pressed.ok
    assert 'No Kafka instance named "detials"' in text(pressed)
    assert "Did you mean the Details button?" in text(pressed)
    assert "`details 2`" in text(pressed)
    typed = await talk.answer("instnaces", Ask())
    assert "Did you mean `instances`?" in text(typed)
    chinese = await talk.answer("detials 2", Ask(lang="zh"))
    assert "没有名为“detials”的 Kafka 实例" in text(chinese)
    assert "“详情”按钮" in text(chinese)


async def test_after_a_real_instance_the_rest_is_what_is_not_understood(
    talk: Conversation,
) -> None:
    reply = await talk.answer("prod-orders qwer", Ask())
    assert not reply.ok
    assert 'couldn\'t read "qwer" as a time window' in text(reply)
    # An instance named in part (several match) is an instance too.
    several = await talk.answer("orders qwer", Ask())
    assert "time window" in text(several)


@pytest.mark.parametrize(
    ("fault", "delay_ms"),
    [("timeout", 120_000.0), ("503", None), ("401", None)],
    ids=["not answering", "failing", "refusing"],
)
async def test_a_dms_that_cannot_say_whether_the_first_word_is_one_leaves_the_grammars_error(
    talk: Conversation, simulator: Simulator, fault: str, delay_ms: float | None
) -> None:
    simulator.faults.add(fault, count=50, delay_ms=delay_ms)
    started = time.monotonic()
    reply = await talk.answer("prod-orders qwer", Ask())
    # At once, as for any typo: not after the client's ~40 s of retries.
    assert time.monotonic() - started < 10
    assert not reply.ok
    assert 'couldn\'t read "qwer" as a time window' in text(reply)
    assert "No Kafka instance" not in text(reply)
