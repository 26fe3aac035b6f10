"""``python -m bot shell [TEXT]``: the bot in a terminal, for people without Slack.

It runs the same conversation as the Slack handlers and prints each message as the
terminal rendering of its Block Kit, as wide as the terminal is (``--builder`` adds a
Block Kit Builder link to see it as Slack would). Buttons are pressed by typing their
label (``bot.views.button_words``). On a terminal the line is edited, remembered and
completed (``bot.main.shell_input``); from a pipe, lines are read as they come.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.dms.source import Dms
from bot.i18n import LANGS, Lang, t
from bot.main.runtime import open_dms
from bot.main.settings import Settings, SettingsError
from bot.main.shell_completion import WORDS, InstanceNames
from bot.services.ask import Ask
from bot.services.conversation import Conversation
from bot.services.reply import Reply
from bot.views.button_words import Ambiguous, NotShown, Press, listed, match_button, typable
from bot.views.console import Button, builder_link, buttons, render, render_text
from bot.views.safe_text import json_visible

if TYPE_CHECKING:
    from bot.main.shell_input import LineReader
PROMPT = "kafka-tasks> "
# A one-shot run (``shell TEXT``) whose answer is an error (it is shown as usual).
EXIT_NO_ANSWER = 1
_QUIT = ("quit", "exit", ":q")
# Where the output is not a terminal (a pipe, a file), lines are this wide.
_PIPED_WIDTH = 100


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="*", help="one command to answer, then exit")
    parser.add_argument("--json", action="store_true", help="print the Block Kit JSON")
    parser.add_argument("--tz", help="time zone for times without one (default KAFKA_TASKS_TZ)")
    parser.add_argument(
        "--lang",
        choices=LANGS,
        help="answer in English or Simplified Chinese (default: the config file's language)",
    )
    parser.add_argument(
        "--builder",
        action="store_true",
        help="after each answer, a Block Kit Builder link that shows it as Slack draws it",
    )
    parser.add_argument(
        "--history",
        metavar="FILE",
        help="where typed commands are remembered (default: KAFKA_TASKS_HISTORY, else "
        "$XDG_STATE_HOME or ~/.local/state, then kafka-tasks/history)",
    )


def _piped_width() -> int:
    return _PIPED_WIDTH


@dataclass(frozen=True)
class Screen:
    """How answers are drawn: ``width`` is asked before each one (a terminal may be
    resized), ``color`` turns on ANSI styles, ``builder`` adds the Block Kit Builder link."""

    width: Callable[[], int] = _piped_width
    color: bool = False
    builder: bool = False


class Shell:
    def __init__(
        self,
        conversation: Conversation,
        tz: tzinfo,
        out: TextIO,
        *,
        as_json: bool,
        err: TextIO | None = None,
        lang: Lang = "en",
        screen: Screen | None = None,
    ) -> None:
        self.lang = lang
        self.conversation = conversation
        self.tz = tz
        self.out = out
        self.as_json = as_json
        # The shell's own lines: with --json, out of the way of the JSON on ``out``.
        self.notes = err if as_json and err is not None else out
        self.screen = screen or Screen()
        self.buttons: list[Button] = []

    @property
    def asker(self) -> Ask:
        """Who asks in the shell: nobody Slack knows, in the shell's zone and language."""
        return Ask(via="shell", tz=self.tz, lang=self.lang)

    def labels(self) -> list[str]:
        """The labels of the buttons on screen, as they are typed (for completion)."""
        return [typable(b.label) for b in self.buttons]

    def say(self, text: str) -> None:
        """One of the shell's own lines (mrkdwn, as the catalog writes it)."""
        screen = self.screen
        print(render_text(text, width=screen.width(), color=screen.color), file=self.notes)

    def show(self, reply: Reply, *, pressed: bool = False) -> None:
        blocks = reply.message.block_dicts()
        if self.as_json:
            # The messages' text is made safe for Slack, where a button's value is never
            # shown; printed, a DMS name riding in one would reach the terminal as sent.
            message = {"text": reply.message.text, "blocks": blocks}
            print(json_visible(json.dumps(message, ensure_ascii=False)), file=self.out)
        else:
            if pressed and reply.delivery in ("thread", "channel", "ephemeral"):
                self.say(t(self.lang, f"shell.delivery.{reply.delivery}"))
            screen = self.screen
            print(render(blocks, width=screen.width(), color=screen.color), file=self.out)
            if screen.builder:
                print(t(self.lang, "shell.builder", link=builder_link(blocks)), file=self.out)
        found = buttons(blocks)
        # A message without buttons (help, an error, details) leaves the last answer's
        # buttons pressable, as they stay on screen in Slack.
        if found:
            self.buttons = found

    async def handle(self, line: str) -> None:
        found = match_button(line, self.buttons, commands=WORDS.commands)
        if isinstance(found, Press):
            reply = await self.conversation.press(
                found.button.action_id, found.button.value, self.asker
            )
            self.show(reply, pressed=True)
        elif isinstance(found, Ambiguous):
            choices, example = listed(found.buttons), typable(found.labels[0])
            key = "shell.which_button"
            self.say(t(self.lang, key, typed=found.typed, choices=choices, example=example))
        elif isinstance(found, NotShown):
            if found.buttons:
                choices = listed(found.buttons)
                self.say(t(self.lang, "shell.not_shown", typed=found.typed, choices=choices))
            else:
                self.say(t(self.lang, "shell.no_buttons", typed=found.typed))
        else:
            await self.ask(line)

    async def ask(self, line: str) -> bool:
        """``line`` as a command, never a button's label; whether it got an answer (False:
        what was shown is an error)."""
        reply = await self.conversation.answer(line, self.asker)
        self.show(reply)
        return reply.ok


async def _instance_labels(dms: Dms) -> list[str]:
    return [instance.label for instance in await dms.list_instances()]


async def _interruptible(work: Awaitable[None]) -> bool:
    """Run ``work``; Ctrl-C meanwhile cancels it (False) instead of ending the shell."""
    task = asyncio.ensure_future(work)
    loop = asyncio.get_running_loop()
    previous = signal.getsignal(signal.SIGINT)
    try:
        loop.add_signal_handler(signal.SIGINT, task.cancel)
        hooked = True
    except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
        hooked = False
    try:
        await task
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if not task.cancelled() or (current is not None and current.cancelling()):
            raise  # the shell itself is ending
        return False
    finally:
        if hooked:
            loop.remove_signal_handler(signal.SIGINT)
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
    return True


async def run_shell(
    settings: Settings,
    args: argparse.Namespace,
    out: TextIO,
    err: TextIO,
    *,
    screen: Screen | None = None,
    terminal: bool = False,
    history: Path | None = None,
    stdin: int = 0,
) -> int:
    """The shell, reading the descriptor ``stdin``; ``terminal``: stdin and stdout are a
    terminal, so the line is edited, remembered in ``history`` and completed."""
    try:
        tz: tzinfo = ZoneInfo(args.tz) if args.tz else settings.zone
    except (ZoneInfoNotFoundError, ValueError):
        print(
            f'error: unknown time zone "{args.tz}"; use an IANA name like Asia/Shanghai', file=err
        )
        return 2
    lang: Lang = args.lang or settings.default_lang
    async with open_dms(settings) as session:
        demo = session.note.text(lang) if session.note else ""
        if demo:
            print(demo, file=err)
        # Help in the shell also says what only the shell does.
        note = "\n".join(n for n in (demo, t(lang, "shell.help")) if n)
        shell = Shell(
            Conversation.of(
                session.client, note=note, contexts=session.context_for(), progress=True
            ),
            tz,
            out,
            as_json=args.json,
            err=err,
            lang=lang,
            screen=screen,
        )
        if args.text:
            # Once, with no buttons on screen: the text is a command.
            answered = await shell.ask(" ".join(args.text))
            return 0 if answered else EXIT_NO_ANSWER
        shell.say(t(lang, "shell.greeting"))
        return await _read_eval(
            shell, session.client, err, terminal=terminal, history=history, stdin=stdin
        )


async def _read_eval(
    shell: Shell, dms: Dms, err: TextIO, *, terminal: bool, history: Path | None, stdin: int
) -> int:
    """Answers line after line until the input ends or the user quits."""
    lang = shell.lang
    async with contextlib.AsyncExitStack() as closing:
        if terminal:
            # Imported here: prompt_toolkit is for the terminal only.
            from bot.main.shell_input import ShellCompleter, TerminalLines, open_history

            names = InstanceNames(lambda: _instance_labels(dms))
            closing.push_async_callback(names.aclose)
            names.known()  # fetched now, so the first Tab has them
            reader: LineReader = TerminalLines(
                ShellCompleter(names, shell.labels), open_history(history, err, lang)
            )
        else:
            from bot.main.shell_input import PipedLines

            reader = PipedLines(stdin, shell.notes)
        while True:
            line = await reader.read(PROMPT)
            if line is None:
                if not terminal:
                    print(file=shell.notes)  # after the prompt left on the line
                return 0
            if line.strip().lower() in _QUIT:
                return 0
            if line.strip() and not await _interruptible(shell.handle(line)):
                shell.say(t(lang, "shell.cancelled"))


def _terminal_width() -> int:
    return shutil.get_terminal_size((_PIPED_WIDTH, 24)).columns


def main_shell(args: argparse.Namespace) -> int:
    try:
        settings = Settings.load()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    terminal = sys.stdin.isatty() and sys.stdout.isatty()
    screen = Screen(
        width=_terminal_width,
        # https://no-color.org: set to anything, it turns styles off.
        color=sys.stdout.isatty() and not os.environ.get("NO_COLOR"),
        builder=args.builder,
    )
    history = None
    if terminal:
        # Imported here: prompt_toolkit is for the terminal only.
        from bot.main.shell_input import default_history_path

        history = Path(args.history) if args.history else default_history_path(os.environ)
    try:
        return asyncio.run(
            run_shell(
                settings,
                args,
                sys.stdout,
                sys.stderr,
                screen=screen,
                terminal=terminal,
                history=history,
            )
        )
    except KeyboardInterrupt:
        # Ctrl-C where no answer was pending (reading a pipe, starting up): leave quietly.
        print(file=sys.stderr)
        return 130
