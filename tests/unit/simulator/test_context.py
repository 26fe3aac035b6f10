"""Traces, alarms and progress as the clock moves, without HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.simulator.clock import ManualClock
from bot.simulator.context_model import TraceRecord, progress
from bot.simulator.context_store import TraceQuery, UnknownMarker
from bot.simulator.faults import Faults
from bot.simulator.model import FAILED, TaskRecord, epoch_millis
from bot.simulator.state import SimulatorState

ANCHOR = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def scale_out(status: str = "SUCCESS") -> TaskRecord:
    return TaskRecord(
        id="e" * 32,
        name="extendInstance",
        user_name="li.wei",
        user_id="u" * 32,
        params="{}",
        created_at=ANCHOR,
        started_at=ANCHOR,
        finished_at=ANCHOR + 100 * MINUTE,
        final_status=status,
    )


def statues(answer: dict[str, object]) -> list[object]:
    steps = answer["step_list"]
    assert isinstance(steps, list)
    return [s["statue"] for s in steps]


def test_progress_follows_the_run() -> None:
    task = scale_out()
    assert progress(task, ANCHOR - MINUTE)["progress_percentage"] == 0
    assert statues(progress(task, ANCHOR - MINUTE)) == ["WAITING"] * 3
    half = progress(task, ANCHOR + 50 * MINUTE)
    assert (half["progress_percentage"], half["remain_time"]) == (50, 3000)
    assert statues(half) == ["COMPLETED", "IN_PROGRESS", "WAITING"]
    done = progress(task, ANCHOR + 101 * MINUTE)
    assert (done["progress_percentage"], done["remain_time"]) == (100, 0)
    assert statues(done) == ["COMPLETED"] * 3


def test_a_failed_scale_out_stops_in_its_disk_expansion() -> None:
    ended = progress(scale_out(FAILED), ANCHOR + 200 * MINUTE)
    assert ended["progress_percentage"] == 55
    assert statues(ended) == ["COMPLETED", "FAILED", "WAITING"]
    assert ended["remain_time"] == 0


def test_traces_appear_when_recorded_and_leave_after_seven_days() -> None:
    clock = ManualClock(ANCHOR)
    state = SimulatorState(7, clock)
    everything = TraceQuery(0, epoch_millis(ANCHOR + timedelta(days=30)), {}, limit=100_000)
    now_count = len(state.context.traces(everything, clock.now()).traces)
    later = clock.advance(timedelta(hours=2))
    later_traces = state.context.traces(everything, later).traces
    assert len(later_traces) > now_count  # finishing tasks add their traces
    assert all(t.record_time <= later for t in later_traces)
    assert min(t.time for t in later_traces) >= later - timedelta(days=7)


def test_marker_paging_and_filters() -> None:
    state = SimulatorState(7, ManualClock(ANCHOR))
    [orders] = state.find_instances("prod-orders", exact=True)
    window = (epoch_millis(ANCHOR - timedelta(days=2)), epoch_millis(ANCHOR))
    filters = {"resource_id": orders.instance_id}
    whole = state.context.traces(TraceQuery(*window, filters, limit=200), ANCHOR)
    assert not whole.more
    seen: list[TraceRecord] = []
    marker: str | None = None
    while True:
        page = state.context.traces(TraceQuery(*window, filters, marker, limit=9), ANCHOR)
        seen.extend(page.traces)
        if not page.more:
            break
        marker = page.traces[-1].trace_id
    assert [t.trace_id for t in seen] == [t.trace_id for t in whole.traces]
    assert {t.resource_id for t in seen} == {orders.instance_id}
    with pytest.raises(UnknownMarker):
        state.context.traces(TraceQuery(*window, filters, "no-such-trace"), ANCHOR)


def test_volume_knobs_for_a_bench_instance() -> None:
    clock = ManualClock(ANCHOR)
    state = SimulatorState(7, clock)
    iid = state.add_instance("bench", 500, timedelta(hours=6), traces=2000, alarms=200)
    mine = [t for t in state.context.all_traces() if t.resource_id == iid]
    assert len(mine) >= 2000 + 500  # the others plus each task's own
    assert all(ANCHOR - timedelta(hours=6) - MINUTE <= t.time for t in mine)
    alarms = [a for a in state.context.all_alarms() if a.instance_id == iid]
    assert len(alarms) == 200
    assert all(a.record_id.startswith("ah") and len(a.record_id) == 24 for a in alarms)
    again = SimulatorState(7, ManualClock(ANCHOR))
    again.add_instance("bench", 500, timedelta(hours=6), traces=2000, alarms=200)
    assert [t.trace_id for t in again.context.all_traces()] == [
        t.trace_id for t in state.context.all_traces()
    ]


def test_alarm_status_follows_the_clock() -> None:
    state = SimulatorState(7, ManualClock(ANCHOR))
    [lag] = [a for a in state.context.all_alarms() if a.name == "prod-orders-consumer-lag"]
    assert lag.status_at(lag.first_alarm) == "alarm"
    assert lag.to_api(lag.first_alarm)["alarm_recovery_time"] is None
    assert lag.recovered is not None
    assert lag.status_at(lag.recovered) == "ok"
    assert lag.updated_at(ANCHOR) == lag.recovered


def test_faults_aimed_at_one_service_wait_for_it() -> None:
    faults = Faults(seed=1)
    faults.add("403", service="cts")
    faults.add("500")
    assert faults.take("ces") is not None  # the untargeted 500
    assert faults.take("dms") is None
    taken = faults.take("cts")
    assert taken is not None
    assert (taken.kind, taken.service) == ("403", "cts")
    with pytest.raises(ValueError, match="service"):
        faults.add("403", service="obs")
    with pytest.raises(ValueError, match="service"):
        faults.absent_services = frozenset({"obs"})
