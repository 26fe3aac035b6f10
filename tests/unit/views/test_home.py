"""The App Home tab as built: what a user reads, the buttons, and Slack's view limits."""

from __future__ import annotations

import re
import string
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.actions import HomeTaskRef, SubscriptionRef
from bot.core.answer import TaskAnswer
from bot.core.dms.models import Instance, Task
from bot.core.quiet import QuietHours
from bot.core.records import DailySummary, Snooze, Subscription
from bot.i18n import LANGS, Lang, en, t, zh
from bot.views.details import task_details_message
from bot.views.home import MAX_HOME_BLOCKS, details_modal, home_view, im_channel_of, view_problems
from bot.views.home_instance import LAST_FAILURES, MAX_RUNNING
from bot.views.home_page import (
    DETAILS,
    REFRESH,
    UNSUBSCRIBE,
    HomePage,
    HomeSubscription,
    InstanceHome,
    Notice,
)
from tests.scenarios.slack_harness import walk

NOW = datetime(2026, 11, 27, 3, 0, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def instance(n: int = 1, name: str | None = None) -> Instance:
    return Instance(instance_id=f"43dab215-d294-570b-99de-{n:012d}", name=name or f"prod-{n}")


def task(n: int, status: str, *, name: str = "restartInstance") -> Task:
    started = NOW - timedelta(minutes=10 + n)
    return Task.from_api(
        {
            "id": f"8abfa7b372160bfd0172165864{n:06d}",
            "name": name,
            "user_name": "paas_dms",
            "status": status,
            "created_at": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "updated_at": (started + timedelta(seconds=90)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    )


def sub(
    channel: str,
    inst: Instance,
    *,
    scope: str = "failed",
    glob: str | None = None,
    held: bool = False,
) -> Any:
    """``held``: quiet hours, a snooze in force and a daily summary, all at once."""
    made = Subscription(
        channel=channel,
        instance_id=inst.instance_id,
        instance_name=inst.name,
        scope="all" if scope == "all" else "failed",
        name_glob=glob,
        created_by="U0ONCALL",
        created_at=NOW - timedelta(days=2),
    )
    entry = HomeSubscription(made, channel_name=f"name-{channel.lower()}")
    if not held:
        return entry
    return replace(
        entry,
        sub=replace(made, quiet=QuietHours(time(22), time(8), "Asia/Shanghai", everything=True)),
        snooze=Snooze(channel, inst.instance_id, NOW + timedelta(hours=3), "U0ALICE"),
        daily=DailySummary(channel, inst.instance_id, "09:00", "Asia/Shanghai", NOW),
    )


def item(
    inst: Instance,
    channels: list[str],
    *,
    running: int = 0,
    failed: int = 0,
    held: bool = False,
    **extra: Any,
) -> InstanceHome:
    return InstanceHome(
        inst,
        tuple(sub(c, inst, held=held) for c in channels),
        running=tuple(task(i, "EXECUTING") for i in range(running)),
        failures=tuple(task(100 + i, "FAILED") for i in range(failed)),
        channel=channels[0] if channels else "",
        **extra,
    )


def page(*items: InstanceHome, **extra: Any) -> HomePage:
    return HomePage(instances=tuple(items), updated_at=NOW, **extra)


def built(p: HomePage, lang: Any = "en") -> dict[str, Any]:
    """The view as sent: slack_sdk's validation and the full limits check both pass."""
    view = home_view(p, lang=lang, tz=SHANGHAI, now=NOW).to_dict()
    assert view_problems(view) == []
    assert view["type"] == "home"
    return view


def all_text(view: dict[str, Any]) -> str:
    return "\n".join(str(n["text"]) for n in walk(view["blocks"]) if isinstance(n.get("text"), str))


def buttons(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in walk(view["blocks"]) if n.get("type") == "button"]


def of_kind(view: dict[str, Any], action_id: str) -> list[dict[str, Any]]:
    return [b for b in buttons(view) if b["action_id"].split(".")[0] == action_id]


# --- empty -----------------------------------------------------------------------------


def test_empty_tab_tells_a_newcomer_what_to_type() -> None:
    view = built(page())
    text = all_text(view)
    assert "No task notifications in your channels yet" in text
    assert "`/kafka-tasks subscribe prod-orders failed`" in text
    assert "`/kafka-tasks help`" in text
    # Refresh is there even when empty: subscribing in a channel, then Refresh, shows it.
    assert [b["action_id"] for b in buttons(view)] == [REFRESH]


def test_empty_tab_in_chinese() -> None:
    text = all_text(built(page(), "zh"))
    assert "你所在的频道还没有任务通知" in text
    assert "`/kafka-tasks subscribe prod-orders failed`" in text
    assert "No task notifications" not in text


def test_channels_that_could_not_be_read_are_said_not_hidden() -> None:
    text = all_text(built(page(channels_problem="unreadable", channels_detail="missing_scope")))
    assert "missing_scope" in text
    assert "`channels:read`" in text


# --- one instance ------------------------------------------------------------------------


def test_subscriptions_running_and_failures_with_their_buttons() -> None:
    inst = instance(1, "prod-orders")
    view = built(page(item(inst, ["C0ONE", "C0TWO"], running=2, failed=3)))
    text = all_text(view)
    assert "*prod-orders*" in text
    assert "2 in progress · 3 failed in the last 24 h" in text
    # Each subscription names its channel as a link Slack renders.
    assert "<#C0ONE> · failed tasks · set up by <@U0ONCALL> <!date^" in text
    assert "<#C0TWO>" in text
    unsubscribes = of_kind(view, UNSUBSCRIBE)
    assert [SubscriptionRef.decode(b["value"]) for b in unsubscribes] == [
        SubscriptionRef("C0ONE", inst.instance_id, "prod-orders"),
        SubscriptionRef("C0TWO", inst.instance_id, "prod-orders"),
    ]
    for b in unsubscribes:
        assert b["style"] == "danger"
        assert b["confirm"]["title"]["text"] == "Stop these notifications?"
        assert "prod-orders" in b["confirm"]["text"]["text"]
    details = [HomeTaskRef.decode(b["value"]) for b in of_kind(view, DETAILS)]
    assert len(details) == 5
    assert {d.channel for d in details} == {"C0ONE"}
    assert {d.instance_id for d in details} == {inst.instance_id}
    # Names and statuses as the rest of the bot words them.
    assert "*Restart instance* · Running" in text
    assert "*Restart instance* · Failed" in text


def test_only_the_last_failures_and_a_few_running_then_a_command() -> None:
    inst = instance(1, "prod-orders")
    view = built(page(item(inst, ["C0ONE"], running=MAX_RUNNING + 2, failed=LAST_FAILURES + 4)))
    assert len(of_kind(view, DETAILS)) == MAX_RUNNING + LAST_FAILURES
    text = all_text(view)
    assert "… and 2 more in progress" in text
    assert "… and 4 more failed: `/kafka-tasks prod-orders failed`" in text


def test_a_quiet_instance_says_so() -> None:
    text = all_text(built(page(item(instance(), ["C0ONE"]))))
    assert "Nothing in progress and no failures in the last 24 h." in text


def test_hidden_instance_shows_no_tasks_but_keeps_the_subscription() -> None:
    view = built(page(item(instance(), ["C0ONE"], running=2, failed=2, hidden=True)))
    assert of_kind(view, DETAILS) == []
    assert len(of_kind(view, UNSUBSCRIBE)) == 1
    text = all_text(view)
    assert "access rules do not let you see" in text
    assert "Restart instance" not in text


def test_unreadable_instance_gets_one_line_with_the_reason_made_inert() -> None:
    bad = item(instance(), ["C0ONE"], problem="dms", reason="DMS said <!channel> & no")
    view = built(page(bad, item(instance(2), ["C0ONE"], failed=1)))
    text = all_text(view)
    assert "Tasks could not be read: DMS said &lt;!channel&gt; &amp; no" in text
    assert "<!channel>" not in text
    timeout = all_text(built(page(item(instance(), ["C0ONE"], problem="timeout"))))
    assert "DMS did not answer in time" in timeout


def test_an_unreadable_instance_says_why_in_the_viewers_language() -> None:
    bad = item(instance(), ["C0ONE"], problem="dms", reason="DMS is busy", reason_zh="DMS 繁忙")
    assert "无法读取任务：DMS 繁忙" in all_text(built(page(bad), "zh"))
    assert "Tasks could not be read: DMS is busy" in all_text(built(page(bad), "en"))


# Until 06:00 UTC, read in the viewer's zone (the tab is built for Asia/Shanghai): 14:00.
SNOOZE_END = NOW + timedelta(hours=3)
SNOOZED_UNTIL = f"<!date^{int(SNOOZE_END.timestamp())}^{{date_short_pretty}} {{time}}|"
HELD = {
    "en": (
        f"· :zzz: _snoozed until {SNOOZED_UNTIL}2026-11-27 14:00:00 Asia/Shanghai> by <@U0ALICE>_",
        "· :crescent_moon: quiet 22:00-08:00 (Asia/Shanghai)",
        "· :spiral_calendar_pad: daily summary at 09:00 (Asia/Shanghai)",
    ),
    "zh": (
        f"· :zzz: _<@U0ALICE> 暂停到 {SNOOZED_UNTIL}2026-11-27 14:00:00 Asia/Shanghai>_",
        "· :crescent_moon: 免打扰 22:00-08:00（Asia/Shanghai）",
        "· :spiral_calendar_pad: 每日摘要 09:00（Asia/Shanghai）",
    ),
}


def sub_lines(view: dict[str, Any]) -> dict[str, str]:
    """Each subscription's line, by the channel it starts with."""
    found = {}
    for text in all_text(view).splitlines():
        match = re.match(r"(?:• )?<#(C0\w+)> · ", text)
        if match:
            found[match[1]] = text
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_a_subscription_says_what_holds_it_back_and_a_plain_one_nothing_more(
    lang: Lang,
) -> None:
    """An on-call engineer wondering why a channel heard nothing reads it on the line."""
    snoozed, quiet, daily = HELD[lang]
    inst = instance(1, "prod-orders")
    plain = sub("C0PLAIN", inst)
    entries = (
        replace(
            sub("C0SNOOZED", inst),
            snooze=Snooze("C0SNOOZED", inst.instance_id, SNOOZE_END, "U0ALICE"),
        ),
        replace(
            sub("C0QUIET", inst),
            sub=replace(
                plain.sub, channel="C0QUIET", quiet=QuietHours(time(22), time(8), "Asia/Shanghai")
            ),
        ),
        replace(
            sub("C0DAILY", inst),
            daily=DailySummary("C0DAILY", inst.instance_id, "09:00", "Asia/Shanghai", NOW),
        ),
        plain,
    )
    lines = sub_lines(built(page(InstanceHome(inst, entries, channel="C0PLAIN")), lang))
    assert lines["C0SNOOZED"].endswith(snoozed)
    assert lines["C0QUIET"].endswith(quiet)
    assert lines["C0DAILY"].endswith(daily)
    # A plain subscription's line is what it was: what it sends, who set it up, when.
    assert lines["C0PLAIN"].count(" · ") == 2
    assert not re.search(":zzz:|:crescent_moon:|:spiral_calendar_pad:", lines["C0PLAIN"])


@pytest.mark.parametrize("lang", LANGS)
def test_compact_instances_keep_their_tasks_behind_long_subscription_lines(lang: Lang) -> None:
    # Too many blocks for every instance in full: they are drawn compactly, and each
    # subscription's line is long with all that holds it back.
    items = [
        item(instance(i), [f"C0CH{j}" for j in range(6)], running=5, failed=5, held=True)
        for i in range(8)
    ]
    text = all_text(built(page(*items), lang))
    assert "…" not in text  # nothing cut off at a section's end
    for said in HELD[lang]:
        assert text.count(said) == 8 * 6
    task = "*Restart instance* ·" if lang == "en" else "*重启实例* ·"
    assert text.count(task) == 8 * (MAX_RUNNING + LAST_FAILURES)


def test_no_unsubscribe_button_where_the_rules_refuse_it() -> None:
    inst = instance()
    entry = HomeSubscription(sub("C0ONE", inst).sub, can_unsubscribe=False)
    view = built(page(InstanceHome(inst, (entry,), channel="C0ONE")))
    assert of_kind(view, UNSUBSCRIBE) == []


def test_instances_that_need_a_look_come_first() -> None:
    quiet = item(instance(1, "aaa-quiet"), ["C0ONE"])
    failing = item(instance(2, "zzz-failing"), ["C0ONE"], failed=1)
    text = all_text(built(page(quiet, failing)))
    assert text.index("zzz-failing") < text.index("aaa-quiet")


def test_notice_after_an_unsubscribe() -> None:
    done = Notice("unsubscribed", "C0ONE", "prod-orders")
    text = all_text(built(page(notice=done)))
    assert "<#C0ONE> will no longer get messages about tasks on *prod-orders*." in text
    refused = Notice("refused_unsubscribe", "C0ONE", "prod-orders")
    assert "You may not unsubscribe <#C0ONE>" in all_text(built(page(notice=refused)))


def test_dm_subscriptions_are_named_not_mentioned() -> None:
    text = all_text(built(page(item(instance(), ["D0DM"]))))
    assert "your DM with the bot" in text
    assert "<#D0DM>" not in text


def test_names_from_outside_cannot_mention_or_break_limits() -> None:
    inst = instance(1, "<!here> " + "x" * 500)
    entry = HomeSubscription(sub("C0ONE", inst).sub, channel_name="y" * 300)
    view = built(
        page(
            InstanceHome(
                inst,
                (entry,) * 30,
                failures=(task(1, "FAILED", name="<@U123> " + "z" * 400),),
                channel="C0ONE",
            )
        )
    )
    assert "<!here>" not in all_text(view)
    assert "<@U123>" not in all_text(view)


# --- many ------------------------------------------------------------------------------------


def test_many_subscriptions_are_summed_up_within_a_hundred_blocks() -> None:
    items = [
        item(instance(i), [f"C0CH{j}" for j in range(4)], running=6, failed=8) for i in range(60)
    ]
    view = built(page(*items))
    assert len(view["blocks"]) <= MAX_HOME_BLOCKS
    ids = [b["action_id"] for b in buttons(view)]
    assert len(ids) == len(set(ids)), "action ids are unique across the view"
    text = all_text(view)
    assert re.search(r"… and \d+ more instances, too many to show here", text)
    assert "`/kafka-tasks subscriptions`" in text
    # Compact instances keep their buttons, named, since plain text cannot mention.
    labels = {b["text"]["text"] for b in of_kind(view, UNSUBSCRIBE)}
    assert "Unsubscribe #name-c0ch0" in labels


def test_a_few_large_instances_are_drawn_compactly_not_dropped() -> None:
    items = [
        item(instance(i), [f"C0CH{j}" for j in range(12)], running=5, failed=5) for i in range(6)
    ]
    view = built(page(*items))
    text = all_text(view)
    assert "more instances" not in text
    for i in range(6):
        assert f"prod-{i}" in text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    shape=st.lists(
        st.tuples(
            st.integers(0, 30),
            st.integers(0, 12),
            st.integers(0, 12),
            st.booleans(),
            st.booleans(),
        ),
        max_size=45,
    ),
    name=st.text(alphabet=string.printable + "<>&*_`中文", max_size=200),
    lang=st.sampled_from(["en", "zh"]),
)
def test_any_mix_is_a_valid_view(
    shape: list[tuple[int, int, int, bool, bool]], name: str, lang: Any
) -> None:
    items = [
        item(
            instance(i, f"{name}{i}"),
            [f"C0CH{j}" for j in range(max(1, subs))],
            running=running,
            failed=failed,
            hidden=hidden,
            held=held,
        )
        for i, (subs, running, failed, hidden, held) in enumerate(shape)
    ]
    view = built(page(*items), lang)
    assert len(view["blocks"]) <= MAX_HOME_BLOCKS


# --- Chinese ---------------------------------------------------------------------------------


def test_chinese_tab() -> None:
    inst = instance(1, "prod-orders")
    view = built(page(item(inst, ["C0ONE"], running=1, failed=1)), "zh")
    text = all_text(view)
    assert "Kafka 任务" in text
    assert "1 个进行中 · 最近 24 小时 1 个失败" in text
    assert "失败的任务" in text
    assert "*重启实例* · 执行中" in text
    assert "*重启实例* · 失败" in text
    labels = {b["text"]["text"] for b in buttons(view)}
    assert {"刷新", "取消订阅", "详情"} <= labels
    assert of_kind(view, UNSUBSCRIBE)[0]["confirm"]["title"]["text"] == "停止这些通知？"


def test_the_tab_speaks_through_the_catalog() -> None:
    # Its texts are catalog keys like every view's: tests/unit/i18n/test_catalog.py holds
    # both languages to the same keys and placeholders.
    assert t("en", "home.title") == "Kafka tasks"
    assert t("zh", "home.title") == "Kafka 任务"
    assert {key for key in en.MESSAGES if key.startswith("home.")} == {
        key for key in zh.MESSAGES if key.startswith("home.")
    }


# --- ids, values, metadata, modals ---------------------------------------------------------


def test_home_action_ids_are_not_heard_by_the_message_buttons() -> None:
    view = built(page(item(instance(), ["C0ONE"], running=1, failed=1)))
    for action_id in (b["action_id"] for b in buttons(view)):
        assert action_id.startswith("kth_")
        # handlers/buttons.py listens to ^kt_: it must not take these too.
        assert not re.match(r"^kt_", action_id)


def test_the_dm_channel_rides_in_private_metadata() -> None:
    view = built(page(im_channel="D0DM"))
    assert im_channel_of(view["private_metadata"]) == "D0DM"
    assert im_channel_of(None) is None
    assert im_channel_of("not json") is None
    assert im_channel_of('{"im": "C0NOTADM"}') is None


def test_details_modal_reuses_the_task_details_blocks() -> None:
    inst = instance(1, "prod-orders")
    message = task_details_message(TaskAnswer(inst, task(1, "FAILED")), tz=SHANGHAI, now=NOW)
    modal = details_modal(message, "zh").to_dict()
    assert modal["type"] == "modal"
    assert modal["title"]["text"] == "任务详情"
    assert view_problems(modal) == []
    assert modal["blocks"] == message.block_dicts()


def test_view_problems_catches_what_slack_refuses() -> None:
    assert view_problems({"type": "home", "blocks": [{"type": "divider"}] * 101})
    assert view_problems({"type": "home", "blocks": []})
    empty_text = {"type": "section", "text": {"type": "mrkdwn", "text": " "}}
    assert view_problems({"type": "home", "blocks": [empty_text]})
