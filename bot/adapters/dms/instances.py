"""The Kafka instances of one project: every page of ListInstances, read."""

from __future__ import annotations

from collections.abc import Mapping

from bot.adapters.dms.http import DmsHttp
from bot.adapters.dms.reading import OnceReports, parse_count
from bot.adapters.dms.snippets import json_snippet
from bot.core.dms.errors import DmsProtocolError
from bot.core.dms.models import Instance
from bot.i18n import Said

INSTANCE_PAGE = 50  # ListInstances' documented maximum


async def fetch_instances(
    http: DmsHttp, project_id: str, reports: OnceReports
) -> tuple[Instance, ...]:
    """Every instance, by name; paging stops at the count DMS reports, at a short or
    empty page, or at a page that adds no instance (a server ignoring the offset)."""
    found: dict[str, Instance] = {}
    offset = 0
    while True:
        body, request_id = await http.get(
            f"/v2/{project_id}/instances",
            {"engine": "kafka", "offset": str(offset), "limit": str(INSTANCE_PAGE)},
            "list_instances",
        )
        raw = body.get("instances") if isinstance(body, Mapping) else None
        if not isinstance(raw, list):
            raise DmsProtocolError(
                Said("dms.instances_shape"),
                snippet=json_snippet(body),
                request_id=request_id,
            )
        before = len(found)
        for item in raw:
            if isinstance(item, Mapping):
                inst = Instance.from_api(item)
                if not inst.instance_id:
                    why = inst.unreadable.get("instance_id", "missing")
                    reports.no_id("an instance", why)
                    continue
                if inst.unreadable:
                    reports.unreadable(f"instance {inst.instance_id}", inst.unreadable)
                found.setdefault(inst.instance_id, inst)
        total = parse_count(body.get("instance_num"))
        offset += len(raw)
        if not raw or len(found) == before or (total is not None and offset >= total):
            break
        if total is None and len(raw) < INSTANCE_PAGE:
            break
    return tuple(sorted(found.values(), key=lambda i: i.name))
