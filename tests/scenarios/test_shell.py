"""The local shell as a newcomer uses it: no Slack, no cloud account, the simulator."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from pexpect import EOF
from pexpect.popen_spawn import PopenSpawn

from tests.paths import REPO_ROOT

REPO = REPO_ROOT


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
    assert "Traceback" not in session.stderr
    # The Block Kit Builder link (10 KB a message) is only there when asked for.
    assert "block-kit-builder" not in out


def test_builder_links_only_with_builder_and_help_says_so(tmp_path: Path) -> None:
    helped = shell("shell", "help", cwd=tmp_path)
    assert helped.returncode == 0, helped.stderr
    assert "--builder" in helped.stdout
    assert "block-kit-builder" not in helped.stdout
    linked = shell("shell", "--builder", "prod-orders", "last", "1h", cwd=tmp_path)
    assert linked.returncode == 0, linked.stderr
    assert "Block Kit Builder: https://app.slack.com/block-kit-builder#" in linked.stdout


def test_buttons_are_pressed_by_their_label_in_any_case_and_short_form(tmp_path: Path) -> None:
    typed = [
        "prod-orders last 7d",
        "NEXT",  # page 2
        "prev",  # back to page 1
        "next",
        "back",
        "details",  # ten on screen: which one?
        "details 2",
        "Share in channel",
        "quit",
    ]
    session = shell("shell", cwd=tmp_path, stdin="\n".join(typed) + "\n")
    assert session.returncode == 0, session.stderr
    out = session.stdout
    pages = [line for line in out.splitlines() if "· page " in line]
    assert [p.split("· page ")[1].split(" of")[0] for p in pages] == ["1", "2", "1", "2", "1", "1"]
    assert 'Several buttons answer to "details": [Details 1] … [Details 10]' in out
    assert "(in Slack: posted in the answer's thread)" in out
    assert "Task id: " in out
    assert "(in Slack: posted in the channel for everyone)" in out
    assert "No Kafka instance" not in out
    assert "```" not in out


def test_a_button_not_on_screen_is_named_not_taken_for_an_instance(tmp_path: Path) -> None:
    session = shell("shell", cwd=tmp_path, stdin="previous\nprod-orders last 1h\nprevious\n")
    assert session.returncode == 0, session.stderr
    out = session.stdout
    assert 'No "previous" button on screen now: ask something first' in out
    assert (
        'No "previous" button on screen now; the buttons shown: [Details 1] … [Details 10]' in out
    )
    assert "No Kafka instance" not in out


def test_one_shot_json_prints_the_block_kit(tmp_path: Path) -> None:
    result = shell("shell", "prod-orders", "last", "1h", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    message = json.loads(result.stdout)
    assert message["text"]
    assert any(block["type"] == "header" for block in message["blocks"])


def test_ctrl_c_while_reading_a_pipe_leaves_quietly(tmp_path: Path) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO), "HOME": str(tmp_path)}
    # Its stdin a pipe left open, as when `make run` is piped: the shell waits for a line.
    child = PopenSpawn(
        [sys.executable, "-m", "bot", "shell"],
        cwd=str(tmp_path),
        env=env,
        timeout=30,
        encoding="utf-8",
    )
    child.expect_exact("kafka-tasks> ")
    child.kill(signal.SIGINT)
    child.expect(EOF)
    assert child.proc.wait(timeout=30) == 130  # at once: not after the next Enter
    assert "Traceback" not in (child.before or "")


def test_one_shot_text_is_a_command_and_an_error_exits_1(tmp_path: Path) -> None:
    # No buttons are on screen in a one-shot run: "next" is read as a command.
    result = shell("shell", "--json", "next", cwd=tmp_path)
    assert result.returncode == 1
    message = json.loads(result.stdout)
    assert 'No Kafka instance named "next"' in message["text"]
    assert "Did you mean the Next › button?" in message["text"]
    assert "button on screen" not in result.stdout + result.stderr
    typo = shell("shell", "prod-orders", "lst", "2h", cwd=tmp_path)
    assert typo.returncode == 1
    assert "last 2h" in typo.stdout


def test_with_json_stdout_is_only_json_and_the_shells_own_lines_go_to_stderr(
    tmp_path: Path,
) -> None:
    session = shell("shell", "--json", cwd=tmp_path, stdin="prod-orders last 1h\nnext 2\nquit\n")
    assert session.returncode == 0, session.stderr
    answers = [json.loads(line) for line in session.stdout.splitlines() if line.strip()]
    assert len(answers) == 1
    assert any(block["type"] == "header" for block in answers[0]["blocks"])
    assert 'No "next 2" button on screen now; the buttons shown: [Details 1]' in session.stderr
    assert "kafka-tasks> " in session.stderr
