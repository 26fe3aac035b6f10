"""Stand-ins for Slack in end-to-end tests: a fake Web API server and signed requests."""

from tests.fakes.slack import (
    DEFAULT_BOT_TOKEN,
    FAKE_APP_ID,
    FAKE_BOT_ID,
    FAKE_BOT_USER_ID,
    FAKE_TEAM_ID,
    Call,
    FakeSlack,
)
from tests.fakes.slack_blocks import SlackError, check_message
from tests.fakes.slack_requests import SlackSender

__all__ = [
    "DEFAULT_BOT_TOKEN",
    "FAKE_APP_ID",
    "FAKE_BOT_ID",
    "FAKE_BOT_USER_ID",
    "FAKE_TEAM_ID",
    "Call",
    "FakeSlack",
    "SlackError",
    "SlackSender",
    "check_message",
]
