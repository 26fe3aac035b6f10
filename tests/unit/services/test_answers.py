"""The answers about tasks: a listing, its pages, a refresh, one task's details, and a
name that fits several instances, through an in-memory DMS and the access rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core import actions
from bot.core.access import Subject
from bot.core.actions import QueryState, TaskRef
from bot.core.dms.errors import DmsUnavailable, UnknownTask
from bot.core.grammar.commands import ListInstances, TaskLookup, TasksQuery, parse_command
from bot.services.answers import Answers, rest_of_command, state_of, zone
from bot.services.ask import Ask
from bot.services.guard import Guard, Refused
from bot.views.kit import Message
from tests.unit.services.fakes import (
    DEV,
    NOW,
    OPS,
    ORDERS,
    ORDERS_EU,
    PAYMENTS,
    PUBLIC,
    STAGING_EU,
    TEAM,
    MemoryDms,
    buttons,
    gate,
    shown,
    task,
)

DEV_ASKS = Ask(user=DEV, channel=TEAM, via="slash")


def who(user: str = DEV, channel: str = TEAM) -> Subject:
    return Subject(user=user, channel=channel)


def query(text: str, *, now: datetime = NOW) -> TasksQuery:
    command = parse_command(text, now=now, tz=UTC)
    assert isinstance(command, TasksQuery)
    return command


def rows(message: Message) -> list[str]:
    """The tasks a message shows a row for, by the task its Details button names."""
    return [TaskRef.decode(v).task_id for a, v in buttons(message) if a == actions.DETAILS]


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def dms() -> MemoryDms:
    return MemoryDms(
        tasks={
            ORDERS.instance_id: (
                task(1, "EXECUTING", hours_ago=0.5),
                task(2, "FAILED", hours_ago=2),
                *(task(n, "SUCCESS", hours_ago=3 + n / 10) for n in range(3, 15)),
            ),
            ORDERS_EU.instance_id: (task(20, "SUCCESS"),),
            PAYMENTS.instance_id: (task(30, "FAILED"),),
        }
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def answers(dms: MemoryDms, clock: Clock) -> Answers:
    return Answers(dms, Guard(dms, gate()), clock=clock, page_size=5)


# -- a listing and its pages --------------------------------------------------------------


async def test_a_listing_shows_the_first_page_and_follows_what_is_running(
    answers: Answers,
) -> None:
    reply = await answers.tasks(query("prod-orders last 24h"), DEV_ASKS, who(), fresh=False)
    assert reply.ok
    assert reply.instance == ORDERS.instance_id
    assert rows(reply.message) == [f"task-{n:04d}" for n in range(1, 6)]
    offered = [action for action, _ in buttons(reply.message)]
    for wanted in (actions.REFRESH, actions.PAGE_NEXT, actions.SHARE, actions.SUBSCRIBE):
        assert wanted in offered
    assert actions.PAGE_PREV not in offered
    assert reply.follow is not None
    assert reply.follow.task_ids == {"task-0001"}
    assert (reply.follow.user, reply.follow.instance_id) == (DEV, ORDERS.instance_id)


async def test_nothing_running_means_nothing_to_follow(answers: Answers) -> None:
    reply = await answers.tasks(query("prod-orders-eu last 24h"), DEV_ASKS, who(), fresh=False)
    assert reply.follow is None


async def test_the_next_page_keeps_the_exact_window_on_screen(
    answers: Answers, dms: MemoryDms, clock: Clock
) -> None:
    first = await answers.tasks(query("prod-orders last 24h"), DEV_ASKS, who(), fresh=False)
    [next_value] = [v for a, v in buttons(first.message) if a == actions.PAGE_NEXT]
    state = QueryState.decode(next_value)
    assert state.page == 2
    clock.now = NOW + timedelta(minutes=30)
    second = await answers.page(state, DEV_ASKS, who())
    window, fresh = dms.listings[-1]
    assert (window.begin, window.end) == (state.begin, state.end)
    assert not fresh
    assert actions.PAGE_PREV in [a for a, _ in buttons(second.message)]
    assert rows(second.message) == [f"task-{n:04d}" for n in range(6, 11)]


async def test_a_refresh_reads_a_relative_window_again_at_the_click(
    answers: Answers, dms: MemoryDms, clock: Clock
) -> None:
    first = await answers.tasks(query("prod-orders last 1h"), DEV_ASKS, who(), fresh=False)
    [value] = [v for a, v in buttons(first.message) if a == actions.REFRESH]
    clock.now = NOW + timedelta(hours=2)
    await answers.refresh(QueryState.decode(value), DEV_ASKS, who())
    window, fresh = dms.listings[-1]
    assert window.end == clock.now
    assert window.begin == clock.now - timedelta(hours=1)
    assert fresh


async def test_no_share_button_where_answers_may_not_be_shared(answers: Answers) -> None:
    public = Ask(user=DEV, channel=PUBLIC, via="slash")
    reply = await answers.tasks(
        query("prod-orders last 24h"), public, who(channel=PUBLIC), fresh=False
    )
    assert reply.ok
    assert actions.SHARE not in [a for a, _ in buttons(reply.message)]


async def test_pressing_share_where_sharing_is_refused_is_a_refusal(answers: Answers) -> None:
    state = state_of(ORDERS.instance_id, query("prod-orders last 24h"))
    public = Ask(user=DEV, channel=PUBLIC, via="slash", shareable=False)
    with pytest.raises(Refused) as refused:
        await answers.page(state, public, who(channel=PUBLIC), sharing=True)
    assert refused.value.action == "share"
    shared = await answers.page(state, Ask(user=DEV, channel=TEAM), who(), sharing=True)
    assert shared.ok


async def test_a_listing_of_an_instance_the_asker_may_not_see_is_refused(
    answers: Answers, dms: MemoryDms
) -> None:
    with pytest.raises(Refused):
        await answers.tasks(query("prod-payments last 24h"), DEV_ASKS, who(), fresh=False)
    assert not any(call.startswith("list_tasks") for call in dms.calls)


# -- a name that fits several instances ----------------------------------------------------


async def test_an_ambiguous_name_offers_each_permitted_instance_to_pick(
    answers: Answers,
) -> None:
    reply = await answers.tasks(query("orders last 2h status failed"), DEV_ASKS, who(), fresh=False)
    assert not reply.ok
    assert reply.delivery == "ephemeral"
    assert '"orders" matches 2 instances' in reply.message.text
    assert buttons(reply.message) == [
        (actions.PICK_INSTANCE, f"{ORDERS.instance_id} last 2h status failed"),
        (actions.PICK_INSTANCE, f"{ORDERS_EU.instance_id} last 2h status failed"),
    ]
    assert STAGING_EU.instance_id not in shown(reply.message)


async def test_someone_who_may_see_all_is_offered_all(answers: Answers) -> None:
    reply = await answers.tasks(query("orders"), Ask(user=OPS), who(OPS), fresh=False)
    picks = [v for a, v in buttons(reply.message) if a == actions.PICK_INSTANCE]
    assert picks == [ORDERS.instance_id, ORDERS_EU.instance_id, STAGING_EU.instance_id]


def test_the_rest_of_a_command_is_what_follows_the_instance() -> None:
    assert rest_of_command(query("orders")) == ""
    assert rest_of_command(query("orders last 3h status failed,executing name restart*")) == (
        "last 3h status executing,failed name restart*"
    )


# -- instances and details ------------------------------------------------------------------


async def test_the_instance_list_holds_only_what_the_asker_may_query(
    answers: Answers,
) -> None:
    reply = await answers.run(ListInstances(), DEV_ASKS, who())
    text = shown(reply.message)
    assert ORDERS.name in text
    assert ORDERS_EU.name in text
    assert PAYMENTS.name not in text
    assert STAGING_EU.name not in text
    assert await answers.instances(None) == (ORDERS, ORDERS_EU, PAYMENTS, STAGING_EU)


async def test_details_of_one_task(answers: Answers) -> None:
    reply = await answers.details(TaskRef(ORDERS.instance_id, "task-0002"), DEV_ASKS, who())
    assert reply.ok
    assert reply.instance == ORDERS.instance_id
    assert "task-0002" in shown(reply.message)
    typed = await answers.run(TaskLookup("prod-orders", "task-0002"), DEV_ASKS, who())
    assert typed.message == reply.message


async def test_details_of_a_task_dms_does_not_have_name_it(answers: Answers) -> None:
    with pytest.raises(UnknownTask) as missing:
        await answers.details(TaskRef(ORDERS.instance_id, "task-9999"), DEV_ASKS, who())
    assert "task-9999" in str(missing.value)


async def test_details_are_refused_as_listings_are(answers: Answers) -> None:
    with pytest.raises(Refused):
        await answers.details(TaskRef(PAYMENTS.instance_id, "task-0030"), DEV_ASKS, who())


# -- a stored answer, fetched again ----------------------------------------------------------


async def test_a_summary_is_the_answer_afresh_or_what_went_wrong(
    answers: Answers, dms: MemoryDms
) -> None:
    state = state_of(ORDERS.instance_id, query("prod-orders last 24h"))
    summary = await answers.summary(state.encode())
    assert "prod-orders" in shown(summary)
    assert dms.listings[-1][1]  # fresh
    assert actions.SHARE not in [a for a, _ in buttons(summary)]
    dms.failing = DmsUnavailable("DMS answered 503")
    failed = await answers.summary(state.encode(), lang="zh")
    assert failed.text
    assert actions.RETRY not in [a for a, _ in buttons(failed)]


def test_an_unknown_zone_reads_as_utc() -> None:
    assert zone("Europe/Berlin").utcoffset(NOW) == timedelta(hours=1)
    assert zone("Mars/Olympus_Mons") is UTC
    assert zone("") is UTC
