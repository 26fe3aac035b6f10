"""Each queued notification is judged by the access rules at the moment it is posted.

Rows queued while the rules allowed them, delivered after the rules changed: nothing
they would show is posted, the subscription is paused with one notice to the channel,
and a followed thread stops being followed. Against the fake Slack over loopback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.audit import AuditEvent, AuditLog
from bot.adapters.dms.client import DmsClient
from bot.adapters.store.store import Store
from bot.core.access import Gatekeeper, Policy, parse_policy
from bot.core.records import Subscription
from bot.services.conversation import Conversation
from bot.services.guard import Guard
from bot.watch.admission import Admission
from bot.watch.delivery import Deliverer
from bot.watch.render import OutboxRenderer
from tests.fakes.slack import FakeSlack
from tests.scenarios.conftest import DeliveryParts

PAY, OPS = "C0PAY", "C0OPS"
ALICE = "U0ALICE"
OPEN = Policy()
DENY_PAY = parse_policy(
    {
        "default": "allow",
        "rules": [{"effect": "deny", "channels": [PAY], "instances": ["prod-payments"]}],
    }
)
TASK = {
    "id": "t-1",
    "name": "restartInstance",
    "user_name": "paas_dms",
    "params": "{}",
    "status": "FAILED",
    "created_at": "2026-01-01T00:00:00.000Z",
    "updated_at": "2026-01-01T00:04:00.000Z",
}


@dataclass
class Rig:
    store: Store
    slack: FakeSlack
    dms: DmsClient
    client: AsyncWebClient
    audited: list[AuditEvent] = field(default_factory=list)

    def deliverer(self, policy: Policy) -> tuple[Deliverer, Admission]:
        admission = Admission(Guard(self.dms, Gatekeeper(policy)), self.store, self.dms)
        deliverer = Deliverer(
            self.store,
            self.client,
            OutboxRenderer(Conversation.of(self.dms), UTC),
            owner="replica-test",
            audit=AuditLog(observers=[self.audited.append]),
            admission=admission,
        )
        return deliverer, admission

    def subscribe(self, channel: str, instance: str = "prod-payments") -> None:
        self.store.subscriptions.upsert.sync(
            Subscription(
                channel=channel,
                instance_id=f"i-{instance}",
                instance_name=instance,
                scope="all",
                name_glob=None,
                created_by=ALICE,
                created_at=datetime.now(UTC),
            )
        )

    def finished(self, channel: str, instance: str = "prod-payments", n: int = 1) -> None:
        payload = {
            "instance_id": f"i-{instance}",
            "instance_name": instance,
            "task": {**TASK, "id": f"t-{n}"},
            "batch": f"b{n}",
        }
        key = f"sub:{channel}:t-{n}:FAILED"
        assert self.store.outbox.enqueue.sync(
            key, channel, None, "task_finished", json.dumps(payload)
        )

    def posts(self, channel: str) -> list[str]:
        return [
            str(c.args["text"])
            for c in self.slack.calls_to("chat.postMessage", ok=True)
            if c.args["channel"] == channel
        ]


@pytest.fixture
def rig(outbox_store: Store, delivery_parts: DeliveryParts) -> Rig:
    parts = delivery_parts
    return Rig(outbox_store, parts.slack, parts.dms, parts.client)


async def test_rows_queued_before_the_rules_changed_are_not_posted(rig: Rig) -> None:
    rig.subscribe(PAY)
    rig.subscribe(OPS)
    rig.finished(PAY, n=1)
    rig.finished(PAY, n=2)
    rig.finished(OPS, n=1)
    deliverer, _ = rig.deliverer(DENY_PAY)
    for _ in range(4):
        await deliverer.deliver_due()
    # The other channel is untouched; the payments channel hears only why it is quiet.
    assert len(rig.posts(OPS)) == 1
    [notice] = rig.posts(PAY)
    assert "paused" in notice
    assert "prod-payments" in notice
    assert rig.store.outbox.depth.sync() == 0
    [sub] = rig.store.subscriptions.in_channel.sync(PAY)
    assert sub.paused
    refused = [e for e in rig.audited if e.result == "refused"]
    assert [(e.channel, e.kind) for e in refused] == [(PAY, "notification")] * 2
    assert "rule 1" in (refused[0].detail or "")  # which rule refused, for the audit


async def test_an_open_policy_judges_nothing_and_delivers_everything(rig: Rig) -> None:
    rig.subscribe(PAY)
    rig.finished(PAY)
    deliverer, _ = rig.deliverer(OPEN)
    await deliverer.deliver_due()
    assert len(rig.posts(PAY)) == 1
    assert "paused" not in rig.posts(PAY)[0]


async def test_the_sweep_pauses_and_resumes_telling_the_channel_once_each(rig: Rig) -> None:
    rig.subscribe(PAY)
    rig.subscribe(OPS)
    deliverer, admission = rig.deliverer(DENY_PAY)
    await admission.sweep()
    await admission.sweep()  # nothing changed: nothing more to say
    await deliverer.deliver_due()
    assert len(rig.posts(PAY)) == 1
    assert rig.posts(OPS) == []
    # The rules allow it again (a deploy without the deny rule).
    deliverer, admission = rig.deliverer(OPEN)
    await admission.sweep()
    await admission.sweep()
    for _ in range(2):
        await deliverer.deliver_due()
    paused, resumed = rig.posts(PAY)
    assert "paused" in paused
    assert "back on" in resumed
    assert not rig.store.subscriptions.in_channel.sync(PAY)[0].paused


async def test_a_followed_thread_whose_asker_may_no_longer_share_is_left(rig: Rig) -> None:
    thread = rig.store.threads.follow.sync(
        PAY,
        "1700000000.000100",
        "i-prod-payments",
        "prod-payments",
        json.dumps({"state": "{}", "thread_ts": "1700000000.000100", "user": ALICE}),
        ["t-1"],
        datetime.now(UTC) + timedelta(days=1),
    )
    payload = {
        "instance_id": "i-prod-payments",
        "instance_name": "prod-payments",
        "thread_id": thread.id,
        "user": ALICE,
        "task": TASK,
    }
    rig.store.outbox.enqueue.sync(
        f"thread:{thread.id}:t-1:FAILED",
        PAY,
        "1700000000.000100",
        "thread_reply",
        json.dumps(payload),
    )
    deliverer, _ = rig.deliverer(DENY_PAY)
    await deliverer.deliver_due()
    assert rig.posts(PAY) == []
    assert rig.store.outbox.depth.sync() == 0
    assert rig.store.threads.for_instance.sync("i-prod-payments") == []  # no longer followed
