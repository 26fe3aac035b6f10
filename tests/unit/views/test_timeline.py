"""The timeline message and its export: within Slack's limits for any size, both
languages, failures standing out, gaps said with the permission, the rest exported."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC

import pytest

from bot.core.actions import EXPORT, TIMELINE_REFRESH, QueryState
from bot.core.timeline.merge import Timeline, build_timeline
from bot.core.timeline.records import Alarm, InstanceDetail
from bot.core.timeline.sources import Gap
from bot.i18n import LANGS, Lang
from bot.views.safe_text import visible
from bot.views.timeline import SHOWN_MOMENTS, timeline_message
from bot.views.timeline_export import (
    COLUMNS,
    export_files,
    timeline_csv,
    timeline_json,
    timeline_markdown,
)
from tests.unit.core.timeline.test_merge import NOW, at, task, trace
from tests.unit.views.support import all_text, buttons_of, valid

STATE = QueryState("i1", "last 6h", at(360), NOW, "UTC")
ALARM = Alarm.from_api(
    {
        "record_id": "r1",
        "alarm_id": "al1",
        "name": "prod-orders-consumer-lag",
        "status": "alarm",
        "level": 2,
        "metric": {"metric_name": "group_msgs"},
        "condition": {"comparison_operator": ">", "value": 100000, "unit": "count"},
        "data_points": [{"value": 412000}],
        "begin_time": at(30).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
)
DETAIL = InstanceDetail.from_api(
    {
        "instance_id": "i1",
        "name": "prod-orders",
        "status": "RUNNING",
        "specification": "kafka.2u4g.cluster * 3 broker",
        "maintain_begin": "22:00:00",
        "maintain_end": "02:00:00",
    }
)


def story(extra_tasks: int = 0, gaps: tuple[Gap, ...] = ()) -> Timeline:
    tasks = [
        task("t1", "restartInstance", "FAILED", 60, 50),
        task("t2", "createTopic", "SUCCESS", 120, 119),
        *(task(f"x{i}", "createTopic", "SUCCESS", 200 + i * 0.1, 200) for i in range(extra_tasks)),
    ]
    traces = [
        trace("c1", "restartInstance", 60, user="oncall", trace_type="ApiCall"),
        trace("c2", "Kafka_update_topic", 90, user="maria.garcia", source_ip="203.0.113.45"),
    ]
    return build_timeline(
        instance_id="i1",
        instance_name="prod-orders",
        begin=at(360),
        end=NOW,
        now=NOW,
        tasks=tasks,
        traces=traces,
        alarms=[ALARM],
        detail=DETAIL,
        gaps=gaps,
    )


@pytest.mark.parametrize("lang", LANGS)
def test_the_message_has_the_header_moments_and_buttons(lang: Lang) -> None:
    blocks = valid(timeline_message(story(), STATE, tz=UTC, now=NOW, lang=lang))
    text = all_text(blocks)
    assert "kafka.2u4g.cluster" in text
    assert "22:00:00" in text
    assert "maria.garcia" in text
    assert "prod-orders-consumer-lag" in text
    assert [b["action_id"] for b in buttons_of(blocks)] == [TIMELINE_REFRESH, EXPORT]
    assert QueryState.decode(buttons_of(blocks)[1]["value"]) == STATE


def test_a_failure_stands_out() -> None:
    text = all_text(valid(timeline_message(story(), STATE, tz=UTC, now=NOW)))
    failed = next(line for line in text.splitlines() if "Restart instance" in line)
    assert failed.startswith("*")
    assert failed.endswith("*")


@pytest.mark.parametrize("lang", LANGS)
def test_too_many_moments_shows_the_important_and_says_the_rest_is_exported(lang: Lang) -> None:
    big = story(extra_tasks=400)
    blocks = valid(timeline_message(big, STATE, tz=UTC, now=NOW, lang=lang))
    text = all_text(blocks)
    assert "Restart instance" in text or "重启实例" in text
    assert str(len(big.moments) - SHOWN_MOMENTS) in text


def test_each_gap_is_one_line_with_the_permission_to_grant() -> None:
    gaps = (Gap("cts", "forbidden"), Gap("ces", "no_region", region="xx-1"))
    text = all_text(valid(timeline_message(story(gaps=gaps), STATE, tz=UTC, now=NOW)))
    assert "grant `cts:trace:list`" in text
    assert "not offered in region xx-1" in text


def test_the_export_has_every_moment_in_csv_markdown_and_json() -> None:
    big = story(extra_tasks=100)
    rows = list(csv.DictReader(io.StringIO(timeline_csv(big))))
    assert len(rows) == len(big.moments)
    assert tuple(rows[0]) == COLUMNS
    assert timeline_markdown(big, tz=UTC).count("\n| ") == len(rows) + 1
    data = json.loads(timeline_json(big))
    assert len(data["moments"]) == len(rows)
    names = [f.filename for f in export_files(big, tz=UTC)]
    assert names == [
        "prod-orders-timeline-20260301T1200Z.csv",
        "prod-orders-timeline-20260301T1200Z.md",
    ]


def test_a_cell_a_spreadsheet_would_run_is_written_as_text() -> None:
    hostile = trace("c9", "Kafka_update_topic", 10, user="=HYPERLINK(1)")
    timeline = build_timeline(
        instance_id="i1", instance_name="p|o", begin=at(60), end=NOW, now=NOW, traces=[hostile]
    )
    [row] = list(csv.DictReader(io.StringIO(timeline_csv(timeline))))
    assert row["who"] == "'=HYPERLINK(1)"
    assert "p\\|o" in timeline_markdown(timeline, tz=UTC)


@pytest.mark.parametrize(
    "who", ["\u200b=HYPERLINK(1)", "\u202e+cmd|' /C calc'!A0", "\ufeff@SUM(1)"]
)
def test_an_invisible_character_does_not_hide_a_formula_from_the_quoting(who: str) -> None:
    # The CLI prints the CSV through visible(), which drops the invisible lead: the
    # quote must already be there.
    hostile = trace("c9", "Kafka_update_topic", 10, user=who)
    timeline = build_timeline(
        instance_id="i1", instance_name="p", begin=at(60), end=NOW, now=NOW, traces=[hostile]
    )
    [row] = list(csv.DictReader(io.StringIO(visible(timeline_csv(timeline)))))
    assert row["who"].startswith("'")


def test_a_markdown_cell_links_and_loads_nothing() -> None:
    hostile = trace("c9", "Kafka_update_topic", 10, user="![x](https://evil.example/p.png)")
    timeline = build_timeline(
        instance_id="i1", instance_name="[click](https://evil.example)", begin=at(60),
        end=NOW, now=NOW, traces=[hostile],
    )  # fmt: skip
    written = timeline_markdown(timeline, tz=UTC)
    assert "](" not in written.replace("\\](", "")
