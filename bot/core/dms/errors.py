"""What can go wrong talking to DMS, as a small hierarchy users can act on.

Each error carries what the user needs to act (``hint``) and what support needs to
trace it (``request_id``, ``error_code``); none ever carries a credential.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeAlias

from bot.core.dms.place import Where

SNIPPET_CHARS = 200
# DMS's own error text is shown to users and logged: real ones are a sentence or two.
MESSAGE_CHARS = 500
CODE_CHARS = 64


class DmsError(Exception):
    """A failed DMS call. ``str()`` is one line a user can read and act on."""

    hint = "Try again; if it keeps failing, check the DMS console."

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_code: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.error_code = error_code
        self.request_id = request_id

    def __str__(self) -> str:
        parts = [self.message.rstrip(".") + "."]
        if self.hint:
            parts.append(self.hint)
        if self.request_id:
            parts.append(f"(request id {self.request_id})")
        return " ".join(parts)


class DmsAuthError(DmsError):
    """401/403: the AK/SK, the security token or the project id was refused."""

    hint = (
        "Check HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK (and HUAWEICLOUD_SDK_SECURITY_TOKEN "
        "for temporary keys), HUAWEICLOUD_SDK_PROJECT_ID, the machine's clock, and that the "
        "key may call `dms:instance:getBackgroundTask`."
    )


class DmsNotFound(DmsError):
    hint = "Check the id, or run `instances` to list what this project has."


class DmsThrottled(DmsError):
    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after

    @property
    def hint(self) -> str:  # type: ignore[override]
        wait = max(1, round(self.retry_after)) if self.retry_after else 10
        return f"DMS is throttling requests; try again in {wait} s."


class DmsUnavailable(DmsError):
    """5xx, timeouts and dropped connections, after the retries ran out."""

    hint = "DMS did not answer in time; try again shortly."


# Why no connection to DMS could be made, as far as the network says.
ConnectFailure: TypeAlias = Literal["refused", "unknown_host", "timed_out", "failed"]
CONNECT_FAILURES: dict[ConnectFailure, str] = {
    "refused": "connection refused",
    "unknown_host": "no such host",
    "timed_out": "no answer to connect",
    "failed": "connection failed",
}


class DmsUnreachable(DmsUnavailable):
    """No connection could be made to DMS's endpoint at all, after the retries.

    Not "DMS did not answer in time": nothing answered, so the address itself, or the
    way from here to it, is what to check. ``setting`` names the setting that chose the
    endpoint (DMS_ENDPOINT, HUAWEICLOUD_REGION, an account of the config file).
    """

    def __init__(
        self, endpoint: str, failure: ConnectFailure, *, setting: str = "", **kw: Any
    ) -> None:
        self.endpoint = endpoint
        self.failure = failure
        self.setting = setting
        super().__init__(
            f"DMS at {endpoint} could not be reached ({CONNECT_FAILURES[failure]})", **kw
        )

    @property
    def hint(self) -> str:  # type: ignore[override]
        what = self.setting or "the DMS endpoint setting (DMS_ENDPOINT or HUAWEICLOUD_REGION)"
        return (
            f"Check {what}, and that this machine can reach that address (network, proxy, "
            "firewall); then try again."
        )


class DmsProtocolError(DmsError):
    """A body that is not the documented shape. ``snippet`` is for the log only."""

    hint = "DMS sent something unexpected; the detail is in the bot's log."

    def __init__(self, message: str, *, snippet: str = "", **kw: Any) -> None:
        super().__init__(message, **kw)
        self.snippet = snippet[:SNIPPET_CHARS]


class DmsRequestError(DmsError):
    """Any other 4xx: the request itself was refused."""

    hint = "DMS refused the request; check the instance and the window."


class ResolveError(Exception):
    """An instance name that does not pick exactly one instance."""


class UnknownInstance(ResolveError):
    def __init__(
        self, name: str, where: Where, close: Sequence[str] = (), request_id: str | None = None
    ) -> None:
        self.name = name
        # Kept as a place, so that the message can be said in another language too.
        self.where = where
        self.close = tuple(close)
        self.request_id = request_id
        super().__init__(self._says())

    def _says(self) -> str:
        # ``where`` is "" for someone the access rules restrict: a refusal or a miss
        # tells them nothing of the account (region, project) either.
        msg = f'No Kafka instance named "{self.name}"'
        msg += f" in {self.where}." if self.where else "."
        if self.close:
            msg += " Close matches: " + ", ".join(self.close) + "."
        else:
            msg += " Run `instances` to list them."
        if self.also():
            msg += " " + self.also()
        if self.request_id:
            # DMS said so (a 404): support can trace that answer.
            msg += f" (request id {self.request_id})"
        return msg

    def also(self) -> str:
        """What a subclass adds, in English, before the request id."""
        return ""


class UnknownTask(ResolveError):
    def __init__(self, task_id: str, instance_name: str) -> None:
        self.task_id = task_id
        # Kept so the message can be said again in another language (bot.views.errors).
        self.instance_name = instance_name
        # Where ids really are shown: the rows of an answer have none, their Details do.
        super().__init__(
            f'No task "{task_id}" on {instance_name}. To find a task\'s id, ask '
            f"`{instance_name} last 24h` and press Details beside the task (the table of "
            "`python -m bot tasks` has an ID column)."
        )


class AmbiguousInstance(ResolveError):
    def __init__(self, name: str, candidates: Sequence[tuple[str, str]]) -> None:
        # candidates: (name, instance_id) pairs, so a reply can offer each as a choice.
        self.name = name
        self.candidates = tuple(candidates)
        listed = ", ".join(f"{n} ({i})" for n, i in self.candidates)
        super().__init__(f'"{name}" matches several instances: {listed}. Use the full name or id.')


class UnknownPlace(ResolveError):
    """``name@x`` where x is neither a configured account nor one of their regions."""

    def __init__(
        self, wanted: str, place: str, accounts: Sequence[str], regions: Sequence[str]
    ) -> None:
        self.name = wanted
        self.place = place
        known = f"accounts: {', '.join(accounts)}"
        if regions:
            known += f"; regions: {', '.join(regions)}"
        super().__init__(
            f'"{place}" in "{wanted}" is not an account or a region the bot knows ({known}). '
            "Write <instance>@<account> or <instance>@<region>."
        )


def body_fields(body: object) -> tuple[str | None, str | None]:
    """``error_code``/``error_msg`` from any of the shapes the official SDK accepts."""
    if not isinstance(body, Mapping):
        return None, None
    for code_key, msg_key in (
        ("error_code", "error_msg"),
        ("errorCode", "errorMsg"),
        ("code", "message"),
    ):
        if code_key in body or msg_key in body:
            code, msg = body.get(code_key), body.get(msg_key)
            return (str(code) if code is not None else None, str(msg) if msg is not None else None)
    for value in body.values():
        if isinstance(value, Mapping):
            nested = body_fields(value)
            if nested != (None, None):
                return nested
    return None, None


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header's seconds, or None when absent or not a number."""
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _bounded(text: str | None, limit: int) -> str | None:
    return text if text is None or len(text) <= limit else text[: limit - 1] + "…"


def from_response(
    status: int, headers: Mapping[str, str], reason: str | None, body: object
) -> DmsError:
    """The error a DMS answer means: from its status, headers and (parsed) body."""
    code, msg = body_fields(body)
    code, msg = _bounded(code, CODE_CHARS), _bounded(msg, MESSAGE_CHARS)
    request_id = headers.get("X-Request-Id")
    text = msg or reason or f"HTTP {status}"
    detail = f"DMS answered {status}" + (f" {code}" if code else "") + f": {text}"
    kw: dict[str, Any] = {"status": status, "error_code": code, "request_id": request_id}
    if status == 429 or code == "APIGW.0308":
        return DmsThrottled(
            detail, retry_after=retry_after_seconds(headers.get("Retry-After")), **kw
        )
    if status in (401, 403) or (code or "").startswith(("APIGW.0301", "APIGW.0307")):
        return DmsAuthError(f"DMS refused the credentials ({code or status}): {text}", **kw)
    if status == 404:
        return DmsNotFound(detail, **kw)
    if status >= 500:
        return DmsUnavailable(detail, **kw)
    return DmsRequestError(detail, **kw)
