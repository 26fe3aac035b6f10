"""Settings: validation names each bad setting; secrets never show in repr."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.dms.endpoints import UnknownRegion, endpoint_for_region
from bot.main.settings import Settings, SettingsError

REAL = {
    "HUAWEICLOUD_SDK_AK": "AKREALACCESSKEY1",
    "HUAWEICLOUD_SDK_SK": "sk-very-secret",
    "HUAWEICLOUD_SDK_PROJECT_ID": "0123456789abcdef0123456789abcdef",
    "HUAWEICLOUD_SDK_SECURITY_TOKEN": "temporary-token-value",
    "HUAWEICLOUD_REGION": "cn-north-4",
    "SLACK_BOT_TOKEN": "xoxb-bot-token-value",
    "SLACK_SIGNING_SECRET": "signing-secret-value",
    "SLACK_APP_TOKEN": "xapp-app-token-value",
    "DATABASE_URL": "postgresql://user:dbpass@db/kafka",
}


def test_no_credentials_is_demo_mode() -> None:
    settings = Settings.from_mapping({})
    assert settings.demo_mode
    assert settings.default_tz == "UTC"


def test_real_credentials_pick_the_region_endpoint() -> None:
    settings = Settings.from_mapping(REAL)
    assert not settings.demo_mode
    assert settings.endpoint() == "https://dms.cn-north-4.myhuaweicloud.com"
    assert settings.credentials().security_token == "temporary-token-value"


def test_eu_region_and_endpoint_override() -> None:
    assert endpoint_for_region("eu-west-101") == "https://dms.eu-west-101.myhuaweicloud.eu"
    settings = Settings.from_mapping({**REAL, "DMS_ENDPOINT": "https://dms.internal:8443/"})
    assert settings.endpoint() == "https://dms.internal:8443"


def test_unknown_region_suggests_the_close_one() -> None:
    with pytest.raises(UnknownRegion, match="cn-north-4"):
        endpoint_for_region("cn-nrth-4")


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_mapping(
            {
                "HUAWEICLOUD_SDK_AK": "AK",
                "KAFKA_TASKS_TZ": "Mars/Olympus",
                "PORT": "http",
                "DMS_ENDPOINT": "dms.example.com",
            }
        )
    text = str(info.value)
    for name in ("HUAWEICLOUD_SDK_SK", "KAFKA_TASKS_TZ", "PORT", "DMS_ENDPOINT"):
        assert name in text


def test_repr_masks_every_secret() -> None:
    text = repr(Settings.from_mapping(REAL))
    for secret in (
        "sk-very-secret",
        "temporary-token-value",
        "xoxb-bot-token-value",
        "signing-secret-value",
        "xapp-app-token-value",
        "dbpass",
        "AKREALACCESSKEY1",
    ):
        assert secret not in text


def test_environment_wins_over_dotenv(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("KAFKA_TASKS_TZ=Asia/Shanghai\nPORT=4000\n")
    settings = Settings.load({"PORT": "5000"}, dotenv)
    assert settings.default_tz == "Asia/Shanghai"
    assert settings.port == 5000


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({}, None),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, None),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, None),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1"},
            "SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN "
            "(Socket Mode) is not",
        ),
        (
            {"SLACK_SIGNING_SECRET": "s", "SLACK_APP_TOKEN": "xapp-1"},
            "SLACK_SIGNING_SECRET and SLACK_APP_TOKEN are set but SLACK_BOT_TOKEN is not",
        ),
    ],
)
def test_half_a_slack_setup_is_named_for_make_run(env: dict[str, str], said: str | None) -> None:
    settings = Settings.from_mapping(env)
    assert settings.slack_unfinished == said
    assert settings.slack_configured == (said is None and bool(env))
