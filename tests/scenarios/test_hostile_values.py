"""Values from outside never address DMS beyond what they name.

An instance or task id carrying ``/../`` would, pasted into a request path, be signed by
the bot and sent to another resource of the account. The client refuses such ids before
any request, and a button carrying one is answered as unreadable. Signed but malformed
Slack payloads get a clean answer, never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.adapters.dms.client import DmsClient
from bot.core import actions
from bot.core.dms.accounts import Credentials
from bot.core.dms.errors import DmsNotFound
from bot.core.dms.ids import INSTANCE_NOT_FOUND
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Simulator
from tests.scenarios.slack_harness import RunningBot, final_response, running_bot, text_of

TRAVERSALS = ["../../instances", "x/../y", "..", "a b", "a%2F..%2Fb", "id?x=1", "id#frag", ""]


@pytest.fixture
async def bot() -> AsyncIterator[RunningBot]:
    async with running_bot() as running:
        yield running


@pytest.mark.parametrize("bad", TRAVERSALS)
async def test_the_client_refuses_ids_that_are_not_ids_before_asking_dms(bad: str) -> None:
    async with Simulator() as sim:
        good = sim.state.instances()[0].instance_id
        client = DmsClient.create(sim.url, Credentials(DEMO_AK, DEMO_SK, DEMO_PROJECT_ID))
        async with client:
            with pytest.raises(DmsNotFound) as missing:
                await client.get_task(bad, "t1")
            assert missing.value.error_code == INSTANCE_NOT_FOUND
            with pytest.raises(DmsNotFound):
                await client.get_task(good, bad)
        assert sim.stats.snapshot().total == 0


async def test_a_details_button_with_a_forged_task_id_reaches_nothing(bot: RunningBot) -> None:
    iid = bot.sim.state.find_instances("prod-orders", exact=True)[0].instance_id
    bot.sim.stats.reset()
    value = json.dumps({"i": iid, "t": "../../../instances"})
    reply = await bot.sender.action(
        actions.DETAILS, value, response_url=bot.slack.response_url("forged")
    )
    assert reply.status_code == 200
    answer = text_of(await final_response(bot.slack, "forged"))
    assert "button" in answer.lower()
    assert bot.sim.stats.snapshot().requests["show_task"] == 0


async def test_signed_but_malformed_payloads_are_answered_cleanly(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    sender = bot.sender
    shapes = [
        # An interaction whose actions is not a list, or holds no object.
        {"type": "block_actions", "user": {"id": "U1"}, "actions": "kt_refresh"},
        {"type": "block_actions", "user": {"id": "U1"}, "actions": ["kt_refresh"]},
        {"type": "block_actions", "user": "U1", "actions": [{"action_id": 5}]},
        {"type": "view_submission", "view": "not a view"},
    ]
    for payload in shapes:
        body = f"payload={json.dumps(payload)}".encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            **sender.signed_headers(body),
        }
        response = await sender.raw(body, headers)
        assert response.status_code in (200, 400), payload
    events: list[dict[str, Any]] = [
        {"type": "app_mention", "user": "U1", "channel": "C1", "text": "hi"},  # no ts
        {"type": "app_mention", "user": "U1", "text": "hi", "ts": "1.2"},  # no channel
        {"type": "app_mention", "user": "U1", "channel": ["C1"], "text": 5, "ts": "1.2"},
        {"type": "message", "channel_type": "im", "user": "U1", "text": "hi"},
        {"type": "app_home_opened", "user": {"id": "U1"}, "tab": "home"},
    ]
    for event in events:
        response = await sender.event(event)
        assert response.status_code in (200, 400), event
    assert "Traceback" not in caplog.text
    assert bot.slack.calls_to("chat.postMessage") == []
