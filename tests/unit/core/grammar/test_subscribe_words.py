"""The options of ``subscribe`` beyond a word: quiet hours, in English and in Chinese."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot.core.grammar.commands import Subscribe, parse_command
from bot.core.grammar.errors import CommandError
from bot.core.quiet import QuietHours

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def parse(text: str) -> Subscribe:
    command = parse_command(text, now=NOW, tz=UTC)
    assert isinstance(command, Subscribe)
    return command


@pytest.mark.parametrize(
    ("text", "scope", "hours"),
    [
        (
            "subscribe prod-orders all quiet 22:00-08:00",
            "all",
            QuietHours(time(22), time(8), "Asia/Shanghai"),
        ),
        (
            "subscribe prod-orders quiet 22:00-08:00 Europe/Berlin all",
            "all",
            QuietHours(time(22), time(8), "Europe/Berlin", everything=True),
        ),
        (
            "subscribe prod-orders quiet all 9:30-12:00 +08:00 failed",
            "failed",
            QuietHours(time(9, 30), time(12), "UTC+08:00", everything=True),
        ),
        (
            "订阅 prod-orders 全部 免打扰 22:00-08:00",
            "all",
            QuietHours(time(22), time(8), "Asia/Shanghai"),
        ),
        (
            "订阅prod-orders失败安静22:00-08:00 全部",
            "failed",
            QuietHours(time(22), time(8), "Asia/Shanghai", everything=True),
        ),
    ],
)
def test_quiet_hours_read_in_the_zone_given_or_the_subscribers(
    text: str, scope: str, hours: QuietHours
) -> None:
    command = parse(text)
    assert command.scope == scope
    assert command.quiet is not None
    assert command.quiet.hours("Asia/Shanghai") == hours


def test_without_quiet_there_are_no_quiet_hours() -> None:
    assert parse("subscribe prod-orders failed").quiet is None


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("subscribe prod-orders quiet", "subscribe prod-orders quiet 22:00-08:00"),
        ("subscribe prod-orders quiet 22:00", "subscribe prod-orders quiet 22:00-08:00"),
        ("subscribe prod-orders quiet 08:00-08:00", "subscribe prod-orders quiet 22:00-08:00"),
        (
            "subscribe prod-orders quiet 22:00-08:00 Asia/Shangai",
            "subscribe prod-orders quiet 22:00-08:00 Asia/Shanghai",
        ),
        ("subscribe prod-orders quite 22:00-08:00", "subscribe prod-orders quiet 22:00-08:00"),
        (
            "subscribe prod-orders quiet 1:00-2:00 quiet 3:00-4:00",
            "subscribe prod-orders quiet 22:00-08:00",
        ),
    ],
)
def test_what_is_not_quiet_hours_is_refused_with_a_form_that_works(
    text: str, suggestion: str
) -> None:
    with pytest.raises(CommandError) as caught:
        parse_command(text, now=NOW, tz=UTC)
    assert caught.value.suggestion == suggestion
    assert "免打扰" in caught.value.text("zh")
