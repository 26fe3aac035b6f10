"""Starting the bot: every missing or malformed setting is named before anything runs."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.main.serve import serve
from bot.main.settings import Settings, SettingsError
from tests.fakes.slack import FakeSlack
from tests.paths import REPO_ROOT
from tests.scenarios.slack_harness import BOT_TOKEN, running_bot

REPO = REPO_ROOT


def serve_process(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO), "HOME": str(cwd)}
    return subprocess.run(
        [sys.executable, "-m", "bot", "serve"],
        cwd=cwd,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_http_mode_without_tokens_names_each_missing_setting(tmp_path: Path) -> None:
    result = serve_process({}, tmp_path)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr
    assert "SLACK_SIGNING_SECRET" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_tokens_are_named(tmp_path: Path) -> None:
    result = serve_process(
        {"SLACK_BOT_TOKEN": "xoxp-user-token", "SLACK_APP_TOKEN": "not-an-app-token"}, tmp_path
    )
    assert result.returncode == 2
    assert "xoxb-" in result.stderr
    assert "SLACK_APP_TOKEN" in result.stderr
    assert "xoxp-user-token" not in result.stderr


async def test_socket_mode_refused_by_slack_says_which_token_to_check() -> None:
    async with FakeSlack(bot_token="xoxb-test-token") as slack:
        settings = Settings.from_mapping(
            {
                "SLACK_BOT_TOKEN": "xoxb-test-token",
                "SLACK_APP_TOKEN": "xapp-1-refused",
                "SLACK_API_URL": slack.api_url,
            }
        )
        with pytest.raises(SettingsError, match="SLACK_APP_TOKEN"):
            await serve(settings)


async def test_start_up_says_each_thing_once_and_nothing_to_learn_to_ignore(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On a deployment the token is in the environment, where Bolt reads it too.
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    caplog.set_level(logging.INFO)
    async with running_bot():
        pass
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert not [line for line in said if "will be unused" in line]
    # No config file: the access line says so rather than naming a file that is not there.
    assert [line for line in said if line.startswith("access:")] == [
        "access: no config file (KAFKA_TASKS_CONFIG): everyone in the workspace may query, "
        "share and subscribe"
    ]
    assert len([line for line in said if "schema version" in line]) == 1


def test_the_access_line_names_the_file_the_rules_came_from() -> None:
    settings = Settings.from_mapping({})
    assert "kafka-tasks.toml" not in settings.policy.describe()
    assert settings.policy.describe("team.toml").startswith("access: no rules in team.toml: ")


def test_make_run_with_half_a_slack_setup_says_what_is_missing(tmp_path: Path) -> None:
    base = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO), "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env={**base, "SLACK_BOT_TOKEN": BOT_TOKEN},
        input="quit\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    first = result.stderr.splitlines()[0]
    assert first == (
        "SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN "
        "(Socket Mode) is not: opening the local shell instead of serving Slack (see "
        "Creating the Slack app in README.md)."
    )
    assert BOT_TOKEN not in result.stderr
    # Nothing set: the shell is what was asked for, without a word about Slack.
    quiet = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=base,
        input="quit\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "SLACK_" not in quiet.stderr
