"""Starting the bot: every missing or malformed setting is named before anything runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings, SettingsError
from bot.serve import serve
from tests.fakes.slack import FakeSlack

REPO = Path(__file__).resolve().parents[2]


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
