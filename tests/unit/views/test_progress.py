"""A running scale-out's progress as answers, Details and followed threads show it: the
bar, percent, step and time left in both languages, bounded for any values."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.answer import TaskAnswer
from bot.core.timeline.records import MAX_STEPS, Progress, Step
from bot.i18n import LANGS, Lang
from bot.views.details import task_details_message
from bot.views.limits import FIELD_TEXT
from bot.views.progress import (
    BAR_CELLS,
    MAX_SHOWN_STEPS,
    bar,
    left_text,
    progress_line,
    progress_mark,
    shown_percent,
    steps_line,
)
from bot.views.tasks import tasks_message
from tests.unit.views.support import (
    INSTANCE,
    NOW,
    SHANGHAI,
    all_text,
    answer_for,
    state_for,
    task,
    valid,
)

SCALE_OUT = task(1, status="EXECUTING", name="extendInstance")


def progress(
    percent: int | None = 60,
    remaining: timedelta | None = timedelta(minutes=13, seconds=20),
    steps: tuple[tuple[str, str], ...] = (
        ("pre_check", "COMPLETED"),
        ("disk_expansion", "IN_PROGRESS"),
        ("post_check", "WAITING"),
    ),
) -> Progress:
    return Progress(
        task_id=SCALE_OUT.id,
        percent=percent,
        remaining=remaining,
        steps=tuple(Step(name, status, None, None) for name, status in steps),
    )


def test_the_line_reads_bar_percent_step_and_time_left() -> None:
    assert progress_line(progress(), "en") == (
        "`▓▓▓▓▓▓░░░░` 60% · disk expansion · about 14 min left"
    )
    assert progress_line(progress(), "zh") == "`▓▓▓▓▓▓░░░░` 60% · 磁盘扩容 · 约剩 14 分钟"


@pytest.mark.parametrize(
    ("remaining", "en", "zh"),
    [
        (timedelta(seconds=0), "less than a minute left", "剩余不到 1 分钟"),
        (timedelta(seconds=61), "about 2 min left", "约剩 2 分钟"),
        (timedelta(hours=2, minutes=5), "about 2 h 5 min left", "约剩 2 小时 5 分钟"),
        (timedelta(seconds=-5), None, None),
        (timedelta(days=30), None, None),
        (None, None, None),
    ],
)
def test_time_left_is_rounded_up_and_absurd_values_are_not_shown(
    remaining: timedelta | None, en: str | None, zh: str | None
) -> None:
    assert left_text(remaining, "en") == en
    assert left_text(remaining, "zh") == zh


def test_every_known_step_has_words_and_an_unknown_one_is_shown_sanitised() -> None:
    for name, en, zh in (
        ("pre_check", "pre-check", "预检查"),
        ("disk_expansion", "disk expansion", "磁盘扩容"),
        ("post_check", "post-check", "后检查"),
        ("rolling_scaling", "rolling scaling", "滚动扩容"),
    ):
        one = progress(steps=((name, "IN_PROGRESS"),))
        assert en in (progress_line(one, "en") or "")
        assert zh in (progress_line(one, "zh") or "")
    hostile = progress(steps=(("<!channel> *bold*\n" + "x" * 500, "IN_PROGRESS"),))
    line = progress_line(hostile, "en") or ""
    assert "<!channel>" not in line
    assert "\n" not in line
    assert len(line) < 200


def test_a_failed_step_says_so() -> None:
    failed = progress(steps=(("pre_check", "COMPLETED"), ("disk_expansion", "FAILED")))
    assert "disk expansion failed" in (progress_line(failed, "en") or "")
    assert "磁盘扩容失败" in (progress_line(failed, "zh") or "")


@pytest.mark.parametrize(("percent", "shown"), [(-40, 0), (0, 0), (100, 100), (250, 100)])
def test_percent_outside_0_to_100_is_clamped(percent: int, shown: int) -> None:
    one = progress(percent=percent)
    assert shown_percent(one) == shown
    assert f" {shown}%" in (progress_line(one, "en") or "")


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_the_bar_always_has_ten_cells(percent: int) -> None:
    cells = bar(percent)
    assert len(cells) == BAR_CELLS
    assert set(cells) <= {"▓", "░"}


def test_nothing_known_is_no_line() -> None:
    assert progress_line(progress(percent=None, remaining=None, steps=()), "en") is None


def test_a_huge_step_list_is_shown_in_part() -> None:
    many = progress(steps=tuple((f"step_{i}", "WAITING") for i in range(MAX_STEPS * 10)))
    line = steps_line(many, "en") or ""
    assert line.count("○") == MAX_SHOWN_STEPS
    assert line.endswith(f"+{MAX_STEPS * 10 - MAX_SHOWN_STEPS} more")
    assert len(line) < FIELD_TEXT


def test_the_mark_moves_with_percent_and_step_only() -> None:
    assert progress_mark(progress()) == (60, "disk_expansion:IN_PROGRESS")
    later = replace(progress(), remaining=timedelta(minutes=2))
    assert progress_mark(later) == progress_mark(progress())
    assert progress_mark(progress(percent=70)) != progress_mark(progress())


@pytest.mark.parametrize("lang", LANGS)
def test_the_answer_row_of_a_running_scale_out_shows_its_progress(lang: Lang) -> None:
    done = task(2, status="SUCCESS", name="extendInstance")
    answer = replace(
        answer_for([SCALE_OUT, done]),
        progress={SCALE_OUT.id: progress(), done.id: progress(percent=10)},
    )
    message = tasks_message(
        answer, state_for(answer), tz=SHANGHAI, now=NOW, shareable=True, lang=lang
    )
    text = all_text(valid(message))
    # Only the running one: a finished task shows no bar even if one was given.
    assert text.count("`▓") == 1
    assert "60%" in text


@pytest.mark.parametrize("lang", LANGS)
def test_details_show_the_bar_and_each_step(lang: Lang) -> None:
    message = task_details_message(
        TaskAnswer(INSTANCE, SCALE_OUT, progress()), tz=SHANGHAI, now=NOW, lang=lang
    )
    text = all_text(valid(message))
    assert "60%" in text
    steps = "✓ pre-check → ▶ disk expansion → ○ post-check"
    assert steps in text if lang == "en" else "✓ 预检查 → ▶ 磁盘扩容 → ○ 后检查" in text


def test_details_of_a_task_without_progress_are_as_before() -> None:
    plain = task_details_message(TaskAnswer(INSTANCE, SCALE_OUT), tz=SHANGHAI, now=NOW)
    assert "%" not in all_text(valid(plain))
