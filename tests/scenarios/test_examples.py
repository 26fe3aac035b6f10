"""Every example in README.md and in `help` works as written, the way a user runs it.

README: each code span of the parts a newcomer follows (the introduction, Two commands,
Asking in Slack, Asking from the terminal) is run here as the user would (a Slack
command through the conversation, a terminal line as a subprocess, a button's label in
the shell), or is named below as no example (a setting, a flag). A new span is neither
until it is put in one of the lists, so no example goes untested.

`help`: its examples, its command forms and its windows, in both languages, with the
placeholders filled in as a user would fill them. Dates are read against the
simulator's fixed clock, so the examples hold whatever day the tests run.
"""

from __future__ import annotations

import dataclasses
import re
import shlex
from collections.abc import AsyncIterator
from datetime import UTC, date, timedelta
from pathlib import Path

import pytest

from bot.adapters.dms.client import DmsClient
from bot.adapters.store.store import Store
from bot.core.actions import TYPED_WORDS
from bot.core.dms.accounts import Credentials
from bot.core.dms.place import Place
from bot.core.grammar import zh_words
from bot.core.grammar.commands import Command, TasksQuery, TimelineQuery, parse_command
from bot.core.grammar.help import usage
from bot.i18n import LANGS, Lang
from bot.services.ask import Ask
from bot.services.conversation import Conversation
from bot.services.reply import Reply
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Simulator
from tests.conftest import SIMULATOR_START
from tests.scenarios.test_cli import REPO, run_cli

README = (REPO / "README.md").read_text()
# A demo task (a failed retention policy change, 11 minutes before the simulator's
# start): the one README's `task` example shows, on every run of seed 7.
DEMO_TASK = "1abfa4763e932df9007a100d22753234"
ASKER = Ask(user="U0README", channel="C0README", via="slash")

# Spans that are no command to run: settings, flags, files, placeholders of a config
# with several accounts (one the demo does not have).
NOT_EXAMPLES = frozenset(
    {
        ".venv",
        "make run",
        "KAFKA_TASKS_FOLLOW_HOURS",
        "KAFKA_TASKS_TZ",
        "--tz",
        "--json",
        "--md",
        "--csv",
        "language",
        "timezone",
        "--fresh",
        "--history FILE",
        # The separators a key may be glued to its value with.
        ":",
        "=",
        "<instance>",
        "name@account",
        "name@region",
        "ListBackgroundTasks",
        "KAFKA_TASKS_HISTORY",
        "~/.local/state/kafka-tasks/history",
        # With several tasks shown it asks which (tests/unit/views/test_button_words.py).
        "details",
        # An option, permissions and a command named in prose.
        "daily",
        "subscribe",
        "unsubscribe",
        "scheduled",
        # ShowInstance's fields and the access action of scheduled changes.
        "maintain_begin",
        "maintain_end",
        "change",
    }
)
# Buttons, pressed in the shell by typing their label, in this order.
BUTTONS = ("next", "prev", "refresh", "share", "details 2")
# Parts of a command, shown on their own: asked after an instance.
AFTER_AN_INSTANCE = frozenset(
    {
        "计划",
        "last 30m|1h|2h30m|7d|1w",
        "since 09:00",
        "since YYYY-MM-DD 08:00",
        "from <t> to <t>",
        "between <t> and <t>",
        "status success,canceled",
        "status:failed",
        "page=2",
        "today",
        "yesterday",
        "YYYYMMDDHHmmss",
        "last 24h",
        "since 09:00 +08:00",
        "since 09:00 Asia/Shanghai",
        "最近1小时",
        "昨天",
        "自 09:00 起",
        "失败",
        "第2页",
        "page 2",
        "任务 <id>",
    }
)
# The options of the subscribe example before them: "(or `all`, optionally `name ...`)".
SUBSCRIBE_OPTIONS = {
    "all": "subscribe prod-orders all",
    "name restart*": "subscribe prod-orders failed name restart*",
    "daily 09:00 Asia/Shanghai": "subscribe prod-orders daily 09:00 Asia/Shanghai",
    "quiet 22:00-08:00 Asia/Shanghai": "subscribe prod-orders all quiet 22:00-08:00 Asia/Shanghai",
}
# Whole commands, as typed in Slack or the shell.
AS_TYPED = frozenset(
    {
        "prod-orders last 1h",
        "help",
        "subscriptions",
        "unsubscribe prod-orders",
        "prod-orders last 1h failed",
        "订阅 prod-orders 失败",
        "subscribe prod-orders failed",
        "帮助",
        "subscribe prod-orders failed lang zh",
        "订阅 prod-orders 全部 语言 英文",
        "subscribe prod-orders all quiet 22:00-08:00 all",
        "订阅 prod-orders 全部 免打扰 22:00-08:00",
        "订阅 prod-orders 全部 免打扰 22:00-08:00 全部",
        "实例",
        "订阅 prod-orders 每天 09:00",
        "subscribe prod-orders lang:zh",
    }
)


# --- reading the README ---------------------------------------------------------------


def readme_part() -> str:
    """The introduction and the sections a newcomer follows."""
    sections = re.split(r"\n(?=## )", README)
    wanted = ("## Two commands", "## Asking in Slack", "## Asking from the terminal")
    return "\n".join([sections[0], *(s for s in sections if s.startswith(wanted))])


def readme_spans() -> list[str]:
    prose = re.sub(r"```[a-z]*\n.*?```", "", readme_part(), flags=re.S)
    return re.findall(r"`([^`\n]+)`", prose)


def readme_blocks() -> list[str]:
    return re.findall(r"```[a-z]*\n(.*?)```", readme_part(), flags=re.S)


def terminal_lines() -> list[list[str]]:
    """The argument lists of `python -m bot ...` lines and `make run ARGS=...`."""
    lines = [
        line
        for block in readme_blocks()
        for line in block.splitlines()
        if line.startswith("python -m bot ")
    ]
    lines += [s for s in readme_spans() if s.startswith(("python -m bot ", "make run ARGS="))]
    found = []
    for line in lines:
        words = shlex.split(line)
        if words[:2] == ["make", "run"]:
            found.append(words[2].removeprefix("ARGS=").split())
        else:
            found.append(words[3:])
    return found


# --- filling in what a form leaves to the user ------------------------------------------


def filled(form: str, today: date) -> str:
    yesterday = today - timedelta(days=1)
    text = form
    for placeholder, value in (
        ("YYYYMMDDHHmmss", yesterday.strftime("%Y%m%d") + "080000"),
        ("YYYY-MM-DD", yesterday.isoformat()),
        ("from <t> to <t>", "from 08:00 to 10:30"),
        ("between <t> and <t>", "between 08:00 and 10:30"),
        ("[,<s>]", ",success"),
        ("[,<状态>]", ",success"),
        ("[window]", "last 1h"),
        ("[时间窗口]", "last 1h"),
        ("[zone]", "UTC"),
        ("[时区]", "UTC"),
        ("HH:MM", "09:00"),
    ):
        text = text.replace(placeholder, value)
    for placeholders, value in (
        (("<instance>", "<实例>"), "prod-orders"),
        (("<task-id>", "<任务ID>", "<id>"), DEMO_TASK),
        (("<s>", "<状态>"), "failed"),
        (("<glob>", "<通配符>"), "restart*"),
        (("<n>", "<页码>"), "1"),
    ):
        for placeholder in placeholders:
            text = text.replace(placeholder, value)
    # [failed|running], [lang zh|en]: the first choice; then every optional part taken.
    text = re.sub(r"\[([^\[\]|]+)\|[^\[\]]*\]", r"\1", text)
    return " ".join(text.replace("[", " ").replace("]", " ").split())


def expanded(fragment: str) -> list[str]:
    """``last 30m|1h|2h30m|7d`` is four windows."""
    head, _, alternatives = fragment.partition(" ")
    if "|" in alternatives:
        return [f"{head} {alternative}" for alternative in alternatives.split("|")]
    return [fragment]


# --- asking ---------------------------------------------------------------------------


@pytest.fixture
async def talk(simulator: Simulator, tmp_path: Path) -> AsyncIterator[Conversation]:
    store = Store.open(f"sqlite:///{tmp_path}/bot.db")
    client = DmsClient.create(
        simulator.url, Credentials(DEMO_AK, DEMO_SK, DEMO_PROJECT_ID), where=Place(demo=True)
    )
    async with client:
        yield Conversation.of(client, store=store, clock=lambda: SIMULATOR_START)
    store.close()


async def failures(talk: Conversation, commands: list[str], lang: Lang = "en") -> list[str]:
    """Each command that did not get an answer, with what it got instead."""
    failed = []
    for command in commands:
        mention = command.startswith("@kafka-tasks ")
        text = command.removeprefix("/kafka-tasks ").removeprefix("@kafka-tasks ")
        reply: Reply = await talk.answer(
            text, dataclasses.replace(ASKER, public=mention, lang=lang)
        )
        if not reply.ok:
            failed.append(f"{command!r}: {reply.message.text}")
    return failed


def parsed(text: str) -> Command:
    return parse_command(text, now=SIMULATOR_START, tz=UTC)


def meaning(command: Command) -> Command:
    # The window as typed is kept to show it back; what it means is the same.
    if isinstance(command, TasksQuery | TimelineQuery):
        return dataclasses.replace(command, window_text="")
    return command


# --- the README -----------------------------------------------------------------------


def test_every_span_of_the_readme_is_an_example_or_named_as_none() -> None:
    unknown = [
        span
        for span in readme_spans()
        if span not in NOT_EXAMPLES | AFTER_AN_INSTANCE | AS_TYPED
        and span not in SUBSCRIBE_OPTIONS
        and span not in BUTTONS
        and not span.startswith(("/kafka-tasks ", "@kafka-tasks ", "python -m bot ", "make run "))
    ]
    assert unknown == [], "classify these README spans in tests/scenarios/test_examples.py"


async def test_every_readme_command_gets_an_answer(talk: Conversation) -> None:
    spans = readme_spans()
    commands = [s for s in spans if s.startswith(("/kafka-tasks ", "@kafka-tasks "))]
    commands += [s for s in spans if s in AS_TYPED]
    commands += [SUBSCRIBE_OPTIONS[s] for s in spans if s in SUBSCRIBE_OPTIONS]
    commands += [
        f"prod-orders {filled(one, SIMULATOR_START.date())}"
        for s in spans
        if s in AFTER_AN_INSTANCE
        for one in expanded(s)
    ]
    grammar = next(block for block in readme_blocks() if block.startswith("<instance>"))
    for line in grammar.splitlines():
        commands += [filled(form, SIMULATOR_START.date()) for form in line.split(" | ")]
    assert len(commands) > 40
    assert await failures(talk, commands) == []


def test_what_the_readme_says_is_the_same_command_is() -> None:
    pairs = re.findall(r"`([^`\n]+)` is `([^`\n]+)`", readme_part())
    assert len(pairs) >= 4
    for chinese, english in pairs:
        one, other = (text.removeprefix("/kafka-tasks ") for text in (chinese, english))
        if parsed_is_fragment(one):
            one, other = f"prod-orders {one}", f"prod-orders {other}"
        assert meaning(parsed(one)) == meaning(parsed(other)), (chinese, english)


def parsed_is_fragment(text: str) -> bool:
    return text in AFTER_AN_INSTANCE


def test_every_readme_terminal_line_exits_0(tmp_path: Path) -> None:
    lines = terminal_lines()
    assert ["tasks", "prod-orders", "task", DEMO_TASK] in lines
    failed = []
    for args in lines:
        stdin = "帮助\nquit\n" if args[:1] == ["shell"] else None
        result = run_cli(*args, cwd=tmp_path, stdin=stdin)
        if result.returncode != 0 or "⚠" in result.stdout:
            failed.append(f"{args}: exit {result.returncode}: {result.stderr}{result.stdout}")
    assert failed == []


def test_the_readmes_button_labels_press_their_buttons_in_the_shell(tmp_path: Path) -> None:
    typed = "\n".join(["prod-orders last 1h", *BUTTONS, "quit", ""])
    result = run_cli("shell", cwd=tmp_path, stdin=typed)
    assert result.returncode == 0, result.stderr
    assert "⚠" not in result.stdout, result.stdout


# --- help -----------------------------------------------------------------------------


def help_forms(lang: Lang) -> list[str]:
    text = usage(lang)
    grammar, _, rest = text.partition("\n\n")
    forms = [re.split(r"\s{2,}", line)[0] for line in grammar.splitlines() if line[:1] != " "]
    windows_label, statuses_label = (
        ("时间窗口:", "状态:") if lang == "zh" else ("windows:", "statuses:")
    )
    windows = rest[rest.index(windows_label) : rest.index(statuses_label)]
    for line in windows.removeprefix(windows_label).splitlines():
        usable = re.split(r"[(（;；]", line)[0]
        items = [item.strip() for item in usable.split("|")]
        forms += [
            f"<instance> {item}"
            for item in items
            if item.split(" ")[0] in ("last", "since", "from", "today", "yesterday")
            or item.startswith("YYYY")
        ]
        forms += [
            f"<instance> {m}" for m in re.findall(r"(?:例如|default:|默认) ([^；;，,]+)", line)
        ]
    examples_label = "示例:" if lang == "zh" else "examples:"
    examples = text[text.index(examples_label) + len(examples_label) :]
    forms += [line.strip() for line in examples.splitlines() if line.strip()]
    return forms


@pytest.mark.parametrize("lang", LANGS)
async def test_every_help_example_and_form_gets_an_answer(talk: Conversation, lang: Lang) -> None:
    forms = help_forms(lang)
    assert "prod-orders yesterday name restart*" in forms
    assert any("since YYYY-MM-DD 08:00" in form for form in forms)
    commands = [filled(form, SIMULATOR_START.date()) for form in forms]
    assert await failures(talk, commands, lang) == []


# --- the Chinese words ------------------------------------------------------------------


def test_every_chinese_word_and_button_word_is_in_the_readme() -> None:
    section = README[README.index("## Chinese words") :]
    section = section[: section.index("\n## ", 1)]
    spans = set(re.findall(r"`([^`\n]+)`", section))
    words = {
        word
        for word, meaning in zh_words.KEYWORDS.items()
        if meaning.kind
        in ("", "from", "to", "key", "task", "since-after", "last-after", "range-after")
    }
    words |= set(zh_words.LANG_VALUES)
    words |= {word for typed in TYPED_WORDS.values() for word in typed}
    # Units, fillers and the ordinal are said by example (最近两个半小时, 第2页).
    said = " ".join(spans)
    assert sorted(w for w in words if w not in said) == []
