"""Two accounts end to end: the real bot, configured by a kafka-tasks.toml that names two
simulators, each holding instances of the same names, asked through signed Slack
requests and answering into the fake Slack."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.store.store import Store
from bot.core import actions
from bot.i18n.labels import task_label
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, ManualClock, Simulator, SimulatorConfig
from tests.paths import REPO_ROOT
from tests.scenarios.slack_harness import (
    RunningBot,
    buttons_of,
    final_response,
    running_bot,
    text_of,
)

REPO = REPO_ROOT
STAGING = SimulatorConfig(
    seed=8, ak="STAGINGACCESSKEY01", sk="staging-sk-value", project_id="5e7a9c1b3d5f4a6b8c0d2e4f"
)
FAST = {"KAFKA_TASKS_POLL_FAST": "1", "KAFKA_TASKS_POLL_SLOW": "1"}
CREDENTIALS = {
    "PROD_AK": DEMO_AK,
    "PROD_SK": DEMO_SK,
    "STAGING_AK": STAGING.ak,
    "STAGING_SK": STAGING.sk,
}


def config_text(prod_url: str, staging_url: str, orders_id: str) -> str:
    return f"""\
[defaults]
account = "prod"

[accounts.prod]
region = "cn-north-4"
project_id = "{DEMO_PROJECT_ID}"
ak_env = "PROD_AK"
sk_env = "PROD_SK"
endpoint = "{prod_url}"

[accounts.staging]
region = "cn-east-3"
project_id = "{STAGING.project_id}"
ak_env = "STAGING_AK"
sk_env = "STAGING_SK"
endpoint = "{staging_url}"

[aliases]
orders = {{ account = "staging", instance = "{orders_id}" }}
"""


@dataclass
class TwoAccounts:
    bot: RunningBot  # its simulator is the prod account's
    staging: Simulator

    @property
    def prod(self) -> Simulator:
        return self.bot.sim

    def id_in(self, sim: Simulator, name: str) -> str:
        return sim.state.find_instances(name, exact=True)[0].instance_id

    def reset_stats(self) -> None:
        self.prod.stats.reset()
        self.staging.stats.reset()


@pytest.fixture
async def two(tmp_path: Path) -> AsyncIterator[TwoAccounts]:
    staging = Simulator(STAGING, clock=ManualClock(datetime.now(UTC)))
    orders_id = staging.state.find_instances("prod-orders", exact=True)[0].instance_id

    def settings(prod: Simulator) -> dict[str, str]:
        path = tmp_path / "kafka-tasks.toml"
        path.write_text(config_text(prod.url, staging.url, orders_id), encoding="utf-8")
        return {"KAFKA_TASKS_CONFIG": str(path), **CREDENTIALS, **FAST}

    async with (
        staging,
        running_bot(clock=ManualClock(datetime.now(UTC)), extra=settings) as bot,
    ):
        yield TwoAccounts(bot, staging)


async def slash(bot: RunningBot, text: str, name: str) -> tuple[str, dict[str, Any]]:
    await bot.sender.slash(text, response_url=bot.slack.response_url(name))
    answer = await final_response(bot.slack, name)
    return text_of(answer), buttons_of(answer)


async def until(check: Callable[[], Any], *, what: str) -> Any:
    """Polls ``check`` (in a thread: it may use the store) until it is truthy, or 30 s."""
    deadline = time.monotonic() + 30
    while True:
        result = await asyncio.to_thread(check)
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def test_a_name_in_both_accounts_gets_the_pick_one_answer(two: TwoAccounts) -> None:
    text, buttons = await slash(two.bot, "prod-orders last 1h", "ask")
    assert "matches 2 instances" in text
    assert "prod-orders@prod" in text
    assert "prod-orders@staging" in text
    picks = {b["text"]["text"]: b["value"] for b in buttons[actions.PICK_INSTANCE]}
    staging_id = two.id_in(two.staging, "prod-orders")
    assert picks["prod-orders@staging"].startswith(staging_id)
    assert picks["prod-orders@prod"].startswith(two.id_in(two.prod, "prod-orders"))
    # Picking one re-runs the query with its id, which goes to that account.
    two.reset_stats()
    await two.bot.sender.action(
        actions.PICK_INSTANCE,
        picks["prod-orders@staging"],
        ephemeral=True,
        response_url=two.bot.slack.response_url("pick"),
    )
    picked = text_of(await final_response(two.bot.slack, "pick"))
    assert "prod-orders" in picked
    assert "could not answer" not in picked
    assert two.staging.stats.count("list_tasks") >= 1
    assert two.prod.stats.count("list_tasks") == 0


async def test_name_at_account_answers_from_that_account(two: TwoAccounts) -> None:
    two.reset_stats()
    text, _ = await slash(two.bot, "prod-orders@staging last 1h", "staging")
    assert "prod-orders" in text
    assert "could not answer" not in text
    assert two.staging.stats.count("list_tasks") >= 1
    assert two.prod.stats.count("list_tasks") == 0
    two.reset_stats()
    text, _ = await slash(two.bot, "prod-orders@cn-north-4 last 1h", "prod")
    assert "could not answer" not in text
    assert two.prod.stats.count("list_tasks") >= 1
    assert two.staging.stats.count("list_tasks") == 0


async def test_an_alias_answers_from_its_account(two: TwoAccounts) -> None:
    two.reset_stats()
    text, _ = await slash(two.bot, "orders failed last 7d", "alias")
    assert "prod-orders" in text
    assert "could not answer" not in text
    assert two.staging.stats.count("list_tasks") >= 1
    assert two.prod.stats.count("list_tasks") == 0


async def test_a_subscription_to_the_second_account_is_polled_and_delivered(
    two: TwoAccounts,
) -> None:
    text, _ = await slash(two.bot, "subscribe prod-orders@staging all", "sub")
    assert "prod-orders" in text
    iid = two.id_in(two.staging, "prod-orders")
    store = Store.open(two.bot.database_url)
    try:
        [sub] = store.subscriptions.in_channel.sync("C123")
        assert sub.instance_id == iid
        await until(lambda: store.polling.has_baseline.sync(iid), what="the baseline poll")
        running = {
            t
            for t, s in store.polling.task_states.sync(iid).items()
            if s in ("CREATED", "EXECUTING")
        }
        assert running, "the demo data has tasks in progress"
        clock = two.staging.clock
        assert isinstance(clock, ManualClock)
        clock.advance(timedelta(days=1))
        timeline = {t.id: t for t in two.staging.state.timeline(iid) or ()}
        now = clock.now()
        finished = {
            t for t in running if timeline[t].status_at(now) not in ("CREATED", "EXECUTING")
        }
        assert finished == running

        def delivered() -> bool:
            posted = "\n".join(
                text_of(c)
                for c in two.bot.slack.calls_to("chat.postMessage", ok=True)
                if c.args["channel"] == "C123"
            )
            return not store.outbox.pending_for.sync("C123") and all(
                task_label(timeline[t].name, "en") in posted for t in finished
            )

        await until(delivered, what="every finished staging task posted to C123")
    finally:
        store.close()


def test_a_bad_config_file_stops_start_up_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "kafka-tasks.toml").write_text(
        '[defaults]\naccount = "prod"\n\n[accounts.prod]\nregion = "cn-north-4"\n'
        'project_id = "p"\nak_env = "PROD_AK"\nsk = "never-shown-secret"\n',
        encoding="utf-8",
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(REPO),
        "HOME": str(tmp_path),
        "KAFKA_TASKS_CONFIG": "kafka-tasks.toml",
        "PROD_AK": "PRODACCESSKEY",
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "signing-secret",
    }
    for command in (["serve"], ["tasks", "prod-orders"], ["shell", "help"]):
        result = subprocess.run(
            [sys.executable, "-m", "bot", *command],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 2, result.stderr
        assert "kafka-tasks.toml line 4: [accounts.prod] has no sk_env" in result.stderr
        assert (
            "kafka-tasks.toml line 8: [accounts.prod] sk: the file must not hold" in result.stderr
        )
        assert "never-shown-secret" not in result.stderr + result.stdout
        assert "Traceback" not in result.stderr


async def test_an_id_typed_with_another_accounts_name_is_judged_as_what_it_is(
    tmp_path: Path,
) -> None:
    # Payments may not be looked at from C123, in whichever account and however named.
    rules = '\n[access]\ndefault = "allow"\n\n[[access.rules]]\neffect = "deny"\n'
    rules += 'channels = ["C123"]\ninstances = ["prod-payments"]\n'
    staging = Simulator(STAGING, clock=ManualClock(datetime.now(UTC)))
    orders_id = staging.state.find_instances("prod-orders", exact=True)[0].instance_id

    def settings(prod: Simulator) -> dict[str, str]:
        path = tmp_path / "kafka-tasks.toml"
        text = config_text(prod.url, staging.url, orders_id) + rules
        path.write_text(text, encoding="utf-8")
        return {"KAFKA_TASKS_CONFIG": str(path), **CREDENTIALS, **FAST}

    async with staging, running_bot(extra=settings) as bot:
        payments = bot.sim.state.find_instances("prod-payments", exact=True)[0].instance_id
        for n, typed in enumerate(
            [f"{payments}@staging", payments, "prod-payments@prod", "prod-payments"]
        ):
            text, buttons = await slash(bot, f"{typed} last 24h", f"ask{n}")
            # Refused, or (an id the rules do not name) as if there were no such
            # instance: never its tasks.
            assert "You may not look at" in text or "No Kafka instance named" in text, typed
            assert actions.REFRESH not in buttons, typed
        # An instance the rules allow still answers, from the account it lives in.
        text, buttons = await slash(bot, "prod-orders@prod last 24h", "allowed")
        assert actions.REFRESH in buttons
