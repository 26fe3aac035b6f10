"""``/metrics`` on the real bot: the counters move after a command, in HTTP and Socket Mode."""

from __future__ import annotations

from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.scenarios.slack_harness import final_response, running_bot
from tests.scenarios.test_socket_mode import WAIT_S, slash_payload, socket_bot

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples_of(response: httpx.Response) -> Samples:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def at(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def moved(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return at(after, name, **labels) - at(before, name, **labels)


async def test_metrics_show_the_ack_upstream_calls_and_cache_of_a_slash_command() -> None:
    async with running_bot() as bot:
        before = samples_of(await bot.metrics())
        assert at(before, "kafka_tasks_ack_seconds_count") == 0

        # A forged request is refused before Bolt: it is not an ack Slack waited for.
        forged = await bot.sender.raw(b"command=/kafka-tasks", {"X-Slack-Signature": "v0=00"})
        assert forged.status_code == 401

        response_url = bot.slack.response_url("slash")
        acked = await bot.sender.slash("prod-orders last 1h", response_url=response_url)
        assert acked.status_code == 200
        await final_response(bot.slack, "slash")
        after = samples_of(await bot.metrics())

    assert moved(before, after, "kafka_tasks_ack_seconds_count") == 1
    assert 0 < at(after, "kafka_tasks_ack_seconds_sum") < 3
    assert moved(before, after, "kafka_tasks_ack_seconds_bucket", le="3.0") == 1
    # Name -> id, then the window's pages, each timed; both fetched, neither cached yet.
    assert moved(before, after, "kafka_tasks_upstream_seconds_count", operation="list_instances")
    assert moved(before, after, "kafka_tasks_upstream_seconds_count", operation="list_tasks")
    assert moved(before, after, "kafka_tasks_cache_requests_total", cache="tasks", result="miss")
    assert moved(
        before, after, "kafka_tasks_cache_requests_total", cache="instances", result="miss"
    )
    assert not any(name == "kafka_tasks_upstream_errors_total" for name, _ in after)
    # The command is counted once, with the result its audit line records.
    assert moved(before, after, "kafka_tasks_commands_total", kind="slash", result="ok") == 1
    assert moved(before, after, "kafka_tasks_commands_total", kind="slash", result="error") == 0


async def test_metrics_are_served_beside_healthz_in_socket_mode(tmp_path: Path) -> None:
    async with socket_bot(tmp_path) as bot:
        url = f"http://127.0.0.1:{bot.port}/metrics"
        before = samples_of(await bot.http.get(url))
        response_url = bot.slack.response_url("slash")
        envelope = await bot.slack.socket.send(
            "slash_commands", slash_payload("prod-orders last 1h", response_url=response_url)
        )
        await bot.slack.socket.wait_for_ack(envelope.envelope_id, timeout=WAIT_S)
        await final_response(bot.slack, "slash")
        after = samples_of(await bot.http.get(url))
    # The envelope's ack is sent when handle() returns, so it is counted by now.
    assert moved(before, after, "kafka_tasks_ack_seconds_count") == 1
    assert moved(before, after, "kafka_tasks_upstream_seconds_count", operation="list_tasks")
