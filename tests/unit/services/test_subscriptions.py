"""Subscriptions: subscribe a channel (then change it), list a channel's, and remove one,
for someone the rules let do it and someone they refuse. The store is a real SQLite
file; DMS is in memory."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import time, timedelta
from pathlib import Path

import pytest

from bot.adapters.store.store import Store
from bot.core.access import Subject
from bot.core.daily import DailyAt
from bot.core.dms.errors import UnknownInstance
from bot.core.grammar.commands import ListSubscriptions, Subscribe, Unsubscribe
from bot.services.ask import Ask
from bot.services.guard import Guard, Refused
from bot.services.subscriptions import Subscriptions
from tests.unit.services.fakes import (
    DEV,
    NO_SUCH_ID,
    NOBODY,
    NOW,
    OPS,
    ORDERS,
    PAYMENTS,
    TEAM,
    MemoryDms,
    gate,
    shown,
)
from tests.unit.views.support import all_text, valid

DEV_ASKS = Ask(user=DEV, channel=TEAM, via="slash")
OPS_ASKS = Ask(user=OPS, channel=TEAM, via="slash")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path}/subscriptions.db")
    yield opened
    opened.close()


@pytest.fixture
def dms() -> MemoryDms:
    return MemoryDms()


@pytest.fixture
def subs(store: Store, dms: MemoryDms) -> Subscriptions:
    return Subscriptions(store, dms, Guard(dms, gate()), clock=lambda: NOW, people=names)


async def names(users: Iterable[str]) -> Mapping[str, str]:
    known = {DEV: "dana.dev", OPS: "olga.ops"}
    return {u: known[u] for u in users if u in known}


def asker(ask: Ask) -> Subject:
    return Subject(user=ask.user, channel=ask.channel)


async def test_subscribing_creates_a_subscription_for_the_channel(
    subs: Subscriptions, store: Store
) -> None:
    command = Subscribe(instance="prod-orders", scope="failed", name_glob=None)
    reply = await subs.answer(command, DEV_ASKS, asker(DEV_ASKS))
    assert reply.ok
    assert reply.instance == ORDERS.instance_id
    assert reply.message.text.startswith("Subscribed: tasks on prod-orders that fail")
    kept = await subs.get(TEAM, ORDERS.instance_id)
    assert kept is not None
    assert (kept.instance_name, kept.scope, kept.created_by, kept.created_at) == (
        "prod-orders",
        "failed",
        DEV,
        NOW,
    )
    assert kept.language == "en"
    assert "dana.dev" in shown(reply.message)


async def test_subscribing_again_updates_the_one_subscription(subs: Subscriptions) -> None:
    first = Subscribe(instance="prod-orders", scope="failed", name_glob=None)
    await subs.answer(first, DEV_ASKS, asker(DEV_ASKS))
    again = Subscribe(instance=ORDERS.instance_id, scope="all", name_glob="restart*", lang="zh")
    reply = await subs.answer(again, DEV_ASKS, asker(DEV_ASKS))
    assert reply.message.text.startswith("Updated: tasks on prod-orders that finish")
    assert "replaces the channel's earlier subscription" in shown(reply.message)
    [kept] = await subs.in_channel(TEAM)
    assert (kept.scope, kept.name_glob, kept.language) == ("all", "restart*", "zh")


async def test_the_list_names_each_subscription_and_who_set_it_up(subs: Subscriptions) -> None:
    empty = await subs.answer(ListSubscriptions(), DEV_ASKS, asker(DEV_ASKS))
    assert empty.message.text == "This channel has no task notifications"
    await subs.answer(Subscribe("prod-orders", "failed", None), DEV_ASKS, asker(DEV_ASKS))
    await subs.answer(Subscribe("prod-payments", "all", None), OPS_ASKS, asker(OPS_ASKS))
    listed = await subs.answer(ListSubscriptions(), DEV_ASKS, asker(DEV_ASKS))
    text = shown(listed.message)
    assert listed.message.text == "2 subscriptions in this channel"
    for expected in ("prod-orders", "prod-payments", "dana.dev", "olga.ops"):
        assert expected in text
    # Named, never mentioned: a list posted again and again must not ping anyone.
    assert "<@" not in text


async def test_the_list_still_shows_when_slack_names_cannot_be_read(
    store: Store, dms: MemoryDms
) -> None:
    async def broken(users: Iterable[str]) -> Mapping[str, str]:
        raise RuntimeError("users.info: ratelimited")

    subs = Subscriptions(store, dms, Guard(dms, gate()), clock=lambda: NOW, people=broken)
    await subs.answer(Subscribe("prod-orders", "failed", None), DEV_ASKS, asker(DEV_ASKS))
    listed = await subs.answer(ListSubscriptions(), DEV_ASKS, asker(DEV_ASKS))
    assert DEV in shown(listed.message)


async def test_the_list_says_which_have_a_daily_summary_and_which_are_snoozed_now(
    subs: Subscriptions, store: Store
) -> None:
    daily = DailyAt(time(9, 0), "Asia/Shanghai")
    await subs.answer(
        Subscribe("prod-orders", "failed", None, daily=daily), DEV_ASKS, asker(DEV_ASKS)
    )
    await subs.answer(Subscribe("prod-payments", "all", None), OPS_ASKS, asker(OPS_ASKS))
    [orders, payments] = sorted(await subs.in_channel(TEAM), key=lambda s: s.instance_name)
    store.snoozes.snooze.sync(TEAM, payments.instance_id, NOW + timedelta(hours=2), OPS)
    # Over before the list is asked for (the service's clock says NOW): not shown.
    store.snoozes.snooze.sync(TEAM, orders.instance_id, NOW - timedelta(minutes=1), OPS)
    listed = all_text(
        valid((await subs.answer(ListSubscriptions(), DEV_ASKS, asker(DEV_ASKS))).message)
    )
    orders_line, payments_line = (
        next(line for line in listed.splitlines() if name in line)
        for name in ("prod-orders", "prod-payments")
    )
    assert "daily summary at 09:00 (Asia/Shanghai)" in orders_line
    assert "snoozed" not in orders_line
    assert "snoozed until" in payments_line
    assert "daily summary" not in payments_line


async def test_unsubscribing_removes_it_and_says_so(subs: Subscriptions) -> None:
    await subs.answer(Subscribe("prod-orders", "failed", None), DEV_ASKS, asker(DEV_ASKS))
    reply = await subs.answer(Unsubscribe("prod-orders"), DEV_ASKS, asker(DEV_ASKS))
    assert reply.message.text == "Unsubscribed from prod-orders"
    assert await subs.in_channel(TEAM) == []
    again = await subs.answer(Unsubscribe("prod-orders"), DEV_ASKS, asker(DEV_ASKS))
    assert again.message.text == "This channel was not subscribed to prod-orders"


async def test_remove_is_the_one_unsubscribe_path_the_home_tab_uses(
    subs: Subscriptions,
) -> None:
    await subs.answer(Subscribe("prod-orders", "failed", None), DEV_ASKS, asker(DEV_ASKS))
    removed = await subs.remove(TEAM, ORDERS.instance_id)
    assert removed is not None
    assert removed.instance_id == ORDERS.instance_id
    assert await subs.remove(TEAM, ORDERS.instance_id) is None
    assert await subs.in_channels([TEAM]) == []


async def test_a_refused_user_can_neither_subscribe_nor_unsubscribe(
    subs: Subscriptions,
) -> None:
    with pytest.raises(Refused) as refused:
        await subs.answer(Subscribe("prod-payments", "all", None), DEV_ASKS, asker(DEV_ASKS))
    assert refused.value.action == "subscribe"
    assert await subs.in_channel(TEAM) == []

    await subs.answer(Subscribe("prod-payments", "all", None), OPS_ASKS, asker(OPS_ASKS))
    with pytest.raises(Refused) as kept:
        await subs.answer(Unsubscribe("prod-payments"), DEV_ASKS, asker(DEV_ASKS))
    assert kept.value.action == "unsubscribe"
    assert await subs.get(TEAM, PAYMENTS.instance_id) is not None


async def test_someone_no_rule_names_cannot_subscribe_to_anything(subs: Subscriptions) -> None:
    nobody = Ask(user=NOBODY, channel=TEAM, via="slash")
    with pytest.raises(Refused):
        await subs.answer(Subscribe("prod-orders", "failed", None), nobody, asker(nobody))
    assert await subs.in_channel(TEAM) == []


async def test_nothing_is_set_up_for_an_id_dms_does_not_have(
    subs: Subscriptions, dms: MemoryDms
) -> None:
    with pytest.raises(UnknownInstance):
        await subs.answer(Subscribe(NO_SUCH_ID, "failed", None), OPS_ASKS, asker(OPS_ASKS))
    assert f"list_tasks {NO_SUCH_ID}" in dms.calls
    assert await subs.in_channel(TEAM) == []


async def test_a_listed_channel_sees_only_its_own_subscriptions(subs: Subscriptions) -> None:
    other = Ask(user=OPS, channel="C0OTHER", via="slash")
    await subs.answer(Subscribe("prod-orders", "failed", None), DEV_ASKS, asker(DEV_ASKS))
    await subs.answer(Subscribe("prod-payments", "failed", None), other, asker(other))
    assert [s.instance_id for s in await subs.in_channel(TEAM)] == [ORDERS.instance_id]
    both = await subs.in_channels([TEAM, "C0OTHER"])
    assert {(s.channel, s.instance_id) for s in both} == {
        (TEAM, ORDERS.instance_id),
        ("C0OTHER", PAYMENTS.instance_id),
    }


@pytest.mark.parametrize("typed", ["prod-orders", ORDERS.instance_id])
async def test_a_subscription_to_an_instance_dms_no_longer_has_can_be_removed(
    subs: Subscriptions, dms: MemoryDms, typed: str
) -> None:
    await subs.answer(Subscribe("prod-orders", "failed", None), DEV_ASKS, asker(DEV_ASKS))
    # The instance is deleted upstream; the channel's subscription is still listed.
    dms.instances = tuple(i for i in dms.instances if i != ORDERS)
    reply = await subs.answer(Unsubscribe(typed), DEV_ASKS, asker(DEV_ASKS))
    assert reply.message.text == "Unsubscribed from prod-orders"
    assert reply.instance == ORDERS.instance_id
    assert await subs.in_channel(TEAM) == []


async def test_a_gone_instance_is_still_judged_by_the_rules(
    subs: Subscriptions, dms: MemoryDms
) -> None:
    await subs.answer(Subscribe("prod-payments", "all", None), OPS_ASKS, asker(OPS_ASKS))
    dms.instances = tuple(i for i in dms.instances if i != PAYMENTS)
    with pytest.raises(Refused):
        await subs.answer(Unsubscribe("prod-payments"), DEV_ASKS, asker(DEV_ASKS))
    assert await subs.get(TEAM, PAYMENTS.instance_id) is not None


async def test_a_name_no_subscription_and_no_instance_has_is_still_unknown(
    subs: Subscriptions,
) -> None:
    with pytest.raises(UnknownInstance):
        await subs.answer(Unsubscribe("prod-nothing"), OPS_ASKS, asker(OPS_ASKS))
