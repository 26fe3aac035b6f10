"""English words of the terminal views (``term.*`` keys): the tables and rows the CLI and
the local shell print. Kept beside ``en.py``, which takes them into ``MESSAGES``;
``zh_terminal.py`` has the same keys.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "term.summary.one": "{count} task",
    "term.summary.other": "{count} tasks",
    "term.summary.filtered": "{summary} matching the filter (of {total} in the window)",
    "term.truncated": (
        "Only {fetched} of the {reported} tasks DMS reported could be fetched; narrow the "
        "window to see the rest."
    ),
    "term.col.status": "STATUS",
    "term.col.name": "NAME",
    "term.col.user": "USER",
    "term.col.started": "STARTED",
    "term.col.duration": "DURATION",
    "term.col.id": "ID",
    "term.col.version": "VERSION",
    "term.col.spec": "SPEC",
    "term.row.instance": "instance",
    "term.row.task": "task",
    "term.row.name": "name",
    "term.row.status": "status",
    "term.row.user": "user",
    "term.row.started": "started",
    "term.row.updated": "updated",
    "term.row.duration": "duration",
    "term.params": "params",
    "term.no_params": "(none)",
    "term.no_instances": "No Kafka instances in {where}.",
    "term.instances.one": "{count} Kafka instance in {where}",
    "term.instances.other": "{count} Kafka instances in {where}",
}
