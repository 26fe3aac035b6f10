"""The questions the bot answers, whoever asks: tasks in a window, one task, whether an
instance exists, and what to say about a command that could not be read."""

from __future__ import annotations

import asyncio
from datetime import UTC

import pytest

from bot.core.dms.errors import DmsUnavailable, UnknownInstance, UnknownTask
from bot.core.dms.models import Instance
from bot.core.grammar.commands import TaskLookup, TasksQuery, parse_command
from bot.core.grammar.errors import CommandError
from bot.core.grammar.misread import NotAnInstance
from bot.services.queries import answer_task, answer_tasks, error_to_report, existing_instance
from tests.unit.services.fakes import NO_SUCH_ID, NOW, ORDERS, WHERE, MemoryDms, task


def query(text: str) -> TasksQuery:
    command = parse_command(text, now=NOW, tz=UTC)
    assert isinstance(command, TasksQuery)
    return command


@pytest.fixture
def dms() -> MemoryDms:
    return MemoryDms(
        tasks={
            ORDERS.instance_id: (
                task(1, "EXECUTING", name="restartInstance"),
                task(2, "FAILED", name="restartInstance"),
                task(3, "FAILED", name="modifyInstanceSpec"),
                task(4, "SUCCESS", name="restartInstance", hours_ago=30),
            )
        }
    )


async def test_tasks_in_the_window_filtered_by_status_and_name(dms: MemoryDms) -> None:
    everything = await answer_tasks(dms, query("prod-orders last 24h"))
    assert everything.instance == ORDERS
    assert [t.id for t in everything.tasks] == ["task-0001", "task-0002", "task-0003"]
    failed = await answer_tasks(dms, query("prod-orders last 24h status failed name restart*"))
    assert [t.id for t in failed.tasks] == ["task-0002"]
    # The listing is kept whole: the answer can say what the filter left out.
    assert len(failed.listing.tasks) == 3


async def test_an_id_dms_does_not_have_is_named_as_typed(dms: MemoryDms) -> None:
    with pytest.raises(UnknownInstance) as listing:
        await answer_tasks(dms, query(f"{NO_SUCH_ID} last 1h"))
    assert listing.value.name == NO_SUCH_ID
    assert listing.value.where == WHERE
    with pytest.raises(UnknownInstance):
        await answer_task(dms, TaskLookup(NO_SUCH_ID, "task-0001"))


async def test_one_task_or_which_one_was_not_found(dms: MemoryDms) -> None:
    found = await answer_task(dms, TaskLookup("prod-orders", "task-0002"))
    assert (found.instance, found.task.id) == (ORDERS, "task-0002")
    with pytest.raises(UnknownTask) as missing:
        await answer_task(dms, TaskLookup("prod-orders", "task-0404"))
    assert (missing.value.task_id, missing.value.instance_name) == ("task-0404", ORDERS.name)


async def test_a_listed_instance_exists_without_asking_dms_again(dms: MemoryDms) -> None:
    assert await existing_instance(dms, "prod-orders") == ORDERS
    assert not any(call.startswith("list_tasks") for call in dms.calls)


async def test_an_unlisted_id_exists_only_if_dms_has_tasks_for_it(dms: MemoryDms) -> None:
    with pytest.raises(UnknownInstance):
        await existing_instance(dms, NO_SUCH_ID)
    hidden = Instance(instance_id=NO_SUCH_ID, name="hidden-from-listing")
    dms.instances = (*dms.instances, hidden)
    # Listed now: found by id.
    assert await existing_instance(dms, NO_SUCH_ID) == hidden


# -- a command that could not be read ---------------------------------------------------------


def unreadable(text: str) -> CommandError:
    with pytest.raises(CommandError) as error:
        parse_command(text, now=NOW, tz=UTC)
    return error.value


async def test_a_first_word_that_names_no_instance_is_said_first(dms: MemoryDms) -> None:
    error = unreadable("asdf qwer zxcv")
    said = await error_to_report(error, "asdf qwer zxcv", dms.resolve)
    assert isinstance(said, UnknownInstance)
    assert said.name == "asdf"


async def test_a_first_word_close_to_a_button_says_which(dms: MemoryDms) -> None:
    said = await error_to_report(UnknownInstance("detials", WHERE), "detials 2", dms.resolve)
    assert isinstance(said, NotAnInstance)
    assert "Details" in str(said)


async def test_a_real_instance_keeps_the_grammar_error(dms: MemoryDms) -> None:
    error = unreadable("prod-orders qwer zxcv")
    assert await error_to_report(error, "prod-orders qwer zxcv", dms.resolve) is error


async def test_a_failing_or_slow_dms_does_not_hold_back_the_grammar_error(
    dms: MemoryDms,
) -> None:
    error = unreadable("asdf qwer zxcv")
    dms.failing = DmsUnavailable("DMS answered 503")
    assert await error_to_report(error, "asdf qwer zxcv", dms.resolve) is error

    async def never(word: str) -> object:
        await asyncio.sleep(60)
        return None

    assert await error_to_report(error, "asdf qwer zxcv", never, wait=0.05) is error
