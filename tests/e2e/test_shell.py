"""The local shell as a newcomer uses it: no Slack, no cloud account, the simulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def shell(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO), "HOME": str(cwd)}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_run_without_slack_tokens_opens_the_shell_a_newcomer_can_use(tmp_path: Path) -> None:
    session = shell(
        "run", cwd=tmp_path, stdin="prod-orders last 1h\nhelp\nprod-orders lst 2h\nnext\nquit\n"
    )
    assert session.returncode == 0, session.stderr
    assert "simulator" in session.stderr  # says, once, where the answers come from
    out = session.stdout
    assert "prod-orders · last 1h" in out
    assert "[Refresh]" in out
    assert "last 30m" in out  # help shows the grammar
    assert "last 2h" in out  # the bad command got the nearest valid form
    assert "11–20 of" in out or "11-20 of" in out  # Next was pressed by typing its label
    assert "app.slack.com/block-kit-builder" in out
    assert "Traceback" not in session.stderr


def test_one_shot_json_prints_the_block_kit(tmp_path: Path) -> None:
    result = shell("shell", "prod-orders", "last", "1h", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    message = json.loads(result.stdout)
    assert message["text"]
    assert any(block["type"] == "header" for block in message["blocks"])
