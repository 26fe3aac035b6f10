"""bot.core.grammar.commands: the one grammar for slash text, mentions and the shell."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.dms.errors import UnknownInstance
from bot.core.grammar.commands import (
    Command,
    Help,
    ListInstances,
    ListSubscriptions,
    Subscribe,
    TaskLookup,
    TasksQuery,
    Unsubscribe,
    parse_command,
)
from bot.core.grammar.errors import CommandError
from bot.core.grammar.misread import NotAnInstance, meant_command, misread
from bot.core.grammar.slack_text import clean_slack_text, command_words
from bot.core.grammar.vocabulary import STATUSES
from bot.core.grammar.window_parse import parse_window

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
UUID = "3F2504E0-4F89-11D3-9A0C-0305E82C3301"


def parse(text: str, tz: tzinfo = SHANGHAI) -> Command:
    return parse_command(text, now=NOW, tz=tz)


def query(text: str) -> TasksQuery:
    command = parse(text)
    assert isinstance(command, TasksQuery)
    return command


def error(text: str) -> CommandError:
    with pytest.raises(CommandError) as caught:
        parse(text)
    return caught.value


# --- task queries --------------------------------------------------------------------


def test_an_instance_alone_asks_for_the_default_window() -> None:
    q = query("prod-orders")
    assert q == TasksQuery(
        instance="prod-orders",
        window=parse_window("", now=NOW, tz=SHANGHAI),
        window_text="",
        statuses=frozenset(),
        name_glob=None,
        page=1,
    )
    assert q.window.begin == NOW - timedelta(hours=24)


def test_the_window_is_read_in_the_users_zone() -> None:
    q = query("prod-orders since 09:00")
    assert q.window.begin == datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
    assert q.window_text == "since 09:00"
    assert q.window.zone == "Asia/Shanghai"
    assert parse("prod-orders since 09:00", tz=UTC) != q


@pytest.mark.parametrize(
    ("text", "window_text"),
    [
        ("prod-orders last 1h", "last 1h"),
        ("prod-orders LAST 2h30m", "LAST 2h30m"),
        ("prod-orders from 2026-11-27 08:00 to 10:00", "from 2026-11-27 08:00 to 10:00"),
        ("prod-orders between 08:00 and 10:00 UTC", "between 08:00 and 10:00 UTC"),
        ("prod-orders yesterday", "yesterday"),
        ("prod-orders 20261127080000 20261127100000", "20261127080000 20261127100000"),
    ],
)
def test_the_words_left_after_the_filters_are_the_window(text: str, window_text: str) -> None:
    q = query(text)
    assert q.window_text == window_text
    assert q.window == parse_window(window_text, now=NOW, tz=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "statuses"),
    [
        ("prod-orders failed", {"FAILED"}),
        ("prod-orders running", {"CREATED", "EXECUTING"}),
        ("prod-orders failed running", {"FAILED", "CREATED", "EXECUTING"}),
        ("prod-orders status failed", {"FAILED"}),
        ("prod-orders status FAILED,success", {"FAILED", "SUCCESS"}),
        ("prod-orders status failed, success", {"FAILED", "SUCCESS"}),
        ("prod-orders status ok", {"SUCCESS"}),
        ("prod-orders status canceled", {"CANCELLED"}),
        ("prod-orders status cancelled,deleted", {"CANCELLED", "DELETED"}),
        ("prod-orders status created,executing", {"CREATED", "EXECUTING"}),
        ("prod-orders status running", {"CREATED", "EXECUTING"}),
        ("prod-orders status:failed", {"FAILED"}),
        ("prod-orders status=success", {"SUCCESS"}),
        ("prod-orders failed status success", {"FAILED", "SUCCESS"}),
    ],
)
def test_status_filters(text: str, statuses: set[str]) -> None:
    q = query(text)
    assert q.statuses == statuses
    assert q.window_text == ""


def test_filters_come_in_any_order_around_the_window() -> None:
    expected = query("prod-orders failed since 09:00")
    assert expected.statuses == {"FAILED"}
    assert expected.window_text == "since 09:00"
    assert query("prod-orders since 09:00 failed") == expected

    q = query("prod-orders name modify* page 2 last 7d status failed")
    assert (q.name_glob, q.page, q.window_text) == ("modify*", 2, "last 7d")
    assert q.statuses == {"FAILED"}
    assert query("prod-orders page 2 status failed last 7d name modify*") == q
    assert query("prod-orders last 7d page=2 name:modify* failed") == q


def test_a_name_glob_is_kept_as_typed() -> None:
    assert query("prod-orders name *Retention*").name_glob == "*Retention*"


def test_instance_ids_and_names_are_kept_as_typed() -> None:
    assert query(f"{UUID} last 1h").instance == UUID
    assert query("Prod.Orders_2 last 1h").instance == "Prod.Orders_2"


def test_a_task_lookup() -> None:
    assert parse("prod-orders task 8abfa7b2-7f8b") == TaskLookup("prod-orders", "8abfa7b2-7f8b")
    assert parse(f"{UUID} TASK abc") == TaskLookup(UUID, "abc")


# --- other commands ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("", Help()),
        ("   ", Help()),
        ("?", Help()),
        ("help", Help()),
        ("HELP", Help()),
        ("help window", Help("window")),
        ("help Subscribe", Help("subscribe")),
        ("instances", ListInstances()),
        ("Instances", ListInstances()),
        ("subscriptions", ListSubscriptions()),
        ("subscribe prod-orders", Subscribe("prod-orders", "all", None)),
        ("subscribe prod-orders failed", Subscribe("prod-orders", "failed", None)),
        ("subscribe prod-orders ALL", Subscribe("prod-orders", "all", None)),
        (
            "subscribe prod-orders failed name modify*",
            Subscribe("prod-orders", "failed", "modify*"),
        ),
        (
            "subscribe prod-orders name modify* failed",
            Subscribe("prod-orders", "failed", "modify*"),
        ),
        (f"subscribe {UUID}", Subscribe(UUID, "all", None)),
        ("unsubscribe prod-orders", Unsubscribe("prod-orders")),
    ],
)
def test_commands(text: str, command: Command) -> None:
    assert parse(text) == command


# --- Slack text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<@U123ABC> prod-orders last 1h", "prod-orders last 1h"),
        ("<@U123ABC|kafka-tasks>   prod-orders\n last 1h", "prod-orders last 1h"),
        ("<@U1> prod-orders failed cc <@U2> <@W3|bob>", "prod-orders failed cc"),
        ("see <#C0123|incidents> now", "see #incidents now"),
        ("see <#C0123> now", "see #C0123 now"),
        ("<http://prod.orders|prod.orders> last 1h", "prod.orders last 1h"),
        ("open <https://example.com/x>", "open https://example.com/x"),
        ("mail <mailto:ops@example.com|ops@example.com>", "mail ops@example.com"),
        ("mail <mailto:ops@example.com>", "mail mailto:ops@example.com"),
        ("<!here> prod-orders", "prod-orders"),
        ("a &amp; b &lt;c&gt;", "a & b <c>"),
        ("literal &amp;lt;", "literal &lt;"),
        ("  \t spaced\u00a0 out  ", "spaced out"),
    ],
)
def test_clean_slack_text(raw: str, clean: str) -> None:
    assert clean_slack_text(raw) == clean


def test_a_mention_reads_the_same_as_a_slash_command() -> None:
    mention = parse("<@U0BOT|kafka-tasks> prod-orders failed since 09:00")
    assert mention == parse("prod-orders failed since 09:00")
    assert query("prod-orders name a&amp;b").name_glob == "a&b"


# --- errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "bad", "suggestion"),
    [
        ("prod-orders status faild", "faild", "status failed"),
        ("prod-orders status succes", "succes", "status success"),
        ("prod-orders status failed,runing", "runing", "status running"),
        ("prod-orders status", "status", "status failed"),
        ("prod-orders page 0", "0", "page 1"),
        ("prod-orders page -1", "-1", "page 1"),
        ("prod-orders page two", "two", "page 1"),
        ("prod-orders page", "page", "page 1"),
        ("prod-orders page 2 page 3", "page", "page 2"),
        ("prod-orders name", "name", "name modify*"),
        ("prod-orders task", "task", "prod-orders task <task-id>"),
        ("prod-orders task a b", "a b", "prod-orders task <task-id>"),
        ("prod-orders task ../etc", "../etc", "prod-orders task <task-id>"),
        # What DMS would refuse as an id (bot.core.dms.ids) is quoted, not looked up.
        ("prod-orders task -8abfa7b2", "-8abfa7b2", "prod-orders task <task-id>"),
        ("prod-orders task _8abfa7b2", "_8abfa7b2", "prod-orders task <task-id>"),
        ("prod-orders last 1h task x", "task", "prod-orders task <task-id>"),
        ("last 1h", "last", "<instance> last 1h"),
        ("failed since 09:00", "failed", "<instance> failed since 09:00"),
        ("prod/orders last 1h", "prod/orders", "prod-orders last 1h"),
        ("subscibe prod-orders failed", "subscibe", "subscribe prod-orders failed"),
        ("subscribe", "subscribe", "subscribe prod-orders failed"),
        ("subscribe failed", "failed", "subscribe <instance> failed"),
        ("subscribe prod-orders faild", "faild", "subscribe prod-orders failed"),
        ("subscribe db-1 failed all", "all", "subscribe db-1 failed"),
        ("subscribe db-1 name a name b", "name", "subscribe db-1 name modify*"),
        ("unsubscribe", "unsubscribe", "unsubscribe prod-orders"),
        ("unsubscribe a b", "a b", "unsubscribe prod-orders"),
        ("instances prod", "prod", "instances"),
        ("subscriptions all", "all", "subscriptions"),
    ],
)
def test_errors_quote_the_bad_part_and_suggest_a_form(text: str, bad: str, suggestion: str) -> None:
    e = error(text)
    assert (e.bad, e.suggestion) == (bad, suggestion)
    assert f'"{bad}"' in str(e)
    assert f'try "{suggestion}"' in str(e)


@pytest.mark.parametrize(
    ("text", "bad", "suggestion"),
    [
        ("prod-orders 1hr", "1hr", "last 1h"),
        ("prod-orders lst 2h", "lst", "last 2h"),
        ("prod-orders last 91d", "91d", "last 90d"),
        ("prod-orders failed since 25:00", "25:00", "since 09:00"),
        ("prod-orders from 10:00", "from 10:00", "from 10:00 to 11:00"),
    ],
)
def test_a_window_error_keeps_its_bad_part_and_suggestion(
    text: str, bad: str, suggestion: str
) -> None:
    e = error(text)
    assert (e.bad, e.suggestion) == (bad, suggestion)
    assert f'"{bad}"' in str(e)
    assert f'"{suggestion}"' in str(e)


def test_a_window_error_message_is_the_windows_own() -> None:
    assert str(error("prod-orders 1hr")) == 'couldn\'t read "1hr" as a time window; try "last 1h"'
    assert "the hour is out of range" in str(error("prod-orders since 25:00"))


@pytest.mark.parametrize(
    ("text", "first"),
    [("asdf qwer zxcv", "asdf"), ("detials 2", "detials"), ("prod-orders qwer", "prod-orders")],
)
def test_a_window_error_names_the_first_word_for_the_caller_to_check(text: str, first: str) -> None:
    # Only DMS knows whether the first word is an instance; the caller asks it.
    assert error(text).instance == first


def test_errors_not_about_what_follows_an_instance_name_no_first_word() -> None:
    assert error("last 1h").instance is None
    assert error("prod-orders task").instance is None
    assert error("subscibe prod-orders failed").instance is None


@pytest.mark.parametrize(
    ("typed", "meant", "button"),
    [
        ("detials 2", "details 2", "button.details"),
        # A label alone: Details is one button per task, so the first is offered.
        ("details", "details 1", "button.details"),
        ("nxt", "next", "button.next"),
        ("refersh", "refresh", "button.refresh"),
        ("instnaces", "instances", None),
        ("hepl", "help", None),
        ("subscibe", "subscribe", None),
        ("lst 1h", "<instance> last 1h", None),
        ("yesterdy", "<instance> yesterday", None),
    ],
)
def test_a_first_word_close_to_a_command_or_a_button_is_read_as_meant(
    typed: str, meant: str, button: str | None
) -> None:
    assert meant_command(command_words(typed)) == (meant, button)


@pytest.mark.parametrize("typed", ["asdf qwer", "prod-ordrs 1h", "tasks prod-orders", ""])
def test_a_first_word_close_to_nothing_is_just_not_an_instance(typed: str) -> None:
    assert meant_command(command_words(typed)) is None


def test_an_unknown_instance_says_the_command_it_most_likely_was() -> None:
    unknown = UnknownInstance("detials", "the demo simulator", request_id="r-1")
    said = misread(unknown, command_words("detials 2"))
    assert isinstance(said, NotAnInstance)
    # The instance first, then what was meant, and the request id stays last.
    assert str(said) == (
        'No Kafka instance named "detials" in the demo simulator. Run `instances` to list '
        "them. Did you mean the Details button? Buttons are on answers (ask `<instance> "
        "last 1h`); in the shell, type one's label to press it: `details 2`. (request id r-1)"
    )
    assert str(misread(UnknownInstance("lst", "x"), command_words("lst 1h"))).endswith(
        "Did you mean `<instance> last 1h`?"
    )
    # Not about the first word typed, or close to nothing: left as it is.
    assert misread(unknown, command_words("prod-orders task 1")) is unknown
    other = UnknownInstance("asdf", "x")
    assert misread(other, command_words("asdf 1h")) is other


def test_a_very_long_command_is_refused_in_one_short_line() -> None:
    e = error("prod-orders " + "last " * 1000)
    assert "at most" in str(e)
    assert len(str(e)) < 200


def test_control_characters_in_an_instance_are_an_error() -> None:
    e = error("prod\x00orders last 1h")
    assert e.bad == "prod\x00orders"
    assert "\x00" not in str(e)


# --- properties ----------------------------------------------------------------------

VOCABULARY = st.sampled_from(
    [
        "prod-orders", UUID, "subscribe", "unsubscribe", "subscriptions", "instances", "help",
        "?", "task", "status", "name", "page", "failed", "running", "all", "ok", "faild",
        "failed,success", "status:failed", "page=2", "2", "0", "modify*", "last", "since",
        "from", "to", "between", "and", "today", "yesterday", "1h", "1hr", "91d", "09:00",
        "25:00", "2026-11-27", "20261127080000", "UTC", "Asia/Shanghai", "<@U1>",
        "<#C1|ops>", "&amp;", "<http://x|y>", ",", "", "\x00", "é",
    ]
)  # fmt: skip
NOWS = st.datetimes(
    min_value=datetime(2001, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
)
ZONES = st.sampled_from([UTC, SHANGHAI, ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")])


def outcome(text: str, now: datetime, tz: tzinfo) -> Command | CommandError:
    try:
        return parse_command(text, now=now, tz=tz)
    except CommandError as e:
        return e


@settings(deadline=None, max_examples=300)
@given(
    text=st.one_of(
        st.text(max_size=100),
        st.lists(VOCABULARY, max_size=8).map(" ".join),
        st.text(min_size=1000, max_size=1500),
    ),
    now=NOWS,
    tz=ZONES,
)
def test_any_text_is_a_command_or_a_one_line_command_error(
    text: str, now: datetime, tz: tzinfo
) -> None:
    result = outcome(text, now, tz)
    if isinstance(result, CommandError):
        assert result.bad.strip()
        assert result.suggestion
        assert "\n" not in str(result)
        assert f'try "{result.suggestion}"' in str(result)
    else:
        if isinstance(result, TasksQuery):
            assert result.window.begin < result.window.end
            assert result.statuses <= set(STATUSES)
            assert result.page >= 1


INSTANCES = st.one_of(
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,30}", fullmatch=True), st.uuids().map(str)
)
FILTERS = st.sampled_from(
    [
        ("failed", {"FAILED"}),
        ("running", {"CREATED", "EXECUTING"}),
        ("status success,deleted", {"SUCCESS", "DELETED"}),
        ("status ok", {"SUCCESS"}),
    ]
)


RESERVED = {
    *("last", "since", "from", "between", "today", "yesterday", "task", "status", "name"),
    *("page", "failed", "running", "subscribe", "unsubscribe", "subscriptions", "instances"),
    "help",
}


@settings(deadline=None)
@given(
    instance=INSTANCES.filter(lambda name: name.lower() not in RESERVED),
    status=st.one_of(st.none(), FILTERS),
    glob=st.one_of(st.none(), st.from_regex(r"[A-Za-z*?]{1,20}", fullmatch=True)),
    page=st.one_of(st.none(), st.integers(1, 999)),
    window=st.sampled_from(["", "last 1h", "since 09:00", "yesterday", "from 08:00 to 10:00"]),
    shuffler=st.randoms(use_true_random=False),
)
def test_a_query_means_the_same_whatever_the_order_of_its_filters(
    instance: str,
    status: tuple[str, set[str]] | None,
    glob: str | None,
    page: int | None,
    window: str,
    shuffler: random.Random,
) -> None:
    parts = [window] if window else []
    parts += [status[0]] if status else []
    parts += [f"name {glob}"] if glob else []
    parts += [f"page {page}"] if page else []
    shuffler.shuffle(parts)
    q = query(" ".join([instance, *parts]))
    assert q.instance == instance
    assert q.statuses == (status[1] if status else set())
    assert q.name_glob == glob
    assert q.page == (page or 1)
    assert q.window_text == window
    assert q.window == parse_window(window, now=NOW, tz=SHANGHAI)
