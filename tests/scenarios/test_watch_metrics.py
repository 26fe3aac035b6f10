"""What the poller and the deliverer record: poll lag per instance, poll errors, rows
delivered by kind, delivery retries and the outbox depth."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.dms.client import DmsClient
from bot.adapters.metrics import Metrics
from bot.adapters.store.store import Store
from bot.core.dms.accounts import Credentials
from bot.core.dms.source import ClientOptions
from bot.core.records import Subscription
from bot.services.conversation import Conversation
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, ManualClock, Simulator
from bot.watch.delivery import Deliverer
from bot.watch.options import WatchOptions
from bot.watch.poller import Poller
from bot.watch.render import OutboxRenderer
from tests.fakes.slack import FakeSlack

DEMO = Credentials(DEMO_AK, DEMO_SK, DEMO_PROJECT_ID)
EVERY_10S = WatchOptions(
    fast_interval=timedelta(seconds=10),
    slow_interval=timedelta(seconds=10),
    delivery_interval=timedelta(milliseconds=20),
)


def value(metrics: Metrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


def lag(metrics: Metrics, instance_id: str) -> float | None:
    return value(metrics, "kafka_tasks_poll_lag_seconds", instance=instance_id)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path}/watch.db")
    yield opened
    opened.close()


def subscribe(store: Store, instance_id: str, at: datetime) -> None:
    store.subscriptions.upsert.sync(
        Subscription(
            channel="C1",
            instance_id=instance_id,
            instance_name=instance_id,
            scope="all",
            name_glob=None,
            created_by="U1",
            created_at=at,
        )
    )


async def test_the_poller_records_how_late_each_poll_ran_and_each_failure(store: Store) -> None:
    clock = ManualClock(datetime.now(UTC))
    metrics = Metrics()
    async with Simulator(clock=clock) as sim:
        options = ClientOptions(max_attempts=1, cache_ttl=0)
        dms = DmsClient.create(sim.url, DEMO, options=options, metrics=metrics)
        async with dms:
            first = sim.state.add_instance("first", 3, span=timedelta(hours=1))
            second = sim.state.add_instance("second", 3, span=timedelta(hours=1))
            for iid in (first, second):
                subscribe(store, iid, clock.now())
            poller = Poller(
                dms, store, owner="replica-a", options=EVERY_10S, clock=clock.now, metrics=metrics
            )
            await poller.cycle()
            assert lag(metrics, first) == lag(metrics, second) == 0  # due as soon as seen

            # Due 10 s after the last poll; the next cycle runs 25 s after it.
            clock.advance(timedelta(seconds=25))
            await poller.cycle()
            assert lag(metrics, first) == lag(metrics, second) == 15
            assert value(metrics, "kafka_tasks_poll_errors_total") == 0

            sim.faults.add("500", count=100)
            clock.advance(timedelta(seconds=10))
            report = await poller.cycle()
            sim.faults.clear()
            assert sorted(report.failed) == sorted([first, second])
            assert value(metrics, "kafka_tasks_poll_errors_total") == 2
            assert value(metrics, "kafka_tasks_upstream_errors_total", code="DMS.00500000") == 2

            # No longer watched: its lag goes, not left behind at its last value.
            store.subscriptions.delete.sync("C1", second)
            # Another replica now holds the first: this one stops reporting it too.
            store.polling.release_lease.sync(first, "replica-a")
            assert store.polling.acquire_lease.sync(first, "replica-b", timedelta(minutes=10))
            clock.advance(timedelta(minutes=10))
            report = await poller.cycle()
            assert report.skipped_leased == [first]
            assert lag(metrics, first) is None
            assert lag(metrics, second) is None


def finished_row(store: Store, channel: str, n: int, *, batch: str) -> None:
    task = {
        "id": f"task{n:03d}",
        "name": f"restartInstance{n}",
        "status": "FAILED",
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
    key = f"sub:{channel}:{task['id']}:FAILED"
    assert store.outbox.enqueue.sync(key, channel, None, "task_finished", json.dumps(payload))


class MovableClock:
    def __init__(self) -> None:
        self.ahead = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.ahead


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def renderer() -> AsyncIterator[OutboxRenderer]:
    # Its DMS client is never asked: finished-task rows carry their task.
    async with DmsClient.create("http://127.0.0.1:9", DEMO) as dms:
        yield OutboxRenderer(Conversation.of(dms), UTC)


def deliverer(
    store: Store, slack: FakeSlack, renderer: OutboxRenderer, clock: MovableClock, metrics: Metrics
) -> Deliverer:
    client = AsyncWebClient(token="xoxb-test-token", base_url=slack.api_url)
    return Deliverer(
        store, client, renderer, owner="replica-a", options=EVERY_10S, clock=clock, metrics=metrics
    )


async def until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 10
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"never: {what}")
        await asyncio.sleep(0.01)


async def test_the_deliverer_records_rows_delivered_retries_and_the_depth_left(
    store: Store, slack: FakeSlack, renderer: OutboxRenderer
) -> None:
    metrics = Metrics()
    clock = MovableClock()
    finished_row(store, "C1", 1, batch="a")
    finished_row(store, "C1", 2, batch="b")
    slack.fail_next("chat.postMessage", error="not_in_channel")
    stop = asyncio.Event()
    running = asyncio.create_task(deliverer(store, slack, renderer, clock, metrics).run(stop))
    try:
        # The head failed and waits for its retry; the row behind it waits too.
        await until(
            lambda: value(metrics, "kafka_tasks_delivery_retries_total") == 1, "a retry counted"
        )
        await until(lambda: value(metrics, "kafka_tasks_outbox_depth") == 2, "depth 2 measured")
        assert value(metrics, "kafka_tasks_deliveries_total", kind="task_finished") is None

        clock.ahead = timedelta(minutes=10)  # the retry is due
        await until(lambda: value(metrics, "kafka_tasks_outbox_depth") == 0, "the outbox drained")
        assert value(metrics, "kafka_tasks_deliveries_total", kind="task_finished") == 2
        assert value(metrics, "kafka_tasks_delivery_retries_total") == 1
    finally:
        stop.set()
        await running


async def test_a_digest_counts_every_row_it_delivers(
    store: Store, slack: FakeSlack, renderer: OutboxRenderer
) -> None:
    metrics = Metrics()
    for n in range(5):
        finished_row(store, "C1", n, batch="same-poll")
    assert await deliverer(store, slack, renderer, MovableClock(), metrics).deliver_due() == 5
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert value(metrics, "kafka_tasks_deliveries_total", kind="task_finished") == 5
