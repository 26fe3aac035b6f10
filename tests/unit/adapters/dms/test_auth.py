"""The signer against the documented test vector and against the official SDK signer."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import httpx
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.dms.auth import (
    AkSkAuth,
    authorization_header,
    canonical_request,
    parse_authorization,
    signed_header_names,
)
from bot.core.dms.accounts import Credentials

VECTOR_HEADERS = {
    "Content-Type": "application/json",
    "Host": "dms.cn-north-4.myhuaweicloud.com",
    "X-Project-Id": "proj123",
    "X-Sdk-Date": "20240102T030405Z",
}
VECTOR_QUERY = [("start", "1"), ("limit", "10"), ("begin_time", "20240101000000")]


def test_documented_test_vector() -> None:
    canonical = canonical_request(
        "GET", "/v2/proj123/instances/inst-1/tasks", VECTOR_QUERY, VECTOR_HEADERS
    )
    assert canonical == (
        "GET\n/v2/proj123/instances/inst-1/tasks/\n"
        "begin_time=20240101000000&limit=10&start=1\n"
        "content-type:application/json\nhost:dms.cn-north-4.myhuaweicloud.com\n"
        "x-project-id:proj123\nx-sdk-date:20240102T030405Z\n\n"
        "content-type;host;x-project-id;x-sdk-date\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    header = authorization_header(
        "AKEXAMPLE",
        "SKEXAMPLE",
        canonical,
        "20240102T030405Z",
        signed_header_names(VECTOR_HEADERS),
    )
    assert header.endswith(
        "Signature=f7ac82105d99c73bf399a591258ff7a33b4e7a9e24516794cd0b0b25794f2031"
    )
    parsed = parse_authorization(header)
    assert parsed is not None
    assert parsed.ak == "AKEXAMPLE"
    assert parsed.signed_headers == ("content-type", "host", "x-project-id", "x-sdk-date")


def official_authorization(
    method: str,
    host: str,
    path: str,
    query: list[tuple[str, str]],
    headers: dict[str, str],
    body: bytes = b"",
) -> str:
    request = SdkRequest(
        method=method,
        schema="https",
        host=host,
        resource_path=path,
        query_params=list(query),
        header_params=dict(headers),
        body=body,
    )
    signed = Signer(SimpleNamespace(ak="AK4TEST", sk="sk-for-tests")).sign(request)
    return str(signed.header_params["Authorization"])


def ours(
    method: str, host: str, path: str, query: list[tuple[str, str]], headers: dict[str, str]
) -> str:
    full = {"Host": host, **headers}
    canonical = canonical_request(method, path, query, full)
    return authorization_header(
        "AK4TEST", "sk-for-tests", canonical, headers["X-Sdk-Date"], signed_header_names(full)
    )


segment = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="/?#%"),
    min_size=1,
    max_size=12,
)
query_text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=0, max_size=10)
header_name = st.from_regex(r"\A[a-z][a-z0-9-]{0,14}\Z").filter(
    lambda n: n not in {"host", "x-sdk-date", "authorization"}
)
header_value = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=20
).filter(lambda v: v.strip() != "")


@settings(max_examples=300, deadline=None)
@given(
    method=st.sampled_from(["GET", "DELETE", "get"]),
    segments=st.lists(segment, min_size=1, max_size=5),
    query=st.lists(st.tuples(query_text.filter(bool), query_text), max_size=6),
    extra=st.dictionaries(header_name, header_value, max_size=4),
)
def test_same_authorization_as_the_official_signer(
    method: str,
    segments: list[str],
    query: list[tuple[str, str]],
    extra: dict[str, str],
) -> None:
    path = "/" + "/".join(segments)
    headers = {**extra, "X-Sdk-Date": "20261127T101500Z"}
    host = "dms.cn-north-4.myhuaweicloud.com"
    assert ours(method, host, path, query, headers) == official_authorization(
        method, host, path, query, headers
    )


def test_repeated_query_keys_and_reserved_characters_match_the_official_signer() -> None:
    query = [("k", "b"), ("k", "a"), ("q", "a b&c=d/é~*"), ("k", "")]
    headers = {"X-Sdk-Date": "20261127T101500Z", "Content-Type": "application/json"}
    assert ours("GET", "h.example", "/v2/p/a b/%C3%A9", query, headers) == (
        official_authorization("GET", "h.example", "/v2/p/a b/%C3%A9", query, headers)
    )


def test_underscore_headers_are_not_signed() -> None:
    headers = {"X-Sdk-Date": "20261127T101500Z", "x_custom": "1", "X-Custom": "2"}
    assert signed_header_names({"Host": "h", **headers}) == ["host", "x-custom", "x-sdk-date"]


def _signed(auth: AkSkAuth, request: httpx.Request) -> httpx.Request:
    return next(auth.auth_flow(request))


def test_httpx_auth_adds_identity_headers_and_signs_what_is_sent() -> None:
    fixed = datetime(2026, 11, 27, 10, 15, tzinfo=UTC)
    creds = Credentials(ak="AK4TEST", sk="sk-for-tests", project_id="proj1", security_token="tok")
    request = httpx.Request(
        "GET",
        "https://dms.cn-north-4.myhuaweicloud.com/v2/proj1/instances/i-1/tasks",
        params=[("start", "1"), ("name", "a b/é"), ("name", "+")],
        headers={"Content-Type": "application/json", "User-Agent": "kafka-tasks/test"},
    )
    signed = _signed(AkSkAuth(creds, clock=lambda: fixed), request)
    assert signed.headers["X-Sdk-Date"] == "20261127T101500Z"
    assert signed.headers["X-Project-Id"] == "proj1"
    assert signed.headers["X-Security-Token"] == "tok"
    # The query on the wire is the canonical one, so the gateway sees what was signed.
    assert signed.url.query == b"name=%2B&name=a%20b%2F%C3%A9&start=1"
    wire_headers = {
        k: v
        for k, v in signed.headers.items()
        if k.lower()
        in {
            "content-type",
            "user-agent",
            "x-project-id",
            "x-security-token",
            "x-sdk-date",
            "accept",
        }
    }
    expected = official_authorization(
        "GET",
        "dms.cn-north-4.myhuaweicloud.com",
        "/v2/proj1/instances/i-1/tasks",
        [("start", "1"), ("name", "a b/é"), ("name", "+")],
        wire_headers,
    )
    assert signed.headers["Authorization"] == expected
    parsed = parse_authorization(signed.headers["Authorization"])
    assert parsed is not None
    assert "connection" not in parsed.signed_headers
    assert "x-security-token" in parsed.signed_headers


def test_credentials_repr_masks_secrets() -> None:
    creds = Credentials(ak="AKLONGACCESSKEY", sk="topsecret", project_id="p", security_token="t0k")
    text = repr(creds) + repr(AkSkAuth(creds))
    assert "topsecret" not in text
    assert "t0k" not in text
    assert "AKLONGACCESSKEY" not in text
