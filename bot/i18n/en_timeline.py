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

MESSAGES |= {
    "button.timeline": "What happened",
    "button.export": "Export",
    "timeline.title": "{instance} · what happened · {window}",
    "timeline.text": "What happened to {instance} ({window}): {summary}",
    "timeline.now": "*Now:* {status}",
    "timeline.spec": "*Specification:* {spec}",
    "timeline.maintenance": "*Maintenance window:* {begin}–{end}",
    "timeline.active_alarms.one": ":rotating_light: {count} alarm still raised",
    "timeline.active_alarms.other": ":rotating_light: {count} alarms still raised",
    "timeline.summary": "{tasks} tasks · {traces} operations · {alarms} alarms · {failures} failed",
    "timeline.summary.incidents.one": "{summary} · {count} incident",
    "timeline.summary.incidents.other": "{summary} · {count} incidents",
    "timeline.empty": "Nothing happened to {instance} in this window: no task, operation or alarm.",
    "timeline.rest.one": "{count} more moment is in the export.",
    "timeline.rest.other": "{count} more moments are in the export (the most important are shown).",
    "timeline.ended": "ended {status}",
    "timeline.running": "running",
    "timeline.by": "by {who}",
    "timeline.from": "from {ip}",
    "timeline.via.console": "console",
    "timeline.via.api": "API",
    "timeline.via.system": "system",
    "timeline.trace.ok": "succeeded",
    "timeline.trace.failed": "failed",
    "timeline.incident": "incident",
    "timeline.alarm.raised": "alarm raised: {rule}",
    "timeline.alarm.recovered": "alarm recovered: {rule}",
    "timeline.alarm.value": "{metric} {value}",
    "timeline.alarm.threshold": "(threshold {comparison} {threshold})",
    "timeline.alarm.level.1": "critical",
    "timeline.alarm.level.2": "major",
    "timeline.alarm.level.3": "minor",
    "timeline.alarm.level.4": "informational",
    "timeline.gap.forbidden": "{what}: the key may not read them; grant `{permission}`.",
    "timeline.gap.no_region": "{what}: not offered in region {region}.",
    "timeline.gap.no_endpoint": "{what}: no endpoint is configured for this account.",
    "timeline.gap.retention": "{what}: CTS keeps 7 days; nothing before {since} is shown.",
    "timeline.gap.truncated": "{what}: more than can be read; the newest are shown.",
    "timeline.gap.failed": "{what}: could not be read this time; the rest is shown.",
    "timeline.source.tasks": "Background tasks",
    "timeline.source.cts": "Operations (CTS)",
    "timeline.source.ces": "Alarms (Cloud Eye)",
    "timeline.source.instance": "Instance details",
    "timeline.source.progress": "Task progress",
    "timeline.export.done": (
        "Exported {count} moments of {instance} ({window}) as CSV and Markdown."
    ),
    "timeline.export.title": "{instance} timeline {window}",
    "timeline.export.not_here": (
        "The export goes into the thread for the channel to read, "
        "and sharing {instance} here is not allowed."
    ),
    "timeline.export.failed": "Slack did not take the export's files; try Export again.",
}
