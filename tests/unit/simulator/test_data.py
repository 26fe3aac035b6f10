"""Demo data and the task timeline: deterministic, realistic, and derived from the clock."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.simulator import ManualClock, SimulatorState, TaskRecord
from bot.simulator.data import DEMO_PROFILES, generate_bulk, generate_demo

ANCHOR = datetime(2026, 11, 27, 3, 0, 0, 123456, tzinfo=UTC)


def demo_state(seed: int = 7, at: datetime = ANCHOR) -> SimulatorState:
    return SimulatorState(seed, ManualClock(at))


def by_name(state: SimulatorState, name: str) -> tuple[TaskRecord, ...]:
    [instance] = state.find_instances(name, exact=True)
    timeline = state.timeline(instance.instance_id)
    assert timeline is not None
    return timeline


def test_same_seed_same_data_other_seed_other_data() -> None:
    assert generate_demo(7, ANCHOR) == generate_demo(7, ANCHOR)
    assert generate_demo(8, ANCHOR) != generate_demo(7, ANCHOR)
    assert generate_bulk(7, "b", 50, timedelta(hours=1), ANCHOR) == generate_bulk(
        7, "b", 50, timedelta(hours=1), ANCHOR
    )


def test_ids_depend_on_the_seed_not_on_the_start_time() -> None:
    today, next_week = demo_state(at=ANCHOR), demo_state(at=ANCHOR + timedelta(days=7))
    ids = [i.instance_id for i in today.instances()]
    assert ids == [i.instance_id for i in next_week.instances()]
    assert [t.id for t in by_name(today, "prod-orders")] == [
        t.id for t in by_name(next_week, "prod-orders")
    ]
    assert ids != [i.instance_id for i in demo_state(seed=8).instances()]
    assert all(len(i) == 36 and i.count("-") == 4 for i in ids)


def test_instance_names_make_orders_ambiguous_and_payments_unique() -> None:
    state = demo_state()
    names = {p.name for p in DEMO_PROFILES}
    assert {"prod-orders", "prod-orders-dr", "prod-payments", "staging-orders", "dev-sandbox",
            "analytics-events"} <= names  # fmt: skip
    assert len(state.find_instances("orders")) == 3
    assert [i.name for i in state.find_instances("Payments")] == ["prod-payments"]
    assert [i.name for i in state.find_instances("prod-orders", exact=True)] == ["prod-orders"]
    assert state.find_instances("PROD-ORDERS", exact=True) == []


def test_tasks_look_like_the_real_ones() -> None:
    state = demo_state()
    everything = [t for i in state.instances() for t in state.timeline(i.instance_id) or ()]
    assert len(everything) > 1500
    names = Counter(t.name for t in everything)
    assert {"modifyAutoTopic", "changeRetentionPolicy", "bindInstancePublicIp", "restartInstance",
            "extendInstance", "createTopic", "deleteTopic", "resetPassword", "modifyConfigs",
            "reassignPartitions", "createUser", "modifyInstanceName"} <= set(names)  # fmt: skip
    statuses = Counter(t.final_status for t in everything)
    assert 0.05 < statuses["FAILED"] / len(everything) < 0.12
    assert statuses["DELETED"] > 0
    assert statuses["CANCELLED"] > 0
    assert {"paas_dms", "li.wei"} <= {t.user_name for t in everything}
    for task in everything:
        assert len(task.id) == 32
        int(task.id, 16)
        assert isinstance(json.loads(task.params), dict)
    passwords = [json.loads(t.params) for t in everything if t.name == "resetPassword"]
    assert all(p["password"] for p in passwords)
    auto_topic = next(json.loads(t.params) for t in everything if t.name == "modifyAutoTopic")
    assert auto_topic["new_auto_status"] is not auto_topic["old_auto_status"]
    assert len({t.user_id for t in everything if t.user_name == "paas_dms"}) == 1


def test_prod_orders_timeline_shape() -> None:
    state = demo_state()
    now = state.clock.now()
    tasks = by_name(state, "prod-orders")
    visible = [t for t in tasks if t.visible_at(now)]
    assert len(visible) >= 300
    assert sum(1 for t in visible if t.created_at >= now - timedelta(hours=1)) >= 15
    assert min(t.created_at for t in tasks) >= now - timedelta(days=30)
    statuses_now = Counter(t.status_at(now) for t in visible)
    assert statuses_now["EXECUTING"] >= 1
    assert statuses_now["CREATED"] >= 1
    assert any(not t.visible_at(now) for t in tasks), "some tasks appear later"
    in_progress = [t for t in visible if t.status_at(now) in {"CREATED", "EXECUTING"}]
    assert max(t.finished_at for t in in_progress) - now >= timedelta(minutes=30)


def test_bulk_instance_tasks_fill_the_span_ending_now() -> None:
    clock = ManualClock(ANCHOR)
    state = SimulatorState(7, clock)
    now = clock.advance(timedelta(hours=2))
    instance_id = state.add_instance("bulk", 2000, span=timedelta(hours=3))
    page = state.task_page(instance_id, limit=5000)
    assert page is not None
    assert page.total == 2000
    assert all(now - timedelta(hours=3) <= t.created_at <= now for t in page.tasks)
    with pytest.raises(ValueError, match="already exists"):
        state.add_instance("bulk", 1)
    with pytest.raises(ValueError, match="span"):
        state.add_instance("other", 1, span=timedelta(0))


def test_a_task_status_follows_the_clock() -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    task = TaskRecord(
        id="a" * 32,
        name="restartInstance",
        user_name="paas_dms",
        user_id="b" * 32,
        params="{}",
        created_at=t0,
        started_at=t0 + timedelta(minutes=1),
        finished_at=t0 + timedelta(minutes=5),
        final_status="FAILED",
    )
    second = timedelta(seconds=1)
    assert not task.visible_at(t0 - second)
    assert (task.status_at(t0), task.updated_at(t0)) == ("CREATED", t0)
    assert task.status_at(t0 + 2 * 60 * second) == "EXECUTING"
    assert task.updated_at(t0 + 2 * 60 * second) == t0 + timedelta(minutes=1)
    assert task.status_at(t0 + timedelta(hours=1)) == "FAILED"
    api = task.to_api(t0 + timedelta(hours=1))
    assert api["updated_at"] == "2026-01-01T00:05:00.000Z"
    assert api["created_at"] == "2026-01-01T00:00:00.000Z"
    with pytest.raises(ValueError, match="final status"):
        TaskRecord(**{**task.__dict__, "final_status": "EXECUTING"})
    with pytest.raises(ValueError, match="created_at <= started_at"):
        TaskRecord(**{**task.__dict__, "started_at": t0 - second})


def test_manual_clock() -> None:
    clock = ManualClock(ANCHOR)
    assert clock.advance(timedelta(minutes=5)) == ANCHOR + timedelta(minutes=5)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        ManualClock(datetime(2026, 1, 1))
    clock.set(ANCHOR)
    assert clock.now() == ANCHOR


_STATE = demo_state()
_PAYMENTS = _STATE.find_instances("prod-payments")[0].instance_id


@settings(max_examples=60, deadline=None)
@given(
    start=st.integers(min_value=1, max_value=400),
    limit=st.integers(min_value=1, max_value=120),
    begin_h=st.one_of(st.none(), st.integers(min_value=0, max_value=800)),
    length_h=st.one_of(st.none(), st.integers(min_value=0, max_value=800)),
)
def test_a_page_is_the_window_slice(
    start: int, limit: int, begin_h: int | None, length_h: int | None
) -> None:
    now = _STATE.clock.now()
    begin = None if begin_h is None else now - timedelta(hours=begin_h)
    end = None if begin is None or length_h is None else begin + timedelta(hours=length_h)
    timeline = _STATE.timeline(_PAYMENTS)
    assert timeline is not None
    window = [
        t
        for t in timeline
        if t.created_at <= now
        and (begin is None or begin <= t.created_at)
        and (end is None or t.created_at <= end)
    ]

    page = _STATE.task_page(_PAYMENTS, start=start, limit=limit, begin=begin, end=end)

    assert page is not None
    assert page.total == len(window)
    assert list(page.tasks) == window[start - 1 : start - 1 + limit]


def test_a_test_can_give_an_instance_its_own_task() -> None:
    clock = ManualClock(ANCHOR)
    state = SimulatorState(7, clock)
    instance_id = state.find_instances("prod-orders", exact=True)[0].instance_id
    now = clock.now()
    task = TaskRecord(
        id="c" * 32,
        name="modifyConfigs",
        user_name="li.wei",
        user_id="d" * 32,
        params='{"ssl.key.password": "pw"}',
        created_at=now - timedelta(minutes=1),
        started_at=now - timedelta(minutes=1),
        finished_at=now + timedelta(minutes=1),
        final_status="SUCCESS",
    )
    state.add_task(instance_id, task)
    assert state.task(instance_id, task.id) == task
    timeline = state.timeline(instance_id) or ()
    assert task in timeline
    # Still newest first, so pages and windows find it where its time puts it.
    assert [t.created_at for t in timeline] == sorted(
        (t.created_at for t in timeline), reverse=True
    )
    with pytest.raises(ValueError, match="already has"):
        state.add_task(instance_id, task)
    with pytest.raises(ValueError, match="no instance"):
        state.add_task("nope", task)


def test_every_run_has_the_same_tasks_at_the_same_distance_from_its_start() -> None:
    # What makes an example with a task id, or "the failure 11 minutes ago", hold on any
    # day: only the start moves.
    later = ANCHOR + timedelta(days=400, seconds=17)
    for first, again in zip(generate_demo(7, ANCHOR), generate_demo(7, later), strict=True):
        assert first.instance.instance_id == again.instance.instance_id
        assert len(first.tasks) == len(again.tasks)
        for one, other in zip(first.tasks, again.tasks, strict=True):
            assert (one.id, one.name, one.final_status, one.params) == (
                other.id,
                other.name,
                other.final_status,
                other.params,
            )
            assert other.created_at - one.created_at == later - ANCHOR
            assert other.finished_at - one.finished_at == later - ANCHOR
