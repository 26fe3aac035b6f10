"""ListScheduledTasks and UpdateScheduledTask, behind the same gateway as DMS.

UpdateScheduledTask takes ``execute_at`` and ``status`` as query parameters, not a body,
and answers 204 with none (KAFKA-SDK ``_update_scheduled_task_http_info``).
"""

from __future__ import annotations

from aiohttp import web

from bot.simulator import errors
from bot.simulator.model import CANCELLED
from bot.simulator.params import Refused, int_param
from bot.simulator.server import query_time
from bot.simulator.state import NotWaiting, SimulatorState


class ScheduledApi:
    def __init__(self, state: SimulatorState) -> None:
        self._state = state

    def add_routes(self, app: web.Application) -> None:
        base = "/v2/{project_id}/instances/{instance_id}/scheduled-tasks"
        app.router.add_get(base, self.list_scheduled, name="list_scheduled_tasks")
        app.router.add_put(base + "/{task_id}", self.update_scheduled, name="update_scheduled_task")

    async def list_scheduled(self, request: web.Request) -> web.Response:
        query = request.query
        start = int_param(query, "start", default=1, low=1)
        limit = int_param(query, "limit", default=10, low=1, high=50)
        begin, end = query_time(query, "begin_time"), query_time(query, "end_time")
        planned = self._state.scheduled(request.match_info["instance_id"])
        if planned is None:
            raise Refused(errors.INSTANCE_NOT_FOUND)
        # The times bound when a task is to run (the documentation does not say which
        # time they filter on; this is the one a "what is coming" question needs).
        found = [
            p
            for p in planned
            if (begin is None or p.schedule_at >= begin) and (end is None or p.schedule_at <= end)
        ]
        now = self._state.clock.now()
        page = found[start - 1 : start - 1 + limit]
        return web.json_response({"job_count": len(found), "jobs": [p.to_api(now) for p in page]})

    async def update_scheduled(self, request: web.Request) -> web.Response:
        query = request.query
        status = query.get("status")
        at = query_time(query, "execute_at")
        if status not in (None, "", "null", CANCELLED):
            raise Refused(errors.bad_parameter(f"status must be CANCELLED or null, got {status!r}"))
        cancel = status == CANCELLED
        if cancel == (at is not None):
            raise Refused(errors.bad_parameter("give either execute_at or status=CANCELLED"))
        if at is not None and at <= self._state.clock.now():
            raise Refused(errors.bad_parameter("execute_at must be in the future"))
        instance_id = request.match_info["instance_id"]
        if self._state.instance(instance_id) is None:
            raise Refused(errors.INSTANCE_NOT_FOUND)
        try:
            changed = self._state.change_scheduled(
                instance_id, request.match_info["task_id"], at=at, cancel=cancel
            )
        except NotWaiting as exc:
            raise Refused(
                errors.bad_parameter(f"the scheduled task is {exc} and can no longer be changed")
            ) from None
        if changed is None:
            raise Refused(errors.SCHEDULED_NOT_FOUND)
        return web.Response(status=204)
