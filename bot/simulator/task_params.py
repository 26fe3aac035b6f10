"""The params of each simulated task name, as the API sends them (a JSON string)."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable

from bot.simulator.profiles import SPECS, InstanceProfile

_CONFIGS = (
    ("log.retention.hours", ("72", "168", "24")),
    ("auto.create.groups.enable", ("true", "false")),
    ("num.partitions", ("3", "6", "12")),
    ("message.max.bytes", ("10485760", "5242880")),
    ("offsets.retention.minutes", ("20160", "10080")),
    ("unclean.leader.election.enable", ("false", "true")),
)


def to_json(value: object) -> str:
    # Compact, as in the official examples: {"old_auto_status":true,...}
    return json.dumps(value, separators=(",", ":"))


# Params of each task name. The first three follow the official examples; the other
# names are plausible but unconfirmed (dms-api.md §2), which is what the bot must cope
# with anyway: it shows unknown names and params as they come.
ParamsBuilder = Callable[[random.Random, InstanceProfile], dict[str, object]]


def modify_auto_topic(rng: random.Random, _: InstanceProfile) -> dict[str, object]:
    old = rng.random() < 0.5
    return {"old_auto_status": old, "new_auto_status": not old}


def change_retention_policy(rng: random.Random, _: InstanceProfile) -> dict[str, object]:
    old, new = rng.sample(["produce_reject", "time_base"], 2)
    return {"new_retention_policy": new, "origin_retention_policy": old}


def bind_public_ip(rng: random.Random, _: InstanceProfile) -> dict[str, object]:
    address = f"{rng.choice((119, 121, 124, 139))}.{rng.randrange(256)}.{rng.randrange(256)}"
    return {
        "public_ip_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "public_ip_address": f"{address}.{rng.randrange(1, 255)}",
        "enable_public_ip": True,
    }


def restart(rng: random.Random, _: InstanceProfile) -> dict[str, object]:
    return {"action": "restart", "rolling": rng.random() < 0.8}


def extend(rng: random.Random, profile: InstanceProfile) -> dict[str, object]:
    storage = rng.choice((300, 600, 900, 1200))
    return {
        "oper_type": rng.choice(("horizontal", "vertical", "storage")),
        "old_specification": profile.specification,
        "new_specification": rng.choice(SPECS),
        "old_broker_num": 3,
        "new_broker_num": rng.choice((3, 3, 5, 6)),
        "old_storage_space": storage,
        "new_storage_space": storage + rng.choice((300, 600)),
    }


def create_topic(rng: random.Random, profile: InstanceProfile) -> dict[str, object]:
    topic = rng.choice(profile.topics)
    suffix = rng.choice(("", ".v2", ".retry", f".p{rng.randrange(10)}"))
    return {
        "topic_name": topic + suffix,
        "partition": rng.choice((3, 6, 12, 24)),
        "replication": 3,
        "retention_time": rng.choice((24, 72, 168)),
        "sync_replication": rng.random() < 0.3,
    }


def delete_topic(rng: random.Random, profile: InstanceProfile) -> dict[str, object]:
    count = rng.randint(1, min(3, len(profile.topics)))
    return {"topics": [t + ".retry" for t in rng.sample(profile.topics, count)]}


def reset_password(rng: random.Random, profile: InstanceProfile) -> dict[str, object]:
    # A plaintext secret in params, so that redaction in the bot can be tested.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!@#%"
    password = "".join(rng.choice(alphabet) for _ in range(16))
    user = rng.choice(("root", f"svc-{profile.topics[0].split('.')[0]}"))
    return {"user_name": user, "password": password}


def modify_configs(rng: random.Random, _: InstanceProfile) -> dict[str, object]:
    changes = []
    for name, values in rng.sample(_CONFIGS, rng.randint(1, 3)):
        old, new = rng.sample(values, 2)
        changes.append({"name": name, "old_value": old, "new_value": new})
    return {"kafka_configs": changes}


def reassign_partitions(rng: random.Random, profile: InstanceProfile) -> dict[str, object]:
    topic = rng.choice(profile.topics)
    return {
        "reassignments": [
            {"topic": topic, "brokers": sorted(rng.sample(range(6), 3)), "replication_factor": 3}
        ],
        "throttle": rng.choice((-1, 10485760, 52428800)),
    }


def create_user(rng: random.Random, profile: InstanceProfile) -> dict[str, object]:
    team = rng.choice(("etl", "billing", "search", "fraud", "reporting"))
    return {"user_name": f"svc-{team}", "user_desc": f"{team} consumers on {profile.name}"}


def modify_instance_name(rng: random.Random, profile: InstanceProfile) -> dict[str, object]:
    return {"old_name": f"kafka-{rng.getrandbits(16):04x}", "new_name": profile.name}
