"""The guard: what each asker may query, share, subscribe, unsubscribe and see, and what
a refusal gives away (nothing: the same answer whether or not the instance exists)."""

from __future__ import annotations

import pytest

from bot.core.access import Action, GroupsUnavailable, Subject
from bot.core.dms.errors import AmbiguousInstance, DmsUnavailable, UnknownInstance
from bot.core.dms.models import Instance
from bot.services.guard import Guard, Refused
from bot.services.outcome import failure_of
from bot.services.reply import failed_reply
from tests.unit.services.fakes import (
    DEV,
    INSTANCES,
    NO_SUCH_ID,
    NOBODY,
    ONCALL,
    ONCALL_GROUP,
    OPS,
    ORDERS,
    ORDERS_EU,
    PAYMENTS,
    PUBLIC,
    STAGING_EU,
    TEAM,
    WHERE,
    MemoryDms,
    gate,
)

ACTIONS: tuple[Action, ...] = ("query", "share", "subscribe", "unsubscribe")


@pytest.fixture
def dms() -> MemoryDms:
    return MemoryDms()


@pytest.fixture
def guard(dms: MemoryDms) -> Guard:
    return Guard(dms, gate())


def who(user: str, channel: str = TEAM) -> Subject:
    return Subject(user=user, channel=channel)


async def outcome(guard: Guard, action: Action, asker: Subject, typed: str) -> Instance | str:
    """The instance, or the text the asker would be shown instead."""
    try:
        return await guard.permitted(action, asker, typed)
    except Exception as exc:
        return failed_reply(failure_of(exc, "en"), "en").message.text


# -- no rules ---------------------------------------------------------------------------


async def test_with_no_rules_anyone_may_do_anything_and_nobody_is_looked_up(
    dms: MemoryDms,
) -> None:
    open_guard = Guard(dms)
    assert open_guard.open
    assert await open_guard.subject(NOBODY, TEAM) is None
    for action in ACTIONS:
        assert await open_guard.permitted(action, who(NOBODY), "prod-payments") == PAYMENTS
    assert await open_guard.allows("subscribe", NOBODY, PUBLIC, PAYMENTS)
    assert await open_guard.may_share(who(NOBODY, PUBLIC), PAYMENTS.instance_id)


async def test_the_shell_and_cli_have_nobody_to_check(guard: Guard) -> None:
    assert await guard.permitted("query", None, "prod-payments") == PAYMENTS
    assert guard.visible(None, INSTANCES) == INSTANCES
    assert guard.sharing(None, PAYMENTS) is None


# -- query, subscribe, unsubscribe --------------------------------------------------------


@pytest.mark.parametrize("action", ACTIONS)
async def test_a_permitted_user_gets_the_instance_by_name_or_id(
    guard: Guard, action: Action
) -> None:
    assert await guard.permitted(action, who(DEV), "prod-orders") == ORDERS
    assert await guard.permitted(action, who(DEV), ORDERS.instance_id) == ORDERS
    assert await guard.permitted(action, who(OPS), "prod-payments") == PAYMENTS


@pytest.mark.parametrize("action", ACTIONS)
async def test_a_refused_user_is_told_what_they_may_not_do(guard: Guard, action: Action) -> None:
    with pytest.raises(Refused) as refused:
        await guard.permitted(action, who(DEV), "prod-payments")
    assert (refused.value.action, refused.value.typed) == (action, "prod-payments")
    assert refused.value.by == "rule 3 (payments is finance's)"


async def test_someone_no_rule_allows_costs_dms_nothing(guard: Guard, dms: MemoryDms) -> None:
    with pytest.raises(Refused) as refused:
        await guard.permitted("query", who(NOBODY), "prod-orders")
    assert refused.value.by == "no rule allows it"
    assert dms.calls == []


async def test_a_rule_for_queries_only_does_not_let_its_group_subscribe(dms: MemoryDms) -> None:
    guard = Guard(dms, gate(members=[ONCALL]))
    carol = await guard.subject(ONCALL, TEAM)
    assert carol is not None
    assert carol.groups == {ONCALL_GROUP}
    assert await guard.permitted("query", carol, "prod-payments") == PAYMENTS
    with pytest.raises(Refused):
        await guard.permitted("subscribe", carol, "prod-payments")


# -- a refusal maps nothing out -------------------------------------------------------------


@pytest.mark.parametrize(
    ("hidden", "missing"),
    [
        # Named by a name the rules refuse: there, and not there.
        ("prod-payments", "prod-payments-old"),
        # By id: one DMS lists, and one nobody has.
        (PAYMENTS.instance_id, NO_SUCH_ID),
        # A partial name that finds only instances the asker may not see.
        ("staging", "testing"),
    ],
)
@pytest.mark.parametrize("action", ACTIONS)
async def test_a_restricted_user_is_refused_alike_whether_the_instance_exists(
    guard: Guard, action: Action, hidden: str, missing: str
) -> None:
    seen = await outcome(guard, action, who(DEV), hidden)
    unseen = await outcome(guard, action, who(DEV), missing)
    assert isinstance(seen, str)
    assert isinstance(unseen, str)
    assert seen.replace(hidden, "X") == unseen.replace(missing, "X")


async def test_an_unknown_name_the_rules_allow_says_neither_the_account_nor_hidden_names(
    guard: Guard,
) -> None:
    # "prod-paymnts" reads as prod-*: a typo, said as one; but the close match DMS
    # has, prod-payments, is not the developer's to see.
    with pytest.raises(UnknownInstance) as restricted:
        await guard.permitted("query", who(DEV), "prod-paymnts")
    assert "prod-payments" not in restricted.value.close
    assert WHERE not in str(restricted.value)
    assert "payments" not in str(restricted.value).replace("prod-paymnts", "")

    with pytest.raises(UnknownInstance) as unrestricted:
        await guard.permitted("query", who(OPS), "prod-paymnts")
    assert "prod-payments" in unrestricted.value.close
    assert WHERE in str(unrestricted.value)


async def test_suggestions_are_only_among_instances_the_asker_may_see(guard: Guard) -> None:
    with pytest.raises(UnknownInstance) as typo:
        await guard.permitted("query", who(DEV), "prod-ordrs")
    assert typo.value.close
    assert set(typo.value.close) <= {ORDERS.name, ORDERS_EU.name}


async def test_an_ambiguous_name_offers_only_the_instances_the_asker_may_see(
    guard: Guard,
) -> None:
    with pytest.raises(AmbiguousInstance) as everyone:
        await guard.permitted("query", who(OPS), "orders")
    assert {iid for _, iid in everyone.value.candidates} == {
        ORDERS.instance_id,
        ORDERS_EU.instance_id,
        STAGING_EU.instance_id,
    }
    with pytest.raises(AmbiguousInstance) as dev:
        await guard.permitted("query", who(DEV), "orders")
    assert dev.value.candidates == (
        (ORDERS.name, ORDERS.instance_id),
        (ORDERS_EU.name, ORDERS_EU.instance_id),
    )


async def test_one_visible_candidate_is_the_answer(guard: Guard) -> None:
    # prod-orders-eu and staging-orders-eu; the developer sees only the first.
    assert await guard.permitted("query", who(DEV), "orders-eu") == ORDERS_EU
    with pytest.raises(AmbiguousInstance):
        await guard.permitted("query", who(OPS), "orders-eu")


async def test_an_id_no_listing_confirms_is_refused_to_the_restricted_only(
    guard: Guard,
) -> None:
    with pytest.raises(Refused):
        await guard.permitted("query", who(DEV), NO_SUCH_ID)
    # Someone the rules do not restrict has it passed through: the task call decides.
    assert (await guard.permitted("query", who(OPS), NO_SUCH_ID)).instance_id == NO_SUCH_ID


# -- share ------------------------------------------------------------------------------


async def test_sharing_is_judged_per_channel(guard: Guard) -> None:
    team, public = who(DEV, TEAM), who(DEV, PUBLIC)
    assert await guard.may_share(team, ORDERS.instance_id)
    assert not await guard.may_share(public, ORDERS.instance_id)
    assert not await guard.may_share(team, PAYMENTS.instance_id)
    shared = guard.sharing(public, ORDERS)
    assert shared is not None
    assert not shared.allowed
    assert shared.by == "rule 1 (nothing is shared in the public channel)"


async def test_when_dms_cannot_say_what_an_instance_is_nothing_is_shared(
    guard: Guard, dms: MemoryDms
) -> None:
    dms.failing = DmsUnavailable("DMS timed out")
    assert not await guard.may_share(who(OPS), ORDERS.instance_id)
    # Nothing to decide: the answer named no instance, or there is nobody to check.
    assert await guard.may_share(who(OPS), None)
    assert await guard.may_share(None, ORDERS.instance_id)


# -- view: listings, the Home tab and queued rows ------------------------------------------


async def test_a_listing_shows_only_what_the_asker_may_query(guard: Guard) -> None:
    assert guard.visible(who(DEV), INSTANCES) == (ORDERS, ORDERS_EU)
    assert guard.visible(who(OPS), INSTANCES) == INSTANCES
    assert guard.visible(who(NOBODY), INSTANCES) == ()


async def test_an_instance_in_hand_is_judged_without_asking_dms(
    guard: Guard, dms: MemoryDms
) -> None:
    assert guard.judge("subscribe", who(DEV), ORDERS).allowed
    assert not guard.judge("subscribe", who(DEV), PAYMENTS).allowed
    assert (await guard.decide("unsubscribe", DEV, TEAM, ORDERS)).allowed
    assert await guard.allows("query", DEV, TEAM, ORDERS_EU)
    assert not await guard.allows("query", DEV, TEAM, STAGING_EU)
    assert dms.calls == []


async def test_a_rule_naming_a_stored_label_judges_the_instance_it_names(guard: Guard) -> None:
    # Subscriptions keep "name@account" when there are several accounts.
    kept = Instance(instance_id=PAYMENTS.instance_id, name="prod-payments@prod")
    assert not guard.judge("unsubscribe", who(DEV), kept).allowed


# -- groups unavailable --------------------------------------------------------------------


async def test_when_slack_cannot_say_who_is_in_a_group_nothing_is_decided(
    dms: MemoryDms,
) -> None:
    guard = Guard(dms, gate(groups_down=True))
    with pytest.raises(GroupsUnavailable):
        await guard.subject(DEV, TEAM)
    with pytest.raises(GroupsUnavailable):
        await guard.decide("query", DEV, TEAM, ORDERS)
    # Where a yes or no is all there is to give, the answer is no.
    assert not await guard.allows("query", DEV, TEAM, ORDERS)
    assert not await guard.allows("unsubscribe", OPS, TEAM, ORDERS)
