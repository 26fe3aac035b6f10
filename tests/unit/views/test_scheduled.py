"""The scheduled tasks' list, modal and announcement: within Slack's limits in both
languages, whatever DMS sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core import actions
from bot.core.actions import ScheduledRef
from bot.core.dms.models import Instance
from bot.core.dms.scheduled import ScheduledList, ScheduledTask
from bot.i18n import Lang
from bot.views.home import view_problems
from bot.views.limits import check_message
from bot.views.scheduled import (
    Window,
    changed_message,
    reschedule_modal,
    scheduled_message,
)

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
ORDERS = Instance(instance_id="11111111-1111-4111-8111-111111111111", name="prod-orders")
WINDOW = Window("02:00:00", "06:00:00")


def task(task_id: str, hours: float, name: str = "restartInstance") -> ScheduledTask:
    return ScheduledTask(task_id, name, "CREATED", "li.wei", "{}", NOW + timedelta(hours=hours))


def buttons(blocks: list[dict[str, object]]) -> list[str]:
    return [
        str(e["action_id"])
        for b in blocks
        for e in b.get("elements", [])  # type: ignore[attr-defined]
        if isinstance(e, dict) and "action_id" in e
    ]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_list_fits_and_flags_only_what_is_outside(lang: Lang) -> None:
    listing = ScheduledList(ORDERS.instance_id, (task("a" * 32, 1), task("b" * 32, 10)))
    shown = scheduled_message(ORDERS, listing, WINDOW, now=NOW, tz=UTC, lang=lang)
    blocks = shown.block_dicts()
    assert check_message(blocks, shown.text) == []
    flag = ":warning:"
    assert sum(flag in str(b) for b in blocks) == 1  # 13:00 UTC is outside 02-06
    assert buttons(blocks).count(actions.RESCHEDULE) == 2
    assert buttons(blocks).count(actions.CANCEL_SCHEDULED) == 2


def test_many_and_hostile_tasks_still_fit() -> None:
    hostile = "`*<!channel>*`" * 50
    tasks = tuple(task(f"{i:032x}", i, name=hostile) for i in range(1, 60))
    shown = scheduled_message(
        ORDERS, ScheduledList(ORDERS.instance_id, tasks), Window(), now=NOW, tz=UTC
    )
    assert check_message(shown.block_dicts(), shown.text) == []
    # Read as text nowhere (a button's value carries the name as data, never shown).
    texts = [str(b.get("text")) for b in shown.block_dicts()]
    texts += [str(e.get("text")) for b in shown.block_dicts() for e in b.get("elements", [])]
    assert not any("<!channel>" in text for text in texts)
    assert "Only the first" in str(shown.block_dicts())


def test_nothing_scheduled_and_no_buttons_outside_slack() -> None:
    empty = scheduled_message(
        ORDERS, ScheduledList(ORDERS.instance_id, ()), WINDOW, now=NOW, tz=UTC
    )
    assert "Nothing is scheduled on prod-orders." in str(empty.block_dicts())
    listing = ScheduledList(ORDERS.instance_id, (task("a" * 32, 1),))
    shell = scheduled_message(ORDERS, listing, WINDOW, now=NOW, tz=UTC, changeable=False)
    assert buttons(shell.block_dicts()) == []
    assert "buttons in Slack" in str(shell.block_dicts())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_modal_and_the_announcement_fit(lang: Lang) -> None:
    ref = ScheduledRef(ORDERS.instance_id, "a" * 32, NOW, "prod-orders", "restartInstance", "C0OPS")
    modal = reschedule_modal(ref, tz=UTC, lang=lang)
    assert view_problems(modal) == []
    assert modal["callback_id"] == actions.RESCHEDULE_MODAL
    assert ScheduledRef.decode(modal["private_metadata"]) == ref
    date = modal["blocks"][1]["element"]
    assert date["initial_date"] == "2026-11-27"
    said = changed_message(ref, "U0ALICE", to=None, request_id="r" * 32, tz=UTC, lang=lang)
    assert check_message(said.block_dicts(), said.text) == []
    assert "<@U0ALICE>" in str(said.block_dicts())


def test_names_from_outside_stay_inert_in_the_notification_text() -> None:
    hostile = "<!channel> <https://evil.example|click> <@U123>"
    named = Instance(instance_id=ORDERS.instance_id, name=hostile)
    listing = ScheduledList(ORDERS.instance_id, (task("a" * 32, 1, name=hostile),))
    shown = scheduled_message(named, listing, WINDOW, now=NOW, tz=UTC)
    ref = ScheduledRef(ORDERS.instance_id, "a" * 32, NOW, hostile, hostile, "C0OPS")
    said = changed_message(ref, "U0ALICE", to=None, request_id=None, tz=UTC)
    for text in (shown.text, said.text):
        assert "<" not in text, text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_changer_that_is_not_a_slack_user_is_named_as_text(lang: Lang) -> None:
    ref = ScheduledRef(ORDERS.instance_id, "a" * 32, NOW, "prod-orders", "restartInstance", "C0OPS")
    for user in ("", "<!channel>"):
        said = changed_message(ref, user, to=None, request_id=None, tz=UTC, lang=lang)
        shown = str(said.block_dicts())
        assert "<@" not in shown, shown
        assert "<!channel>" not in shown, shown


def test_an_unnamed_instance_is_named_by_its_id_in_the_cancel_dialog() -> None:
    unnamed = Instance(instance_id=ORDERS.instance_id, name="")
    listing = ScheduledList(ORDERS.instance_id, (task("a" * 32, 1),))
    shown = scheduled_message(unnamed, listing, WINDOW, now=NOW, tz=UTC)
    confirms = [
        e["confirm"]["text"]["text"]
        for b in shown.block_dicts()
        for e in b.get("elements", [])
        if isinstance(e, dict) and "confirm" in e
    ]
    assert confirms
    assert f"`{ORDERS.instance_id}`" in confirms[0]
