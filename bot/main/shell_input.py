"""How the shell reads a line: a line editor on a terminal, plain lines from a pipe.

On a terminal, prompt_toolkit edits the line (arrows, Home/End, Ctrl-W...), keeps a
history across runs in a file, and completes on Tab (``bot.main.shell_completion``). Ctrl-C
drops the line being typed and prompts again; Ctrl-D on an empty line leaves. From a
pipe or a file, lines are read as they come, as scripts and tests give them.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncGenerator, Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Protocol, TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory, History, InMemoryHistory

from bot.i18n import Lang, t
from bot.main.shell_completion import WAIT_FOR_NAMES, InstanceNames, candidates
from bot.views.safe_text import visible


class LineReader(Protocol):
    async def read(self, prompt: str) -> str | None:
        """The next line; None when the input has ended (Ctrl-D, end of file)."""
        ...


class PipedLines:
    """Lines from a pipe or a file (scripts, tests), as they come, from the descriptor
    ``fd``; the prompt is written to ``out`` as ``input()`` would."""

    def __init__(self, fd: int, out: TextIO) -> None:
        self._fd = fd
        self._out = out
        self._pending = b""
        self._ended = False

    async def read(self, prompt: str) -> str | None:
        print(prompt, end="", file=self._out, flush=True)
        while b"\n" not in self._pending and not self._ended:
            chunk = await _read_chunk(self._fd)
            self._ended = not chunk
            self._pending += chunk
        if not self._pending:
            return None
        line, _, self._pending = self._pending.partition(b"\n")
        return line.decode("utf-8", errors="replace").removesuffix("\r")


async def _read_chunk(fd: int) -> bytes:
    """The next bytes of ``fd`` (empty at its end), read on a daemon thread with
    ``os.read``: a read still blocked when the shell ends holds neither the process
    open until Enter nor the lock of ``sys.stdin``, which would stop it at exit."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[bytes] = loop.create_future()

    def settle(chunk: bytes) -> None:
        if not done.done():
            done.set_result(chunk)

    def read() -> None:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            chunk = b""
        # The loop is gone when Ctrl-C ended the shell while this waited.
        if not loop.is_closed():
            loop.call_soon_threadsafe(settle, chunk)

    threading.Thread(target=read, name="shell-input", daemon=True).start()
    return await done


class ShellCompleter(Completer):
    """Tab in the shell: the words that may stand at the cursor (``candidates``).

    ``labels`` gives the labels of the buttons on screen as they are typed.
    """

    def __init__(self, names: InstanceNames, labels: Callable[[], Sequence[str]]) -> None:
        self._names = names
        self._labels = labels

    def get_completions(self, document: Document, event: CompleteEvent) -> Iterator[Completion]:
        yield from self._completions(document, self._names.known())

    async def get_completions_async(
        self, document: Document, event: CompleteEvent
    ) -> AsyncGenerator[Completion, None]:
        # prompt_toolkit gathers these in a task of its own: keys typed meanwhile still
        # edit the line, so waiting a moment for the first listing holds nothing up.
        names = self._names.known() or await self._names.wait(WAIT_FOR_NAMES)
        for completion in self._completions(document, names):
            yield completion

    def _completions(self, document: Document, names: Sequence[str]) -> Iterator[Completion]:
        found, typed = candidates(document.text_before_cursor, names=names, labels=self._labels())
        for text in found:
            # Instance names and labels come from outside: shown without what would
            # reorder or hide characters on the terminal, inserted as they are (a name
            # must reach DMS as it is spelled there).
            yield Completion(text, start_position=-len(typed), display=visible(text))


class TerminalLines:
    """A line editor on the terminal: history, Tab completion, Ctrl-C and Ctrl-D."""

    def __init__(self, completer: Completer, history: History) -> None:
        self._session: PromptSession[str] = PromptSession(
            history=history,
            completer=completer,
            # Like a shell: completions when Tab asks, not a menu under every key.
            complete_while_typing=False,
        )

    async def read(self, prompt: str) -> str | None:
        while True:
            try:
                return await self._session.prompt_async(prompt)
            except KeyboardInterrupt:
                continue  # Ctrl-C: the line is dropped; a fresh prompt
            except EOFError:
                return None  # Ctrl-D on an empty line


def default_history_path(env: Mapping[str, str]) -> Path:
    """Where commands are remembered: ``KAFKA_TASKS_HISTORY``, else the XDG state dir."""
    explicit = env.get("KAFKA_TASKS_HISTORY", "").strip()
    if explicit:
        return Path(explicit).expanduser()
    state = env.get("XDG_STATE_HOME", "").strip()
    base = Path(state) if state else Path(env.get("HOME") or Path.home()) / ".local" / "state"
    return base / "kafka-tasks" / "history"


def open_history(path: Path | None, err: TextIO, lang: Lang) -> History:
    """The history kept in ``path``; in memory, after saying so, when it cannot be written
    (and without a word when there is no path)."""
    if path is None:
        return InMemoryHistory()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Tried now, so a history that cannot be kept is said once, not met mid-prompt;
        # created private: commands name instances and task ids.
        os.close(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600))
    except OSError as exc:
        print(t(lang, "shell.history_off", path=path, reason=exc.strerror or exc), file=err)
        return InMemoryHistory()
    return FileHistory(path)
