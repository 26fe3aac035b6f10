"""The timeline use case: sources fetched at once, a failing one a gap, never a blank."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.core.dms.errors import DmsAuthError, DmsNotFound, DmsUnavailable, UnknownInstance
from bot.core.dms.models import Instance, TaskList
from bot.core.dms.place import Place
from bot.core.dms.scheduled import ScheduledList
from bot.core.dms.source import ClientOptions, Window
from bot.core.grammar.commands import TimelineQuery
from bot.core.grammar.window_parse import parse_window
from bot.core.timeline.records import Alarm, InstanceDetail, Progress, Trace
from bot.core.timeline.sources import Gap, SourceResult
from bot.services.guard import Guard
from bot.services.timeline import Timelines, one_context
from tests.unit.core.timeline.test_merge import task

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
INSTANCE = Instance(instance_id="i1", name="prod-orders")
DELAY = 0.05


class FakeDms:
    def __init__(self, *, tasks: Exception | None = None, detail: Exception | None = None) -> None:
        self.tasks_error, self.detail_error = tasks, detail

    @property
    def where(self) -> Place:
        return Place(demo=True)

    @property
    def options(self) -> ClientOptions:
        return ClientOptions()

    async def resolve(self, name_or_id: str) -> Instance:
        return INSTANCE

    async def list_tasks(
        self, instance_id: str, window: Window, *, fresh: bool = False
    ) -> TaskList:
        await asyncio.sleep(DELAY)
        if self.tasks_error:
            raise self.tasks_error
        one = (task("t1", "restartInstance", "FAILED", 60, 50),)
        return TaskList(instance_id, window.begin, window.end, one, reported_count=1)

    async def get_task(self, instance_id: str, task_id: str) -> object:
        raise NotImplementedError

    async def list_instances(self, *, fresh: bool = False) -> tuple[Instance, ...]:
        return (INSTANCE,)

    async def show_instance(self, instance_id: str, *, fresh: bool = False) -> InstanceDetail:
        await asyncio.sleep(DELAY)
        if self.detail_error:
            raise self.detail_error
        return InstanceDetail.from_api({"instance_id": "i1", "status": "RUNNING"})

    async def task_progress(
        self, instance_id: str, task_id: str, *, fresh: bool = False
    ) -> Progress:
        raise NotImplementedError

    async def list_scheduled(self, instance_id: str) -> ScheduledList:
        raise NotImplementedError

    async def update_scheduled(
        self, instance_id: str, task_id: str, *, execute_at: datetime | None
    ) -> str | None:
        raise NotImplementedError


class FakeContext:
    async def traces(
        self, instance_id: str, window: Window, *, fresh: bool = False
    ) -> SourceResult[Trace]:
        await asyncio.sleep(DELAY)
        return SourceResult(gaps=(Gap("cts", "forbidden"),))

    async def alarms(
        self, instance_id: str, window: Window, *, fresh: bool = False
    ) -> SourceResult[Alarm]:
        await asyncio.sleep(DELAY)
        return SourceResult()


def query() -> TimelineQuery:
    return TimelineQuery("prod-orders", parse_window("last 6h", now=NOW, tz=UTC), "")


def timelines(dms: FakeDms) -> Timelines:
    return Timelines(dms, Guard(dms), one_context(FakeContext()), clock=lambda: NOW)  # type: ignore[arg-type]


async def test_sources_are_fetched_at_once_and_a_forbidden_one_is_a_gap() -> None:
    started = asyncio.get_running_loop().time()
    timeline = await timelines(FakeDms()).timeline(query(), None)
    assert asyncio.get_running_loop().time() - started < DELAY * 3
    assert [g.permission for g in timeline.gaps] == ["cts:trace:list"]
    assert timeline.summary().tasks == 1
    assert timeline.detail is not None


async def test_a_failing_task_listing_or_detail_is_a_gap_beside_the_rest() -> None:
    dms = FakeDms(tasks=DmsUnavailable("down"), detail=DmsAuthError("no", status=403))
    timeline = await timelines(dms).timeline(query(), None)
    assert {(g.source, g.reason) for g in timeline.gaps} == {
        ("tasks", "failed"),
        ("instance", "forbidden"),
        ("cts", "forbidden"),
    }
    assert timeline.detail is None


async def test_an_instance_that_is_not_there_is_the_answer() -> None:
    dms = FakeDms(tasks=DmsNotFound("gone", status=404, error_code="DMS.00404022"))
    with pytest.raises((UnknownInstance, DmsNotFound)):
        await timelines(dms).timeline(query(), None)


def test_without_a_context_both_sources_are_gaps() -> None:
    async def run() -> list[str]:
        found = await Timelines(FakeDms(), Guard(FakeDms()), clock=lambda: NOW).timeline(  # type: ignore[arg-type]
            query(), None
        )
        return [f"{g.source}:{g.reason}" for g in found.gaps]

    assert asyncio.run(run()) == ["cts:no_endpoint", "ces:no_endpoint"]
