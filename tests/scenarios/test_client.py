"""DmsClient against the simulator over real loopback HTTP: paging, errors, cache."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import socket
import sys
import tracemalloc
import zlib
from collections.abc import AsyncIterator
from datetime import UTC, timedelta

import httpx
import pytest

from bot.adapters.cache import bucket_window
from bot.adapters.dms.client import DmsClient
from bot.adapters.dms.transport import AiohttpTransport
from bot.core.dms.accounts import Credentials
from bot.core.dms.errors import (
    AmbiguousInstance,
    DmsAuthError,
    DmsNotFound,
    DmsProtocolError,
    DmsThrottled,
    DmsUnavailable,
    DmsUnreachable,
    UnknownInstance,
)
from bot.core.dms.source import ClientOptions
from bot.core.grammar.window import TimeWindow, format_api_time
from bot.core.grammar.window_parse import parse_window
from bot.services.ask import Ask
from bot.services.conversation import Conversation
from bot.simulator import (
    DEMO_AK,
    DEMO_PROJECT_ID,
    DEMO_SK,
    ManualClock,
    Simulator,
    SimulatorConfig,
)
from tests.conftest import SIMULATOR_START
from tests.fakes.canned_dms import CannedDms
from tests.scenarios.slack_harness import free_port

DEMO = Credentials(DEMO_AK, DEMO_SK, DEMO_PROJECT_ID)


class RecordingSleep:
    """Retries wait through this: the test sees each delay without spending it."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


def make_client(sim: Simulator, sleep: RecordingSleep | None = None, **options: int) -> DmsClient:
    return DmsClient.create(
        sim.url,
        DEMO,
        options=ClientOptions(**options),
        where="the test simulator",
        sleep=sleep or RecordingSleep(),
    )


@pytest.fixture
async def client(simulator: Simulator) -> AsyncIterator[DmsClient]:
    async with make_client(simulator, RecordingSleep()) as dms:
        yield dms


def window(text: str) -> TimeWindow:
    return parse_window(text, now=SIMULATOR_START, tz=UTC)


async def instance_id(client: DmsClient, name: str) -> str:
    return (await client.resolve(name)).instance_id


async def test_last_hour_is_every_task_in_the_window_newest_first(
    simulator: Simulator, client: DmsClient
) -> None:
    iid = await instance_id(client, "prod-orders")
    listing = await client.list_tasks(iid, window("last 1h"))
    assert len(listing.tasks) >= 15
    stamps = [t.created_at for t in listing.tasks]
    assert all(s is not None for s in stamps)
    assert stamps == sorted(stamps, reverse=True)  # type: ignore[type-var]
    begin, end = SIMULATOR_START - timedelta(hours=1), SIMULATOR_START
    assert all(begin <= s <= end for s in stamps if s is not None)
    assert len({t.id for t in listing.tasks}) == len(listing.tasks)
    # Same answer as one single huge page: paging neither loses nor repeats a task.
    async with make_client(simulator, page_size=1000) as whole:
        reference = await whole.list_tasks(iid, window("last 1h"))
    assert [t.id for t in listing.tasks] == [t.id for t in reference.tasks]


async def test_a_listing_carries_the_begin_and_end_time_dms_was_asked(
    client: DmsClient, simulator: Simulator
) -> None:
    iid = await instance_id(client, "prod-orders")
    asked = window("last 1h")
    listing = await client.list_tasks(iid, asked)
    low, high = bucket_window(
        asked.begin, asked.end, ends_now=True, bucket_seconds=client.options.bucket_seconds
    )
    assert listing.queried == (format_api_time(low), format_api_time(high))
    # A cached answer was asked the same, earlier.
    again = await client.list_tasks(iid, asked)
    assert again.from_cache
    assert again.queried == listing.queried


async def test_pages_after_the_first_are_fetched_concurrently_and_counted_exactly(
    simulator: Simulator,
) -> None:
    iid = simulator.state.add_instance("bulk", 503, span=timedelta(hours=2))
    simulator.faults.latency_ms = 30  # long enough for pages to overlap
    async with make_client(simulator, page_size=20, concurrency=6) as dms:
        simulator.stats.reset()
        listing = await dms.list_tasks(iid, window("last 3h"))
    assert len(listing.tasks) == 503
    assert listing.reported_count == 503
    snapshot = simulator.stats.snapshot()
    assert snapshot.requests["list_tasks"] == math.ceil(503 / 20)
    assert 1 < snapshot.max_in_flight <= 6


async def test_a_server_capping_limit_below_the_page_size_still_yields_every_task() -> None:
    capped = Simulator(SimulatorConfig(max_limit=25), clock=ManualClock(SIMULATOR_START))
    capped.state.add_instance("capped", 240, span=timedelta(hours=1))
    async with capped, make_client(capped, page_size=100) as dms:
        iid = await instance_id(dms, "capped")
        listing = await dms.list_tasks(iid, window("last 2h"))
        assert len(listing.tasks) == 240
        assert capped.stats.count("list_tasks") == math.ceil(240 / 25)


async def test_exact_cut_on_created_at_whatever_the_server_filter_lets_through(
    simulator: Simulator, client: DmsClient
) -> None:
    iid = await instance_id(client, "prod-orders")
    wide = await client.list_tasks(iid, window("last 6h"))
    pick = wide.tasks[len(wide.tasks) // 2]
    assert pick.created_at is not None
    exact = TimeWindow(
        begin=pick.created_at,
        end=SIMULATOR_START,
        label="exact",
        zone="UTC",
        ends_now=False,
    )
    listing = await client.list_tasks(iid, exact)
    assert listing.tasks[-1].id == pick.id
    assert all(t.created_at is not None and t.created_at >= pick.created_at for t in listing.tasks)


async def test_a_burst_of_identical_asks_costs_the_pages_of_one_query(
    simulator: Simulator,
) -> None:
    iid = simulator.state.add_instance("busy", 180, span=timedelta(hours=1))
    async with make_client(simulator, page_size=50) as dms:
        simulator.stats.reset()
        results = await asyncio.gather(
            *(dms.list_tasks(iid, window("last 1h")) for _ in range(100))
        )
        assert {len(r.tasks) for r in results} == {180}
        assert simulator.stats.count("list_tasks") == math.ceil(180 / 50)
        # Refresh bypasses the cache: one more query's worth of pages, no more.
        await asyncio.gather(
            *(dms.list_tasks(iid, window("last 1h"), fresh=True) for _ in range(5))
        )
        assert simulator.stats.count("list_tasks") == 2 * math.ceil(180 / 50)


async def test_running_tasks_finish_as_the_simulated_clock_moves(
    simulator: Simulator, client: DmsClient
) -> None:
    iid = await instance_id(client, "prod-orders")
    before = await client.list_tasks(iid, window("last 7d"))
    running = [t for t in before.tasks if t.in_progress]
    assert running, "the demo data has tasks in progress"
    assert isinstance(simulator.clock, ManualClock)
    simulator.clock.advance(timedelta(days=2))
    for task in running:
        now_task = await client.get_task(iid, task.id)
        assert now_task.terminal
        assert now_task.updated_at is not None
        assert now_task.created_at == task.created_at


async def test_transient_faults_are_retried_with_backoff(
    simulator: Simulator,
) -> None:
    sleep = RecordingSleep()
    async with make_client(simulator, sleep) as dms:
        await dms.list_instances()
        for kind in ("500", "502", "503", "drop"):
            simulator.faults.add(kind, count=2)
            sleep.delays.clear()
            iid = await instance_id(dms, "prod-payments")
            listing = await dms.list_tasks(iid, window("last 1h"), fresh=True)
            assert listing.tasks is not None
            if kind == "drop":
                # A request on a reused connection that the server closed is resent
                # once by the transport itself (RFC 9112, idempotent methods), so one
                # of the two drops may never reach our retry loop.
                assert 1 <= len(sleep.delays) <= 2, kind
            else:
                assert len(sleep.delays) == 2, kind
            assert all(0 <= d <= 4.0 for d in sleep.delays)


async def test_429_waits_for_retry_after_and_gives_up_on_a_long_one(
    simulator: Simulator,
) -> None:
    sleep = RecordingSleep()
    async with make_client(simulator, sleep) as dms:
        iid = await instance_id(dms, "prod-orders")
        simulator.faults.add("429", count=1, retry_after=2)
        await dms.list_tasks(iid, window("last 1h"))
        assert len(sleep.delays) == 1
        assert 2 <= sleep.delays[0] < 2.5
        simulator.faults.add("429", count=1, retry_after=120)
        with pytest.raises(DmsThrottled) as info:
            await dms.list_tasks(iid, window("last 2h"))
        assert info.value.retry_after == 120
        assert "try again in 120 s" in str(info.value)
        assert info.value.request_id


async def test_persistent_failure_stops_after_bounded_attempts(simulator: Simulator) -> None:
    sleep = RecordingSleep()
    async with make_client(simulator, sleep, max_attempts=3) as dms:
        iid = await instance_id(dms, "prod-orders")
        simulator.stats.reset()
        simulator.faults.add("503", count=10)
        with pytest.raises(DmsUnavailable) as info:
            await dms.list_tasks(iid, window("last 1h"))
        assert simulator.stats.count("list_tasks") == 3
        assert "DMS did not answer" in str(info.value)
        assert info.value.request_id


async def test_an_endpoint_nothing_listens_on_is_unreachable_not_slow() -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    sleep = RecordingSleep()
    dms = DmsClient.create(
        closed,
        DEMO,
        options=ClientOptions(max_attempts=3),
        endpoint_setting="DMS_ENDPOINT",
        sleep=sleep,
    )
    async with dms:
        with pytest.raises(DmsUnreachable) as info:
            await dms.list_instances()
    # Retried like any lost connection (a DMS restarting refuses for a moment), then named.
    assert len(sleep.delays) == 2
    assert info.value.failure == "refused"
    assert info.value.endpoint == closed
    assert str(info.value).startswith(f"DMS at {closed} could not be reached (connection refused).")
    assert "Check DMS_ENDPOINT" in str(info.value)


async def test_asks_queued_for_a_full_pool_in_front_of_a_slow_dms_are_not_told_to_check_it(
    simulator: Simulator,
) -> None:
    # One connection, and DMS holding every request past the client's timeout: the asks
    # behind the first wait for the connection, and time out as DMS being slow does.
    # The third waited longer than the connect and pool timeouts together, which the
    # pool's own limit once reported as an endpoint that could not be reached.
    ids = [
        simulator.state.find_instances(name, exact=True)[0].instance_id
        for name in ("prod-orders", "prod-payments", "staging-orders")
    ]
    simulator.faults.add("timeout", count=10)
    dms = DmsClient.create(
        simulator.url,
        DEMO,
        options=ClientOptions(timeout=0.5, connect_timeout=0.2, max_attempts=1),
        endpoint_setting="DMS_ENDPOINT",
        transport=AiohttpTransport(max_connections=1),
        sleep=RecordingSleep(),
    )
    async with dms:
        failures = await asyncio.gather(
            *(dms.list_tasks(iid, window("last 1h")) for iid in ids), return_exceptions=True
        )
    assert [type(f) for f in failures] == [DmsUnavailable] * 3, failures
    for failure in failures:
        assert "DMS did not answer" in str(failure)
        assert "DMS_ENDPOINT" not in str(failure)


@pytest.mark.skipif(sys.platform != "linux", reason="relies on Linux dropping SYNs to a full queue")
async def test_an_endpoint_that_never_completes_a_connect_is_unreachable() -> None:
    # A listener that accepts nothing, its queue already full: Linux drops further SYNs,
    # so a connect hangs as it does to an address a firewall drops. Nothing answered at
    # all, so the endpoint (or the way to it) is what to check.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)):  # fills the queue
            silent = f"http://127.0.0.1:{port}"
            sleep = RecordingSleep()
            options = ClientOptions(connect_timeout=0.2, max_attempts=2)
            async with DmsClient.create(
                silent, DEMO, options=options, endpoint_setting="DMS_ENDPOINT", sleep=sleep
            ) as dms:
                with pytest.raises(DmsUnreachable) as info:
                    await dms.list_instances()
    assert len(sleep.delays) == 1
    assert info.value.failure == "timed_out"
    assert str(info.value).startswith(f"DMS at {silent} could not be reached (no answer to")
    assert "Check DMS_ENDPOINT" in str(info.value)


async def test_an_unknown_host_is_unreachable_and_names_the_setting_to_check() -> None:
    nowhere = "http://dms.kafka-tasks.invalid"  # .invalid never resolves (RFC 2606)
    sleep = RecordingSleep()
    dms = DmsClient.create(
        nowhere,
        DEMO,
        options=ClientOptions(max_attempts=2),
        endpoint_setting="DMS_ENDPOINT",
        sleep=sleep,
    )
    async with dms:
        with pytest.raises(DmsUnreachable) as info:
            await dms.list_instances()
    assert len(sleep.delays) == 1
    assert info.value.failure == "unknown_host"
    assert str(info.value).startswith(f"DMS at {nowhere} could not be reached (no such host).")
    assert "Check DMS_ENDPOINT" in str(info.value)


async def test_429_without_retry_after_uses_backoff(simulator: Simulator) -> None:
    sleep = RecordingSleep()
    async with make_client(simulator, sleep) as dms:
        iid = await instance_id(dms, "prod-orders")
        simulator.faults.add("429", count=1)
        await dms.list_tasks(iid, window("last 1h"))
        assert len(sleep.delays) == 1


@pytest.mark.parametrize("kind", ["malformed", "truncated"])
async def test_a_malformed_body_is_a_protocol_error_with_a_snippet_not_retried(
    simulator: Simulator, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    sleep = RecordingSleep()
    async with make_client(simulator, sleep) as dms:
        iid = await instance_id(dms, "prod-orders")
        simulator.faults.add(kind, count=1)
        with caplog.at_level(logging.ERROR), pytest.raises(DmsProtocolError) as info:
            await dms.list_tasks(iid, window("last 1h"))
        assert info.value.snippet
        assert info.value.request_id
        assert "unexpected" in str(info.value)
        assert sleep.delays == []


async def test_wrong_secret_is_an_auth_error_naming_what_to_check(simulator: Simulator) -> None:
    bad = Credentials(DEMO_AK, "not-the-secret", DEMO_PROJECT_ID)
    async with DmsClient.create(simulator.url, bad) as dms:
        simulator.stats.reset()
        with pytest.raises(DmsAuthError) as info:
            await dms.list_instances()
    text = str(info.value)
    assert "HUAWEICLOUD_SDK_SK" in text
    assert "APIGW.0301" in text
    assert "not-the-secret" not in text
    assert simulator.stats.snapshot().total == 1  # never retried


async def test_unknown_instance_id_and_task_are_not_found(client: DmsClient) -> None:
    with pytest.raises(DmsNotFound) as info:
        await client.list_tasks("00000000-0000-0000-0000-000000000000", window("last 1h"))
    assert info.value.error_code == "DMS.00404022"
    iid = await instance_id(client, "prod-orders")
    with pytest.raises(DmsNotFound):
        await client.get_task(iid, "f" * 32)


async def test_resolve_by_exact_name_fuzzy_name_and_id(client: DmsClient) -> None:
    orders = await client.resolve("prod-orders")
    assert orders.name == "prod-orders"
    assert (await client.resolve("PAYMENTS")).name == "prod-payments"
    assert (await client.resolve(orders.instance_id)) == orders
    with pytest.raises(AmbiguousInstance) as ambiguous:
        await client.resolve("orders")
    names = {name for name, _ in ambiguous.value.candidates}
    assert {"prod-orders", "prod-orders-dr", "staging-orders"} <= names
    with pytest.raises(UnknownInstance) as unknown:
        await client.resolve("prod-ordrs")
    assert "prod-orders" in unknown.value.close
    assert "the test simulator" in str(unknown.value)


async def test_instances_are_listed_across_pages_and_cached(
    simulator: Simulator, client: DmsClient
) -> None:
    for n in range(60):
        simulator.state.add_instance(f"extra-{n:02d}", 1, span=timedelta(hours=1))
    simulator.stats.reset()
    instances = await client.list_instances()
    assert len(instances) >= 66
    assert len({i.instance_id for i in instances}) == len(instances)
    await client.resolve("extra-59")
    assert simulator.stats.count("list_instances") == math.ceil(len(instances) / 50)


async def test_a_server_ignoring_start_ends_paging_with_a_warning_not_a_loop(
    caplog: pytest.LogCaptureFixture,
) -> None:
    offset_only = Simulator(
        SimulatorConfig(start_param="offset"), clock=ManualClock(SIMULATOR_START)
    )
    offset_only.state.add_instance("repeats", 300, span=timedelta(hours=1))
    async with offset_only, make_client(offset_only, page_size=50, concurrency=1) as dms:
        iid = await instance_id(dms, "repeats")
        with caplog.at_level(logging.WARNING, logger="kafka_tasks.dms"):
            listing = await dms.list_tasks(iid, window("last 2h"))
        assert len(listing.tasks) == 50
        assert listing.reported_count == 300
        assert listing.truncated
        assert offset_only.stats.count("list_tasks") == 2
        assert "added no new task" in caplog.text


@pytest.mark.parametrize("bounded_transport", [True, False])
async def test_a_body_over_the_bound_is_refused_with_its_request_id_and_not_retried(
    simulator: Simulator, bounded_transport: bool
) -> None:
    # The bot's transport stops reading at the bound; any other is checked after it.
    transport = None if bounded_transport else httpx.AsyncHTTPTransport()
    sleep = RecordingSleep()
    options = ClientOptions(max_body_bytes=2000)
    async with DmsClient.create(
        simulator.url, DEMO, options=options, transport=transport, sleep=sleep
    ) as dms:
        iid = simulator.state.find_instances("prod-orders", exact=True)[0].instance_id
        with pytest.raises(DmsProtocolError) as info:
            await dms.list_tasks(iid, window("last 1h"))
    assert "larger than the 2,000 bytes the bot reads" in str(info.value)
    assert info.value.request_id
    assert sleep.delays == []
    assert simulator.stats.count("list_tasks") == 1


# -- bodies no DMS should send ---------------------------------------------------------

SOME_INSTANCE = "5b3a7c2e-0000-4000-8000-000000000001"
GZIP = {"Content-Encoding": "gzip"}


def gzip_bomb(decoded_mib: int) -> bytes:
    """A task list some hundreds of kilobytes gzipped and ``decoded_mib`` MiB decoded
    (spaces between its brackets), packed without ever holding it decoded."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # the gzip format
    spaces = b" " * 2**20
    packed = [packer.compress(b'{"task_count": "0", "tasks": [')]
    packed += [packer.compress(spaces) for _ in range(decoded_mib)]
    packed.append(packer.compress(b"]}") + packer.flush())
    return b"".join(packed)


async def test_a_compressed_body_is_bounded_as_decoded_not_as_sent() -> None:
    bomb = gzip_bomb(200)
    assert len(bomb) < ClientOptions().max_body_bytes // 16
    sleep = RecordingSleep()
    with CannedDms() as server:
        server.answer("/tasks", bomb, headers={**GZIP, "Content-Type": "application/json"})
        async with DmsClient.create(server.url, DEMO, sleep=sleep) as dms:
            tracemalloc.start()
            try:
                with pytest.raises(DmsProtocolError) as info:
                    await dms.list_tasks(SOME_INSTANCE, window("last 1h"))
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
    assert str(info.value).startswith(
        "DMS sent a response larger than the 4,194,304 bytes the bot reads. "
        "DMS sent something unexpected; the detail is in the bot's log. (request id "
    )
    assert info.value.request_id
    assert sleep.delays == []  # the same request would fetch the same body
    # Read up to the bound and no further: 200 MiB decoded once took 459 MB at its peak.
    assert peak < 32 * 2**20, f"{peak:,} bytes at the peak"


async def test_a_body_that_cannot_be_decoded_is_something_unexpected_not_retried(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sleep = RecordingSleep()
    with CannedDms() as server:
        server.answer("/tasks", b"\x1f\x8b\x08\x00" + b"not gzip at all " * 64, headers=GZIP)
        async with DmsClient.create(server.url, DEMO, sleep=sleep) as dms:
            with caplog.at_level(logging.ERROR), pytest.raises(DmsProtocolError) as info:
                await dms.list_tasks(SOME_INSTANCE, window("last 1h"))
        asked = len(server.asked)
    assert str(info.value).startswith(
        "DMS sent a body that could not be decoded. "
        "DMS sent something unexpected; the detail is in the bot's log. (request id "
    )
    assert info.value.request_id
    assert (sleep.delays, asked) == ([], 1)
    assert "Content-Encoding (gzip)" in caplog.text


SECRET = "hunter2-Secret"


def _bodies_with_a_password() -> dict[str, bytes]:
    params = {"user": "alice", "password": SECRET}
    task = {"params": json.dumps(params), "id": "a" * 32, "name": "resetPassword"}
    twice = {**task, "params": json.dumps(json.dumps(params))}
    return {
        "cut off": json.dumps({"task_count": "1", "tasks": [task]}).encode()[:-40],
        "wrong shape": json.dumps({"task_count": "1", "tasks": task}).encode(),
        "params encoded twice": json.dumps({"task_count": "1", "tasks": twice}).encode(),
    }


@pytest.mark.parametrize("shape", list(_bodies_with_a_password()))
async def test_a_malformed_body_does_not_carry_a_password_into_the_log(
    shape: str, caplog: pytest.LogCaptureFixture
) -> None:
    # The log shows the start of what DMS sent, to tell what went wrong: with the
    # password in a task's params masked, and its name left to read.
    caplog.set_level(logging.DEBUG)
    instance = {"instance_id": SOME_INSTANCE, "name": "prod-orders", "status": "RUNNING"}
    with CannedDms() as server:
        server.answer("/instances", {"instances": [instance], "instance_num": 1})
        server.answer("/tasks", _bodies_with_a_password()[shape])
        async with DmsClient.create(server.url, DEMO, sleep=RecordingSleep()) as dms:
            reply = await Conversation.of(dms).answer("prod-orders last 1h", Ask())
    assert not reply.ok
    assert "DMS sent something unexpected" in reply.message.text
    assert "unexpected DMS body" in caplog.text, "the snippet is logged"
    assert "password" in caplog.text
    assert SECRET not in caplog.text
    assert SECRET not in reply.message.text


async def test_tasks_and_instances_without_a_readable_id_are_left_out_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Two tasks whose ids are too long to keep once read as the same task; without an
    # id neither can be opened or followed either.
    caplog.set_level(logging.WARNING, logger="kafka_tasks.dms")
    created = (SIMULATOR_START - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    def task(name: str, **fields: str) -> dict[str, str]:
        return {"name": name, "status": "SUCCESS", "created_at": created, **fields}

    tasks = [
        task("restartInstance", id="x" * 300),
        task("deleteTopic", id="y" * 300),
        task("modifyConfigs"),
        task("createTopic", id="a" * 32),
    ]
    instances = [
        {"instance_id": "i" * 300, "name": "long-a"},
        {"instance_id": "j" * 300, "name": "long-b"},
        {"instance_id": SOME_INSTANCE, "name": "prod-orders", "description": "d" * 5000},
    ]
    with CannedDms() as server:
        server.answer("/instances", {"instances": instances, "instance_num": 3})
        server.answer("/tasks", {"task_count": "4", "tasks": tasks})
        async with DmsClient.create(server.url, DEMO) as dms:
            listing = await dms.list_tasks(SOME_INSTANCE, window("last 1h"))
            again = await dms.list_tasks(SOME_INSTANCE, window("last 1h"), fresh=True)
            found = await dms.list_instances()
    assert [t.name for t in listing.tasks] == [t.name for t in again.tasks] == ["createTopic"]
    assert [i.name for i in found] == ["prod-orders"]
    said = [r.getMessage() for r in caplog.records]
    assert [line for line in said if "left out" in line] == [
        f"DMS sent a task of instance {SOME_INSTANCE} without a readable id (too_large); "
        "it is left out",
        "DMS sent an instance without a readable id (too_large); it is left out",
    ]
    # An instance is named once, not as an instance of itself.
    assert [line for line in said if "cannot be read" in line] == [
        f"instance {SOME_INSTANCE} has fields DMS sent that cannot be read "
        "(description: too_large); it is shown without them"
    ]
