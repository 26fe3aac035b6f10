"""One typed ``Ask`` for every way in: what each door's ask means for the rules."""

from __future__ import annotations

import dataclasses
from datetime import UTC
from typing import get_args
from zoneinfo import ZoneInfo

import pytest

from bot.services.ask import Ask, Via


def test_an_ask_from_the_shell_has_nobody_to_check_and_reads_utc_in_english() -> None:
    ask = Ask()
    assert (ask.user, ask.channel, ask.via) == ("", "", "shell")
    assert not ask.in_slack
    assert (ask.tz, ask.lang) == (UTC, "en")
    # Answered to the asker, who may share it; nothing is posted for a channel.
    assert ask.shareable
    assert not ask.public


@pytest.mark.parametrize("via", get_args(Via))
def test_only_asks_from_slack_are_checked_against_the_rules(via: Via) -> None:
    assert Ask(user="U0DEV", channel="C0TEAM", via=via).in_slack == (via not in ("shell", "cli"))


def test_an_ask_is_a_value_changed_only_by_making_another() -> None:
    ask = Ask(user="U0DEV", channel="C0TEAM", via="mention", tz=ZoneInfo("Asia/Shanghai"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        ask.lang = "zh"  # type: ignore[misc]
    quiet = dataclasses.replace(ask, shareable=False, public=True, lang="zh")
    assert (quiet.user, quiet.channel, quiet.via, quiet.tz) == (
        ask.user,
        ask.channel,
        ask.via,
        ask.tz,
    )
    assert (ask.shareable, ask.public, ask.lang) == (True, False, "en")
    assert quiet == Ask("U0DEV", "C0TEAM", "mention", ZoneInfo("Asia/Shanghai"), "zh", False, True)
