"""English words for the operations CTS records on a Kafka instance
(``timeline.op.*`` keys, one per ``bot.core.timeline.operations.OP_KEYS``).

Kept beside ``en.py``, which takes them into ``MESSAGES``; ``zh_timeline.py`` has the
same keys.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "timeline.op.create_instance": "create the instance",
    "timeline.op.delete_failed_instances": "delete instances that failed to create",
    "timeline.op.delete_instance": "delete the instance",
    "timeline.op.change_order": "change the instance's order",
    "timeline.op.extend": "scale out",
    "timeline.op.reset_password": "reset the password",
    "timeline.op.restart": "restart",
    "timeline.op.modify_instance": "change the instance's settings",
    "timeline.op.delete_task": "delete a background task",
    "timeline.op.enable_connector": "enable Smart Connect",
    "timeline.op.create_connector_task": "create a Smart Connect task",
    "timeline.op.create_topic": "create a topic",
    "timeline.op.delete_topic": "delete topics",
    "timeline.op.alter_topic": "change a topic",
    "timeline.op.auto_topic": "switch automatic topic creation",
    "timeline.op.reassign": "reassign partitions",
    "timeline.op.reset_offset": "reset consumer offsets",
    "timeline.op.delete_groups": "delete consumer groups",
    "timeline.op.create_user": "create a user",
    "timeline.op.delete_user": "delete a user",
    "timeline.op.user_policies": "change a user's permissions",
}
