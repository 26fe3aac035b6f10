"""CTS trace names of DMS for Kafka, read: which operation, whether it is the request
or the task it started, whether it succeeded, and which DMS task it stands beside.

The names come from the DMS user guide's table of audited operations: ``…Success`` /
``…Failure`` say the request was submitted or refused, ``…TaskSuccess`` /
``…TaskFailure`` that the asynchronous task finished. A name not in the table is kept
as it is (``op_key`` None), never refused: CTS adds operations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

from bot.i18n import Lang, t

Phase: TypeAlias = Literal["request", "task"]

# Longest first: "TaskSuccess" must not be read as "Task" + "Success".
_SUFFIXES: tuple[tuple[str, Phase, bool], ...] = (
    ("TaskSuccess", "task", True),
    ("TaskFailure", "task", False),
    ("Success", "request", True),
    ("Failure", "request", False),
)


@dataclass(frozen=True)
class OperationInfo:
    """``op_key``: the operation's words in the catalog (``timeline.op.<key>``);
    ``task_names``: the DMS background tasks such a request starts."""

    op_key: str
    task_names: tuple[str, ...] = ()


_MODIFY_TASKS = ("modifyInstanceName", "changeRetentionPolicy", "bindInstancePublicIp")
# Keyed by the name's stem (the name without its suffix).
OPERATIONS: dict[str, OperationInfo] = {
    "createDMSInstanceOrder": OperationInfo("create_instance"),
    "createDMSInstance": OperationInfo("create_instance", ("createInstance",)),
    "deleteDMSCreateFailureInstances": OperationInfo("delete_failed_instances"),
    "deleteDMSInstance": OperationInfo("delete_instance"),
    "batchDeleteDMSInstance": OperationInfo("delete_instance"),
    "batchDeleteDMSInstanceTask": OperationInfo("delete_instance"),
    "modifyDMSInstanceOrder": OperationInfo("change_order"),
    "extendDMSInstance": OperationInfo("extend", ("extendInstance",)),
    "resetDMSInstancePassword": OperationInfo("reset_password", ("resetPassword",)),
    "restartDMSInstance": OperationInfo("restart", ("restartInstance",)),
    "batchRestartDMSInstance": OperationInfo("restart", ("restartInstance",)),
    "modifyDMSInstanceInfo": OperationInfo("modify_instance", _MODIFY_TASKS),
    "deleteDMSBackendJob": OperationInfo("delete_task"),
    "createConnectorTask": OperationInfo("enable_connector"),
    "createConnectorSinkTask": OperationInfo("create_connector_task"),
    "Kafka_create_topic": OperationInfo("create_topic", ("createTopic",)),
    "Kafka_platinum_create_topic": OperationInfo("create_topic", ("createTopic",)),
    "Kafka_delete_topics": OperationInfo("delete_topic", ("deleteTopic",)),
    "Kafka_platinum_delete_topics": OperationInfo("delete_topic", ("deleteTopic",)),
    "Kafka_alter_topics": OperationInfo("alter_topic"),
    "enable_auto_topic": OperationInfo("auto_topic", ("modifyAutoTopic",)),
    "kafka_reassignment": OperationInfo("reassign", ("reassignPartitions",)),
    "Kafka_reset_consumer_offset": OperationInfo("reset_offset"),
    "Kafka_batch_delete_group": OperationInfo("delete_groups"),
    "createUser": OperationInfo("create_user", ("createUser",)),
    "deleteUser": OperationInfo("delete_user"),
    "updateUserPolicies": OperationInfo("user_policies"),
}
# The catalog keys of every operation (tests check both languages have them).
OP_KEYS = frozenset(info.op_key for info in OPERATIONS.values())
_BY_LOWER = {stem.lower(): info for stem, info in OPERATIONS.items()}


@dataclass(frozen=True)
class TraceName:
    """A trace name, read. ``ok`` None: the name says neither success nor failure."""

    name: str
    stem: str
    phase: Phase
    ok: bool | None
    info: OperationInfo | None

    @property
    def op_key(self) -> str | None:
        return self.info.op_key if self.info else None

    def starts_or_ends(self, task_name: str) -> bool:
        """Whether a trace of this name submits or finishes a task named ``task_name``."""
        return self.info is not None and task_name in self.info.task_names


def read_trace_name(name: str) -> TraceName:
    for suffix, phase, ok in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            return TraceName(name, stem, phase, ok, _lookup(stem))
    return TraceName(name, name, "request", None, _lookup(name))


def _lookup(stem: str) -> OperationInfo | None:
    # Names "may contain upper case": the table's spelling first, then any case.
    return OPERATIONS.get(stem) or _BY_LOWER.get(stem.lower())


def operation_words(lang: Lang, name: str) -> str:
    """What the trace ``name`` did, in words; the name itself for one not in the table."""
    key = read_trace_name(name).op_key
    return t(lang, f"timeline.op.{key}") if key else name
