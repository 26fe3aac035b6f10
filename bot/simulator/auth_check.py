"""Checks an AK/SK signed request as the API gateway does, from what was received.

The canonical request is rebuilt from the raw path, the raw query string and the
received header values, never from a parsed and re-serialised form, so that a client
which signs one thing and sends another is caught here rather than in production.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

from bot.adapters.dms.auth import (
    DATE_FORMAT,
    DATE_HEADER,
    canonical_request,
    parse_authorization,
    signature,
)
from bot.simulator.config import SimulatorConfig

_DATE = DATE_HEADER.lower()
_TOKEN = "x-security-token"


class AuthFailure(Exception):
    """Why a request was refused; the text goes to the client, so never a secret."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    raw_path: str  # as on the wire, without the query
    raw_query: str  # as on the wire, without the "?"
    headers: Mapping[str, str]
    body: bytes


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def verify(
    request: ReceivedRequest, config: SimulatorConfig, now: datetime, project_id: str
) -> None:
    """Raise ``AuthFailure`` unless the request is signed with the configured AK/SK for
    the configured project, within ``config.max_skew`` of ``now``."""
    headers = {name.lower(): value for name, value in request.headers.items()}
    value = headers.get("authorization")
    if value is None:
        raise AuthFailure("no Authorization header (AK/SK signature) and no x-auth-token")
    parsed = parse_authorization(value)
    if parsed is None:
        raise AuthFailure(
            "malformed Authorization header; expected "
            "'SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...'"
        )
    if not _same(parsed.ak, config.ak):
        raise AuthFailure("the access key (AK) does not exist")

    signed = tuple(name.lower() for name in parsed.signed_headers)
    for required in (_DATE, "host"):
        if required not in signed:
            raise AuthFailure(f"{required} must be among the signed headers")
    missing = [name for name in signed if name not in headers]
    if missing:
        raise AuthFailure(f"signed header(s) not in the request: {', '.join(missing)}")

    sdk_date = headers[_DATE]
    try:
        signed_at = datetime.strptime(sdk_date, DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise AuthFailure(f"x-sdk-date {sdk_date!r} is not in the form YYYYMMDDTHHMMSSZ") from None

    canonical = canonical_request(
        request.method,
        request.raw_path,
        parse_qsl(request.raw_query, keep_blank_values=True),
        {name: headers[name] for name in signed},
        request.body,
    )
    if not _same(signature(config.sk, canonical, sdk_date), parsed.signature):
        raise AuthFailure("verify aksk signature fail")

    if abs(now - signed_at) > config.max_skew:
        raise AuthFailure(
            f"x-sdk-date expired: {sdk_date} is more than {_minutes(config.max_skew)} "
            f"from the server time {now.astimezone(UTC).strftime(DATE_FORMAT)}"
        )
    _check_token(headers, signed, config.security_token)
    _check_project(headers, project_id, config.project_id)


def _check_token(headers: Mapping[str, str], signed: tuple[str, ...], expected: str | None) -> None:
    received = headers.get(_TOKEN)
    if expected is None:
        if received is not None:
            raise AuthFailure("x-security-token sent, but this AK is not a temporary one")
        return
    if received is None:
        raise AuthFailure("x-security-token not found; this AK is a temporary one")
    if _TOKEN not in signed:
        raise AuthFailure("x-security-token must be among the signed headers")
    if not _same(received, expected):
        raise AuthFailure("x-security-token is invalid or expired")


def _check_project(headers: Mapping[str, str], in_path: str, expected: str) -> None:
    if in_path != expected:
        raise AuthFailure(f"project id {in_path!r} in the path does not belong to this AK")
    in_header = headers.get("x-project-id")
    if in_header is not None and in_header != expected:
        raise AuthFailure(f"X-Project-Id {in_header!r} does not belong to this AK")


def _minutes(delta: timedelta) -> str:
    minutes = delta / timedelta(minutes=1)
    return f"{minutes:g} minutes"
