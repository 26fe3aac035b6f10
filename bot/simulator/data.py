"""Demo data: instances and their background tasks, the same for the same seed.

Everything random comes from ``random.Random`` seeded with a string built from the seed
and the instance name, so instance ids and task ids are stable across restarts and
across Python versions, and adding an instance never reshuffles another's tasks. Task
times are offsets from an anchor (the simulator's start), so the data is always recent.
"""

from __future__ import annotations

import functools
import json
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.simulator.model import (
    CANCELLED,
    DELETED,
    FAILED,
    SUCCESS,
    InstanceRecord,
    TaskRecord,
    truncate_to_millis,
)

# Fixed so that ids derived from (seed, name) never change between releases.
_ID_NAMESPACE = uuid.UUID("5b0c6f0e-8d3a-4c51-9a55-4b2f7f1e3c9d")

HISTORY_DAYS = 30
_MILLISECOND = timedelta(milliseconds=1)
SYSTEM_USER = "paas_dms"
_HUMAN_USERS = ("li.wei", "maria.garcia", "john.smith", "chen.jing", "oncall-automation")

_SPECS = (
    "kafka.2u4g.cluster * 3 broker",
    "kafka.4u8g.cluster * 3 broker",
    "kafka.8u16g.cluster * 3 broker",
    "kafka.12u24g.cluster * 3 broker",
)

_CONFIGS = (
    ("log.retention.hours", ("72", "168", "24")),
    ("auto.create.groups.enable", ("true", "false")),
    ("num.partitions", ("3", "6", "12")),
    ("message.max.bytes", ("10485760", "5242880")),
    ("offsets.retention.minutes", ("20160", "10080")),
    ("unclean.leader.election.enable", ("false", "true")),
)


@dataclass(frozen=True)
class InstanceProfile:
    """What an instance looks like and how busy it is in each part of the timeline."""

    name: str
    engine_version: str
    specification: str
    description: str
    topics: tuple[str, ...]
    age_days: int
    last_hour: int  # created in the hour before the anchor
    last_day: int  # created 1 h to 24 h before the anchor
    history: int  # created 1 d to 30 d before the anchor
    in_progress: int  # created shortly before the anchor, finishing after it
    future: int  # created after the anchor: they appear as the clock passes


_ORDER_TOPICS = (
    "orders.created",
    "orders.paid",
    "orders.shipped",
    "orders.cancelled",
    "orders.dlq",
)

DEMO_PROFILES: tuple[InstanceProfile, ...] = (
    InstanceProfile(
        "prod-orders", "3.x", _SPECS[2], "Order events, production", _ORDER_TOPICS,
        age_days=410, last_hour=18, last_day=70, history=320, in_progress=4, future=8,
    ),
    InstanceProfile(
        "prod-orders-dr", "3.x", _SPECS[2], "Disaster-recovery replica of prod-orders",
        _ORDER_TOPICS, age_days=300, last_hour=3, last_day=20, history=180, in_progress=1,
        future=2,
    ),
    InstanceProfile(
        "prod-payments", "3.x", _SPECS[1], "Payments, production",
        ("payments.authorized", "payments.captured", "payments.refunds", "payments.audit"),
        age_days=520, last_hour=8, last_day=45, history=260, in_progress=2, future=4,
    ),
    InstanceProfile(
        "staging-orders", "3.x", _SPECS[0], "Order events, staging", _ORDER_TOPICS,
        age_days=200, last_hour=5, last_day=30, history=220, in_progress=1, future=3,
    ),
    InstanceProfile(
        "dev-sandbox", "2.7", _SPECS[0], "Shared sandbox; anything goes",
        ("test", "tmp-load-test", "scratch", "connect-offsets"),
        age_days=90, last_hour=4, last_day=25, history=300, in_progress=1, future=2,
    ),
    InstanceProfile(
        "analytics-events", "2.7", _SPECS[3], "Clickstream and metrics pipeline",
        ("clickstream.raw", "clickstream.sessions", "events.enriched", "metrics.rollup"),
        age_days=700, last_hour=6, last_day=35, history=240, in_progress=2, future=3,
    ),
)  # fmt: skip


def instance_id_for(seed: int, name: str) -> str:
    return str(uuid.uuid5(_ID_NAMESPACE, f"{seed}/{name}"))


@functools.cache
def user_id_for(seed: int, user_name: str) -> str:
    return uuid.uuid5(_ID_NAMESPACE, f"{seed}/user/{user_name}").hex


def _hex32(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _json(value: object) -> str:
    # Compact, as in the official examples: {"old_auto_status":true,...}
    return json.dumps(value, separators=(",", ":"))


# Params of each task name. The first three follow the official examples; the other
# names are plausible but unconfirmed (dms-api.md §2), which is what the bot must cope
# with anyway: it shows unknown names and params as they come.
_ParamsBuilder = Callable[[random.Random, InstanceProfile], dict[str, object]]


def _modify_auto_topic(rng: random.Random, _: InstanceProfile) -> dict[str, object]:
    old = rng.random() < 0.5
    return {"old_auto_status": old, "new_auto_status": not old}


def _change_retention_policy(rng: random.Random, _: InstanceProfile) -> dict[str, object]:
    old, new = rng.sample(["produce_reject", "time_base"], 2)
    return {"new_retention_policy": new, "origin_retention_policy": old}


def _bind_public_ip(rng: random.Random, _: InstanceProfile) -> dict[str, object]:
    address = f"{rng.choice((119, 121, 124, 139))}.{rng.randrange(256)}.{rng.randrange(256)}"
    return {
        "public_ip_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "public_ip_address": f"{address}.{rng.randrange(1, 255)}",
        "enable_public_ip": True,
    }


def _restart(rng: random.Random, _: InstanceProfile) -> dict[str, object]:
    return {"action": "restart", "rolling": rng.random() < 0.8}


def _extend(rng: random.Random, profile: InstanceProfile) -> dict[str, object]:
    storage = rng.choice((300, 600, 900, 1200))
    return {
        "oper_type": rng.choice(("horizontal", "vertical", "storage")),
        "old_specification": profile.specification,
        "new_specification": rng.choice(_SPECS),
        "old_broker_num": 3,
        "new_broker_num": rng.choice((3, 3, 5, 6)),
        "old_storage_space": storage,
        "new_storage_space": storage + rng.choice((300, 600)),
    }


def _create_topic(rng: random.Random, profile: InstanceProfile) -> dict[str, object]:
    topic = rng.choice(profile.topics)
    suffix = rng.choice(("", ".v2", ".retry", f".p{rng.randrange(10)}"))
    return {
        "topic_name": topic + suffix,
        "partition": rng.choice((3, 6, 12, 24)),
        "replication": 3,
        "retention_time": rng.choice((24, 72, 168)),
        "sync_replication": rng.random() < 0.3,
    }


def _delete_topic(rng: random.Random, profile: InstanceProfile) -> dict[str, object]:
    count = rng.randint(1, min(3, len(profile.topics)))
    return {"topics": [t + ".retry" for t in rng.sample(profile.topics, count)]}


def _reset_password(rng: random.Random, profile: InstanceProfile) -> dict[str, object]:
    # A plaintext secret in params, so that redaction in the bot can be tested.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!@#%"
    password = "".join(rng.choice(alphabet) for _ in range(16))
    user = rng.choice(("root", f"svc-{profile.topics[0].split('.')[0]}"))
    return {"user_name": user, "password": password}


def _modify_configs(rng: random.Random, _: InstanceProfile) -> dict[str, object]:
    changes = []
    for name, values in rng.sample(_CONFIGS, rng.randint(1, 3)):
        old, new = rng.sample(values, 2)
        changes.append({"name": name, "old_value": old, "new_value": new})
    return {"kafka_configs": changes}


def _reassign_partitions(rng: random.Random, profile: InstanceProfile) -> dict[str, object]:
    topic = rng.choice(profile.topics)
    return {
        "reassignments": [
            {"topic": topic, "brokers": sorted(rng.sample(range(6), 3)), "replication_factor": 3}
        ],
        "throttle": rng.choice((-1, 10485760, 52428800)),
    }


def _create_user(rng: random.Random, profile: InstanceProfile) -> dict[str, object]:
    team = rng.choice(("etl", "billing", "search", "fraud", "reporting"))
    return {"user_name": f"svc-{team}", "user_desc": f"{team} consumers on {profile.name}"}


def _modify_instance_name(rng: random.Random, profile: InstanceProfile) -> dict[str, object]:
    return {"old_name": f"kafka-{rng.getrandbits(16):04x}", "new_name": profile.name}


@dataclass(frozen=True)
class _TaskKind:
    builder: _ParamsBuilder
    weight: int
    duration_s: tuple[int, int]
    long_running: bool = False


_TASK_KINDS: dict[str, _TaskKind] = {
    "createTopic": _TaskKind(_create_topic, 18, (1, 8)),
    "modifyConfigs": _TaskKind(_modify_configs, 12, (30, 600), long_running=True),
    "deleteTopic": _TaskKind(_delete_topic, 8, (1, 10)),
    "createUser": _TaskKind(_create_user, 6, (1, 6)),
    "reassignPartitions": _TaskKind(_reassign_partitions, 6, (60, 3600), long_running=True),
    "restartInstance": _TaskKind(_restart, 6, (120, 900), long_running=True),
    "resetPassword": _TaskKind(_reset_password, 5, (2, 15)),
    "modifyAutoTopic": _TaskKind(_modify_auto_topic, 5, (2, 15)),
    "changeRetentionPolicy": _TaskKind(_change_retention_policy, 4, (2, 20)),
    "extendInstance": _TaskKind(_extend, 3, (600, 3600), long_running=True),
    "bindInstancePublicIp": _TaskKind(_bind_public_ip, 3, (20, 120), long_running=True),
    "modifyInstanceName": _TaskKind(_modify_instance_name, 1, (1, 3)),
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
        params = _json(_TASK_KINDS[name].builder(rng, self._profile))
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
        name, "3.x", _SPECS[0], f"Bulk instance with {task_count} tasks",
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
