"""Outbox delivery to the fake Slack: digests, order per channel, no repeat after a crash."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.audit import AuditEvent, AuditLog
from bot.adapters.store.store import Store
from bot.core.quiet import snooze_hold
from bot.core.records import OutboxItem
from bot.services.conversation import Conversation
from bot.views.kit import Message
from bot.watch import payload
from bot.watch.delivery import METADATA_EVENT, Deliverer
from bot.watch.render import OutboxRenderer
from tests.fakes.slack import FakeSlack
from tests.scenarios.conftest import DeliveryParts

OWNER = "replica-test"


@dataclass
class Rig:
    store: Store
    slack: FakeSlack
    deliverer: Deliverer
    # What the deliverer wrote to the audit log, in order.
    audited: list[AuditEvent] = field(default_factory=list)
    # The delivery clock: real time unless a test moves it on.
    now: datetime | None = None

    def clock(self) -> datetime:
        return self.now or datetime.now(UTC)

    def task_row(self, channel: str, n: int, *, batch: str = "b1", status: str = "FAILED") -> str:
        task = {
            "id": f"task{n:03d}",
            "name": f"restartInstance{n}",
            "user_name": "paas_dms",
            "user_id": "u1",
            "params": '{"password": "hunter2", "topic": "orders"}',
            "status": status,
            "created_at": "2026-11-27T08:00:00.000Z",
            "updated_at": "2026-11-27T08:04:00.000Z",
        }
        payload = {
            "instance_id": "i-1",
            "instance_name": "prod-orders",
            "task": task,
            "batch": batch,
            "digest_after": 3,
        }
        key = f"sub:{channel}:{task['id']}:{status}"
        assert self.store.outbox.enqueue.sync(
            key, channel, None, "task_finished", json.dumps(payload)
        )
        return key


@pytest.fixture
def rig(outbox_store: Store, delivery_parts: DeliveryParts) -> Rig:
    store, slack = outbox_store, delivery_parts.slack
    renderer = OutboxRenderer(Conversation.of(delivery_parts.dms), UTC)
    rig = Rig(store, slack, None)  # type: ignore[arg-type]
    audit = AuditLog(observers=[rig.audited.append])
    rig.deliverer = Deliverer(
        store, delivery_parts.client, renderer, owner=OWNER, clock=rig.clock, audit=audit
    )
    return rig


def posted_keys(slack: FakeSlack) -> list[str]:
    return [
        str(c.args["metadata"]["event_payload"]["key"])
        for c in slack.calls_to("chat.postMessage", ok=True)
    ]


async def test_a_digest_reads_each_row_it_carries_once(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batching, rendering and the audit line each read every row of a digest; the rows
    # stay as the store gave them, so each is parsed once.
    read: list[str] = []
    real = payload.read_payload

    def counted(text: str) -> Any:
        read.append(text)
        return real(text)

    monkeypatch.setattr(payload, "read_payload", counted)
    rows = 5
    for n in range(rows):
        rig.task_row("C1", n)
    assert await rig.deliverer.deliver_due() == rows
    assert len(rig.slack.calls_to("chat.postMessage", ok=True)) == 1
    assert len(rig.audited) == rows
    assert len(read) == rows, f"{len(read)} parses for {rows} rows"


async def test_several_finished_in_one_poll_become_one_digest(rig: Rig) -> None:
    keys = [rig.task_row("C1", n) for n in range(5)]
    assert await rig.deliverer.deliver_due() == 5
    [digest] = rig.slack.calls_to("chat.postMessage")
    text = json.dumps(digest.args["blocks"])
    # Each task by name, as words: DMS's unknown "restartInstance3" reads "Restart instance3".
    assert all(f"Restart instance{n}" in text for n in range(5))
    assert "hunter2" not in text
    assert posted_keys(rig.slack) == [keys[0]]
    assert rig.store.outbox.depth.sync() == 0
    assert await rig.deliverer.deliver_due() == 0


async def test_each_delivered_notification_has_one_audit_line(rig: Rig) -> None:
    keys = [rig.task_row("C1", n) for n in range(5)]  # one digest for five rows
    assert await rig.deliverer.deliver_due() == 5
    assert [(e.kind, e.channel, e.result, e.instance) for e in rig.audited] == [
        ("notification", "C1", "delivered", "i-1")
    ] * 5
    assert [e.detail for e in rig.audited] == keys
    assert await rig.deliverer.deliver_due() == 0
    assert len(rig.audited) == 5  # nothing delivered twice, nothing audited twice


async def test_a_few_finished_are_one_message_each_in_queue_order(rig: Rig) -> None:
    keys = [rig.task_row("C1", n) for n in range(3)]
    for _ in range(3):
        await rig.deliverer.deliver_due()
    assert posted_keys(rig.slack) == keys


async def test_a_failing_head_holds_back_its_channel_in_order(rig: Rig) -> None:
    first = rig.task_row("C1", 1, batch="x")
    second = rig.task_row("C1", 2, batch="y")
    rig.slack.fail_next("chat.postMessage", error="not_in_channel")
    await rig.deliverer.deliver_due()
    await rig.deliverer.deliver_due()
    # The head failed and waits for its retry; the row behind it is not posted first.
    assert posted_keys(rig.slack) == []
    assert [i.key for i in rig.store.outbox.pending_for.sync("C1")] == [first, second]
    rig.now = datetime.now(UTC) + timedelta(minutes=10)  # the retry is due
    for _ in range(3):
        await rig.deliverer.deliver_due()
    assert posted_keys(rig.slack) == [first, second]
    assert rig.deliverer.retries == 1


async def test_rows_queued_before_a_snooze_wait_for_its_end_then_go_out_once(rig: Rig) -> None:
    # Queued but not yet posted (Slack slow to take them), then the channel snoozes.
    held = [rig.task_row("C1", n) for n in range(2)]
    elsewhere = rig.task_row("C2", 9)
    now = datetime.now(UTC)
    rig.now = now
    rig.store.snoozes.snooze.sync("C1", "i-1", now + timedelta(hours=1), "U0ALICE")
    for _ in range(3):
        await rig.deliverer.deliver_due()
    assert posted_keys(rig.slack) == [elsewhere]  # the snoozed channel hears nothing
    pending = rig.store.outbox.pending_for.sync("C1")
    assert [(i.key, i.hold) for i in pending] == [(key, snooze_hold("i-1")) for key in held]
    rig.now = now + timedelta(hours=1, seconds=1)
    for _ in range(3):
        await rig.deliverer.deliver_due()
    # At the snooze's end: one digest for what it held, once.
    assert posted_keys(rig.slack) == [elsewhere, held[0]]
    assert rig.store.outbox.depth.sync() == 0
    assert [e.detail for e in rig.audited if e.channel == "C1"] == held


async def test_a_row_posted_just_before_a_crash_is_not_posted_again(rig: Rig) -> None:
    key = rig.task_row("C1", 7)
    # The crash: Slack took the post, but the process died before noting it. Recreate
    # that state: the message with its key is in Slack, the row claimed and counted.
    await AsyncWebClient(token="xoxb-test-token", base_url=rig.slack.api_url).chat_postMessage(
        channel="C1",
        text="posted before the crash",
        metadata={"event_type": METADATA_EVENT, "event_payload": {"key": key}},
    )
    [item] = rig.store.outbox.claim_due.sync(
        "dead-replica", datetime.now(UTC), 10, timedelta(seconds=30)
    )
    assert rig.store.outbox.note_attempt.sync(item.id, "dead-replica")
    rig.now = datetime.now(UTC) + timedelta(minutes=1)  # the dead replica's claim lapsed
    await rig.deliverer.deliver_due()
    assert posted_keys(rig.slack) == [key]  # only the one from before the crash
    assert rig.store.outbox.depth.sync() == 0


async def test_thread_replies_go_to_their_thread(rig: Rig) -> None:
    task = {
        "id": "t1",
        "name": "createTopic",
        "status": "SUCCESS",
        "created_at": "2026-11-27T08:00:00.000Z",
        "updated_at": "2026-11-27T08:00:04.000Z",
    }
    payload = {"instance_id": "i-1", "instance_name": "prod-orders", "task": task}
    rig.store.outbox.enqueue.sync(
        "thread:1:t1:SUCCESS", "C1", "1700000000.000100", "thread_reply", json.dumps(payload)
    )
    await rig.deliverer.deliver_due()
    [reply] = rig.slack.calls_to("chat.postMessage")
    assert reply.args["thread_ts"] == "1700000000.000100"
    reply_text = ":large_green_circle: Create topic Succeeded after 4s on prod-orders"
    assert reply.args["text"] == reply_text


async def _posted_by_a_dead_run(rig: Rig, head: str, covers: list[str]) -> None:
    """Recreate a crash mid-delivery: the message is in Slack with the keys it covered,
    the head row is claimed and counted by the dead run, and not marked."""
    await AsyncWebClient(token="xoxb-test-token", base_url=rig.slack.api_url).chat_postMessage(
        channel="C1",
        text="posted before the crash",
        metadata={
            "event_type": METADATA_EVENT,
            "event_payload": {"key": head, "covers": ",".join(covers)},
        },
    )
    [item] = rig.store.outbox.claim_due.sync(
        "dead-replica", datetime.now(UTC), 10, timedelta(seconds=30)
    )
    assert item.key == head
    assert rig.store.outbox.note_attempt.sync(item.id, "dead-replica")
    rig.now = datetime.now(UTC) + timedelta(minutes=1)  # the dead run's claim lapsed


async def test_a_digest_cut_off_while_being_noted_is_settled_without_reposts(rig: Rig) -> None:
    keys = [rig.task_row("C1", n) for n in range(5)]
    await _posted_by_a_dead_run(rig, keys[0], keys)
    # The dead run had noted two of the digest's rows before it died.
    pending = {i.key: i for i in rig.store.outbox.pending_for.sync("C1")}
    for key in keys[1:3]:
        rig.store.outbox.mark_delivered.sync(pending[key].id, "dead-replica", None)
    await rig.deliverer.deliver_due()
    await rig.deliverer.deliver_due()
    assert posted_keys(rig.slack) == [keys[0]]  # only the digest from before the crash
    assert rig.store.outbox.depth.sync() == 0


async def test_rows_queued_after_a_lone_post_are_still_posted_after_a_crash(rig: Rig) -> None:
    head = rig.task_row("C1", 0)
    await _posted_by_a_dead_run(rig, head, [head])
    # The same poll queued more rows behind the head after it had been posted alone.
    later = [rig.task_row("C1", n) for n in range(1, 4)]
    for _ in range(5):
        await rig.deliverer.deliver_due()
    assert posted_keys(rig.slack) == [head, *later]
    assert rig.store.outbox.depth.sync() == 0


# -- what the log says when a try fails ------------------------------------------------


class FixedRenderer:
    """One plain message for any row: these tests are about what happens around it."""

    async def render(self, item: OutboxItem, batch: Sequence[OutboxItem]) -> Message:
        return Message(text=f"about {item.key}", blocks=())


def delivery_warnings(caplog: pytest.LogCaptureFixture, key: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "kafka_tasks.delivery"
        and r.levelno >= logging.WARNING
        and key in r.getMessage()
    ]


async def test_a_post_slack_may_have_made_is_logged_once_as_maybe_posted(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    key = rig.task_row("C1", 1)
    rig.slack.fail_next("chat.postMessage", status=500, acted=True)
    with caplog.at_level(logging.WARNING, logger="kafka_tasks.delivery"):
        assert await rig.deliverer.deliver_due() == 0
    [line] = delivery_warnings(caplog, key)
    assert "internal_error" in line
    assert "Slack may have posted it" in line
    assert "next try in" in line


async def test_a_failed_look_at_the_channel_is_logged_once_and_not_as_maybe_posted(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    key = rig.task_row("C1", 1)
    # Tried once before (a run that died mid-post): the channel is read first.
    [item] = rig.store.outbox.claim_due.sync(
        "dead-replica", datetime.now(UTC), 10, timedelta(seconds=30)
    )
    assert rig.store.outbox.note_attempt.sync(item.id, "dead-replica")
    rig.now = datetime.now(UTC) + timedelta(minutes=1)
    rig.slack.fail_next("conversations.history", status=500)
    with caplog.at_level(logging.WARNING, logger="kafka_tasks.delivery"):
        assert await rig.deliverer.deliver_due() == 0
    [line] = delivery_warnings(caplog, key)
    assert "internal_error" in line
    assert "may have posted" not in line
    assert not rig.slack.calls_to("chat.postMessage")


async def test_a_failed_edit_of_a_parent_summary_is_logged_once_and_not_as_maybe_posted(
    outbox_store: Store, delivery_parts: DeliveryParts, caplog: pytest.LogCaptureFixture
) -> None:
    slack, client = delivery_parts.slack, delivery_parts.client
    parent = await client.chat_postMessage(channel="C1", text="the summary")
    key = "parent:1:t1=SUCCESS"
    payload = {"instance_id": "i-1", "message_ts": parent["ts"], "state": "{}"}
    assert outbox_store.outbox.enqueue.sync(key, "C1", None, "parent_update", json.dumps(payload))
    deliverer = Deliverer(outbox_store, client, FixedRenderer(), owner=OWNER)
    slack.fail_next("chat.update", status=500, acted=True)
    with caplog.at_level(logging.WARNING, logger="kafka_tasks.delivery"):
        assert await deliverer.deliver_due() == 0
    [line] = delivery_warnings(caplog, key)
    assert "may have posted" not in line
    assert len(slack.calls_to("chat.postMessage")) == 1  # the parent, posted above


# -- what is recorded --------------------------------------------------------------------


def delivered_ts(tmp_path: Path, key: str) -> str | None:
    # The store keeps no reader for a delivered row's ts; the row is read as it is stored.
    with closing(sqlite3.connect(tmp_path / "outbox.db")) as db:
        [(ts,)] = db.execute("SELECT delivered_ts FROM outbox WHERE key = ?", (key,))
    return cast(str | None, ts)


async def test_a_row_found_posted_records_the_ts_of_the_message_found(
    rig: Rig, tmp_path: Path
) -> None:
    keys = [rig.task_row("C1", n) for n in range(5)]
    await _posted_by_a_dead_run(rig, keys[0], keys)
    [found] = rig.slack.messages("C1")
    assert await rig.deliverer.deliver_due() == 5
    assert [delivered_ts(tmp_path, key) for key in keys] == [found["ts"]] * 5
