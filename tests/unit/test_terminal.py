"""The plain-text answers of `python -m bot tasks`, in English."""

from __future__ import annotations

from bot.dms.models import Task
from bot.service import TaskAnswer
from bot.views.terminal import task_text, tasks_text
from tests.unit.test_blocks import (
    INSTANCE,
    NOW,
    SHANGHAI,
    answer_for,
    api_task,
    incident_tasks,
)


def test_the_table_keeps_dms_identifiers_one_word_per_column() -> None:
    answer = answer_for(incident_tasks(count=4), statuses=frozenset({"FAILED", "SUCCESS"}))
    lines = tasks_text(answer, SHANGHAI, NOW).split("\n")
    assert lines[1] == "4 tasks matching the filter (of 4 in the window): 1 FAILED, 3 SUCCESS"
    assert lines[3].split() == ["STATUS", "NAME", "USER", "STARTED", "DURATION", "ID"]
    rows = [line.split() for line in lines[4:]]
    assert [(row[0], row[1]) for row in rows] == [
        ("SUCCESS", "restartInstance"),
        ("SUCCESS", "modifyConfigs"),
        ("FAILED", "resetPassword"),
        ("SUCCESS", "createTopic"),
    ]


def test_one_task_shows_the_label_with_dms_identifier_beside_it() -> None:
    detail = task_text(TaskAnswer(INSTANCE, incident_tasks()[2]), SHANGHAI, NOW)
    assert "\nname      Reset password (resetPassword)\nstatus    Failed (FAILED)\n" in detail
    odd = Task.from_api(api_task(0, status="ROLLING_BACK", name="rollingUpgradeBrokers"))
    detail = task_text(TaskAnswer(INSTANCE, odd), SHANGHAI, NOW)
    assert "\nname      Rolling upgrade brokers (rollingUpgradeBrokers)\n" in detail
    assert "\nstatus    ROLLING_BACK\n" in detail
