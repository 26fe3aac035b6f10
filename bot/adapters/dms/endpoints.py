"""The DMS endpoint for a region, as the official SDK's region table has it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

# The regions the official huaweicloudsdkkafka 3.1.219 knows. All follow one pattern
# except eu-west-101, which lives under the .eu domain.
KNOWN_REGIONS = frozenset(
    "ae-ad-1 af-north-1 af-south-1 ap-southeast-1 ap-southeast-2 ap-southeast-3 "
    "ap-southeast-4 ap-southeast-5 cn-east-2 cn-east-3 cn-east-4 cn-east-5 cn-north-1 "
    "cn-north-11 cn-north-12 cn-north-2 cn-north-4 cn-north-9 cn-south-1 cn-south-2 "
    "cn-south-4 cn-southwest-2 cn-southwest-3 eu-west-0 eu-west-101 la-north-2 la-south-2 "
    "me-east-1 my-kualalumpur-1 na-mexico-1 ru-moscow-1 ru-northwest-2 sa-brazil-1 "
    "tr-west-1".split()
)
_DOMAIN_EXCEPTIONS = {"eu-west-101": "myhuaweicloud.eu"}


class UnknownRegion(ValueError):
    pass


def endpoint_for_region(region: str) -> str:
    region = region.strip().lower()
    if region not in KNOWN_REGIONS:
        close = difflib.get_close_matches(region, sorted(KNOWN_REGIONS), n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UnknownRegion(
            f'HUAWEICLOUD_REGION "{region}" is not a DMS region the bot knows.{hint} '
            "For a region or private endpoint not listed, set DMS_ENDPOINT to its base URL."
        )
    domain = _DOMAIN_EXCEPTIONS.get(region, "myhuaweicloud.com")
    return f"https://dms.{region}.{domain}"


# CTS knows the same regions as DMS, eu-west-101 under .eu as well.
# CES (Cloud Eye) has no host in two DMS regions, keeps eu-west-101 under .com, and has
# one DMS has not (huaweicloudsdkces 3.1.219, v2/region/ces_region.py).
CES_REGIONS = (KNOWN_REGIONS - {"ae-ad-1", "ru-northwest-2"}) | {"sa-peru-1"}


@dataclass(frozen=True)
class ContextEndpoints:
    """Where an account's CTS and CES live; None: no host is known there (``region``
    says why: a region without the service, or none given to find one by)."""

    cts: str | None
    ces: str | None
    region: str = ""


def cts_endpoint_for_region(region: str) -> str | None:
    region = region.strip().lower()
    if region not in KNOWN_REGIONS:
        return None
    return f"https://cts.{region}.{_DOMAIN_EXCEPTIONS.get(region, 'myhuaweicloud.com')}"


def ces_endpoint_for_region(region: str) -> str | None:
    region = region.strip().lower()
    return f"https://ces.{region}.myhuaweicloud.com" if region in CES_REGIONS else None


def context_endpoints(
    region: str | None, *, cts: str | None = None, ces: str | None = None
) -> ContextEndpoints:
    """The hosts from the region, each replaced by its override when one is set (an
    account's ``cts_endpoint`` / ``ces_endpoint``, or CTS_ENDPOINT / CES_ENDPOINT)."""
    return ContextEndpoints(
        cts=_base(cts) or (cts_endpoint_for_region(region) if region else None),
        ces=_base(ces) or (ces_endpoint_for_region(region) if region else None),
        region=(region or "").strip().lower(),
    )


def _base(url: str | None) -> str | None:
    return url.strip().rstrip("/") or None if url else None
