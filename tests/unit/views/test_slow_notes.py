"""The slow-run note, where a finished task is shown: notification, row, Details."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.answer import TaskAnswer
from bot.core.dms.models import Instance, Task
from bot.core.durations import SlowRun
from bot.i18n import Lang
from bot.views.details import task_details_message
from bot.views.watching import task_finished_message

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
TASK = Task(
    id="t-1",
    name="restartInstance",
    user_name="li.wei",
    user_id="u-1",
    status="SUCCESS",
    created_at=NOW - timedelta(minutes=41),
    updated_at=NOW,
)
SLOW = SlowRun(took_s=41 * 60, usual_s=12 * 60)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_slow_notification_says_how_long_it_usually_takes(lang: Lang) -> None:
    shown = task_finished_message(
        TASK, instance_id="i-1", instance_name="prod", tz=UTC, now=NOW, lang=lang, slow=SLOW
    )
    blocks = str(shown.block_dicts())
    assert "usually" in blocks or "通常" in blocks
    plain = task_finished_message(TASK, instance_id="i-1", instance_name="prod", tz=UTC, now=NOW)
    assert "usually" not in str(plain.block_dicts())


def test_details_show_the_note_in_place_of_the_duration() -> None:
    instance = Instance(instance_id="i-1", name="prod")
    shown = str(
        task_details_message(TaskAnswer(instance, TASK, slow=SLOW), tz=UTC, now=NOW).block_dicts()
    )
    assert "usually 12m 00s" in shown
    plain = str(task_details_message(TaskAnswer(instance, TASK), tz=UTC, now=NOW).block_dicts())
    assert "usually" not in plain
