"""HomeService: whose subscriptions a user sees, the access checks, unreadable instances,
and the Unsubscribe and Details presses. Slack is the fake Web API over loopback, the
store a real SQLite file; DMS is a small in-memory source, so failures can be placed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import event

from bot.adapters.slack.channels import ChannelDirectory
from bot.adapters.store.store import Store
from bot.core.access import Action, Decision
from bot.core.actions import HomeTaskRef, SubscriptionRef
from bot.core.dms.errors import DmsNotFound, DmsUnavailable
from bot.core.dms.models import Instance, Task, TaskList
from bot.core.dms.source import Dms
from bot.core.grammar.window import TimeWindow
from bot.core.quiet import QuietHours
from bot.core.records import DailySummary, Subscription
from bot.services.guard import Guard
from bot.services.home import HomeService
from bot.services.subscriptions import Subscriptions, subscriptions_in
from bot.views.home import view_problems
from bot.views.home_page import DETAILS, UNSUBSCRIBE, Notice
from tests.fakes.slack import FakeSlack
from tests.scenarios.slack_harness import walk

NOW = datetime(2026, 11, 27, 3, 0, 0, tzinfo=UTC)
ORDERS = Instance(instance_id="43dab215-d294-570b-99de-000000000001", name="prod-orders")
PAYMENTS = Instance(instance_id="43dab215-d294-570b-99de-000000000002", name="prod-payments")
STAGING = Instance(instance_id="43dab215-d294-570b-99de-000000000003", name="staging")


def task(n: int, status: str, hours_ago: float = 1) -> Task:
    created = NOW - timedelta(hours=hours_ago)
    return Task.from_api(
        {
            "id": f"task-{n:04d}",
            "name": "restartInstance",
            "status": status,
            "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "updated_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    )


class Source:
    """DMS as the tab sees it; ``broken`` instances raise, ``slow`` ones never answer."""

    def __init__(self) -> None:
        self.instances = (ORDERS, PAYMENTS, STAGING)
        self.tasks: dict[str, tuple[Task, ...]] = {
            ORDERS.instance_id: (task(1, "EXECUTING"), task(2, "FAILED"), task(3, "SUCCESS")),
            PAYMENTS.instance_id: (task(4, "FAILED"),),
            STAGING.instance_id: (task(5, "FAILED"),),
        }
        self.broken: dict[str, Exception] = {}
        self.slow: set[str] = set()
        self.listed: list[str] = []
        self.windows: list[TimeWindow] = []

    async def list_instances(self, *, fresh: bool = False) -> tuple[Instance, ...]:
        return self.instances

    async def list_tasks(
        self, instance_id: str, window: TimeWindow, *, fresh: bool = False
    ) -> TaskList:
        self.listed.append(instance_id)
        self.windows.append(window)
        if instance_id in self.slow:
            await asyncio.sleep(60)
        if instance_id in self.broken:
            raise self.broken[instance_id]
        tasks = self.tasks.get(instance_id, ())
        return TaskList(instance_id, window.begin, window.end, tasks, len(tasks))

    async def get_task(self, instance_id: str, task_id: str) -> Task:
        for t in self.tasks.get(instance_id, ()):
            if t.id == task_id:
                return t
        raise DmsNotFound(f"DMS has no task {task_id} on instance {instance_id}", status=404)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path}/home.db")
    yield opened
    opened.close()


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as running:
        yield running


@pytest.fixture
def client(slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)


def subscribe(
    store: Store,
    channel: str,
    inst: Instance,
    scope: str = "failed",
    quiet: QuietHours | None = None,
) -> None:
    store.subscriptions.upsert.sync(
        Subscription(
            channel=channel,
            instance_id=inst.instance_id,
            instance_name=inst.name,
            scope="all" if scope == "all" else "failed",
            name_glob=None,
            created_by="U0SETUP",
            created_at=NOW - timedelta(days=1),
            quiet=quiet,
        )
    )


Check = Callable[[str, str, Instance], Awaitable[bool]]


class Checks(Guard):
    """The guard with its rules replaced by ``may_view`` (query) and ``may_unsubscribe``."""

    def __init__(self, dms: Dms, may_view: Check | None, may_unsubscribe: Check | None) -> None:
        super().__init__(dms)
        self._checks = {"query": may_view, "unsubscribe": may_unsubscribe}

    async def decide(self, action: Action, user: str, channel: str, instance: Instance) -> Decision:
        check = self._checks.get(action)
        return Decision(check is None or await check(user, channel, instance), "test")


def service(
    store: Store,
    client: AsyncWebClient,
    source: Source,
    *,
    directory: ChannelDirectory | None = None,
    may_view: Check | None = None,
    may_unsubscribe: Check | None = None,
    **options: Any,
) -> HomeService:
    dms = cast(Dms, source)
    guard = Checks(dms, may_view, may_unsubscribe)
    return HomeService(
        dms,
        Subscriptions(store, dms, guard),
        directory or ChannelDirectory(client),
        guard,
        clock=lambda: NOW,
        **options,
    )


@pytest.fixture
def source() -> Source:
    return Source()


@pytest.fixture
def workspace(slack: FakeSlack, store: Store) -> None:
    """U123 is in C0ONE (orders) and C0TWO (orders, payments); C0THREE (staging) is not
    theirs."""
    slack.set_member("C0ONE", "U123", name="orders-alerts")
    slack.set_member("C0TWO", "U123", name="payments", private=True)
    slack.set_member("C0THREE", "U999")
    subscribe(store, "C0ONE", ORDERS)
    subscribe(store, "C0TWO", ORDERS, "all")
    subscribe(store, "C0TWO", PAYMENTS)
    subscribe(store, "C0THREE", STAGING)


def by_name(page: Any) -> dict[str, Any]:
    return {item.instance.name: item for item in page.instances}


# --- what the user sees --------------------------------------------------------------


@pytest.mark.usefixtures("workspace")
async def test_subscriptions_in_the_users_channels_only(
    store: Store, client: AsyncWebClient, source: Source, slack: FakeSlack
) -> None:
    page = await service(store, client, source).page("U123")
    items = by_name(page)
    assert set(items) == {"prod-orders", "prod-payments"}
    orders = items["prod-orders"]
    assert [(e.sub.channel, e.channel_name) for e in orders.subscriptions] == [
        ("C0ONE", "orders-alerts"),
        ("C0TWO", "payments"),
    ]
    assert [t.id for t in orders.running] == ["task-0001"]
    assert [t.id for t in orders.failures] == ["task-0002"]
    # Read once per instance, over the last 24 h, not for staging (not the user's).
    assert sorted(source.listed) == sorted([ORDERS.instance_id, PAYMENTS.instance_id])
    assert source.windows[0].end - source.windows[0].begin == timedelta(hours=24)
    (call,) = slack.calls_to("users.conversations")
    assert call.args["types"] == "public_channel,private_channel"
    assert call.args["user"] == "U123"


@pytest.mark.usefixtures("workspace")
async def test_channels_are_read_page_by_page_and_cached_until_refresh(
    store: Store, slack: FakeSlack, client: AsyncWebClient, source: Source
) -> None:
    for n in range(5):
        slack.set_member(f"C0MORE{n}", "U123")
    home = service(store, client, source, directory=ChannelDirectory(client, page_size=2))
    first = await home.page("U123")
    assert len(slack.calls_to("users.conversations")) == 4  # 7 channels, 2 a page
    assert {i.instance.name for i in first.instances} == {"prod-orders", "prod-payments"}
    await home.page("U123")
    assert len(slack.calls_to("users.conversations")) == 4
    await home.page("U123", fresh=True)
    assert len(slack.calls_to("users.conversations")) == 8


@pytest.mark.usefixtures("workspace")
async def test_past_the_page_cap_the_tab_says_it_is_partial(
    store: Store, slack: FakeSlack, client: AsyncWebClient, source: Source
) -> None:
    for n in range(5):
        slack.set_member(f"C0MORE{n}", "U123")
    directory = ChannelDirectory(client, page_size=2, max_pages=1)
    page = await service(store, client, source, directory=directory).page("U123")
    assert page.channels_problem == "partial"
    assert page.channels_detail == "2"


@pytest.mark.usefixtures("workspace")
async def test_a_missing_scope_is_a_line_in_the_tab_not_a_broken_tab(
    store: Store, slack: FakeSlack, client: AsyncWebClient, source: Source
) -> None:
    slack.fail_next("users.conversations", error="missing_scope")
    home = service(store, client, source)
    page = await home.page("U123")
    assert page.instances == ()
    assert (page.channels_problem, page.channels_detail) == ("unreadable", "missing_scope")
    view = (await home.view("U123")).to_dict()
    assert view_problems(view) == []
    # Not cached: the next look asks Slack again.
    assert len((await home.page("U123")).instances) == 2


async def test_subscriptions_in_the_users_dm_with_the_app(
    store: Store, client: AsyncWebClient, source: Source
) -> None:
    subscribe(store, "D0HOME", PAYMENTS)
    home = service(store, client, source)
    assert (await home.page("U123")).instances == ()
    page = await home.page("U123", im_channel="D0HOME")
    assert [i.instance.name for i in page.instances] == ["prod-payments"]


@pytest.mark.usefixtures("workspace")
async def test_the_tab_says_which_subscriptions_are_snoozed_quiet_or_summed_up_daily(
    store: Store, slack: FakeSlack, client: AsyncWebClient, source: Source
) -> None:
    for n in range(6):  # more of the user's channels: still one read of each kind
        slack.set_member(f"C0MORE{n}", "U123")
        subscribe(store, f"C0MORE{n}", STAGING)
    subscribe(store, "C0ONE", ORDERS, quiet=QuietHours(time(22), time(8), "Asia/Shanghai"))
    until = NOW + timedelta(hours=3)  # 14:00 in Shanghai
    store.snoozes.snooze.sync("C0TWO", ORDERS.instance_id, until, "U0ALICE")
    # Over before the tab is drawn (the service's clock says NOW): it holds nothing back.
    store.snoozes.snooze.sync("C0ONE", ORDERS.instance_id, NOW - timedelta(minutes=1), "U0BOB")
    store.snoozes.snooze.sync("C0THREE", STAGING.instance_id, until, "U999")  # not theirs
    summary = DailySummary("C0TWO", PAYMENTS.instance_id, "09:00", "Asia/Shanghai", NOW)
    store.daily.set.sync(summary)
    statements: list[str] = []

    def executed(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(store.engine, "before_cursor_execute", executed)
    try:
        built = await service(store, client, source).view("U123", tz=ZoneInfo("Asia/Shanghai"))
    finally:
        event.remove(store.engine, "before_cursor_execute", executed)
    texts = [str(n["text"]) for n in walk(built.to_dict()["blocks"]) if "text" in n]
    (orders_one,) = [x for x in texts if x.startswith("<#C0ONE> · failed tasks")]
    (orders_two,) = [x for x in texts if x.startswith("<#C0TWO> · every finished task")]
    (payments_two,) = [x for x in texts if x.startswith("<#C0TWO> · failed tasks")]
    ends = f"<!date^{int(until.timestamp())}^{{date_short_pretty}} {{time}}|"
    assert orders_two.endswith(
        f" · :zzz: _snoozed until {ends}2026-11-27 14:00:00 Asia/Shanghai> by <@U0ALICE>_"
    )
    assert orders_one.endswith(" · :crescent_moon: quiet 22:00-08:00 (Asia/Shanghai)")
    assert "U0BOB" not in orders_one
    assert payments_two.endswith(" · :spiral_calendar_pad: daily summary at 09:00 (Asia/Shanghai)")
    assert "U999" not in str(texts)
    for table in ("snoozes", "daily_summaries"):
        assert len([s for s in statements if f"FROM {table}" in s]) == 1, table


def test_subscriptions_are_read_by_channel_or_by_instance_whichever_is_fewer(
    store: Store,
) -> None:
    subscribe(store, "C0ONE", ORDERS)
    subscribe(store, "C0TWO", PAYMENTS)
    subscribe(store, "C0THREE", STAGING)
    few = subscriptions_in(store, ["C0ONE"])
    many = subscriptions_in(store, ["C0ONE", "C0TWO", *(f"C0X{n}" for n in range(10))])
    assert [s.instance_id for s in few] == [ORDERS.instance_id]
    assert {s.instance_id for s in many} == {ORDERS.instance_id, PAYMENTS.instance_id}
    assert subscriptions_in(store, []) == []


# --- access --------------------------------------------------------------------------------


@pytest.mark.usefixtures("workspace")
async def test_tasks_only_where_may_view_allows_and_never_fetched_otherwise(
    store: Store, client: AsyncWebClient, source: Source
) -> None:
    asked: list[tuple[str, str, str]] = []

    async def may_view(user: str, channel: str, instance: Instance) -> bool:
        asked.append((user, channel, instance.name))
        return instance.name == "prod-orders" and channel == "C0TWO"

    page = await service(store, client, source, may_view=may_view).page("U123")
    items = by_name(page)
    assert items["prod-payments"].hidden
    assert items["prod-payments"].running == items["prod-payments"].failures == ()
    assert not items["prod-orders"].hidden
    # Details buttons carry the channel whose rules allowed the look.
    assert items["prod-orders"].channel == "C0TWO"
    assert PAYMENTS.instance_id not in source.listed
    assert ("U123", "C0ONE", "prod-orders") in asked


@pytest.mark.usefixtures("workspace")
async def test_a_rule_that_fails_refuses(
    store: Store, client: AsyncWebClient, source: Source
) -> None:
    async def broken(user: str, channel: str, instance: Instance) -> bool:
        raise RuntimeError("rules unavailable")

    home = service(store, client, source, may_view=broken, may_unsubscribe=broken)
    page = await home.page("U123")
    assert all(i.hidden for i in page.instances)
    assert not any(e.can_unsubscribe for i in page.instances for e in i.subscriptions)
    assert source.listed == []


# --- instances that cannot be read -------------------------------------------------------


@pytest.mark.usefixtures("workspace")
async def test_an_unreadable_instance_does_not_break_the_others(
    store: Store, client: AsyncWebClient, source: Source
) -> None:
    source.broken[PAYMENTS.instance_id] = DmsUnavailable("DMS did not answer", request_id="r-1")
    source.slow.add(ORDERS.instance_id)
    home = service(store, client, source, timeout=0.2)
    items = by_name(await home.page("U123"))
    assert items["prod-orders"].problem == "timeout"
    assert items["prod-payments"].problem == "dms"
    assert "r-1" in items["prod-payments"].reason
    view = (await home.view("U123")).to_dict()
    assert view_problems(view) == []


@pytest.mark.usefixtures("workspace")
async def test_a_tab_that_cannot_be_built_says_so_with_an_incident(
    store: Store, client: AsyncWebClient, source: Source, caplog: pytest.LogCaptureFixture
) -> None:
    async def exploding(*, fresh: bool = False) -> tuple[Instance, ...]:
        raise RuntimeError("boom")

    source.list_instances = exploding  # type: ignore[method-assign]
    view = (await service(store, client, source).view("U123", im_channel="D0HOME")).to_dict()
    text = str(view["blocks"])
    assert "could not be built (incident" in text
    assert "kth_refresh" in text
    assert "could not build the Home tab" in caplog.text


# --- Unsubscribe ---------------------------------------------------------------------------


@pytest.mark.usefixtures("workspace")
async def test_unsubscribe_removes_the_subscription_it_carries(
    store: Store, client: AsyncWebClient, source: Source
) -> None:
    home = service(store, client, source)
    view = (await home.view("U123")).to_dict()
    values = [
        b["accessory"]["value"]
        for b in view["blocks"]
        if b.get("accessory", {}).get("action_id", "").startswith(UNSUBSCRIBE)
    ]
    wanted = SubscriptionRef("C0TWO", PAYMENTS.instance_id, "prod-payments").encode()
    assert wanted in values
    assert await home.unsubscribe("U123", wanted) == Notice(
        "unsubscribed", "C0TWO", "prod-payments"
    )
    assert [s.instance_id for s in store.subscriptions.in_channel.sync("C0TWO")] == [
        ORDERS.instance_id
    ]
    assert await home.unsubscribe("U123", wanted) == Notice(
        "not_subscribed", "C0TWO", "prod-payments"
    )


@pytest.mark.usefixtures("workspace")
async def test_a_refused_unsubscribe_changes_nothing_and_says_so(
    store: Store, client: AsyncWebClient, source: Source
) -> None:
    async def never(user: str, channel: str, instance: Instance) -> bool:
        return False

    home = service(store, client, source, may_unsubscribe=never)
    value = SubscriptionRef("C0TWO", PAYMENTS.instance_id, "prod-payments").encode()
    assert await home.unsubscribe("U123", value) == Notice(
        "refused_unsubscribe", "C0TWO", "prod-payments"
    )
    assert len(store.subscriptions.in_channel.sync("C0TWO")) == 2
    assert await home.unsubscribe("U123", "garbage") == Notice("unreadable")


# --- Details ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("workspace")
async def test_details_modal_shows_the_task_if_the_rules_allow(
    store: Store, client: AsyncWebClient, source: Source
) -> None:
    home = service(store, client, source)
    view = (await home.view("U123")).to_dict()
    value = next(
        b["accessory"]["value"]
        for b in view["blocks"]
        if b.get("accessory", {}).get("action_id", "").startswith(DETAILS)
    )
    modal = (await home.details("U123", value, lang="zh")).to_dict()
    assert modal["type"] == "modal"
    assert modal["title"]["text"] == "任务详情"
    assert "restartInstance" in str(modal["blocks"])
    assert view_problems(modal) == []

    async def never(user: str, channel: str, instance: Instance) -> bool:
        return False

    refused = await service(store, client, source, may_view=never).details("U123", value)
    assert "do not let you see" in str(refused.to_dict()["blocks"])
    assert "restartInstance" not in str(refused.to_dict()["blocks"])


@pytest.mark.usefixtures("workspace")
async def test_details_of_a_task_dms_does_not_know_is_one_line(
    store: Store, client: AsyncWebClient, source: Source
) -> None:
    value = HomeTaskRef("C0ONE", ORDERS.instance_id, "task-9999").encode()
    modal = (await service(store, client, source).details("U123", value)).to_dict()
    assert "The task could not be read: DMS has no task task-9999" in str(modal["blocks"])
    bad = (await service(store, client, source).details("U123", "{}")).to_dict()
    assert "could not be read" in str(bad["blocks"])


# --- stale and forged buttons ----------------------------------------------------------------


def pressable(view: Any, kind: str) -> list[str]:
    return [
        b["accessory"]["value"]
        for b in view["blocks"]
        if b.get("accessory", {}).get("action_id", "").startswith(kind)
    ]


@pytest.mark.usefixtures("workspace")
async def test_a_tab_drawn_before_leaving_the_channel_acts_on_nothing(
    slack: FakeSlack, store: Store, client: AsyncWebClient, source: Source
) -> None:
    home = service(store, client, source)
    view = (await home.view("U123")).to_dict()
    unsubscribe = SubscriptionRef("C0TWO", PAYMENTS.instance_id, "prod-payments").encode()
    assert unsubscribe in pressable(view, UNSUBSCRIBE)
    details = [v for v in pressable(view, DETAILS) if HomeTaskRef.decode(v).channel == "C0TWO"]
    assert details
    # Removed from the channel after the tab was drawn (and cached): the buttons on the
    # old tab are judged by who the presser is now.
    slack.remove_member("C0TWO", "U123")
    assert await home.unsubscribe("U123", unsubscribe) == Notice(
        "refused_unsubscribe", "C0TWO", "prod-payments"
    )
    assert len(store.subscriptions.in_channel.sync("C0TWO")) == 2
    refused = str((await home.details("U123", details[0])).to_dict()["blocks"])
    assert "do not let you see" in refused


@pytest.mark.usefixtures("workspace")
async def test_forged_values_unsubscribe_nothing_and_open_nothing(
    store: Store, client: AsyncWebClient, source: Source
) -> None:
    home = service(store, client, source)
    # A channel the presser is not in.
    theirs = SubscriptionRef("C0THREE", STAGING.instance_id, "staging").encode()
    assert (await home.unsubscribe("U123", theirs)).kind == "refused_unsubscribe"
    assert len(store.subscriptions.in_channel.sync("C0THREE")) == 1
    # A channel they are in, with an instance that channel does not watch.
    unwatched = HomeTaskRef("C0ONE", PAYMENTS.instance_id, "task-1").encode()
    assert "do not let you see" in str((await home.details("U123", unwatched)).to_dict())
    # Ids that are not ids never reach DMS or the store.
    orders = ORDERS.instance_id
    unreadable = [
        '{"c": "C0ONE", "i": "../../instances/other", "t": "t1"}',
        json.dumps({"c": "#general", "i": orders, "t": "t1"}),
        json.dumps({"c": ["C0ONE"], "i": orders, "t": "t1"}),
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "x" * 5000,
    ]
    for forged in unreadable:
        assert (await home.unsubscribe("U123", forged)).kind == "unreadable"
    for forged in [*unreadable, json.dumps({"c": "C0ONE", "i": orders, "t": "x/../../y"})]:
        assert "could not be read" in str((await home.details("U123", forged)).to_dict())
    assert len(store.subscriptions.in_channel.sync("C0ONE")) == 1
