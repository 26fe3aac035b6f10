"""The fleet routes ShowInstance, task progress and scheduled tasks (listed, changed) to
the account that lists the instance, as it routes task listings; an id no account lists
goes to the default."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.adapters.dms.fleet import Fleet, Member
from bot.core.dms.models import Instance
from bot.core.dms.scheduled import ScheduledList
from bot.core.timeline.records import InstanceDetail, Progress


@dataclass
class Account:
    """One account's client: its instances, and the calls it was asked."""

    instances: tuple[Instance, ...]
    asked: list[str] = field(default_factory=list)

    async def list_instances(self, *, fresh: bool = False) -> tuple[Instance, ...]:
        return self.instances

    async def show_instance(self, instance_id: str, *, fresh: bool = False) -> InstanceDetail:
        self.asked.append(f"show_instance {instance_id} fresh={fresh}")
        return InstanceDetail.from_api({"instance_id": instance_id, "status": "RUNNING"})

    async def task_progress(
        self, instance_id: str, task_id: str, *, fresh: bool = False
    ) -> Progress:
        self.asked.append(f"task_progress {instance_id} {task_id} fresh={fresh}")
        return Progress(task_id, 40, timedelta(minutes=3))

    async def list_scheduled(self, instance_id: str) -> ScheduledList:
        self.asked.append(f"list_scheduled {instance_id}")
        return ScheduledList(instance_id, ())

    async def update_scheduled(
        self, instance_id: str, task_id: str, *, execute_at: datetime | None
    ) -> str | None:
        self.asked.append(f"update_scheduled {instance_id} {task_id} {execute_at}")
        return "r1"


def fleet() -> tuple[Fleet, Account, Account]:
    cn = Account((Instance(instance_id="i-cn", name="prod-orders"),))
    eu = Account((Instance(instance_id="i-eu", name="prod-orders-eu"),))
    members = [
        Member("cn", cn, region="cn-north-4"),  # type: ignore[arg-type]
        Member("eu", eu, region="eu-west-101"),  # type: ignore[arg-type]
    ]
    return Fleet(members, default="cn"), cn, eu


async def test_show_instance_and_progress_go_to_the_account_that_lists_the_instance() -> None:
    routed, cn, eu = fleet()
    detail = await routed.show_instance("i-eu", fresh=True)
    progress = await routed.task_progress("i-eu", "t1")
    assert (detail.instance_id, progress.task_id, progress.percent) == ("i-eu", "t1", 40)
    assert eu.asked == ["show_instance i-eu fresh=True", "task_progress i-eu t1 fresh=False"]
    assert cn.asked == []
    await routed.task_progress("i-cn", "t2", fresh=True)
    assert cn.asked == ["task_progress i-cn t2 fresh=True"]


async def test_an_id_no_account_lists_goes_to_the_default_account() -> None:
    routed, cn, eu = fleet()
    await routed.show_instance("i-unlisted")
    await routed.task_progress("i-unlisted", "t3")
    assert cn.asked == [
        "show_instance i-unlisted fresh=False",
        "task_progress i-unlisted t3 fresh=False",
    ]
    assert eu.asked == []


async def test_scheduled_tasks_are_listed_and_changed_in_the_instances_account() -> None:
    routed, cn, eu = fleet()
    await routed.list_scheduled("i-eu")
    assert await routed.update_scheduled("i-eu", "t4", execute_at=None) == "r1"
    at = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
    await routed.update_scheduled("i-cn", "t5", execute_at=at)
    assert eu.asked == ["list_scheduled i-eu", "update_scheduled i-eu t4 None"]
    assert cn.asked == [f"update_scheduled i-cn t5 {at}"]
