"""CTS and CES hosts by region, with the regional exceptions and the overrides."""

from __future__ import annotations

from bot.adapters.dms.endpoints import (
    KNOWN_REGIONS,
    ces_endpoint_for_region,
    context_endpoints,
    cts_endpoint_for_region,
)


def test_cts_follows_dms_including_eu_west_101_under_eu() -> None:
    assert cts_endpoint_for_region("cn-north-4") == "https://cts.cn-north-4.myhuaweicloud.com"
    assert cts_endpoint_for_region("eu-west-101") == "https://cts.eu-west-101.myhuaweicloud.eu"
    assert all(cts_endpoint_for_region(r) for r in KNOWN_REGIONS)
    assert cts_endpoint_for_region("mars-1") is None


def test_ces_keeps_eu_west_101_under_com_and_lacks_two_regions() -> None:
    assert ces_endpoint_for_region("eu-west-101") == "https://ces.eu-west-101.myhuaweicloud.com"
    assert ces_endpoint_for_region("ae-ad-1") is None
    assert ces_endpoint_for_region("ru-northwest-2") is None
    assert ces_endpoint_for_region("sa-peru-1") == "https://ces.sa-peru-1.myhuaweicloud.com"


def test_overrides_win_and_a_missing_region_knows_no_host() -> None:
    both = context_endpoints("ae-ad-1", ces="https://ces.private.example/ ")
    assert (both.cts, both.ces, both.region) == (
        "https://cts.ae-ad-1.myhuaweicloud.com",
        "https://ces.private.example",
        "ae-ad-1",
    )
    none = context_endpoints(None)
    assert (none.cts, none.ces) == (None, None)
    assert context_endpoints(None, cts="http://127.0.0.1:9/").cts == "http://127.0.0.1:9"
