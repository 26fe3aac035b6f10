"""The plain-text answers of `python -m bot tasks`, in each language."""

from __future__ import annotations

import pytest

from bot.core.answer import TaskAnswer
from bot.core.dms.models import Task
from bot.i18n import LANGS, Lang
from bot.views.terminal import instances_text, task_text, tasks_text
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


TABLE = {
    "en": (
        " · last 1h · ",
        "4 tasks matching the filter (of 4 in the window): 1 FAILED, 3 SUCCESS",
        ["STATUS", "NAME", "USER", "STARTED", "DURATION", "ID"],
        "FAILED   resetPassword    paas_dms",
    ),
    "zh": (
        " · 过去 1 小时 · ",
        "4 个任务符合筛选条件（窗口内共 4 个）：失败 1 个，成功 3 个",
        ["状态", "名称", "用户", "开始时间", "耗时", "ID"],
        "失败  重置密码      paas_dms",
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_the_table_is_headed_counted_and_aligned_in_the_askers_language(lang: Lang) -> None:
    window, counted, heads, failed_row = TABLE[lang]
    answer = answer_for(incident_tasks(count=4), statuses=frozenset({"FAILED", "SUCCESS"}))
    lines = tasks_text(answer, SHANGHAI, NOW, lang=lang).split("\n")
    assert window in lines[0]
    assert lines[1] == counted
    assert lines[3].split() == heads
    assert lines[6].startswith(failed_row)


PARAMS = '{\n  "new_auto_status": false,\n  "old_auto_status": true\n}'
ONE_TASK = {
    "en": (
        "\nname      Reset password (resetPassword)\nstatus    Failed (FAILED)\n",
        f"params\n{PARAMS}",
    ),
    "zh": ("名称      重置密码 (resetPassword)\n状态      失败 (FAILED)\n", f"参数\n{PARAMS}"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_one_task_shows_the_label_with_dms_identifier_beside_it(lang: Lang) -> None:
    label_and_name, params = ONE_TASK[lang]
    detail = task_text(TaskAnswer(INSTANCE, incident_tasks()[2]), SHANGHAI, NOW, lang=lang)
    assert label_and_name in detail
    assert detail.endswith(params)


def test_an_unknown_name_and_status_are_shown_as_words_and_as_sent() -> None:
    odd = Task.from_api(api_task(0, status="ROLLING_BACK", name="rollingUpgradeBrokers"))
    detail = task_text(TaskAnswer(INSTANCE, odd), SHANGHAI, NOW)
    assert "\nname      Rolling upgrade brokers (rollingUpgradeBrokers)\n" in detail
    assert "\nstatus    ROLLING_BACK\n" in detail


INSTANCES = {
    "en": ("1 Kafka instance in cn-north-4\n\nNAME", "No Kafka instances in cn-north-4."),
    "zh": ("cn-north-4 共有 1 个 Kafka 实例\n\n名称", "cn-north-4 中没有 Kafka 实例。"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_instances_are_counted_then_listed(lang: Lang) -> None:
    listed, none = INSTANCES[lang]
    assert instances_text([INSTANCE], "cn-north-4", lang=lang).startswith(listed)
    assert instances_text([], "cn-north-4", lang=lang) == none


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
