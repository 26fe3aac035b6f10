"""The shell at a real terminal: keys typed into a pseudo-terminal, the screen read back.

``python -m bot shell`` runs as a newcomer runs it, with no Slack or Huawei settings
(the built-in simulator answers), in a scratch HOME, so the history it keeps is the
test's own. What is typed is the bytes a terminal sends for each key.
"""

from __future__ import annotations

import io
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pexpect

from bot.simulator import SimulatorThread
from tests.paths import REPO_ROOT
from tests.scenarios.test_cli import against

REPO = REPO_ROOT
PROMPT = "kafka-tasks>"
LEFT, UP, TAB, ENTER, CTRL_C, CTRL_D = "\x1b[D", "\x1b[A", "\t", "\r", "\x03", "\x04"
# What a terminal is sent between the characters of a line being redrawn: styles,
# cursor moves, modes, line feeds, a blank and a backspace. The line editor redraws
# only what changed, so text typed and text completed reach the screen as pieces with
# these in between.
_CONTROL = r"(?:\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|[\r\n\x07\x08]| \x08)*"
WAIT_S = 30


def on_screen(text: str) -> str:
    """A pattern for ``text`` as it reaches the terminal, control sequences and all."""
    return _CONTROL.join(re.escape(char) for char in text)


class Terminal:
    def __init__(self, child: pexpect.spawn[str], screen: io.StringIO) -> None:
        self.child = child
        self.screen = screen

    def type(self, *keys: str) -> None:
        for key in keys:
            self.child.send(key)

    def shows(self, text: str) -> None:
        self.child.expect(on_screen(text))

    def prompt(self) -> None:
        self.child.expect_exact(PROMPT)

    def leaves(self) -> int:
        """Ctrl-D at an empty prompt; the exit code."""
        self.type(CTRL_D)
        self.child.expect(pexpect.EOF)
        self.child.close()
        status = self.child.exitstatus
        assert status is not None, f"killed by signal {self.child.signalstatus}"
        return status


@contextmanager
def terminal(
    home: Path, *args: str, env: dict[str, str] | None = None, columns: int = 120
) -> Iterator[Terminal]:
    base = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(REPO),
        "HOME": str(home),
        "TERM": "xterm-256color",
        # pexpect does not answer the cursor-position query a real terminal answers.
        "PROMPT_TOOLKIT_NO_CPR": "1",
    }
    child = pexpect.spawn(
        sys.executable,
        ["-m", "bot", "shell", *args],
        cwd=str(home),
        env={**base, **(env or {})},
        dimensions=(40, columns),
        encoding="utf-8",
        timeout=WAIT_S,
    )
    screen = io.StringIO()
    child.logfile_read = screen
    try:
        yield Terminal(child, screen)
    finally:
        child.close(force=True)
    assert "Traceback" not in screen.getvalue()


def test_left_arrow_edits_the_line_and_ctrl_d_leaves_with_0(tmp_path: Path) -> None:
    with terminal(tmp_path) as term:
        term.prompt()
        # "prod-orders 1h", then back over "1h" to put "last " before it.
        term.type("prod-orders 1h", LEFT, LEFT, "last ", ENTER)
        term.shows("prod-orders · last 1h")
        term.shows("[Refresh]")
        term.prompt()
        assert term.leaves() == 0
        assert "couldn't read" not in term.screen.getvalue()


def test_up_recalls_a_command_of_an_earlier_run(tmp_path: Path) -> None:
    with terminal(tmp_path) as term:
        term.prompt()
        term.type("prod-orders last 2h", ENTER)
        term.shows("prod-orders · last 2h")
        term.prompt()
        assert term.leaves() == 0
    history = tmp_path / ".local" / "state" / "kafka-tasks" / "history"
    assert "prod-orders last 2h" in history.read_text(encoding="utf-8")
    with terminal(tmp_path) as term:
        term.prompt()
        term.type(UP)
        term.shows("prod-orders last 2h")
        term.type(ENTER)
        term.shows("prod-orders · last 2h")
        term.prompt()
        assert term.leaves() == 0


def test_tab_completes_an_instance_name_and_a_grammar_word(tmp_path: Path) -> None:
    with terminal(tmp_path) as term:
        term.prompt()
        term.type("prod-pay", TAB)
        term.shows("prod-payments")  # the instance, from the simulator's listing
        term.type(" la", TAB)
        term.shows("last")  # a word of the grammar
        term.type(" 1h", ENTER)
        term.shows("prod-payments · last 1h")
        term.prompt()
        # A button on screen completes too, and typing it presses it.
        term.type("ref", TAB)
        term.shows("Refresh")
        term.type(ENTER)
        term.shows("prod-payments · last 1h")
        term.prompt()
        assert term.leaves() == 0


def test_ctrl_c_drops_the_line_without_a_traceback(tmp_path: Path) -> None:
    with terminal(tmp_path) as term:
        term.prompt()
        term.type("garbage words", CTRL_C)
        term.prompt()
        term.type("help", ENTER)
        term.shows("windows:")  # "help" alone was read: the dropped words are gone
        term.prompt()
        assert term.leaves() == 0
        assert "garbage" not in term.screen.getvalue().split("windows:")[1]
        assert "No Kafka instance" not in term.screen.getvalue()


def test_ctrl_d_leaves_at_once_with_0(tmp_path: Path) -> None:
    with terminal(tmp_path) as term:
        term.prompt()
        assert term.leaves() == 0


def test_answers_fill_the_terminal_it_runs_in(tmp_path: Path) -> None:
    with terminal(tmp_path, columns=200) as term:
        term.prompt()
        term.type("prod-orders last 1h", ENTER)
        term.shows("─" * 200)
        term.prompt()
        assert term.leaves() == 0
    with terminal(tmp_path, columns=70) as term:
        term.prompt()
        term.type("prod-orders last 1h", ENTER)
        term.shows("─" * 70 + "\r\n")
        term.prompt()
        assert term.leaves() == 0


def until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_tab_does_not_wait_for_a_slow_dms(tmp_path: Path, sim_thread: SimulatorThread) -> None:
    # The listing Tab reads instance names from does not come back while the test runs.
    sim_thread.faults.add("timeout", delay_ms=120_000)
    with terminal(tmp_path, env=against(sim_thread)) as term:
        term.prompt()
        until(lambda: sim_thread.stats.count("list_instances") >= 1, "the listing to be asked")
        term.type("he", TAB)
        term.shows("help")  # the grammar's words do not wait for DMS
        term.type(ENTER)
        term.shows("windows:")
        term.prompt()
        assert term.leaves() == 0


def test_ctrl_c_while_dms_is_slow_gives_the_prompt_back(
    tmp_path: Path, sim_thread: SimulatorThread
) -> None:
    stats = sim_thread.stats
    with terminal(tmp_path, env=against(sim_thread)) as term:
        term.prompt()
        # Once the names for Tab are fetched, the next call to DMS is held.
        until(lambda: sum(stats.snapshot().outcomes.values()) >= 1, "the listing to be answered")
        sim_thread.faults.add("timeout", delay_ms=120_000)
        term.type("prod-orders last 1h", ENTER)
        until(lambda: stats.snapshot().total >= 2, "the command to reach DMS")
        term.type(CTRL_C)
        term.shows("(cancelled)")
        term.prompt()
        term.type("help", ENTER)
        term.shows("windows:")
        term.prompt()
        assert term.leaves() == 0
