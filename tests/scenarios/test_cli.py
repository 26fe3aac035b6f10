"""The terminal CLI as a user runs it: a subprocess, its output and its exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.simulator import (
    DEMO_AK,
    DEMO_PROJECT_ID,
    DEMO_SK,
    ManualClock,
    SimulatorConfig,
    SimulatorThread,
)
from bot.simulator.state import SimulatorState
from tests.fakes.canned_dms import CannedDms
from tests.paths import REPO_ROOT
from tests.scenarios.slack_harness import free_port

REPO = REPO_ROOT
API_FIELDS = {"id", "name", "user_name", "user_id", "params", "status", "created_at", "updated_at"}


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    # A clean environment and an empty working directory: no developer's .env or
    # credentials can leak into what is tested.
    base = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO), "HOME": str(cwd)}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**base, **(env or {})},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def against(sim: SimulatorThread, sk: str = DEMO_SK) -> dict[str, str]:
    return {
        "HUAWEICLOUD_SDK_AK": DEMO_AK,
        "HUAWEICLOUD_SDK_SK": sk,
        "HUAWEICLOUD_SDK_PROJECT_ID": DEMO_PROJECT_ID,
        "DMS_ENDPOINT": sim.url,
    }


def test_demo_mode_says_so_in_one_line_and_prints_a_table(tmp_path: Path) -> None:
    result = run_cli("tasks", "prod-orders", "last", "1h", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "simulator" in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("prod-orders (")
    assert "last 1h" in lines[0]
    assert "tasks" in lines[1]
    header = next(line for line in lines if line.startswith("STATUS"))
    assert header.split() == ["STATUS", "NAME", "USER", "STARTED", "DURATION", "ID"]


def test_json_lines_carry_the_api_field_names(tmp_path: Path) -> None:
    result = run_cli("tasks", "prod-orders", "failed", "last", "7d", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows
    assert all(set(row) == API_FIELDS for row in rows)
    assert {row["status"] for row in rows} == {"FAILED"}
    assert all(isinstance(row["params"], str) for row in rows)


def test_one_task_by_id_shows_params_with_secrets_masked(tmp_path: Path) -> None:
    listing = run_cli(
        "tasks", "prod-orders", "last", "30d", "name", "resetPassword", "--json", cwd=tmp_path
    )
    task = json.loads(listing.stdout.splitlines()[0])
    # The secret as the demo data holds it (seeded: the same in every process).
    demo = SimulatorState(SimulatorConfig().seed, ManualClock(datetime.now(UTC)))
    iid = demo.find_instances("prod-orders", exact=True)[0].instance_id
    record = next(t for t in demo.timeline(iid) or () if t.id == task["id"])
    secret = json.loads(record.params)["password"]
    assert secret
    # Neither the JSON lines nor the task view show it; both name the field.
    assert secret not in listing.stdout
    assert "password" in task["params"].lower()
    shown = run_cli("tasks", "prod-orders", "task", task["id"], cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert task["id"] in shown.stdout
    assert secret not in shown.stdout
    as_json = run_cli("tasks", "prod-orders", "task", task["id"], "--json", cwd=tmp_path)
    assert secret not in as_json.stdout


@pytest.mark.parametrize(
    ("words", "quoted", "suggestion"),
    [
        (["prod-orders", "lst", "2h"], "lst", "last 2h"),
        (["prod-orders", "since", "25:00"], "25:00", "since"),
        (["prod-orders", "status", "faild"], "faild", "failed"),
    ],
)
def test_bad_input_is_one_line_quoting_it_with_the_nearest_form(
    tmp_path: Path, words: list[str], quoted: str, suggestion: str
) -> None:
    result = run_cli("tasks", *words, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert quoted in result.stderr
    assert suggestion in result.stderr.lower()


def test_unknown_instance_names_close_matches(tmp_path: Path) -> None:
    result = run_cli("tasks", "prod-ordrs", "last", "1h", cwd=tmp_path)
    assert result.returncode == 1
    error = result.stderr.strip().splitlines()[-1]
    assert "prod-ordrs" in error
    assert "prod-orders" in error


def test_a_first_word_that_is_no_instance_is_said_first_as_in_slack(tmp_path: Path) -> None:
    result = run_cli("tasks", "detials", "2", cwd=tmp_path)
    assert result.returncode == 1
    said = result.stderr.strip().splitlines()[-1]
    assert said.startswith('error: No Kafka instance named "detials" in the demo simulator.')
    assert "Did you mean the Details button?" in said
    assert "time window" not in result.stderr


def test_a_typo_is_answered_at_once_when_dms_does_not_answer(
    tmp_path: Path, sim_thread: SimulatorThread
) -> None:
    sim_thread.faults.add("timeout", count=50, delay_ms=120_000)
    started = time.monotonic()
    result = run_cli("tasks", "prod-orders", "qwer", cwd=tmp_path, env=against(sim_thread))
    # Not after the client's ~40 s of retries: whether "prod-orders" is an instance is
    # only asked briefly, and the grammar's error is the answer meanwhile.
    assert time.monotonic() - started < 15
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        'error: couldn\'t read "qwer" as a time window; try "yesterday"'
    ]


def test_bad_credentials_name_what_to_check_and_never_the_key(
    tmp_path: Path, sim_thread: SimulatorThread
) -> None:
    result = run_cli(
        "tasks", "prod-orders", cwd=tmp_path, env=against(sim_thread, sk="wrong-secret-key")
    )
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "HUAWEICLOUD_SDK_SK" in result.stderr
    assert "wrong-secret-key" not in result.stderr + result.stdout


def test_real_credentials_query_the_endpoint_without_the_demo_note(
    tmp_path: Path, sim_thread: SimulatorThread
) -> None:
    result = run_cli("tasks", "prod-payments", "last", "24h", cwd=tmp_path, env=against(sim_thread))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("prod-payments (")


def test_upstream_failure_after_retries_is_one_line_with_the_request_id(
    tmp_path: Path, sim_thread: SimulatorThread
) -> None:
    sim_thread.faults.add("503", count=50)
    result = run_cli("tasks", "prod-orders", cwd=tmp_path, env=against(sim_thread))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "DMS did not answer" in lines[0]
    assert "request id" in lines[0]


def test_an_endpoint_nothing_answers_on_is_named_with_the_setting_to_check(
    tmp_path: Path,
) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    env = {
        "HUAWEICLOUD_SDK_AK": DEMO_AK,
        "HUAWEICLOUD_SDK_SK": DEMO_SK,
        "HUAWEICLOUD_SDK_PROJECT_ID": DEMO_PROJECT_ID,
        "DMS_ENDPOINT": closed,
    }
    result = run_cli("tasks", "prod-orders", cwd=tmp_path, env=env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"DMS at {closed} could not be reached (connection refused)" in lines[0]
    assert "Check DMS_ENDPOINT" in lines[0]
    assert "in time" not in lines[0]


def test_missing_setting_is_named_before_anything_runs(tmp_path: Path) -> None:
    result = run_cli("tasks", "prod-orders", cwd=tmp_path, env={"HUAWEICLOUD_SDK_AK": "AKONLY"})
    assert result.returncode == 2
    assert "HUAWEICLOUD_SDK_SK" in result.stderr


def test_instances_and_help(tmp_path: Path) -> None:
    instances = run_cli("tasks", "instances", cwd=tmp_path)
    assert instances.returncode == 0
    assert "prod-orders" in instances.stdout
    assert "staging-orders" in instances.stdout
    helped = run_cli("tasks", "help", cwd=tmp_path)
    assert helped.returncode == 0
    assert "last 1h" in helped.stdout
    overview = run_cli(cwd=tmp_path)
    assert overview.returncode == 0
    assert "tasks" in overview.stdout
    unknown = run_cli("taks", cwd=tmp_path)
    assert unknown.returncode == 2
    assert "tasks" in unknown.stderr


# Sets the terminal's title and clears the screen (ESC and the 8-bit CSI), then turns the
# rest of the line around.
DRIVES_TERMINAL = "\x1b]0;x\x07\x1b[2J\x9b2J\u202e"
HOSTILE_ID = "5b3a7c2e-0000-4000-8000-000000000001"
LISTED, REFUSED = "a" * 32, "b" * 32


def test_nothing_dms_sends_can_drive_the_terminal(tmp_path: Path) -> None:
    # A status is not shown per cell but counted in the summary line; an error message
    # is DMS's own text. Neither reaches the terminal with what would act on it.
    now = datetime.now(UTC)
    iso = "%Y-%m-%dT%H:%M:%S.000Z"
    task = {
        "id": LISTED,
        "name": f"restart{DRIVES_TERMINAL}Instance",
        "user_name": f"li{DRIVES_TERMINAL}",
        "user_id": "0" * 32,
        "params": json.dumps({"note": DRIVES_TERMINAL}),
        "status": f"done{DRIVES_TERMINAL}",
        "created_at": (now - timedelta(minutes=10)).strftime(iso),
        "updated_at": (now - timedelta(minutes=5)).strftime(iso),
    }
    instance = {"instance_id": HOSTILE_ID, "name": f"ops{DRIVES_TERMINAL}", "status": "RUNNING"}
    with CannedDms() as dms:
        dms.answer("/instances", {"instances": [instance], "instance_num": 1})
        dms.answer("/tasks", {"task_count": "1", "tasks": [task]})
        dms.answer(f"/tasks/{LISTED}", {"task_count": "1", "tasks": [task]})
        refusal = {"error_code": "DMS.00400001", "error_msg": f"refused{DRIVES_TERMINAL}"}
        dms.answer(f"/tasks/{REFUSED}", refusal, status=400)
        env = {
            "HUAWEICLOUD_SDK_AK": DEMO_AK,
            "HUAWEICLOUD_SDK_SK": DEMO_SK,
            "HUAWEICLOUD_SDK_PROJECT_ID": DEMO_PROJECT_ID,
            "DMS_ENDPOINT": dms.url,
        }
        runs = {
            "table": run_cli("tasks", HOSTILE_ID, "last", "1h", cwd=tmp_path, env=env),
            "task": run_cli("tasks", HOSTILE_ID, "task", LISTED, cwd=tmp_path, env=env),
            "instances": run_cli("tasks", "instances", cwd=tmp_path, env=env),
            "error": run_cli("tasks", HOSTILE_ID, "task", REFUSED, cwd=tmp_path, env=env),
            "shell": run_cli("shell", f"{HOSTILE_ID} last 1h", cwd=tmp_path, env=env),
            "shell --json": run_cli(
                "shell", "--json", f"{HOSTILE_ID} last 1h", cwd=tmp_path, env=env
            ),
        }
    for name, result in runs.items():
        assert result.returncode == (1 if name == "error" else 0), (name, result.stderr)
        printed = result.stdout + result.stderr
        assert not {"\x1b", "\x07", "\x9b", "\u202e"} & set(printed), (name, printed)
    # Shown, without what would act on the terminal.
    summary = runs["table"].stdout.splitlines()[1]
    assert summary == "1 task: 1 DONE]0;X[2J2J"
    assert "DMS answered 400 DMS.00400001: refused]0;x[2J2J." in runs["error"].stderr
    assert "restart]0;x[2J2JInstance" in runs["task"].stdout
    # JSON keeps the data: the characters are written as escapes.
    assert "\\u009b2J\\u202e" in runs["shell --json"].stdout
