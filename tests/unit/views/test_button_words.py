"""Pressing the shell's buttons by typing their names: labels, short forms, numbers."""

from __future__ import annotations

import pytest

from bot.core.actions import (
    DETAILS,
    PAGE_NEXT,
    PAGE_PREV,
    PICK_INSTANCE,
    REFRESH,
    RETRY,
    SHARE,
    SUBSCRIBE,
    TaskRef,
)
from bot.main.shell_completion import WORDS
from bot.views.button_words import (
    Ambiguous,
    NotShown,
    Press,
    label_key,
    listed,
    match_button,
    typable,
)
from bot.views.console import Button, buttons
from bot.views.replies import error_message
from bot.views.tasks import tasks_message
from tests.unit.views.support import (
    NOW,
    SHANGHAI,
    answer_for,
    incident_tasks,
    state_for,
    summary,
)

PAGE_TWO = buttons(summary(incident_tasks(), page=2).block_dicts())


def zh_page_two() -> list[Button]:
    answer = answer_for(incident_tasks())
    message = tasks_message(
        answer,
        state_for(answer, 2),
        tz=SHANGHAI,
        now=NOW,
        shareable=True,
        where="cn-north-4",
        lang="zh",
    )
    return buttons(message.block_dicts())


def pressed(typed: str, shown: list[Button] = PAGE_TWO) -> Button:
    found = match_button(typed, shown, commands=WORDS.commands)
    assert isinstance(found, Press), (typed, found)
    return found.button


def action_of(typed: str, shown: list[Button] = PAGE_TWO) -> str:
    return pressed(typed, shown).action_id


def test_every_label_on_screen_presses_its_button_in_any_case() -> None:
    for button in PAGE_TWO:
        for typed in (button.label, button.label.lower(), button.label.upper()):
            assert pressed(typed) == button
        assert pressed(f"[{button.label}]") == button  # as shown, brackets and all
        assert pressed(typable(button.label)) == button


@pytest.mark.parametrize(
    ("typed", "action"),
    [
        ("previous", PAGE_PREV),
        ("prev", PAGE_PREV),
        ("Prev", PAGE_PREV),
        ("back", PAGE_PREV),
        ("‹ Previous", PAGE_PREV),
        ("next", PAGE_NEXT),
        ("NEXT", PAGE_NEXT),
        ("Next ›", PAGE_NEXT),
        ("refresh", REFRESH),
        ("ref", REFRESH),
        ("share", SHARE),
        ("Share in channel", SHARE),
        ("share in", SHARE),
        ("subscribe", SUBSCRIBE),
        ("Subscribe to failures", SUBSCRIBE),
    ],
)
def test_short_forms_press_the_button(typed: str, action: str) -> None:
    assert action_of(typed) == action


@pytest.mark.parametrize("typed", ["details 2", "detail 2", "Details2", "DETAILS #2", "det 2"])
def test_a_number_picks_one_of_several(typed: str) -> None:
    button = pressed(typed)
    assert button.action_id == DETAILS
    assert button.label == "Details 2"
    assert TaskRef.decode(button.value).task_id == incident_tasks()[11].id


def test_the_last_of_ten_is_not_read_as_the_first() -> None:
    assert pressed("details 10").label == "Details 10"
    assert pressed("details10").label == "Details 10"


@pytest.mark.parametrize("typed", ["details", "Detail", "de", "详情"])
def test_a_label_shared_by_several_asks_which(typed: str) -> None:
    found = match_button(typed, PAGE_TWO)
    assert isinstance(found, Ambiguous)
    assert found.labels == tuple(f"Details {i}" for i in range(1, 11))
    assert found.typed == typed


def test_a_number_no_button_has_asks_which() -> None:
    found = match_button("details 11", PAGE_TWO)
    assert isinstance(found, Ambiguous)
    assert len(found.labels) == 10


def test_one_details_button_is_pressed_by_its_name() -> None:
    shown = buttons(summary(incident_tasks(count=1), shareable=False).block_dicts())
    assert action_of("details", shown) == DETAILS
    assert action_of("detail", shown) == DETAILS


def test_chinese_labels_press_the_same_buttons_whatever_the_language_shown() -> None:
    chinese = zh_page_two()
    for english_typed, chinese_typed in [
        ("previous", "上一页"),
        ("next", "下一页"),
        ("refresh", "刷新"),
        ("share in channel", "分享到频道"),
        ("subscribe", "订阅失败通知"),
    ]:
        assert action_of(chinese_typed) == action_of(english_typed)
        assert action_of(english_typed, chinese) == action_of(chinese_typed, chinese)
    assert action_of("分享", chinese) == SHARE
    assert action_of("上页", chinese) == PAGE_PREV
    assert pressed("详情 3", chinese).label == "详情 3"
    assert pressed("details 3", chinese).label == "详情 3"
    assert pressed("ｄｅｔａｉｌｓ　３").label == "Details 3"  # full-width, as an IME types


def test_retry_and_pick_buttons_of_an_error() -> None:
    from bot.core.actions import QueryState

    answer = answer_for(incident_tasks())
    state: QueryState = state_for(answer)
    choices = [("prod-orders@prod", "id-1 last 1h"), ("prod-orders@staging", "id-2 last 1h")]
    shown = buttons(error_message("DMS is slow", retry=state, choices=choices).block_dicts())
    assert action_of("retry", shown) == RETRY
    assert action_of("Retry", shown) == RETRY
    assert action_of("重试", shown) == RETRY
    pick = pressed("prod-orders@staging", shown)
    assert (pick.action_id, pick.value) == (PICK_INSTANCE, "id-2 last 1h")
    # Its start names both picks: which one?
    both = match_button("prod-orders", shown)
    assert isinstance(both, Ambiguous)
    assert both.labels == ("prod-orders@prod", "prod-orders@staging")


def test_a_button_that_is_not_on_screen_says_so() -> None:
    page_one = buttons(summary(incident_tasks(), page=1).block_dicts())
    for typed in ("previous", "prev", "back", "上一页"):
        found = match_button(typed, page_one, commands=WORDS.commands)
        assert isinstance(found, NotShown), typed
        assert "Next ›" in found.shown
    unshared = buttons(summary(incident_tasks(), shareable=False).block_dicts())
    assert isinstance(match_button("share", unshared), NotShown)
    nothing = match_button("next", [])
    assert isinstance(nothing, NotShown)
    assert nothing.shown == ()


def test_commands_are_not_buttons() -> None:
    for typed in (
        "prod-orders last 1h",
        "prod-orders",
        "help",
        "instances",
        "帮助",
        "subscribe prod-orders failed",
        "prod-orders page 2",
        "",
        "   ",
    ):
        assert match_button(typed, PAGE_TWO, commands=WORDS.commands) is None, typed
    # "subscribe" with no Subscribe button on screen is the grammar's command.
    errors = buttons(error_message("oops").block_dicts())
    assert match_button("subscribe", errors, commands=WORDS.commands) is None
    assert match_button("订阅", errors, commands=WORDS.commands) is None
    # One letter is a typo or a name, never a button.
    assert match_button("n", PAGE_TWO) is None


def test_label_key_drops_case_arrows_and_width() -> None:
    assert label_key("‹ Previous") == "previous"
    assert label_key("Next ›") == "next"
    assert label_key("[Share in   Channel]") == "share in channel"
    assert label_key("ＤＥＴＡＩＬＳ") == "details"
    assert typable("‹ Previous") == "Previous"
    assert typable("下一页 ›") == "下一页"
    assert typable("prod-orders@staging") == "prod-orders@staging"


def test_listed_shows_a_run_of_numbered_labels_by_its_ends() -> None:
    assert listed(PAGE_TWO) == (
        "[Details 1] … [Details 10] [Refresh] [‹ Previous] [Next ›] [Share in channel] "
        "[Subscribe to failures] [What happened]"
    )
    assert listed(PAGE_TWO[:2]) == "[Details 1] [Details 2]"
    assert listed([]) == ""


def picks(*labels: str) -> list[Button]:
    choices = [(label, f"id-{i} last 1h") for i, label in enumerate(labels, 1)]
    return buttons(error_message("which one?", choices=choices).block_dicts())


def test_a_label_ending_in_a_digit_is_read_as_it_is() -> None:
    # Instances named with numbers are not numbered buttons.
    three = picks("kafka 1", "kafka 2", "kafka 3")
    assert listed(three) == "[kafka 1] [kafka 2] [kafka 3]"
    assert pressed("kafka 2", three).value == "id-2 last 1h"
    # Two buttons of one such name are numbered after it: its own number is no pick.
    twins = picks("kafka 2", "kafka 2")
    found = match_button("kafka 2", twins)
    assert isinstance(found, Ambiguous)
    assert found.labels == ("kafka 2 1", "kafka 2 2")
    assert pressed("kafka 2 2", twins).value == "id-2 last 1h"


def test_a_label_as_shown_presses_its_own_button_before_one_alike() -> None:
    twins = picks("prod-orders", "prod_orders")
    assert pressed("prod_orders", twins).value == "id-2 last 1h"
    assert pressed("prod-orders", twins).value == "id-1 last 1h"
    assert pressed("PROD_ORDERS", twins).value == "id-2 last 1h"
    # Without the punctuation that tells them apart: which one?
    alike = match_button("prod orders", twins)
    assert isinstance(alike, Ambiguous)
    assert alike.labels == ("prod-orders", "prod_orders")


@pytest.mark.parametrize("typed", ["next 2", "refresh 1", "Share in channel 3"])
def test_a_number_after_a_button_shown_once_names_no_button_on_screen(typed: str) -> None:
    found = match_button(typed, PAGE_TWO, commands=WORDS.commands)
    assert isinstance(found, NotShown)
    assert found.typed == typed
    assert found.shown == tuple(b.label for b in PAGE_TWO)
