"""What Tab offers in the shell, and the instance names it keeps without ever blocking."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from bot.core.grammar import zh_read, zh_words
from bot.core.grammar.commands import parse_command
from bot.core.grammar.errors import CommandError
from bot.core.grammar.vocabulary import VOCABULARY
from bot.main.shell_completion import WORDS, InstanceNames, candidates

NAMES = ("prod-orders", "prod-orders-dr", "prod-payments", "staging-orders")
LABELS = ("Details 1", "Details 2", "Refresh", "Previous", "Next", "Share in channel")


def offered(before_cursor: str, labels: Sequence[str] = ()) -> list[str]:
    found, _ = candidates(before_cursor, names=NAMES, labels=labels)
    return found


def test_first_word_commands_instances_and_buttons() -> None:
    assert offered("he") == ["help"]
    assert offered("prod-p") == ["prod-payments"]
    assert offered("PROD-P") == ["prod-payments"]
    assert offered("prod-orders") == ["prod-orders", "prod-orders-dr"]
    assert offered("实") == ["实例", "实例列表"]
    assert offered("re", LABELS) == ["Refresh"]
    assert offered("det", LABELS) == ["Details 1", "Details 2"]
    everything = offered("", LABELS)
    assert {"help", "instances", "prod-orders", "Share in channel"} <= set(everything)


def test_after_the_instance_windows_and_filters() -> None:
    assert offered("prod-orders la") == ["last"]
    assert offered("prod-orders last 1h fa") == ["failed"]
    assert offered("prod-orders 最") == ["最近", "最近的"]
    assert offered("prod-orders st") == ["status"]
    assert offered("prod-orders status fa") == ["failed"]
    assert offered("prod-orders 状态 成") == ["成功"]
    assert "yesterday" in offered("prod-orders ")
    # After a word that takes a value of the user's own, nothing is guessed.
    assert offered("prod-orders last ") == []
    assert offered("prod-orders name ") == []
    assert offered("prod-orders task ") == []
    assert offered("help ") == []


def test_subscription_commands_are_not_offered_in_the_shell() -> None:
    # They deliver to Slack channels: in the shell they only say so.
    assert offered("su") == []
    assert offered("un") == []
    assert offered("订") == []
    assert offered("取消") == []
    assert not {"subscribe", "unsubscribe", "subscriptions", "退订", "查看订阅"} & set(offered(""))
    assert offered("subscribe prod-p") == []
    assert offered("订阅 staging") == []
    # A Subscribe button on screen is still offered: pressing it says where to go.
    assert offered("su", ("Subscribe to failures",)) == ["Subscribe to failures"]


def test_a_label_with_spaces_completes_as_a_whole() -> None:
    found, typed = candidates("share in", names=NAMES, labels=LABELS)
    assert (found, typed) == (["Share in channel"], "share in")
    found, typed = candidates("details ", names=NAMES, labels=LABELS)
    assert (found, typed) == (["Details 1", "Details 2"], "details ")


def test_the_word_being_typed_is_what_a_completion_replaces() -> None:
    assert candidates("prod-orders la", names=NAMES, labels=()) == (["last"], "la")
    assert candidates("prod-orders ", names=NAMES, labels=())[1] == ""


def test_the_words_are_the_grammars_own() -> None:
    now = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
    # Every Chinese word offered reads, in the grammar, as the English word it is filed
    # as (where it may stand: a language after 语言, the others after an instance).
    for word, english in WORDS.english.items():
        if not zh_words.has_chinese(word):
            continue
        if english in VOCABULARY.langs:
            assert zh_read.read(f"语言 {word}").english() == ["lang", english], word
        else:
            assert zh_read.read(f"prod-orders {word} 1").english()[1] == english, word
    # The commands offered first are commands; the words offered after an instance read.
    for word in ("help", "instances", "subscriptions"):
        parse_command(word, now=now, tz=UTC)
    for word in VOCABULARY.filters + VOCABULARY.windows:
        error = error_of(f"prod-orders {word}", now)
        # Read as the start of a filter or window that wants more, not as an instance.
        assert error is None or error.bad != "prod-orders", word


def error_of(text: str, now: datetime) -> CommandError | None:
    try:
        parse_command(text, now=now, tz=UTC)
    except CommandError as exc:
        return exc
    return None


async def test_names_are_fetched_in_the_background_and_never_block() -> None:
    release = asyncio.Event()
    calls = 0

    async def slow() -> list[str]:
        nonlocal calls
        calls += 1
        await release.wait()
        return ["prod-orders", "prod-orders", "", "dev-sandbox"]

    names = InstanceNames(slow)
    assert names.known() == ()  # nothing yet, and no waiting for it
    assert await names.wait(0.01) == ()  # a slow DMS only leaves the names out
    assert calls == 1  # one fetch in flight, not one per Tab
    release.set()
    assert await names.wait(5) == ("prod-orders", "dev-sandbox")
    # Each Tab reads the listing again (the DMS client caches it), one read at a time.
    assert names.known() == ("prod-orders", "dev-sandbox")
    assert names.known() == ("prod-orders", "dev-sandbox")
    assert await names.wait(5) == ("prod-orders", "dev-sandbox")
    assert calls == 2
    await names.aclose()


async def test_a_failing_fetch_keeps_what_was_known_and_the_next_tries_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    answers: list[list[str] | Exception] = [
        ["prod-orders"],
        RuntimeError("DMS is down"),
        RuntimeError("DMS is down"),
        ["x"],
    ]

    async def fetch() -> list[str]:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    names = InstanceNames(fetch)
    assert await names.wait(5) == ("prod-orders",)
    with caplog.at_level(logging.DEBUG, logger="kafka_tasks.shell"):
        assert await names.wait(5) == ("prod-orders",)
        assert await names.wait(5) == ("prod-orders",)
    # Said once while DMS keeps failing, not at every Tab.
    warned = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage() for r in warned] == [
        "instance names for completion not fetched: DMS is down"
    ]
    assert await names.wait(5) == ("x",)
    await names.aclose()


async def test_closing_stops_a_fetch_in_flight() -> None:
    calls = 0

    async def never() -> list[str]:
        nonlocal calls
        calls += 1
        await asyncio.Event().wait()
        return []

    names = InstanceNames(never)
    names.known()
    await asyncio.sleep(0)
    await names.aclose()
    assert names.known() == ()
    assert await names.wait(0.01) == ()
    assert calls == 1  # nothing fetched once closed


def test_names_outside_the_event_loop_are_what_is_known() -> None:
    async def fetch() -> list[str]:
        return ["a"]

    assert InstanceNames(fetch).known() == ()
