"""The simulator's command line, its config checks and its fault queue."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest

from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Faults, SimulatorConfig
from bot.simulator.cli import banner, main, serve


def test_help_shows_the_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for expected in ("--port", "8765", "--latency-ms", "--fail-rate", "--seed", "--max-limit",
                     DEMO_AK, DEMO_PROJECT_ID):  # fmt: skip
        assert expected in out


def test_bad_arguments_exit_with_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--fail-rate", "1.5"])
    assert exited.value.code == 2
    assert "fail_rate must be within [0, 1]" in capsys.readouterr().err


def test_banner_never_prints_a_secret_key() -> None:
    demo = banner("http://127.0.0.1:8765", SimulatorConfig())
    assert "http://127.0.0.1:8765" in demo
    assert f"HUAWEICLOUD_SDK_AK={DEMO_AK}" in demo
    assert f"HUAWEICLOUD_SDK_PROJECT_ID={DEMO_PROJECT_ID}" in demo
    assert "(demo secret, see --help)" in demo
    assert DEMO_SK not in demo
    custom = banner("http://h:1", SimulatorConfig(sk="my-real-secret-key"))
    assert "my-real-secret-key" not in custom
    assert "\n" not in demo


async def test_serve_prints_the_url_and_serves_until_cancelled(
    capsys: pytest.CaptureFixture[str],
) -> None:
    task = asyncio.create_task(serve(SimulatorConfig(), "127.0.0.1", 0))
    out = ""
    for _ in range(200):
        await asyncio.sleep(0.01)
        out += capsys.readouterr().out
        if out:
            break
    match = re.search(r"DMS simulator at (http://127\.0\.0\.1:\d+)", out)
    assert match, out
    async with httpx.AsyncClient(base_url=match.group(1)) as client:
        assert (await client.get("/_sim/stats")).status_code == 200
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def test_config_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="latency_ms must be >= 0"):
        SimulatorConfig(latency_ms=-1)
    with pytest.raises(ValueError, match="max_limit"):
        SimulatorConfig(max_limit=0)
    assert "sk" not in repr(SimulatorConfig()).replace("max_skew", "")


def test_fault_queue_order_counts_and_validation() -> None:
    faults = Faults(seed=1)
    faults.add("502", count=2)
    faults.add("429", retry_after=1.5)
    taken = [faults.take() for _ in range(4)]
    assert [f.kind if f else None for f in taken] == ["502", "502", "429", None]
    assert taken[2] is not None
    assert taken[2].retry_after == 1.5
    with pytest.raises(ValueError, match="unknown fault kind"):
        faults.add("teapot")
    with pytest.raises(ValueError, match="delay_ms"):
        faults.add("500", delay_ms=10)
    with pytest.raises(ValueError, match="count"):
        faults.add("500", count=0)
    faults.add("500", count=3)
    faults.clear()
    assert faults.take() is None
