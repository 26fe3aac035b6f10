"""What can go wrong talking to DMS, as a small hierarchy users can act on.

Each error carries what the user needs to act (``hint``) and what support needs to
trace it (``request_id``, ``error_code``); none ever carries a credential. What it says
is a catalog key and its parameters (``bot.i18n.Said``), so every language says it from
``bot.i18n``: ``str()`` is the English, ``text(lang)`` any language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeAlias

from bot.core.dms.place import Where
from bot.i18n import Lang, Listing, Said, t

SNIPPET_CHARS = 200
# DMS's own error text is shown to users and logged: real ones are a sentence or two.
MESSAGE_CHARS = 500
CODE_CHARS = 64


def sentences(lang: Lang, *parts: str) -> str:
    """Sentences of one message, spaced as ``lang`` spaces them."""
    return t(lang, "sep.sentences").join(part for part in parts if part)


def sentence(text: str, lang: Lang) -> str:
    """``text`` ended by one full stop of ``lang``: DMS's own words may bring theirs."""
    return t(lang, "sentence", text=text.rstrip(t(lang, "sentence.stops")))


def request_id_text(request_id: str | None, lang: Lang) -> str:
    """The request id an answer was traced by, in every language, for support."""
    return t(lang, "error.request_id", id=request_id) if request_id else ""


class DmsError(Exception):
    """A failed DMS call. ``str()`` is one line a user can read and act on.

    ``message`` is what happened: a ``Said``, or plain text said the same in every
    language (a message no catalog has).
    """

    hint: Said | None = Said("dms.hint.error")

    def __init__(
        self,
        message: str | Said,
        *,
        status: int | None = None,
        error_code: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self.said = message if isinstance(message, Said) else Said.as_is(message)
        super().__init__(self.said.text("en"))
        self.status = status
        self.error_code = error_code
        self.request_id = request_id

    @property
    def message(self) -> str:
        """What happened, in English (for the log)."""
        return self.said.text("en")

    def text(self, lang: Lang) -> str:
        hint = self.hint
        return sentences(
            lang,
            sentence(self.said.text(lang), lang),
            hint.text(lang) if hint else "",
            request_id_text(self.request_id, lang),
        )

    def __str__(self) -> str:
        return self.text("en")


# The IAM action each call needs, by the operation names the client and its metrics
# use: what a refusal tells the operator to grant. ListInstances and the progress call
# have none documented for Kafka; they are read as the actions their kin need.
IAM_ACTIONS: dict[str, str] = {
    "list_tasks": "dms:instance:getBackgroundTask",
    "get_task": "dms:instance:getBackgroundTask",
    "task_progress": "dms:instance:getBackgroundTask",
    "list_instances": "dms:instance:list",
    "show_instance": "dms:instance:getDetail",
    "list_scheduled": "dms:instance:listScheduledTasks",
    "update_scheduled": "dms:instance:modifyScheduledTask",
    "list_traces": "cts:trace:list",
    "list_alarms": "ces:alarmHistory:list",
}
_DEFAULT_ACTION = IAM_ACTIONS["list_tasks"]


class DmsAuthError(DmsError):
    """401/403: the AK/SK, the security token or the project id was refused, or the key
    may not make the call (``action``, the IAM action it needs)."""

    def __init__(self, message: str | Said, *, action: str = _DEFAULT_ACTION, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.action = action

    @property
    def hint(self) -> Said:  # type: ignore[override]
        return Said.of("dms.hint.auth", action=self.action)


class DmsNotFound(DmsError):
    hint = Said("dms.hint.not_found")


class DmsThrottled(DmsError):
    def __init__(self, message: str | Said, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after

    @property
    def hint(self) -> Said:  # type: ignore[override]
        wait = max(1, round(self.retry_after)) if self.retry_after else 10
        return Said.of("dms.hint.throttled", wait=wait)


class DmsUnavailable(DmsError):
    """5xx, timeouts and dropped connections, after the retries ran out."""

    hint = Said("dms.hint.unavailable")


# Why no connection to DMS could be made, as far as the network says (each is said by
# the catalog key ``dms.connect.<failure>``).
ConnectFailure: TypeAlias = Literal["refused", "unknown_host", "timed_out", "failed"]


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
        failed = Said(f"dms.connect.{failure}")
        super().__init__(Said.of("dms.unreachable", endpoint=endpoint, failure=failed), **kw)

    @property
    def hint(self) -> Said:  # type: ignore[override]
        what = Said.as_is(self.setting) if self.setting else Said("dms.hint.endpoint_setting")
        return Said.of("dms.hint.unreachable", what=what)


class DmsProtocolError(DmsError):
    """A body that is not the documented shape. ``snippet`` is for the log only."""

    hint = Said("dms.hint.protocol")

    def __init__(self, message: str | Said, *, snippet: str = "", **kw: Any) -> None:
        super().__init__(message, **kw)
        self.snippet = snippet[:SNIPPET_CHARS]


class DmsRequestError(DmsError):
    """Any other 4xx: the request itself was refused."""

    hint = Said("dms.hint.request")


class ResolveError(Exception):
    """An instance name that does not pick exactly one instance: ``said`` says which."""

    def __init__(self, said: Said) -> None:
        self.said = said
        super().__init__(self.text("en"))

    def text(self, lang: Lang) -> str:
        return self.said.text(lang)

    def __str__(self) -> str:
        return self.text("en")


class UnknownInstance(ResolveError):
    def __init__(
        self, name: str, where: Where, close: Sequence[str] = (), request_id: str | None = None
    ) -> None:
        self.name = name
        # Kept as a place, so that the message can be said in another language too.
        self.where = where
        self.close = tuple(close)
        self.request_id = request_id
        # ``where`` is "" for someone the access rules restrict: a refusal or a miss
        # tells them nothing of the account (region, project) either.
        if where:
            head = Said.of("unknown_instance.in", name=name, where=where)
        else:
            head = Said.of("unknown_instance", name=name)
        super().__init__(head)

    def text(self, lang: Lang) -> str:
        if self.close:
            close = Said.of("unknown_instance.close", names=Listing(self.close)).text(lang)
        else:
            close = t(lang, "unknown_instance.list")
        also = self.also()
        return sentences(
            lang,
            self.said.text(lang),
            close,
            also.text(lang) if also else "",
            # DMS said so (a 404): support can trace that answer.
            request_id_text(self.request_id, lang),
        )

    def also(self) -> Said | None:
        """What a subclass adds, before the request id."""
        return None


class UnknownTask(ResolveError):
    def __init__(self, task_id: str, instance_name: str) -> None:
        self.task_id = task_id
        self.instance_name = instance_name
        # Where ids really are shown: the rows of an answer have none, their Details do.
        super().__init__(Said.of("unknown_task", task=task_id, instance=instance_name))


class AmbiguousInstance(ResolveError):
    def __init__(self, name: str, candidates: Sequence[tuple[str, str]]) -> None:
        # candidates: (name, instance_id) pairs, so a reply can offer each as a choice.
        self.name = name
        self.candidates = tuple(candidates)
        listed = Listing(tuple(Said.of("ambiguous.candidate", name=n, id=i) for n, i in candidates))
        super().__init__(Said.of("ambiguous", name=name, candidates=listed))


class UnknownPlace(ResolveError):
    """``name@x`` where x is neither a configured account nor one of their regions."""

    def __init__(
        self, wanted: str, place: str, accounts: Sequence[str], regions: Sequence[str]
    ) -> None:
        self.name = wanted
        self.place = place
        # Account and region names are names: listed as they are in every language.
        known = Said.of("unknown_place.accounts", accounts=", ".join(accounts))
        if regions:
            known = Said.of("unknown_place.regions", known=known, regions=", ".join(regions))
        super().__init__(Said.of("unknown_place", wanted=wanted, place=place, known=known))


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
    status: int,
    headers: Mapping[str, str],
    reason: str | None,
    body: object,
    *,
    operation: str = "list_tasks",
) -> DmsError:
    """The error a DMS answer means: from its status, headers and (parsed) body, for
    the call ``operation`` (which names the permission a refusal asks for)."""
    code, msg = body_fields(body)
    code, msg = _bounded(code, CODE_CHARS), _bounded(msg, MESSAGE_CHARS)
    request_id = headers.get("X-Request-Id")
    text = msg or reason or f"HTTP {status}"
    if code:
        detail = Said.of("dms.answered_code", status=status, code=code, text=text)
    else:
        detail = Said.of("dms.answered", status=status, text=text)
    kw: dict[str, Any] = {"status": status, "error_code": code, "request_id": request_id}
    if status == 429 or code == "APIGW.0308":
        return DmsThrottled(
            detail, retry_after=retry_after_seconds(headers.get("Retry-After")), **kw
        )
    if status in (401, 403) or (code or "").startswith(("APIGW.0301", "APIGW.0307")):
        refused = Said.of("dms.refused_credentials", code=code or status, text=text)
        action = IAM_ACTIONS.get(operation, _DEFAULT_ACTION)
        return DmsAuthError(refused, action=action, **kw)
    if status == 404:
        return DmsNotFound(detail, **kw)
    if status >= 500:
        return DmsUnavailable(detail, **kw)
    return DmsRequestError(detail, **kw)
