"""Demo data: instances and their background tasks, the same for the same seed.

Everything random comes from ``random.Random`` seeded with a string built from the seed
and the instance name, so instance ids and task ids are stable across restarts and
across Python versions, and adding an instance never reshuffles another's tasks. Task
times are offsets from an anchor (the simulator's start), so the data is always recent.
"""

from __future__ import annotations

import functools
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.simulator.model import (
    CANCELLED,
    DELETED,
    FAILED,
    SUCCESS,
    InstanceRecord,
    InstanceShape,
    TaskRecord,
    truncate_to_millis,
)
from bot.simulator.profiles import DEMO_PROFILES, SPECS, InstanceProfile
from bot.simulator.task_params import (
    ParamsBuilder,
    bind_public_ip,
    change_retention_policy,
    create_topic,
    create_user,
    delete_topic,
    extend,
    modify_auto_topic,
    modify_configs,
    modify_instance_name,
    reassign_partitions,
    reset_password,
    restart,
    to_json,
)

__all__ = ["DEMO_PROFILES", "InstanceProfile", "generate_bulk", "generate_demo"]

# Fixed so that ids derived from (seed, name) never change between releases.
_ID_NAMESPACE = uuid.UUID("5b0c6f0e-8d3a-4c51-9a55-4b2f7f1e3c9d")

HISTORY_DAYS = 30
_MILLISECOND = timedelta(milliseconds=1)
SYSTEM_USER = "paas_dms"
_HUMAN_USERS = ("li.wei", "maria.garcia", "john.smith", "chen.jing", "oncall-automation")


def instance_id_for(seed: int, name: str) -> str:
    return str(uuid.uuid5(_ID_NAMESPACE, f"{seed}/{name}"))


@functools.cache
def user_id_for(seed: int, user_name: str) -> str:
    return uuid.uuid5(_ID_NAMESPACE, f"{seed}/user/{user_name}").hex


def _hex32(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


@dataclass(frozen=True)
class _TaskKind:
    builder: ParamsBuilder
    weight: int
    duration_s: tuple[int, int]
    long_running: bool = False


_TASK_KINDS: dict[str, _TaskKind] = {
    "createTopic": _TaskKind(create_topic, 18, (1, 8)),
    "modifyConfigs": _TaskKind(modify_configs, 12, (30, 600), long_running=True),
    "deleteTopic": _TaskKind(delete_topic, 8, (1, 10)),
    "createUser": _TaskKind(create_user, 6, (1, 6)),
    "reassignPartitions": _TaskKind(reassign_partitions, 6, (60, 3600), long_running=True),
    "restartInstance": _TaskKind(restart, 6, (120, 900), long_running=True),
    "resetPassword": _TaskKind(reset_password, 5, (2, 15)),
    "modifyAutoTopic": _TaskKind(modify_auto_topic, 5, (2, 15)),
    "changeRetentionPolicy": _TaskKind(change_retention_policy, 4, (2, 20)),
    "extendInstance": _TaskKind(extend, 3, (600, 3600), long_running=True),
    "bindInstancePublicIp": _TaskKind(bind_public_ip, 3, (20, 120), long_running=True),
    "modifyInstanceName": _TaskKind(modify_instance_name, 1, (1, 3)),
}
_NAMES = tuple(_TASK_KINDS)
_WEIGHTS = tuple(kind.weight for kind in _TASK_KINDS.values())
_LONG_RUNNING = tuple(name for name, kind in _TASK_KINDS.items() if kind.long_running)


def _final_status(rng: random.Random, failure_rate: float = 0.08) -> str:
    roll = rng.random()
    if roll < failure_rate:
        return FAILED
    if roll < failure_rate + 0.015:
        return DELETED
    if roll < failure_rate + 0.025:
        return CANCELLED
    return SUCCESS


def _millis(rng: random.Random, low: timedelta, high: timedelta) -> timedelta:
    """A random whole number of milliseconds within [low, high]."""
    return timedelta(milliseconds=rng.randint(low // _MILLISECOND, high // _MILLISECOND))


class _TaskFactory:
    def __init__(self, seed: int, rng: random.Random, profile: InstanceProfile) -> None:
        self._seed = seed
        self._rng = rng
        self._profile = profile

    def _identity(self) -> tuple[str, str]:
        rng = self._rng
        user = SYSTEM_USER if rng.random() < 0.45 else rng.choice(_HUMAN_USERS)
        return user, user_id_for(self._seed, user)

    def finished_by_duration(self, created_at: datetime) -> TaskRecord:
        """A task that runs for its kind's usual time and ends as the dice say."""
        rng = self._rng
        name = rng.choices(_NAMES, weights=_WEIGHTS)[0]
        low, high = _TASK_KINDS[name].duration_s
        # Most tasks start within milliseconds (the official example shows 19 ms).
        started = created_at + _millis(rng, timedelta(milliseconds=5), timedelta(seconds=2))
        finished = started + _millis(rng, timedelta(seconds=low), timedelta(seconds=high))
        return self._record(name, created_at, started, finished, _final_status(rng))

    def in_progress_at(self, anchor: datetime, *, queued: bool) -> TaskRecord:
        """A long task created before ``anchor`` that ends minutes to hours after it."""
        rng = self._rng
        name = rng.choice(_LONG_RUNNING)
        created = anchor - _millis(rng, timedelta(minutes=1), timedelta(minutes=40))
        if queued:
            started = anchor + _millis(rng, timedelta(minutes=1), timedelta(minutes=10))
        else:
            started = created + _millis(rng, timedelta(milliseconds=5), timedelta(seconds=2))
        finished = max(started, anchor) + _millis(rng, timedelta(minutes=2), timedelta(hours=3))
        # A higher failure rate than history, so that demos show a follow-up ending badly.
        status = FAILED if rng.random() < 0.25 else SUCCESS
        return self._record(name, created, started, finished, status)

    def _record(
        self, name: str, created: datetime, started: datetime, finished: datetime, status: str
    ) -> TaskRecord:
        rng = self._rng
        user_name, user_id = self._identity()
        params = to_json(_TASK_KINDS[name].builder(rng, self._profile))
        return TaskRecord(
            id=_hex32(rng),
            name=name,
            user_name=user_name,
            user_id=user_id,
            params=params,
            created_at=created,
            started_at=started,
            finished_at=finished,
            final_status=status,
        )


def _instance(
    seed: int, rng: random.Random, profile: InstanceProfile, anchor: datetime
) -> InstanceRecord:
    created = (
        anchor - timedelta(days=profile.age_days) - _millis(rng, timedelta(0), timedelta(days=1))
    )
    return InstanceRecord(
        instance_id=instance_id_for(seed, profile.name),
        name=profile.name,
        engine_version=profile.engine_version,
        specification=profile.specification,
        description=profile.description,
        created_at=created,
        shape=_shape(seed, profile.name),
    )


def _shape(seed: int, name: str) -> InstanceShape:
    # A random of its own: drawing from the task random would reshuffle every task.
    rng = random.Random(f"{seed}/shape/{name}")
    storage = rng.choice((300, 600, 900, 1200))
    begin = rng.choice((1, 2, 3, 22))
    owner = rng.choice(_HUMAN_USERS[:4])
    return InstanceShape(
        broker_num=3,
        storage_space=storage,
        used_storage_space=round(storage * rng.uniform(0.35, 0.8)),
        partition_num=rng.choice((150, 300, 600)),
        maintain_begin=f"{begin:02d}:00:00",
        maintain_end=f"{(begin + 4) % 24:02d}:00:00",
        subnet_octet=rng.randrange(1, 250),
        user_name=owner,
        user_id=user_id_for(seed, owner),
    )


@dataclass(frozen=True)
class GeneratedInstance:
    instance: InstanceRecord
    tasks: tuple[TaskRecord, ...]


def generate_profile(seed: int, profile: InstanceProfile, anchor: datetime) -> GeneratedInstance:
    anchor = truncate_to_millis(anchor)
    rng = random.Random(f"{seed}/{profile.name}")
    instance = _instance(seed, rng, profile, anchor)
    factory = _TaskFactory(seed, rng, profile)
    hour, day = timedelta(hours=1), timedelta(days=1)
    bands: Sequence[tuple[int, timedelta, timedelta]] = (
        (profile.history, day, timedelta(days=HISTORY_DAYS)),
        (profile.last_day, hour, day),
        (profile.last_hour, timedelta(0), hour),
    )
    tasks: list[TaskRecord] = []
    for count, nearest, farthest in bands:
        tasks.extend(
            factory.finished_by_duration(anchor - _millis(rng, nearest, farthest))
            for _ in range(count)
        )
    tasks.extend(factory.in_progress_at(anchor, queued=i == 0) for i in range(profile.in_progress))
    tasks.extend(
        factory.finished_by_duration(anchor + _millis(rng, timedelta(seconds=30), 3 * hour))
        for _ in range(profile.future)
    )
    return GeneratedInstance(instance, tuple(tasks))


def generate_demo(seed: int, anchor: datetime) -> list[GeneratedInstance]:
    return [generate_profile(seed, profile, anchor) for profile in DEMO_PROFILES]


def generate_bulk(
    seed: int, name: str, task_count: int, span: timedelta, end: datetime, running: int = 0
) -> GeneratedInstance:
    """An instance with ``task_count`` tasks created within ``[end - span, end]``, plus
    ``running`` long tasks in progress at ``end`` that finish minutes to hours later
    (for watching tests: each is a transition to come)."""
    if running < 0:
        raise ValueError(f"running must be >= 0, got {running}")
    if task_count < 0:
        raise ValueError(f"task_count must be >= 0, got {task_count}")
    if span <= timedelta(0):
        raise ValueError(f"span must be positive, got {span}")
    end = truncate_to_millis(end)
    profile = InstanceProfile(
        name, "3.x", SPECS[0], f"Bulk instance with {task_count} tasks",
        (f"{name}.events", f"{name}.commands", f"{name}.dlq"),
        age_days=30, last_hour=0, last_day=0, history=0, in_progress=0, future=0,
    )  # fmt: skip
    rng = random.Random(f"{seed}/bulk/{name}")
    factory = _TaskFactory(seed, rng, profile)
    tasks = tuple(
        factory.finished_by_duration(end - _millis(rng, timedelta(0), span))
        for _ in range(task_count)
    ) + tuple(factory.in_progress_at(end, queued=False) for _ in range(running))
    return GeneratedInstance(_instance(seed, rng, profile, end), tasks)
