"""bot.core.grammar.slack_text: Slack's markup turned back into what was typed."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.grammar.commands import Command, TasksQuery, parse_command
from bot.core.grammar.slack_text import clean_slack_text

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def parse(text: str) -> Command:
    return parse_command(text, now=NOW, tz=SHANGHAI)


def query(text: str) -> TasksQuery:
    command = parse(text)
    assert isinstance(command, TasksQuery)
    return command


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
