"""Every way DMS can fail, as the user and the watcher meet it.

One table of upstream faults, injected in the simulator over real loopback HTTP. For
each: what a person asking ``prod-orders last 1h`` reads, how many requests it cost
upstream (4xx other than 429 never retried; 429, 5xx, timeouts and dropped links
retried up to ``max_attempts``, a dropped link perhaps resent once by the HTTP pool),
and that a poller watching an instance rides it out and recovers on the next cycle
once DMS is well again.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any, Literal

import pytest

from bot.adapters.dms.client import DmsClient
from bot.adapters.store.store import Store
from bot.core import actions
from bot.core.dms.accounts import Credentials
from bot.core.dms.source import ClientOptions
from bot.core.grammar.window_parse import parse_window
from bot.core.records import Subscription
from bot.services.ask import Ask
from bot.services.conversation import Conversation
from bot.services.reply import Reply
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, ManualClock, Simulator
from bot.simulator.model import CREATED, EXECUTING
from bot.views.limits import check_message
from bot.watch.poller import Poller
from tests.conftest import SIMULATOR_START

DEMO = Credentials(DEMO_AK, DEMO_SK, DEMO_PROJECT_ID)
ASK = "prod-orders last 1h"
MAX_ATTEMPTS = 4
PAGE_SIZE = 11  # several pages for the demo instance's last hour, so paging is faulted too
# Long enough for loopback on a busy machine; the timeout case uses a short one.
TIMEOUT_S = 5.0
SHORT_TIMEOUT_S = 0.15

# A clean answer's list requests: "pages" as many as a clean answer takes; without a
# task count the client pages one at a time until a short page ("until_short").
Attempts = int | Literal["pages", "until_short"]


@dataclass(frozen=True)
class Case:
    kind: str
    says: tuple[str, ...] = ()
    attempts: Attempts = 1
    retry_after: float | None = None
    # The fault is tolerated: a correct answer, and a poll that succeeds.
    answered: bool = False
    # The reply names the request id of the failing response (none when nothing came back).
    request_id: bool = True
    retry_button: bool = False
    # The HTTP pool resends a GET once, at once, when its connection drops before an
    # answer (RFC 9112 9.3.1.1): each of the client's attempts may cost two requests.
    resent: bool = False


AUTH = ("DMS refused the credentials", "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK")
DID_NOT_ANSWER = ("DMS did not answer", "try again shortly")
UNEXPECTED = ("DMS sent something unexpected", "the detail is in the bot's log")

CASES = [
    pytest.param(Case("401", (*AUTH, "APIGW.0301")), id="401"),
    pytest.param(Case("403", (*AUTH, "403")), id="403"),
    pytest.param(Case("404", ('No Kafka instance named "prod-orders"', "`instances`")), id="404"),
    pytest.param(
        Case(
            "429",
            ("DMS is throttling requests; try again in 2 s",),
            attempts=MAX_ATTEMPTS,
            retry_after=2,
            retry_button=True,
        ),
        id="429-retry-after",
    ),
    pytest.param(
        # Longer than the client waits out: the user is told when, at once.
        Case(
            "429",
            ("DMS is throttling requests; try again in 120 s",),
            retry_after=120,
            retry_button=True,
        ),
        id="429-long-retry-after",
    ),
    pytest.param(
        Case(
            "429",
            ("DMS is throttling requests; try again in 10 s",),
            attempts=MAX_ATTEMPTS,
            retry_button=True,
        ),
        id="429-no-retry-after",
    ),
    *(
        pytest.param(
            Case(status, (*DID_NOT_ANSWER, status), attempts=MAX_ATTEMPTS, retry_button=True),
            id=status,
        )
        for status in ("500", "502", "503")
    ),
    pytest.param(
        Case(
            "timeout",
            (*DID_NOT_ANSWER, f"within {SHORT_TIMEOUT_S:g} s"),
            attempts=MAX_ATTEMPTS,
            request_id=False,
            retry_button=True,
        ),
        id="timeout",
    ),
    pytest.param(
        Case(
            "drop",
            (*DID_NOT_ANSWER, "the connection to DMS failed"),
            attempts=MAX_ATTEMPTS,
            request_id=False,
            retry_button=True,
            resent=True,
        ),
        id="dropped-connection",
    ),
    pytest.param(
        Case("truncated", (*UNEXPECTED, "not JSON"), retry_button=True), id="truncated-body"
    ),
    pytest.param(
        Case("malformed", (*UNEXPECTED, "not JSON"), retry_button=True), id="non-json-body"
    ),
    pytest.param(Case("count_number", attempts="pages", answered=True), id="task-count-number"),
    pytest.param(
        Case("count_missing", attempts="until_short", answered=True), id="task-count-missing"
    ),
    pytest.param(
        Case("tasks_null", (*UNEXPECTED, "DMS reported tasks but sent none"), retry_button=True),
        id="tasks-null",
    ),
    pytest.param(Case("bad_dates", attempts="pages", answered=True), id="unparseable-dates"),
    # One task's params nested past any parser's recursion: that field is left unread,
    # the answer and the poll are whole.
    pytest.param(Case("params_nested", attempts="pages", answered=True), id="params-nested"),
    pytest.param(
        Case("oversized", (*UNEXPECTED, "larger than"), retry_button=True), id="oversized-body"
    ),
]


class RecordingSleep:
    """Retries wait through this: the test sees each delay without spending it."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


@dataclass
class Upstream:
    dms: DmsClient
    sleep: RecordingSleep


def upstream(sim: Simulator, case: Case | None = None) -> Upstream:
    """A client as the bot makes one (its own transport), retrying without waiting."""
    timeout = SHORT_TIMEOUT_S if case is not None and case.kind == "timeout" else TIMEOUT_S
    sleep = RecordingSleep()
    options = ClientOptions(
        page_size=PAGE_SIZE, max_attempts=MAX_ATTEMPTS, timeout=timeout, cache_ttl=0
    )
    dms = DmsClient.create(sim.url, DEMO, options=options, where="the test simulator", sleep=sleep)
    return Upstream(dms, sleep)


def inject(sim: Simulator, case: Case) -> None:
    # More than any bounded retry could use up: what the client stops at is its own doing.
    sim.faults.add(case.kind, count=100, retry_after=case.retry_after)


def shown(reply: Reply) -> str:
    """Everything a user could read in the reply, block JSON included."""
    return reply.message.text + "\n" + json.dumps(reply.message.block_dicts(), ensure_ascii=False)


def buttons(reply: Reply) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "button":
                found.append(str(node["action_id"]))
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(reply.message.block_dicts())
    return found


def task_rows(reply: Reply) -> list[dict[str, Any]]:
    return [
        b
        for b in reply.message.block_dicts()
        if b.get("accessory", {}).get("action_id") == actions.DETAILS
    ]


def assert_upstream_requests(sim: Simulator, case: Case, attempts: int) -> None:
    requests = sim.stats.count("list_tasks")
    if case.resent:
        assert attempts <= requests <= 2 * attempts
    else:
        assert requests == attempts
    assert sim.stats.snapshot().total == requests, "only the task list was asked"


def expected_attempts(case: Case, reported: int) -> int:
    if case.attempts == "pages":
        return max(1, -(-reported // PAGE_SIZE))
    if case.attempts == "until_short":
        return reported // PAGE_SIZE + 1
    return case.attempts


async def reported_count(sim: Simulator) -> int:
    """What DMS reports for the asked window: the pages a clean answer takes follow."""
    async with upstream(sim).dms as dms:
        instance = await dms.resolve("prod-orders")
        window = parse_window("last 1h", now=SIMULATOR_START, tz=UTC)
        return (await dms.list_tasks(instance.instance_id, window)).reported_count


def conversation(dms: DmsClient) -> Conversation:
    return Conversation.of(dms, clock=lambda: SIMULATOR_START, page_size=25)


@pytest.mark.parametrize("case", CASES)
async def test_each_upstream_fault_gets_the_right_reply_after_bounded_attempts(
    simulator: Simulator, case: Case
) -> None:
    async with upstream(simulator).dms as dms:
        clean = await conversation(dms).answer(ASK, Ask())
    assert clean.ok, shown(clean)
    reported = await reported_count(simulator)
    assert reported > PAGE_SIZE, "the answer spans pages"

    up = upstream(simulator, case)
    async with up.dms as dms:
        await dms.resolve("prod-orders")  # names are cached: the fault meets the task list
        simulator.stats.reset()
        inject(simulator, case)
        reply = await conversation(dms).answer(ASK, Ask())
        simulator.faults.clear()

    text = shown(reply)
    assert check_message(reply.message.block_dicts(), reply.message.text) == []
    assert "Something went wrong on our side" not in text, "an exception escaped the handlers"
    assert "Traceback" not in text
    assert DEMO_SK not in text
    assert DEMO_AK not in text
    assert not re.search(r"[A-Za-z]\((['\"]|\))", reply.message.text), "a Python repr is shown"
    attempts = expected_attempts(case, reported)
    assert_upstream_requests(simulator, case, attempts)

    if case.answered:
        assert reply.ok, text
        assert reply.message.text == clean.message.text
        if case.kind == "bad_dates":
            # Every task is kept, shown without a time it could not read.
            assert len(task_rows(reply)) == len(task_rows(clean)) > 0
            assert all("started" not in row["text"]["text"] for row in task_rows(reply))
            assert all("started" in row["text"]["text"] for row in task_rows(clean))
        else:
            assert reply.message.block_dicts() == clean.message.block_dicts()
        return

    assert not reply.ok
    assert reply.delivery == "ephemeral"
    for phrase in case.says:
        assert phrase in reply.message.text, (phrase, reply.message.text)
    if case.request_id:
        # The simulator's request ids are 32 hex digits, as DMS's are.
        assert re.search(r"\(request id [0-9a-f]{32}\)", reply.message.text), reply.message.text
    else:
        assert "request id" not in reply.message.text
    assert (actions.RETRY in buttons(reply)) == case.retry_button
    # Only retries sleep; a Retry-After the client waits out is what it sleeps.
    assert len(up.sleep.delays) == attempts - 1
    if case.retry_after is not None and attempts > 1:
        assert all(case.retry_after <= d <= case.retry_after + 0.25 for d in up.sleep.delays)


# -- the poller ------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path}/faults.db")
    yield opened
    opened.close()


@pytest.fixture
def watched(simulator: Simulator, store: Store) -> str:
    """An instance with tasks in progress, subscribed to by channel C1."""
    instance_id = simulator.state.add_instance("watched", 6, span=timedelta(hours=1), running=3)
    store.subscriptions.upsert.sync(
        Subscription(
            channel="C1",
            instance_id=instance_id,
            instance_name="watched",
            scope="all",
            name_glob=None,
            created_by="U1",
            created_at=SIMULATOR_START,
        )
    )
    return instance_id


def finished_ids(store: Store) -> list[str]:
    return sorted(
        json.loads(item.payload)["task"]["id"]
        for item in store.outbox.pending_for.sync("C1")
        if item.kind == "task_finished"
    )


@pytest.mark.parametrize("case", CASES)
async def test_the_poller_rides_out_each_fault_and_recovers_on_the_next_cycle(
    simulator: Simulator, store: Store, watched: str, case: Case
) -> None:
    clock = simulator.clock
    assert isinstance(clock, ManualClock)
    running = sorted(
        t.id
        for t in simulator.state.timeline(watched) or ()
        if t.visible_at(clock.now()) and t.status_at(clock.now()) in (CREATED, EXECUTING)
    )
    assert len(running) == 3
    up = upstream(simulator, case)
    async with up.dms as dms:
        poller = Poller(dms, store, owner="replica-a", clock=clock.now)
        assert (await poller.cycle()).polled == [watched]  # the baseline

        clock.advance(timedelta(minutes=1))
        simulator.stats.reset()
        inject(simulator, case)
        during = await poller.cycle()  # raises nothing, whatever DMS does
        simulator.faults.clear()
        if case.answered:
            assert (during.polled, during.failed) == ([watched], [])
        else:
            assert (during.polled, during.failed) == ([], [watched])
            assert isinstance(case.attempts, int)
            assert_upstream_requests(simulator, case, case.attempts)

        # DMS is well again; by the next cycle every task in progress has ended.
        clock.advance(timedelta(days=1))
        after = await poller.cycle()
    assert (after.polled, after.failed) == ([watched], [])
    assert finished_ids(store) == running, "each end announced once, none missed"
    text = " ".join(item.payload for item in store.outbox.pending_for.sync("C1"))
    assert not re.search(re.escape(DEMO_SK), text)
