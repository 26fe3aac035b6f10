"""One instance as ShowInstance has it, and a running task's progress
(ShowBackgroundTaskProgress: DMS offers it for scale-out only)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.adapters.dms.http import DmsHttp
from bot.adapters.dms.snippets import json_snippet
from bot.core.dms.errors import DmsProtocolError
from bot.core.dms.ids import instance_segment, task_segment
from bot.core.timeline.records import InstanceDetail, Progress


async def fetch_instance_detail(http: DmsHttp, project_id: str, instance_id: str) -> InstanceDetail:
    body, request_id = await http.get(
        f"/v2/{project_id}/instances/{instance_segment(instance_id)}", {}, "show_instance"
    )
    detail = InstanceDetail.from_api(_object(body, request_id, "an instance"))
    # The id asked for when DMS leaves it out: the header still names the instance.
    return detail if detail.instance_id else _with_id(detail, instance_id)


async def fetch_progress(
    http: DmsHttp, project_id: str, instance_id: str, task_id: str
) -> Progress:
    body, request_id = await http.get(
        f"/v2/{project_id}/instances/{instance_segment(instance_id)}"
        f"/tasks/{task_segment(task_id)}/progress",
        {},
        "task_progress",
    )
    return Progress.from_api(task_id, _object(body, request_id, "a task's progress"))


def _object(body: Any, request_id: str | None, what: str) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise DmsProtocolError(
            f"DMS sent {what} that is not a JSON object",
            snippet=json_snippet(body),
            request_id=request_id,
        )
    return body


def _with_id(detail: InstanceDetail, instance_id: str) -> InstanceDetail:
    return replace(detail, instance_id=instance_id)
