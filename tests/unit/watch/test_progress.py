"""A followed answer's parent edited as its scale-out moves: only when what it shows
moved, at most once per interval, never for a task DMS reports no progress for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.core.dms.errors import DmsRequestError
from bot.core.dms.source import ClientOptions
from bot.core.records import FollowedThread
from bot.core.timeline.records import Progress, Step
from bot.watch.progress import ProgressEdits
from tests.unit.views.support import task

NOW = datetime(2026, 11, 27, 3, 0, 0, tzinfo=UTC)
SCALE_OUT = task(1, status="EXECUTING", name="extendInstance")
RESTART = task(2, status="EXECUTING", name="restartInstance")
THREAD = FollowedThread(
    id=7,
    channel="C1",
    message_ts="1.2",
    instance_id="i1",
    instance_name="prod-orders",
    query="{}",
    created_at=NOW,
    follow_until=NOW + timedelta(hours=6),
)
FOLLOWED = {THREAD.id: {SCALE_OUT.id, RESTART.id}}


@dataclass
class Dms:
    """What the edits ask of DMS: a scale-out's progress, as the test sets it."""

    percent: int | None = 30
    step: str = "disk_expansion"
    failing: bool = False
    asked: list[str] = field(default_factory=list)

    @property
    def options(self) -> ClientOptions:
        return ClientOptions()

    async def task_progress(
        self, instance_id: str, task_id: str, *, fresh: bool = False
    ) -> Progress:
        self.asked.append(task_id)
        if self.failing:
            raise DmsRequestError("no progress", status=400)
        steps = (Step(self.step, "IN_PROGRESS", None, None),)
        return Progress(task_id, self.percent, timedelta(minutes=5), steps)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def edits(dms: Dms, clock: Clock) -> ProgressEdits:
    return ProgressEdits(dms, every=10, clock=clock)  # type: ignore[arg-type]


async def test_an_edit_comes_only_when_the_shown_progress_moved() -> None:
    dms, clock = Dms(), Clock()
    progress = edits(dms, clock)
    tasks = [SCALE_OUT, RESTART]
    # First sight: what the answer showed when posted; nothing to edit.
    assert await progress.due([THREAD], FOLLOWED, tasks) == []
    # Only the scale-out is asked about: DMS refuses progress for other tasks.
    assert dms.asked == [SCALE_OUT.id]
    clock.now += timedelta(seconds=15)
    assert await progress.due([THREAD], FOLLOWED, tasks) == []
    dms.percent = 45
    [(thread, key)] = await progress.due([THREAD], FOLLOWED, tasks)
    assert thread == THREAD
    assert key == f"parent:7:progress:{SCALE_OUT.id}=45:disk_expansion:IN_PROGRESS"
    # A new step is a change too, once the interval has passed.
    dms.step = "post_check"
    clock.now += timedelta(seconds=3)
    asked = len(dms.asked)
    assert await progress.due([THREAD], FOLLOWED, tasks) == []
    assert len(dms.asked) == asked, "not even asked within the interval"
    clock.now += timedelta(seconds=10)
    [(_, key)] = await progress.due([THREAD], FOLLOWED, tasks)
    assert key.endswith("=45:post_check:IN_PROGRESS")


async def test_a_parent_edited_for_an_ended_task_starts_the_wait_again() -> None:
    dms, clock = Dms(), Clock()
    progress = edits(dms, clock)
    await progress.due([THREAD], FOLLOWED, [SCALE_OUT])
    dms.percent = 50
    assert await progress.due([THREAD], FOLLOWED, [SCALE_OUT], edited={THREAD.id}) == []
    clock.now += timedelta(seconds=5)
    assert await progress.due([THREAD], FOLLOWED, [SCALE_OUT]) == []
    clock.now += timedelta(seconds=6)
    assert len(await progress.due([THREAD], FOLLOWED, [SCALE_OUT])) == 1


async def test_no_progress_from_dms_is_no_edit() -> None:
    dms, clock = Dms(failing=True), Clock()
    progress = edits(dms, clock)
    for _ in range(3):
        clock.now += timedelta(seconds=11)
        assert await progress.due([THREAD], FOLLOWED, [SCALE_OUT]) == []


async def test_threads_without_a_running_scale_out_ask_nothing() -> None:
    dms, clock = Dms(), Clock()
    progress = edits(dms, clock)
    finished = task(1, status="SUCCESS", name="extendInstance")
    assert await progress.due([THREAD], FOLLOWED, [finished, RESTART]) == []
    assert await progress.due([THREAD], {}, [SCALE_OUT]) == []
    assert dms.asked == []
