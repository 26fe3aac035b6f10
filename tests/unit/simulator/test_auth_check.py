"""The simulator's AK/SK check against the published test vector (dms-api.md §5),
which was computed with the official SDK signer, so it checks us independently."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.simulator import SimulatorConfig
from bot.simulator.auth_check import AuthFailure, ReceivedRequest, verify

CONFIG = SimulatorConfig(ak="AKEXAMPLE", sk="SKEXAMPLE", project_id="proj123")
SIGNED_AT = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
VECTOR = ReceivedRequest(
    method="GET",
    raw_path="/v2/proj123/instances/inst-1/tasks",
    # Deliberately not in canonical order: the check must sort, as the signer did.
    raw_query="start=1&limit=10&begin_time=20240101000000",
    headers={
        "Host": "dms.cn-north-4.myhuaweicloud.com",
        "Content-Type": "application/json",
        "X-Project-Id": "proj123",
        "X-Sdk-Date": "20240102T030405Z",
        "Accept-Encoding": "gzip",  # unsigned, so ignored
        "Authorization": (
            "SDK-HMAC-SHA256 Access=AKEXAMPLE, "
            "SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
            "Signature=f7ac82105d99c73bf399a591258ff7a33b4e7a9e24516794cd0b0b25794f2031"
        ),
    },
    body=b"",
)


def reason(
    request: ReceivedRequest, config: SimulatorConfig = CONFIG, now: datetime = SIGNED_AT
) -> str:
    with pytest.raises(AuthFailure) as failure:
        verify(request, config, now, "proj123")
    return failure.value.reason


def with_headers(**changes: str) -> ReceivedRequest:
    """The vector with headers replaced (``X_Project_Id=...``) or removed (``=""``)."""
    named = {k.replace("_", "-"): v for k, v in changes.items()}
    headers = {k: v for k, v in VECTOR.headers.items() if k not in named}
    headers.update({k: v for k, v in named.items() if v})
    return replace(VECTOR, headers=headers)


def test_the_published_vector_verifies() -> None:
    verify(VECTOR, CONFIG, SIGNED_AT + timedelta(minutes=14, seconds=59), "proj123")


def test_anything_changed_after_signing_fails() -> None:
    assert reason(replace(VECTOR, raw_query="start=1&limit=11&begin_time=20240101000000")) == (
        "verify aksk signature fail"
    )
    assert reason(replace(VECTOR, raw_path="/v2/proj123/instances/inst-2/tasks")) == (
        "verify aksk signature fail"
    )
    assert reason(with_headers(Host="evil.example.com")) == "verify aksk signature fail"
    assert reason(replace(VECTOR, body=b"{}")) == "verify aksk signature fail"
    assert reason(VECTOR, replace(CONFIG, sk="SKOTHER")) == "verify aksk signature fail"


def test_date_skew_and_form() -> None:
    assert reason(VECTOR, now=SIGNED_AT + timedelta(minutes=15, seconds=1)).startswith(
        "x-sdk-date expired"
    )
    assert reason(VECTOR, now=SIGNED_AT - timedelta(minutes=16)).startswith("x-sdk-date expired")


def test_header_and_credential_problems_have_clear_reasons() -> None:
    assert "does not exist" in reason(VECTOR, replace(CONFIG, ak="AKOTHER"))
    assert "no Authorization header" in reason(with_headers(Authorization=""))
    assert "malformed" in reason(with_headers(Authorization="Bearer abc"))
    assert "not in the request" in reason(with_headers(X_Project_Id=""))
    assert "in the path does not belong" in reason(VECTOR, replace(CONFIG, project_id="other"))


def test_a_temporary_ak_needs_its_token() -> None:
    temporary = replace(CONFIG, security_token="token-1")
    assert "x-security-token not found" in reason(VECTOR, temporary)
    assert "not a temporary one" in reason(with_headers(X_Security_Token="token-1"))
