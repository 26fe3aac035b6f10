"""Snoozing from a notification: the menu, what the channel is told, and the list."""

from __future__ import annotations

import dataclasses
from datetime import time, timedelta

import pytest

from bot.core.actions import SNOOZE, UNSNOOZE, SnoozeRef
from bot.core.quiet import SNOOZE_CHOICES, QuietHours
from bot.core.records import DailySummary, Snooze
from bot.i18n import LANGS, Lang
from bot.views.kit import message, section
from bot.views.limits import MAX_BLOCKS
from bot.views.snooze import (
    OPTION_VALUE,
    not_snoozed_message,
    snooze_lifted_message,
    snoozed_message,
    with_snooze,
)
from bot.views.subscriptions import subscribed_message, subscriptions_message
from tests.fakes.slack_blocks import block_problems
from tests.unit.views.support import BIDI, INSTANCE_ID, NOW, SHANGHAI, SUB, all_text, valid

HOSTILE = f"*bold* <!channel> {BIDI} `x` " + "名" * 300


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", ["prod-orders", HOSTILE])
def test_the_menu_offers_each_choice_within_slacks_limits(name: str, lang: Lang) -> None:
    shown = with_snooze(message("x", [section("x")]), INSTANCE_ID, name, lang=lang)
    blocks = valid(shown)
    assert block_problems(blocks) == []
    [menu] = blocks[-1]["elements"]
    assert (menu["type"], menu["action_id"]) == ("static_select", SNOOZE)
    refs = [SnoozeRef.decode(option["value"]) for option in menu["options"]]
    assert [ref.scope for ref in refs] == list(SNOOZE_CHOICES)
    assert {ref.instance_id for ref in refs} == {INSTANCE_ID}
    assert all(len(option["value"]) <= OPTION_VALUE for option in menu["options"])


def test_what_was_held_says_until_when_and_a_full_message_is_left_as_it_is() -> None:
    shown = with_snooze(
        message("x", [section("x")]), INSTANCE_ID, "prod-orders", held_until=NOW, tz=SHANGHAI
    )
    assert "Held while notifications were snoozed or quiet" in all_text(valid(shown))
    full = message("x", [section("x")] * MAX_BLOCKS)
    assert with_snooze(full, INSTANCE_ID, "prod-orders") == full


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", ["prod-orders", HOSTILE])
def test_the_channel_is_told_who_snoozed_what_until_when_with_undo(name: str, lang: Lang) -> None:
    ref = SnoozeRef(INSTANCE_ID, name, "4h")
    blocks = valid(snoozed_message("U0ONCALL", ref, NOW, tz=SHANGHAI, lang=lang))
    assert block_problems(blocks) == []
    text = all_text(blocks)
    assert "<@U0ONCALL>" in text
    assert "<!date^" in text
    assert "<!channel>" not in text
    [undo] = [b["accessory"] for b in blocks if b.get("accessory")]
    assert undo["action_id"] == UNSNOOZE
    assert SnoozeRef.decode(undo["value"]).instance_id == INSTANCE_ID
    for said in (
        snooze_lifted_message("U0ONCALL", INSTANCE_ID, name, lang=lang),
        not_snoozed_message(INSTANCE_ID, name, lang=lang),
    ):
        assert block_problems(valid(said)) == []


def test_the_list_shows_quiet_hours_and_snoozes() -> None:
    quiet = QuietHours(time(22), time(8), "Asia/Shanghai", everything=True)
    sub = dataclasses.replace(SUB, quiet=quiet)
    snooze = Snooze(SUB.channel, SUB.instance_id, NOW + timedelta(hours=1), "U0ONCALL")
    people = {"U0ONCALL": "li.wei"}
    listed = all_text(
        valid(
            subscriptions_message([sub], SUB.channel, tz=SHANGHAI, people=people, snoozes=[snooze])
        )
    )
    assert "quiet 22:00-08:00 (Asia/Shanghai), failures too" in listed
    assert "snoozed until" in listed
    assert "li.wei" in listed
    zh = all_text(valid(subscriptions_message([sub], SUB.channel, tz=SHANGHAI, lang="zh")))
    assert "免打扰 22:00-08:00" in zh
    confirmed = all_text(valid(subscribed_message(sub, created=True, tz=SHANGHAI)))
    assert "Quiet 22:00-08:00 (Asia/Shanghai)" in confirmed
    assert "failures too" in confirmed


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "daily summary at 09:00 (Asia/Shanghai)"), ("zh", "每日摘要 09:00（Asia/Shanghai）")],
)
def test_the_list_says_when_a_daily_summary_comes(lang: Lang, said: str) -> None:
    summary = DailySummary(SUB.channel, SUB.instance_id, "09:00", "Asia/Shanghai", NOW)
    other = dataclasses.replace(SUB, instance_id="i-2", instance_name="stage")
    listed = all_text(
        valid(
            subscriptions_message(
                [SUB, other], SUB.channel, tz=SHANGHAI, lang=lang, dailies=[summary]
            )
        )
    )
    first, second = listed.split("• ")[1:3]
    assert said in first
    assert "09:00" not in second


def test_an_instance_id_too_long_for_a_menu_value_leaves_the_notification_postable() -> None:
    # DMS ids are admitted up to 128 characters; a menu option's value holds 150.
    long_id = "a" * 128
    shown = with_snooze(message("x", [section("x")]), long_id, "prod-orders")
    blocks = valid(shown)
    assert block_problems(blocks) == []
    values = [o["value"] for b in blocks for e in b.get("elements", []) for o in e["options"]]
    assert all(len(value) <= OPTION_VALUE for value in values)
