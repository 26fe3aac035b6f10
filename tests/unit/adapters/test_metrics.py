"""Metrics: each recorder moves its metric, in a registry of its own, in the text format."""

from __future__ import annotations

from typing import Any, cast

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from bot.adapters.metrics import CONTENT_TYPE, Metrics, error_code_label


def value(metrics: Metrics, name: str, **labels: str) -> float:
    found = metrics.registry.get_sample_value(name, labels)
    return 0.0 if found is None else found


def parsed(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of ``render()``, read back by prometheus_client's own parser."""
    samples = {}
    for family in text_string_to_metric_families(metrics.render().decode()):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def test_each_recorder_moves_its_metric() -> None:
    m = Metrics()
    m.command("slash", "ok")
    m.command("slash", "ok")
    m.command("button", "refused")
    m.ack(0.012)
    m.upstream("list_tasks", 0.2)
    m.upstream_error("DMS.00404022")
    m.cache_request("tasks", hit=True)
    m.cache_request("instances", hit=False)
    m.singleflight_join("tasks")
    m.poll_lag("i-1", 1.5)
    m.poll_error()
    m.outbox_depth(7)
    m.delivery_retry()
    m.delivered("task_finished", 3)
    m.delivered("thread_reply")

    assert value(m, "kafka_tasks_commands_total", kind="slash", result="ok") == 2
    assert value(m, "kafka_tasks_commands_total", kind="button", result="refused") == 1
    assert value(m, "kafka_tasks_ack_seconds_count") == 1
    assert value(m, "kafka_tasks_ack_seconds_bucket", le="0.025") == 1
    assert value(m, "kafka_tasks_ack_seconds_bucket", le="0.01") == 0
    assert value(m, "kafka_tasks_upstream_seconds_count", operation="list_tasks") == 1
    assert value(m, "kafka_tasks_upstream_seconds_sum", operation="list_tasks") == 0.2
    assert value(m, "kafka_tasks_upstream_errors_total", code="DMS.00404022") == 1
    assert value(m, "kafka_tasks_cache_requests_total", cache="tasks", result="hit") == 1
    assert value(m, "kafka_tasks_cache_requests_total", cache="instances", result="miss") == 1
    assert value(m, "kafka_tasks_singleflight_joins_total", cache="tasks") == 1
    assert value(m, "kafka_tasks_poll_lag_seconds", instance="i-1") == 1.5
    assert value(m, "kafka_tasks_poll_errors_total") == 1
    assert value(m, "kafka_tasks_outbox_depth") == 7
    assert value(m, "kafka_tasks_delivery_retries_total") == 1
    assert value(m, "kafka_tasks_deliveries_total", kind="task_finished") == 3
    assert value(m, "kafka_tasks_deliveries_total", kind="thread_reply") == 1


def test_the_text_format_parses_and_fixed_series_exist_before_any_event() -> None:
    m = Metrics()
    samples = parsed(m)
    # A rate() or an alert must see the first error, so the fixed series start at 0.
    for kind in ("slash", "mention", "button", "home"):
        for result in ("ok", "error", "refused"):
            key = ("kafka_tasks_commands_total", (("kind", kind), ("result", result)))
            assert samples[key] == 0
    for operation in ("list_tasks", "get_task", "list_instances"):
        assert samples[("kafka_tasks_upstream_seconds_count", (("operation", operation),))] == 0
    for cache in ("tasks", "instances"):
        assert samples[("kafka_tasks_singleflight_joins_total", (("cache", cache),))] == 0
    assert samples[("kafka_tasks_ack_seconds_count", ())] == 0
    assert samples[("kafka_tasks_outbox_depth", ())] == 0

    m.upstream_error("timeout")
    m.poll_lag("i-2", 0.25)
    after = parsed(m)
    assert after[("kafka_tasks_upstream_errors_total", (("code", "timeout"),))] == 1
    assert after[("kafka_tasks_poll_lag_seconds", (("instance", "i-2"),))] == 0.25
    assert m.content_type == CONTENT_TYPE
    assert CONTENT_TYPE.startswith("text/plain; version=0.0.4")


def test_a_forgotten_instance_leaves_no_stale_lag() -> None:
    m = Metrics()
    m.forget_instance("never-seen")  # nothing to drop is not an error
    m.poll_lag("i-1", 3.0)
    m.forget_instance("i-1")
    assert not any(name == "kafka_tasks_poll_lag_seconds" for name, _ in parsed(m))


def test_each_metrics_object_counts_on_its_own_never_in_the_global_registry() -> None:
    first, second = Metrics(), Metrics()  # a second registration would raise if shared
    first.command("mention", "error")
    assert value(first, "kafka_tasks_commands_total", kind="mention", result="error") == 1
    assert value(second, "kafka_tasks_commands_total", kind="mention", result="error") == 0
    assert REGISTRY.get_sample_value("kafka_tasks_ack_seconds_count") is None


def test_a_command_label_outside_the_fixed_sets_is_refused() -> None:
    m = Metrics()
    with pytest.raises(ValueError, match="'shell'"):
        m.command(cast(Any, "shell"), "ok")
    with pytest.raises(ValueError, match="'maybe'"):
        m.command("slash", cast(Any, "maybe"))


@pytest.mark.parametrize(
    ("code", "status", "label"),
    [
        ("DMS.00404022", 404, "DMS.00404022"),
        ("APIGW.0308", 429, "APIGW.0308"),
        (None, 502, "502"),
        ("", 500, "500"),
        # Not the shape of a code: anything could be in it, so the status stands in.
        ("<html>oops</html>", 503, "503"),
        ("DMS." + "9" * 40, 500, "500"),
        (None, None, "other"),
    ],
)
def test_error_code_labels_are_codes_else_statuses(
    code: str | None, status: int | None, label: str
) -> None:
    assert error_code_label(code, status=status) == label
