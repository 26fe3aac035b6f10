"""How the shell reads lines from a pipe, and where it keeps the commands typed."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory, InMemoryHistory

from bot.main.shell_completion import InstanceNames
from bot.main.shell_input import PipedLines, ShellCompleter, default_history_path, open_history


async def test_piped_lines_come_as_typed_until_the_end() -> None:
    read_end, write_end = os.pipe()
    os.write(write_end, "prod-orders last 1h\r\n详情 2\nquit-without-newline".encode())
    os.close(write_end)
    out = io.StringIO()
    lines = PipedLines(read_end, out)
    try:
        assert await lines.read("> ") == "prod-orders last 1h"
        assert await lines.read("> ") == "详情 2"
        assert await lines.read("> ") == "quit-without-newline"
        assert await lines.read("> ") is None
        assert await lines.read("> ") is None
    finally:
        os.close(read_end)
    assert out.getvalue() == "> " * 5


def test_history_is_a_private_file(tmp_path: Path) -> None:
    path = tmp_path / "state" / "kafka-tasks" / "history"
    err = io.StringIO()
    history = open_history(path, err, "en")
    assert isinstance(history, FileHistory)
    assert err.getvalue() == ""
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    history.store_string("prod-orders last 1h")
    assert "+prod-orders last 1h" in path.read_text(encoding="utf-8")


def test_a_history_that_cannot_be_written_is_said_once_and_kept_in_memory(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    err = io.StringIO()
    history = open_history(blocker / "history", err, "en")
    assert isinstance(history, InMemoryHistory)
    said = err.getvalue()
    assert str(blocker / "history") in said
    assert "KAFKA_TASKS_HISTORY" in said
    assert said.count("\n") == 1
    zh = io.StringIO()
    open_history(blocker / "history", zh, "zh")
    assert "无法写入" in zh.getvalue()


def test_no_history_file_is_no_history_and_no_message() -> None:
    err = io.StringIO()
    assert isinstance(open_history(None, err, "en"), InMemoryHistory)
    assert err.getvalue() == ""


async def test_completions_show_names_without_hidden_characters_and_insert_them_as_spelled() -> (
    None
):
    # A right-to-left override and a zero-width space, as a name in DMS may hold them.
    spoofed, hidden = "prod-\u202esredro", "prod-\u200bpayments"

    async def fetch() -> list[str]:
        return [spoofed, hidden]

    names = InstanceNames(fetch)
    await names.wait(5)
    completer = ShellCompleter(names, lambda: ["Refresh"])
    try:
        found = list(completer.get_completions(Document("prod-"), CompleteEvent()))
    finally:
        await names.aclose()
    assert [c.text for c in found] == [spoofed, hidden]
    assert [c.display_text for c in found] == ["prod-sredro", "prod-payments"]
    assert all(c.start_position == -len("prod-") for c in found)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"KAFKA_TASKS_HISTORY": "/tmp/h", "HOME": "/home/a"}, "/tmp/h"),
        ({"XDG_STATE_HOME": "/state", "HOME": "/home/a"}, "/state/kafka-tasks/history"),
        ({"HOME": "/home/a"}, "/home/a/.local/state/kafka-tasks/history"),
    ],
)
def test_history_lives_where_the_environment_says(env: dict[str, str], expected: str) -> None:
    assert default_history_path(env) == Path(expected)
