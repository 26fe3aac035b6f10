"""The daily summary message, in both languages."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.daily import DailyAt, DaySummary, Slowest, Upcoming
from bot.core.dms.models import Task
from bot.i18n import Lang
from bot.views.daily import FAILED_LINES, daily_summary_message, with_daily
from bot.views.kit import message, section
from bot.views.limits import check_message

AT = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)


def _failed(n: int) -> Task:
    return Task(f"f{n}", "restartInstance", "", "", "FAILED", AT, AT)


def _summary(failed: int = 1, **changes: object) -> DaySummary:
    summary = DaySummary(
        day=date(2026, 3, 9),
        counts={"SUCCESS": 4, "FAILED": failed},
        failed=tuple(_failed(n) for n in range(failed)),
        more_failed=0,
        slowest=(Slowest("extendInstance", 41 * 60, 12 * 60), Slowest("x", 90, None)),
    )
    return DaySummary(**{**summary.__dict__, **changes})


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_summary_reads_in_each_language_and_fits_slack(lang: Lang) -> None:
    shown = daily_summary_message(
        _summary(),
        instance_id="i-1",
        instance_name="prod",
        due_at=AT,
        late=False,
        tz=UTC,
        lang=lang,
    )
    assert check_message(shown.block_dicts(), shown.text) == []
    blocks = str(shown.block_dicts())
    assert "2026-03-09" in blocks
    assert ("usually 12m 00s" if lang == "en" else "通常 12 分 00 秒") in blocks


def test_the_next_24_hours_scheduled_changes_or_that_they_are_unknown() -> None:
    upcoming = (Upcoming("restartInstance", AT),)
    for scheduled, expected in (
        (upcoming, "Scheduled for the next 24 h"),
        ((), "Nothing is scheduled for the next 24 h."),
        (None, "could not be read"),
    ):
        shown = daily_summary_message(
            replace(_summary(), scheduled=scheduled),
            instance_id="i-1",
            instance_name="p",
            due_at=AT,
            late=False,
            tz=UTC,
        )
        assert expected in str(shown.block_dicts())


def test_a_late_summary_says_so_in_its_zone() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    shown = daily_summary_message(
        _summary(), instance_id="i-1", instance_name="p", due_at=AT, late=True, tz=shanghai
    )
    assert "Sent late: the bot was not running at 09:00 Asia/Shanghai." in str(shown.block_dicts())


def test_many_failures_are_counted_past_the_named_ones() -> None:
    shown = daily_summary_message(
        _summary(failed=FAILED_LINES + 5, more_failed=3),
        instance_id="i-1",
        instance_name="p",
        due_at=AT,
        late=False,
        tz=UTC,
    )
    assert "and 8 more" in str(shown.block_dicts())


def test_an_empty_day_and_the_confirmation_line() -> None:
    empty = DaySummary(date(2026, 3, 9), {}, (), 0, ())
    shown = daily_summary_message(
        empty, instance_id="i-1", instance_name="p", due_at=AT, late=False, tz=UTC
    )
    assert "No tasks finished that day." in str(shown.block_dicts())
    confirm = message("ok", [section("ok")])
    assert with_daily(confirm, None) is confirm
    daily = DailyAt(AT.time(), "UTC")
    assert "Daily summary at 01:00 UTC." in str(with_daily(confirm, daily).block_dicts())
