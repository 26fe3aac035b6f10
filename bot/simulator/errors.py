"""The error bodies the simulator answers with, as the real gateway and DMS shape them.

Codes marked "stand-in" were not found in any official page (dms-api.md §4): they have
the real format so that clients parse them the same way, but a client must not branch
on their exact value.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ApiError:
    status: int
    error_code: str
    error_msg: str

    def body(self, request_id: str) -> dict[str, str]:
        return {
            "error_code": self.error_code,
            "error_msg": self.error_msg,
            "request_id": request_id,
        }


AUTH_PREFIX = "Incorrect IAM authentication information: "


def auth_failed(reason: str) -> ApiError:
    return ApiError(401, "APIGW.0301", AUTH_PREFIX + reason)


def bad_parameter(detail: str) -> ApiError:
    # Stand-in code: DMS's generic invalid-parameter code is not documented.
    return ApiError(400, "DMS.00400000", f"Invalid request parameter: {detail}")


API_NOT_FOUND = ApiError(
    404, "APIGW.0101", "The API does not exist or has not been published in the environment."
)
INSTANCE_NOT_FOUND = ApiError(404, "DMS.00404022", "This instance does not exist.")
# Stand-in: the real code for an unknown task id is unconfirmed.
TASK_NOT_FOUND = ApiError(404, "DMS.00404071", "This background task does not exist.")
THROTTLED = ApiError(429, "APIGW.0308", "The throttling threshold has been reached.")
INTERNAL_ERROR = ApiError(500, "DMS.00500000", "Internal service error")
# Stand-ins for what the gateway says when the backend is unreachable or overloaded.
BAD_GATEWAY = ApiError(502, "APIGW.0202", "Backend unavailable")
UNAVAILABLE = ApiError(503, "DMS.00503000", "Service temporarily unavailable")


# -- CTS and CES --------------------------------------------------------------------
# Stand-ins: the services' own codes for these cases were not found (the reference names
# the IAM actions, not the bodies); the shape is the one every Huawei service shares, and
# the message names the action to grant, which is what a client shows its user.


def cts_bad_parameter(detail: str) -> ApiError:
    return ApiError(400, "CTS.0001", f"Invalid parameter: {detail}")


def ces_bad_parameter(detail: str) -> ApiError:
    return ApiError(400, "ces.0014", f"Invalid parameter: {detail}")


CTS_FORBIDDEN = ApiError(403, "CTS.0015", "Policy doesn't allow cts:trace:list to be performed.")
CES_FORBIDDEN = ApiError(
    403, "ces.0015", "Policy doesn't allow ces:alarmHistory:list to be performed."
)
DMS_FORBIDDEN = ApiError(
    403, "DMS.00403000", "Policy doesn't allow dms:instance:getBackgroundTask to be performed."
)
# Stand-in: "仅Kafka扩容时支持查询进度" is documented, the error for other tasks is not.
NO_PROGRESS = ApiError(
    400, "DMS.00400000", "Invalid request parameter: progress is only kept for scale-out tasks."
)
# Stand-in: the code for an unknown scheduled task id is unconfirmed.
SCHEDULED_NOT_FOUND = ApiError(404, "DMS.00404073", "This scheduled task does not exist.")
