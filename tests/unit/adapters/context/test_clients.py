"""CTS and CES clients over loopback HTTP: paging, time slices, gaps, caching."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.adapters.context import ContextClient, ContextOptions
from bot.adapters.dms.endpoints import ContextEndpoints
from bot.core.dms.accounts import Credentials
from bot.core.dms.source import ClientOptions
from tests.unit.adapters.context.loopback import START, Upstream, alarm, serve, spread, trace

CREDENTIALS = Credentials(ak="AK1234567890", sk="SK1234567890", project_id="proj")


@dataclass(frozen=True)
class Window:
    begin: datetime
    end: datetime
    ends_now: bool = False


SIX_HOURS = Window(START - timedelta(hours=6), START)


def client(upstream: Upstream, **endpoints: str | None) -> ContextClient:
    async def no_sleep(_: float) -> None:
        return None

    where = {"cts": upstream.url, "ces": upstream.url, **endpoints}
    return ContextClient.create(
        ContextEndpoints(cts=where["cts"], ces=where["ces"], region="cn-north-4"),
        CREDENTIALS,
        options=ClientOptions(max_attempts=2),
        context=ContextOptions(cache_ttl=60),
        clock=lambda: START + timedelta(minutes=5),
        sleep=no_sleep,
        rng=random.Random(0),
    )


async def test_every_trace_of_a_busy_window_is_read_once_through_time_slices() -> None:
    times = spread(2000, START, timedelta(hours=6))
    upstream = Upstream(traces=[trace(i, at) for i, at in enumerate(times)])
    async with serve(upstream), client(upstream) as context:
        result = await context.traces("inst-1", SIX_HOURS)
    assert len(result.items) == 2000
    assert len({t.id for t in result.items}) == 2000
    stamps = [t.time.timestamp() for t in result.items if t.time is not None]
    assert stamps == sorted(stamps, reverse=True)
    assert result.complete
    # Ten pages of 200 in sequence would be ten round trips; the slices take about three.
    first, *rest = [q for s, q in upstream.asked if s == "cts"]
    assert "next" not in first
    assert len({(q["from"], q["to"]) for q in rest}) == ContextOptions().trace_slices
    assert all(q["trace_type"] == "system" and q["resource_id"] == "inst-1" for q in rest)


async def test_slices_are_asked_at_once_so_a_slow_cts_costs_about_two_round_trips() -> None:
    # How long that takes is bench/timeline.py's to measure; here, that it is concurrent.
    times = spread(2000, START, timedelta(hours=6))
    upstream = Upstream(traces=[trace(i, at) for i, at in enumerate(times)], delay=0.05)
    async with serve(upstream), client(upstream) as context:
        result = await context.traces("inst-1", SIX_HOURS)
    assert len(result.items) == 2000
    # Sequential pages would be answered one at a time. (All the slices at once is what
    # happens, but a loaded machine may finish one before the last is sent.)
    assert 1 < upstream.most_at_once <= ContextOptions().trace_slices


async def test_a_quiet_window_costs_one_request() -> None:
    upstream = Upstream(traces=[trace(1, START - timedelta(hours=1))])
    async with serve(upstream), client(upstream) as context:
        result = await context.traces("inst-1", SIX_HOURS)
    assert [t.id for t in result.items] == ["t-00001"]
    assert upstream.count("cts") == 1


async def test_a_403_is_a_gap_naming_the_permission_and_the_other_source_still_answers() -> None:
    upstream = Upstream(alarms=[alarm(1, START - timedelta(hours=1))], forbid={"cts"})
    async with serve(upstream), client(upstream) as context:
        traces, alarms = await asyncio.gather(
            context.traces("inst-1", SIX_HOURS), context.alarms("inst-1", SIX_HOURS)
        )
    assert traces.items == ()
    (gap,) = traces.gaps
    assert (gap.source, gap.reason, gap.permission, gap.status) == (
        "cts",
        "forbidden",
        "cts:trace:list",
        403,
    )
    assert gap.request_id == "r-403"
    assert "CTS" in gap.detail
    assert "DMS" not in gap.detail
    assert [a.rule_name for a in alarms.items] == ["disk usage"]


async def test_ces_forbidden_names_its_permission() -> None:
    upstream = Upstream(forbid={"ces"})
    async with serve(upstream), client(upstream) as context:
        result = await context.alarms("inst-1", SIX_HOURS)
    assert [g.permission for g in result.gaps] == ["ces:alarmHistory:list"]


async def test_a_region_without_ces_is_said_without_a_request() -> None:
    upstream = Upstream()
    async with serve(upstream), client(upstream, ces=None) as context:
        result = await context.alarms("inst-1", SIX_HOURS)
    assert [(g.source, g.reason, g.region) for g in result.gaps] == [
        ("ces", "no_region", "cn-north-4")
    ]
    assert upstream.count("ces") == 0


async def test_cts_retention_clamps_the_window_and_says_so() -> None:
    upstream = Upstream(traces=[trace(1, START - timedelta(days=2))])
    ten_days = Window(START - timedelta(days=10), START)
    async with serve(upstream), client(upstream) as context:
        result = await context.traces("inst-1", ten_days)
        older = await context.traces("inst-1", Window(ten_days.begin, START - timedelta(days=8)))
    assert [t.id for t in result.items] == ["t-00001"]
    (gap,) = result.gaps
    assert gap.reason == "retention"
    assert gap.since is not None
    assert gap.since > START - timedelta(days=7)
    (only,) = [q for s, q in upstream.asked if s == "cts"]
    assert int(only["from"]) >= int((START - timedelta(days=7)).timestamp() * 1000)
    assert older.items == ()
    assert [g.reason for g in older.gaps] == ["retention"]
    assert upstream.count("cts") == 1  # the window entirely older was not asked


async def test_alarm_pages_after_the_first_are_asked_at_once_and_all_read() -> None:
    times = spread(250, START, timedelta(hours=6))
    upstream = Upstream(alarms=[alarm(i, at) for i, at in enumerate(times)])
    async with serve(upstream), client(upstream) as context:
        result = await context.alarms("inst-1", SIX_HOURS)
    assert len(result.items) == 250
    assert result.reported_count == 250
    offsets = sorted(int(q["offset"]) for s, q in upstream.asked if s == "ces")
    assert offsets == [0, 100, 200]
    query = upstream.asked[0][1]
    assert query["namespace"] == "SYS.DMS"
    assert query["resource_id"] == "inst-1"
    assert query["from"].endswith("+00:00")
    assert query["limit"] == "100"


async def test_alarms_of_another_resource_are_left_out() -> None:
    upstream = Upstream(
        alarms=[alarm(1, START - timedelta(hours=1)), alarm(2, START, instance="other")]
    )
    async with serve(upstream), client(upstream) as context:
        result = await context.alarms("inst-1", SIX_HOURS)
    assert [a.record_id for a in result.items] == [f"ah{1:022d}"]


async def test_answers_are_cached_and_concurrent_asks_coalesce() -> None:
    upstream = Upstream(traces=[trace(1, START - timedelta(hours=1))], delay=0.05)
    async with serve(upstream), client(upstream) as context:
        both = await asyncio.gather(*(context.traces("inst-1", SIX_HOURS) for _ in range(5)))
        again = await context.traces("inst-1", SIX_HOURS)
        fresh = await context.traces("inst-1", SIX_HOURS, fresh=True)
    assert all(len(r.items) == 1 for r in both)
    assert again.from_cache
    assert not fresh.from_cache
    assert upstream.count("cts") == 2  # the five together, then the fresh one


async def test_a_page_that_is_not_the_documented_shape_is_a_failed_gap() -> None:
    upstream = Upstream()
    upstream._trace_page = lambda query: {"traces": "nope"}  # type: ignore[method-assign]
    async with serve(upstream), client(upstream) as context:
        result = await context.traces("inst-1", SIX_HOURS)
    assert [(g.reason, g.source) for g in result.gaps] == [("failed", "cts")]


async def test_a_cts_marker_that_never_ends_stops_at_the_bound_and_says_so() -> None:
    upstream = Upstream()
    served = iter(range(10**9))

    def endless(query: dict[str, str]) -> dict[str, Any]:
        # Always a full page of traces never seen before, always "there is more".
        at = int(query["to"]) - 2
        page = [trace(next(served), START - timedelta(hours=1)) | {"time": at} for _ in range(200)]
        return {"traces": page, "meta_data": {"marker": "again"}}

    upstream._trace_page = endless  # type: ignore[method-assign]
    async with serve(upstream), client(upstream) as context:
        result = await context.traces("inst-1", SIX_HOURS)
    assert len(result.items) <= 10_000
    assert "truncated" in [g.reason for g in result.gaps]
    assert upstream.count("cts") <= 60


async def test_a_cts_page_that_repeats_itself_is_read_once() -> None:
    upstream = Upstream()
    page = [trace(n, START - timedelta(minutes=n + 1)) for n in range(200)]
    upstream._trace_page = lambda query: {  # type: ignore[method-assign]
        "traces": page,
        "meta_data": {"marker": "same"},
    }
    async with serve(upstream), client(upstream) as context:
        result = await context.traces("inst-1", SIX_HOURS)
    assert len(result.items) == 200
    assert upstream.count("cts") <= 1 + 8


async def test_a_ces_count_far_past_the_bound_reads_only_so_far() -> None:
    upstream = Upstream()
    upstream._alarm_page = lambda query: {  # type: ignore[method-assign]
        "alarm_histories": [alarm(int(query["offset"]) + n, START) for n in range(100)],
        "count": "1000000000",
    }
    async with serve(upstream), client(upstream) as context:
        result = await context.alarms("inst-1", SIX_HOURS)
    assert len(result.items) == 2_000
    assert [g.reason for g in result.gaps] == ["truncated"]
    assert upstream.count("ces") == 20
