"""Task and instance parsing: defensive, keeping what the API sent."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.bounded_json import Unreadable
from bot.core.dms.models import Instance, Task
from bot.core.redact import MASK, redact

DOC_TASK = {
    "id": "8abfa7b372160bfd0172165864064079",
    "name": "modifyAutoTopic",
    "user_name": "paas_dms",
    "user_id": "3df5acbc24a54fadb62a043c9000a307",
    "params": '{"old_auto_status":true,"new_auto_status":false}',
    "status": "EXECUTING",
    "created_at": "2020-05-15T03:19:51.046Z",
    "updated_at": "2020-05-15T03:19:51.065Z",
}


def test_documented_task_parses_to_aware_times_and_json_params() -> None:
    task = Task.from_api(DOC_TASK)
    assert task.created_at == datetime(2020, 5, 15, 3, 19, 51, 46_000, tzinfo=UTC)
    assert task.params == {"old_auto_status": True, "new_auto_status": False}
    assert task.in_progress
    assert not task.terminal
    assert task.to_api() == DOC_TASK


def test_running_task_duration_runs_to_now_and_finished_to_updated_at() -> None:
    running = Task.from_api(DOC_TASK)
    now = datetime(2020, 5, 15, 3, 29, 51, 46_000, tzinfo=UTC)
    assert running.duration(now) == timedelta(minutes=10)
    done = Task.from_api({**DOC_TASK, "status": "SUCCESS"})
    assert done.duration(now) == timedelta(milliseconds=19)


def test_unknown_status_text_params_and_bad_dates_are_kept_not_fatal() -> None:
    task = Task.from_api(
        {**DOC_TASK, "status": "rolling_back", "params": "not json", "created_at": "yesterday"}
    )
    assert task.status == "ROLLING_BACK"
    assert not task.in_progress
    assert not task.terminal
    assert task.params == "not json"
    assert task.created_at is None
    assert task.duration(datetime.now(UTC)) is None


def test_missing_fields_do_not_break_parsing() -> None:
    task = Task.from_api({"id": "x"})
    assert task.name == "(unnamed)"
    assert task.status == "UNKNOWN"
    assert task.params is None


def test_instance_created_at_is_epoch_milliseconds() -> None:
    inst = Instance.from_api({"instance_id": "i", "name": "n", "created_at": "1700000000000"})
    assert inst.created_at == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert Instance.from_api({"instance_id": "i", "created_at": "soon"}).created_at is None


def test_redaction_masks_secret_looking_values_at_any_depth() -> None:
    params = {
        "user": "alice",
        "new_password": "hunter2",
        "nested": [{"secret_key": "abc", "topic": "orders"}, {"token": ""}],
        "ak": "AKX",
        "partitions": 3,
    }
    assert redact(params) == {
        "user": "alice",
        "new_password": MASK,
        "nested": [{"secret_key": MASK, "topic": "orders"}, {"token": ""}],
        "ak": MASK,
        "partitions": 3,
    }


# -- fields DMS sends that cannot be read -------------------------------------------------

DEEP_PARAMS = "[" * 100_000 + "]" * 100_000


def test_params_nested_past_any_parser_leave_the_rest_of_the_task_readable() -> None:
    task = Task.from_api({**DOC_TASK, "params": DEEP_PARAMS})
    assert task.unreadable == {"params": "too_deep"}
    assert task.params is None
    assert (task.id, task.name, task.status) == (DOC_TASK["id"], "modifyAutoTopic", "EXECUTING")
    assert task.created_at == Task.from_api(DOC_TASK).created_at
    # What is stored and re-sent (outbox rows, --json) leaves the field out, and reads back.
    again = Task.from_api(json.loads(json.dumps(task.to_api())))
    assert again.params is None
    assert again.to_api() == {**DOC_TASK, "params": ""}


def test_params_over_their_size_bound_are_unreadable_not_parsed() -> None:
    huge = json.dumps({"topics": ["t"] * 200_000})
    task = Task.from_api({**DOC_TASK, "params": huge})
    assert task.unreadable == {"params": "too_large"}
    assert task.to_api()["params"] == ""


# A hang guard, not a speed target: this took about two minutes, on the event loop.
@pytest.mark.timeout(30)
def test_params_cut_off_mid_string_are_kept_as_text_at_once() -> None:
    # Twice encoded, as DMS sends some change requests, and cut off at the params bound.
    inner = json.dumps({"configs": [{"name": f"k{n}", "value": "v"} for n in range(20_000)]})
    cut = json.dumps(json.dumps(inner))[: 256 * 1024]
    task = Task.from_api({**DOC_TASK, "params": cut})
    assert (task.params, task.params_raw, task.unreadable) == (cut, cut, {})


def test_params_sent_as_an_object_are_bounded_like_a_string() -> None:
    deep: object = {"a": 1}
    for _ in range(40):
        deep = [deep]
    task = Task.from_api({**DOC_TASK, "params": deep})
    assert task.unreadable == {"params": "too_deep"}
    cut = Task.from_api({**DOC_TASK, "params": {"topic": [Unreadable("too_deep")]}})
    assert cut.unreadable == {"params": "too_deep"}
    json.dumps(cut.to_api())  # nothing unreadable is carried on to be written
    fine = Task.from_api({**DOC_TASK, "params": {"topic": "orders"}})
    assert (fine.unreadable, fine.params) == ({}, {"topic": "orders"})


def test_text_fields_too_long_or_not_text_are_named_and_left_empty() -> None:
    task = Task.from_api(
        {**DOC_TASK, "name": ["not", "text"], "user_name": "u" * 5000, "id": "i" * 300}
    )
    assert task.unreadable == {"name": "not_text", "user_name": "too_large", "id": "too_large"}
    assert (task.name, task.user_name, task.id) == ("(unnamed)", "", "")
    assert task.user_id == DOC_TASK["user_id"]
    assert task.to_api()["user_name"] == ""
    assert Task.from_api({**DOC_TASK, "created_at": "2" * 10_000}).created_at is None


def test_an_instance_field_too_long_is_named_and_left_empty() -> None:
    inst = Instance.from_api({"instance_id": "i-1", "name": "n" * 5000, "status": "RUNNING"})
    assert inst.unreadable == {"name": "too_large"}
    assert (inst.instance_id, inst.name, inst.status) == ("i-1", "", "RUNNING")


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00"])
def test_a_time_that_leaves_the_calendar_in_utc_is_unknown_not_fatal(value: str) -> None:
    task = Task.from_api({**DOC_TASK, "created_at": value, "updated_at": value})
    assert (task.created_at, task.updated_at) == (None, None)
