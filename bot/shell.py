"""``python -m bot shell [TEXT]``: the bot in a terminal, for people without Slack.

It runs the same conversation as the Slack handlers and prints each message as the
terminal rendering of its Block Kit, with a Block Kit Builder link to see it as Slack
would. Buttons are pressed by typing their label.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from datetime import tzinfo
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config import Settings, SettingsError
from bot.conversation import Conversation, Reply
from bot.i18n import LANGS, Lang
from bot.runtime import open_dms
from bot.views.console import builder_link, buttons, render

PROMPT = "kafka-tasks> "
GREETING = (
    "Type a command as you would after /kafka-tasks (try `prod-orders last 1h` or `help`); "
    "type a button's label to press it; `quit` or Ctrl-D to leave."
)
_DELIVERY_NOTE = {
    "thread": "(in Slack: posted in the answer's thread)",
    "channel": "(in Slack: posted in the channel for everyone)",
    "ephemeral": "(in Slack: only you see this)",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="*", help="one command to answer, then exit")
    parser.add_argument("--json", action="store_true", help="print the Block Kit JSON")
    parser.add_argument("--tz", help="time zone for times without one (default KAFKA_TASKS_TZ)")
    parser.add_argument(
        "--lang",
        choices=LANGS,
        help="answer in English or Simplified Chinese (default: the config file's language)",
    )


class Shell:
    def __init__(
        self,
        conversation: Conversation,
        tz: tzinfo,
        out: TextIO,
        *,
        as_json: bool,
        lang: Lang = "en",
    ) -> None:
        self.lang = lang
        self.conversation = conversation
        self.tz = tz
        self.out = out
        self.as_json = as_json
        self._buttons: list[tuple[str, str, str]] = []

    def show(self, reply: Reply, *, pressed: bool = False) -> None:
        blocks = reply.message.block_dicts()
        if self.as_json:
            print(
                json.dumps({"text": reply.message.text, "blocks": blocks}, ensure_ascii=False),
                file=self.out,
            )
        else:
            if pressed and reply.delivery in _DELIVERY_NOTE:
                print(_DELIVERY_NOTE[reply.delivery], file=self.out)
            print(render(blocks), file=self.out)
            print(f"Block Kit Builder: {builder_link(blocks)}", file=self.out)
        found = buttons(blocks)
        # A message without buttons (help, an error, details) leaves the last answer's
        # buttons pressable, as they stay on screen in Slack.
        if found:
            self._buttons = found

    def button_for(self, line: str) -> tuple[str, str, str] | None:
        wanted = line.strip().strip("[]").lower()
        if not wanted:
            return None
        exact = [b for b in self._buttons if b[0].lower() == wanted]
        if exact:
            return exact[0]
        prefixed = [b for b in self._buttons if b[0].lower().startswith(wanted)]
        return prefixed[0] if len({b[1] + b[2] for b in prefixed}) == 1 else None

    async def handle(self, line: str) -> None:
        button = self.button_for(line)
        if button is not None:
            _, action_id, value = button
            reply = await self.conversation.press(
                action_id, value, tz=self.tz, shareable=True, lang=self.lang
            )
            self.show(reply, pressed=True)
            return
        self.show(await self.conversation.answer(line, tz=self.tz, shareable=True, lang=self.lang))


async def run_shell(
    settings: Settings,
    args: argparse.Namespace,
    out: TextIO,
    err: TextIO,
    read_line: Callable[[str], str] = input,
) -> int:
    try:
        tz: tzinfo = ZoneInfo(args.tz) if args.tz else settings.zone
    except (ZoneInfoNotFoundError, ValueError):
        print(
            f'error: unknown time zone "{args.tz}"; use an IANA name like Asia/Shanghai', file=err
        )
        return 2
    async with open_dms(settings) as session:
        if session.note:
            print(session.note, file=err)
        shell = Shell(
            Conversation(session.client, note=session.note),
            tz,
            out,
            as_json=args.json,
            lang=args.lang or settings.default_lang,
        )
        if args.text:
            await shell.handle(" ".join(args.text))
            return 0
        print(GREETING, file=out)
        loop = asyncio.get_running_loop()
        while True:
            try:
                # input() blocks; in a thread the event loop keeps serving (the simulator
                # in demo mode answers from this same loop).
                line = await loop.run_in_executor(None, read_line, PROMPT)
            except (EOFError, KeyboardInterrupt):
                print(file=out)
                return 0
            if line.strip().lower() in ("quit", "exit", ":q"):
                return 0
            if line.strip():
                await shell.handle(line)


def main_shell(args: argparse.Namespace) -> int:
    try:
        settings = Settings.load()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return asyncio.run(run_shell(settings, args, sys.stdout, sys.stderr))
