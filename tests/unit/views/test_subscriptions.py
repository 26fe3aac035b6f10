"""Messages about subscriptions: the confirmation, the unsubscribe, a channel's list."""

from __future__ import annotations

import dataclasses
from datetime import UTC

from bot.views.subscriptions import (
    MAX_LISTED_SUBSCRIPTIONS,
    subscribed_message,
    subscriptions_message,
    unsubscribed_message,
)
from tests.unit.views.test_blocks import all_text
from tests.unit.views.test_watching import INSTANCE_ID, NOW, SHANGHAI, SUB, valid


def test_confirmation_says_channel_instance_scope_glob_and_how_to_stop() -> None:
    message = subscribed_message(SUB, created=True, tz=SHANGHAI)
    text = all_text(valid(message))
    assert (
        "This channel (<#C0INCIDENT>) will get a message each time a task on *prod-orders* "
        "fails and its name matches `restart*`." in text
    )
    assert "`/kafka-tasks unsubscribe prod-orders`" in text
    assert "not replayed" in text  # a new subscription does not post old failures
    # Named as plain code, not a mention: a confirmation does not ping anyone.
    assert "Set up by `U0ONCALL` <!date^" in text
    assert "<@" not in text
    assert not text.startswith(":bell: Updated")
    assert message.text == "Subscribed: tasks on prod-orders that fail whose name matches restart*"


def test_all_outcomes_and_a_plain_text_glob_are_worded_as_they_match() -> None:
    sub = dataclasses.replace(SUB, scope="all", name_glob="Topic")
    text = all_text(valid(subscribed_message(sub, created=True, tz=UTC)))
    assert "finishes (any outcome) whose name contains `Topic`." in text
    none = dataclasses.replace(SUB, name_glob=None)
    assert "each time a task on *prod-orders* fails." in all_text(
        valid(subscribed_message(none, created=True, tz=UTC))
    )


def test_subscribing_twice_says_updated() -> None:
    message = subscribed_message(SUB, created=False, tz=SHANGHAI)
    text = all_text(valid(message))
    assert ":bell: Updated: this channel (<#C0INCIDENT>) will get a message" in text
    assert "replaces" in text
    assert message.text.startswith("Updated: ")


def test_an_instance_name_that_cannot_be_typed_is_stopped_by_id() -> None:
    sub = dataclasses.replace(SUB, instance_name="orders (old)")
    text = all_text(valid(subscribed_message(sub, created=True, tz=UTC)))
    assert f"`/kafka-tasks unsubscribe {INSTANCE_ID}`" in text


def test_unsubscribe_says_what_stopped_and_how_to_come_back() -> None:
    text = all_text(valid(unsubscribed_message(SUB, "prod-orders", "C0INCIDENT")))
    assert "will no longer get messages about tasks on *prod-orders*" in text
    assert "`/kafka-tasks subscribe prod-orders failed name restart*`" in text


def test_unsubscribe_when_not_subscribed_says_so_and_how_to_list() -> None:
    message = unsubscribed_message(None, "prod-orders", "C0INCIDENT")
    text = all_text(valid(message))
    assert "This channel (<#C0INCIDENT>) was not subscribed to *prod-orders*" in text
    assert "`/kafka-tasks subscriptions`" in text
    assert message.text == "This channel was not subscribed to prod-orders"


def test_subscriptions_list_shows_what_who_and_when() -> None:
    other = dataclasses.replace(
        SUB, instance_id="i-2", instance_name="stage", scope="all", name_glob=None
    )
    message = subscriptions_message(
        [SUB, other], "C0INCIDENT", tz=SHANGHAI, people={"U0ONCALL": "Chen Jing"}
    )
    text = all_text(valid(message))
    created = int(SUB.created_at.timestamp())
    # Each maker by their Slack name, never a <@U…> mention: the list is posted in the
    # channel again and again, and a mention would ping them every time.
    assert (
        f"• *prod-orders* `{INSTANCE_ID}` · failures only · name `restart*` · by Chen Jing "
        f"<!date^{created}^" in text
    )
    assert "• *stage* `i-2` · any outcome · by Chen Jing" in text
    assert "<@" not in text
    assert text.index("prod-orders") < text.index("stage")
    assert message.text == "2 subscriptions in this channel"


def test_subscribers_slack_does_not_name_are_shown_by_id_without_a_mention() -> None:
    text = all_text(valid(subscriptions_message([SUB], "C0INCIDENT", tz=UTC, people={})))
    assert "· by `U0ONCALL` <!date^" in text
    assert "<@" not in text


def test_a_paused_subscription_says_so_in_the_list() -> None:
    paused = dataclasses.replace(SUB, paused_at=NOW)
    other = dataclasses.replace(SUB, instance_id="i-2", instance_name="stage")
    text = all_text(valid(subscriptions_message([paused, other], "C0INCIDENT", tz=UTC)))
    first, second = text.split("• ")[1:3]
    assert "paused: the access rules no longer allow it" in first
    assert "paused" not in second
    zh = all_text(valid(subscriptions_message([paused], "C0INCIDENT", tz=UTC, lang="zh")))
    assert "已暂停" in zh


def test_no_subscriptions_says_how_to_subscribe() -> None:
    text = all_text(valid(subscriptions_message([], "C0INCIDENT", tz=UTC)))
    assert "has no task notifications" in text
    assert "`/kafka-tasks subscribe prod-orders failed`" in text


def test_hundreds_of_subscriptions_list_forty_then_the_count() -> None:
    subs = [dataclasses.replace(SUB, instance_name=f"kafka-{i:03d}") for i in range(130)]
    blocks = valid(subscriptions_message(subs, "C0INCIDENT", tz=UTC))
    text = all_text(blocks)
    assert f"kafka-{MAX_LISTED_SUBSCRIPTIONS - 1:03d}" in text
    assert f"kafka-{MAX_LISTED_SUBSCRIPTIONS:03d}" not in text
    assert f"… and {130 - MAX_LISTED_SUBSCRIPTIONS} more." in text
