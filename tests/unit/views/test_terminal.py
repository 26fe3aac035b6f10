"""The plain-text answers of `python -m bot tasks`, in English."""

from __future__ import annotations

from bot.core.answer import TaskAnswer
from bot.core.dms.models import Task
from bot.views.terminal import task_text, tasks_text
from tests.unit.views.support import (
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


def test_table_columns_are_measured_on_what_the_terminal_shows() -> None:
    # What is invisible is taken out where the CLI prints every line (tests/scenarios/test_cli.py
    # holds that nothing reaches the terminal); the table leaves it out of its cells as
    # well, so that the columns line up on screen.
    bidi = "\u202e\u2066\x1b[2J"
    tasks = [Task.from_api(api_task(0, name=f"restart{bidi}Instance", user=f"li{bidi}"))]
    *_, header, row = tasks_text(answer_for(tasks), SHANGHAI, NOW).split("\n")
    assert "\u202e" not in row
    assert "\u2066" not in row
    assert "\x1b" not in row
    assert "restart[2JInstance" in row
    assert row.index("li[2J") == header.index("USER")
    assert row.index(tasks[0].id) == header.index("ID")


def test_one_task_with_unreadable_params_shows_why_and_everything_else() -> None:
    hostile = Task.from_api(api_task(3, params="[" * 100_000 + "]" * 100_000))
    detail = task_text(TaskAnswer(INSTANCE, hostile), SHANGHAI, NOW)
    assert detail.endswith("\nparams\n(unreadable: too deeply nested)")
    assert hostile.id in detail
    assert "paas_dms" in detail
