"""The request-id collector: what a block (and the tasks it starts) received, only that."""

from __future__ import annotations

import asyncio

from bot.adapters.dms.trace import collecting_request_ids, note_request_id


async def test_ids_noted_inside_the_block_and_in_tasks_it_starts_are_collected() -> None:
    async def page(request_id: str) -> None:
        await asyncio.sleep(0)
        note_request_id(request_id)

    with collecting_request_ids() as ids:
        note_request_id("first")
        async with asyncio.TaskGroup() as group:
            for n in range(5):
                group.create_task(page(f"page-{n}"))
        note_request_id(None)  # a response without the header
    assert ids[0] == "first"
    assert sorted(ids[1:]) == [f"page-{n}" for n in range(5)]


async def test_nothing_is_collected_outside_a_block() -> None:
    note_request_id("nobody-listens")
    with collecting_request_ids() as ids:
        pass
    note_request_id("after")
    assert ids == []


async def test_an_outer_block_sees_its_inner_blocks_and_not_the_reverse() -> None:
    with collecting_request_ids() as outer:
        note_request_id("a")
        with collecting_request_ids() as inner:
            note_request_id("b")
        note_request_id("c")
    assert outer == ["a", "b", "c"]
    assert inner == ["b"]


async def test_independent_tasks_never_see_each_others_requests() -> None:
    both_open = asyncio.Barrier(2)

    async def ask(name: str) -> list[str]:
        with collecting_request_ids() as ids:
            await both_open.wait()  # both blocks are open at once
            for n in range(3):
                note_request_id(f"{name}-{n}")
                await asyncio.sleep(0)
        return ids

    first, second = await asyncio.gather(ask("x"), ask("y"))
    assert first == ["x-0", "x-1", "x-2"]
    assert second == ["y-0", "y-1", "y-2"]


async def test_a_task_outliving_its_block_adds_nothing_after_it_ended() -> None:
    release = asyncio.Event()

    async def late() -> None:
        await release.wait()
        note_request_id("late")

    with collecting_request_ids() as ids:
        straggler = asyncio.create_task(late())
        note_request_id("on-time")
    release.set()
    await straggler
    assert ids == ["on-time"]
