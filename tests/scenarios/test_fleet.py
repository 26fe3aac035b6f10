"""Fleet: two accounts, each a real DmsClient on its own simulator over loopback.

Both simulators hold the demo instances (the same names, different ids), so every
name is in two accounts; the staging one also has an instance of its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC

import pytest

from bot.adapters.dms.client import DmsClient
from bot.adapters.dms.fleet import Fleet, Member
from bot.core.dms.accounts import Alias, Credentials
from bot.core.dms.errors import (
    AmbiguousInstance,
    DmsAuthError,
    DmsNotFound,
    UnknownInstance,
    UnknownPlace,
)
from bot.core.grammar.window import TimeWindow
from bot.core.grammar.window_parse import parse_window
from bot.simulator import ManualClock, Simulator, SimulatorConfig
from tests.conftest import SIMULATOR_START

STAGING = SimulatorConfig(
    seed=8, ak="STAGINGAK", sk="staging-sk", project_id="5e7a9c1b3d5f4a6b8c0d2e4f6a8b0c2d"
)


@dataclass
class Accounts:
    prod: Simulator
    staging: Simulator
    prod_client: DmsClient
    staging_client: DmsClient

    def fleet(self, *, default: str | None = None, aliases: tuple[Alias, ...] = ()) -> Fleet:
        """A new fleet (nothing learned yet) over the same clients."""
        return Fleet(
            [
                Member("prod", self.prod_client, region="cn-north-4"),
                Member("staging", self.staging_client, region="cn-east-3"),
            ],
            default=default,
            aliases=aliases,
        )

    def id_in(self, sim: Simulator, name: str) -> str:
        return sim.state.find_instances(name, exact=True)[0].instance_id


def client_for(sim: Simulator, where: str, *, sk: str | None = None) -> DmsClient:
    cfg = sim.config
    credentials = Credentials(cfg.ak, sk or cfg.sk, cfg.project_id)
    return DmsClient.create(sim.url, credentials, where=where)


@pytest.fixture
async def accounts() -> AsyncIterator[Accounts]:
    prod = Simulator(SimulatorConfig(), clock=ManualClock(SIMULATOR_START))
    staging = Simulator(STAGING, clock=ManualClock(SIMULATOR_START))
    staging.state.add_instance("staging-only", 5)
    async with (
        prod,
        staging,
        client_for(prod, "cn-north-4, project p") as prod_client,
        client_for(staging, "cn-east-3, project s") as staging_client,
    ):
        yield Accounts(prod, staging, prod_client, staging_client)


def last_day() -> TimeWindow:
    return parse_window("last 24h", now=SIMULATOR_START, tz=UTC)


async def test_listing_merges_both_accounts_each_instance_tagged(accounts: Accounts) -> None:
    fleet = accounts.fleet()
    listed = await fleet.list_instances()
    orders = [i for i in listed if i.name == "prod-orders"]
    assert [(i.label, i.region) for i in orders] == [
        ("prod-orders@prod", "cn-north-4"),
        ("prod-orders@staging", "cn-east-3"),
    ]
    assert orders[0].instance_id != orders[1].instance_id
    assert len(listed) == len(accounts.prod.state.instances()) + len(
        accounts.staging.state.instances()
    )


async def test_the_same_name_in_two_accounts_is_a_choice_by_label_and_id(
    accounts: Accounts,
) -> None:
    fleet = accounts.fleet()
    with pytest.raises(AmbiguousInstance) as caught:
        await fleet.resolve("prod-orders")
    assert caught.value.candidates == (
        ("prod-orders@prod", accounts.id_in(accounts.prod, "prod-orders")),
        ("prod-orders@staging", accounts.id_in(accounts.staging, "prod-orders")),
    )
    # The pick button re-runs the query with the id, which goes to its own account.
    staging_id = caught.value.candidates[1][1]
    picked = await fleet.resolve(staging_id)
    assert picked.label == "prod-orders@staging"
    accounts.staging.stats.reset()
    accounts.prod.stats.reset()
    listing = await fleet.list_tasks(staging_id, last_day())
    assert accounts.staging.stats.count("list_tasks") >= 1
    assert accounts.prod.stats.count("list_tasks") == 0
    expected = {t.id for t in accounts.staging.state.timeline(staging_id) or ()}
    assert listing.tasks
    assert {t.id for t in listing.tasks} <= expected


async def test_name_at_account_or_region_picks_one(accounts: Accounts) -> None:
    fleet = accounts.fleet()
    by_account = await fleet.resolve("prod-orders@staging")
    by_region = await fleet.resolve("prod-orders@CN-NORTH-4")
    assert by_account.instance_id == accounts.id_in(accounts.staging, "prod-orders")
    assert (by_account.account, by_account.region) == ("staging", "cn-east-3")
    assert by_region.instance_id == accounts.id_in(accounts.prod, "prod-orders")
    assert by_region.label == "prod-orders@prod"
    with pytest.raises(UnknownInstance) as missing:
        await fleet.resolve("staging-only@prod")
    assert "account prod (cn-north-4, project p)" in str(missing.value)
    with pytest.raises(UnknownPlace) as nowhere:
        await fleet.resolve("prod-orders@qa")
    assert "accounts: prod, staging; regions: cn-east-3, cn-north-4" in str(nowhere.value)


async def test_a_name_in_one_account_only_needs_no_qualifier(accounts: Accounts) -> None:
    fleet = accounts.fleet()
    only = await fleet.resolve("staging-only")
    assert only.label == "staging-only@staging"
    assert (await fleet.resolve("staging-on")).instance_id == only.instance_id
    with pytest.raises(UnknownInstance) as caught:
        await fleet.resolve("prod-ordrs")
    message = str(caught.value)
    assert "accounts prod (cn-north-4, project p), staging (cn-east-3, project s)" in message
    assert "prod-orders@prod, prod-orders@staging" in message


async def test_an_id_routes_to_its_account_even_before_any_listing(accounts: Accounts) -> None:
    staging_id = accounts.id_in(accounts.staging, "prod-payments")
    fleet = accounts.fleet()  # a restart: the poller's first call is by id
    task = (accounts.staging.state.timeline(staging_id) or ())[-1]
    found = await fleet.get_task(staging_id, task.id)
    assert found.id == task.id


async def test_an_id_in_no_listing_goes_to_the_default_account(accounts: Accounts) -> None:
    unlisted = "99999999-9999-4999-8999-999999999999"
    fleet = accounts.fleet(default="staging")
    passed = await fleet.resolve(unlisted)
    assert (passed.instance_id, passed.name, passed.account) == (unlisted, unlisted, "staging")
    accounts.staging.stats.reset()
    accounts.prod.stats.reset()
    with pytest.raises(DmsNotFound):
        await fleet.list_tasks(unlisted, last_day())
    assert accounts.staging.stats.count("list_tasks") == 1
    assert accounts.prod.stats.count("list_tasks") == 0


async def test_an_alias_names_one_instance_of_one_account(accounts: Accounts) -> None:
    staging_orders = accounts.id_in(accounts.staging, "prod-orders")
    unlisted = "88888888-8888-4888-8888-888888888888"
    fleet = accounts.fleet(
        aliases=(
            Alias("orders", staging_orders, account="staging"),
            Alias("ghost", unlisted, account="staging"),
        )
    )
    orders = await fleet.resolve("Orders")
    assert (orders.instance_id, orders.label) == (staging_orders, "prod-orders@staging")
    ghost = await fleet.resolve("ghost")
    assert (ghost.instance_id, ghost.account) == (unlisted, "staging")
    accounts.staging.stats.reset()
    with pytest.raises(DmsNotFound):
        await fleet.list_tasks(unlisted, last_day())
    assert accounts.staging.stats.count("list_tasks") == 1


async def test_a_failing_account_does_not_stop_the_others(accounts: Accounts) -> None:
    async with client_for(accounts.staging, "cn-east-3, project s", sk="wrong") as refused:
        fleet = Fleet(
            [
                Member("prod", accounts.prod_client, region="cn-north-4"),
                Member("staging", refused, region="cn-east-3"),
            ]
        )
        # Found in the account that answered: answered.
        found = await fleet.resolve("prod-orders")
        assert found.label == "prod-orders@prod"
        # Not found there: it may be in the one that failed, so that failure is said.
        with pytest.raises(DmsAuthError):
            await fleet.resolve("staging-only")
        # The instance list keeps the accounts that answered (the failure is logged).
        listed = await fleet.list_instances()
        assert listed
        assert {inst.account for inst in listed} == {"prod"}


async def test_one_account_is_the_client_alone(accounts: Accounts) -> None:
    client = accounts.prod_client
    fleet = Fleet([Member("default", client, region="cn-north-4")])
    assert fleet.where == client.where
    assert fleet.options is client.options
    assert await fleet.list_instances() == await client.list_instances()
    alone = await fleet.resolve("prod-payments")
    assert alone == await client.resolve("prod-payments")
    assert (alone.account, alone.label) == ("", "prod-payments")
    with pytest.raises(AmbiguousInstance) as caught:
        await fleet.resolve("prod-ord")
    assert [name for name, _ in caught.value.candidates] == ["prod-orders", "prod-orders-dr"]
    # "x@y" with y no account or region of it: a name, not found, as before.
    with pytest.raises(UnknownInstance) as unknown:
        await fleet.resolve("prod-orders@qa")
    assert str(unknown.value).startswith('No Kafka instance named "prod-orders@qa" in cn-north-4')
    assert (await fleet.resolve("prod-payments@default")) == alone
