"""``python -m bot timeline``: the whole timeline in the terminal, as Markdown, CSV or
JSON, from the simulator that serves DMS, CTS and CES on one port."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.simulator import ManualClock, SimulatorThread
from tests.scenarios.test_cli import against, run_cli


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorThread]:
    with SimulatorThread(clock=ManualClock(datetime.now(UTC))) as thread:
        yield thread


def env(sim: SimulatorThread) -> dict[str, str]:
    return {**against(sim), "CTS_ENDPOINT": sim.url, "CES_ENDPOINT": sim.url}


def test_markdown_by_default_with_the_header_and_every_moment(
    sim: SimulatorThread, tmp_path: Path
) -> None:
    result = run_cli("timeline", "prod-orders", "last", "6h", cwd=tmp_path, env=env(sim))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("# prod-orders timeline")
    assert "Specification:" in out
    assert "| maria.garcia | 203.0.113.45 | console |" in out


def test_csv_rows_and_json_moments_are_the_same_timeline(
    sim: SimulatorThread, tmp_path: Path
) -> None:
    as_csv = run_cli("timeline", "prod-orders", "last", "6h", "--csv", cwd=tmp_path, env=env(sim))
    as_json = run_cli("timeline", "prod-orders", "--json", "last", "6h", cwd=tmp_path, env=env(sim))
    assert as_csv.returncode == 0, as_csv.stderr
    assert as_json.returncode == 0, as_json.stderr
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    data = json.loads(as_json.stdout)
    assert len(rows) == len(data["moments"]) > 30
    assert data["gaps"] == []
    assert any(r["kind"] == "alarm" and r["metric"] == "group_msgs" for r in rows)


def test_a_missing_cts_host_is_a_gap_in_the_json(sim: SimulatorThread, tmp_path: Path) -> None:
    result = run_cli("timeline", "prod-orders", "--json", cwd=tmp_path, env=against(sim))
    assert result.returncode == 0, result.stderr
    gaps = {(g["source"], g["reason"]) for g in json.loads(result.stdout)["gaps"]}
    assert gaps == {("cts", "no_endpoint"), ("ces", "no_endpoint")}


def test_an_unknown_instance_fails_with_one_line(sim: SimulatorThread, tmp_path: Path) -> None:
    result = run_cli("timeline", "no-such-instance", cwd=tmp_path, env=env(sim))
    assert result.returncode == 1
    assert result.stderr.startswith("error:")


def test_an_unknown_zone_says_what_to_type_and_hides_what_a_terminal_would_run(
    sim: SimulatorThread, tmp_path: Path
) -> None:
    """Read by the same code as `tasks --tz`: the same hint, nothing invisible echoed."""
    typed = "Mars/Olympus\x1b[2J"
    result = run_cli("timeline", "prod-orders", "--tz", typed, cwd=tmp_path, env=env(sim))
    assert result.returncode == 2
    assert "unknown time zone" in result.stderr
    assert "use an IANA name like Asia/Shanghai" in result.stderr
    assert "\x1b" not in result.stderr
