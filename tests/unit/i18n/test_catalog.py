"""The catalog, the labels and the errors in both languages."""

from __future__ import annotations

import re
import string

import pytest

from bot.i18n import CATALOG, LANGS, Lang, en, lang_from_locale, t, tn, zh
from bot.i18n.labels import (
    humanize,
    instance_status_label,
    status_label,
    task_label,
    window_label,
)

# Every name DMS is known to send, the three of the official examples first.
DMS_TASK_NAMES = (
    "modifyAutoTopic",
    "changeRetentionPolicy",
    "bindInstancePublicIp",
    "createTopic",
    "modifyConfigs",
    "deleteTopic",
    "createUser",
    "reassignPartitions",
    "restartInstance",
    "resetPassword",
    "extendInstance",
    "modifyInstanceName",
)
STATUSES = ("CREATED", "EXECUTING", "SUCCESS", "FAILED", "DELETED", "CANCELLED")
CJK = re.compile(r"[\u4e00-\u9fff]")


def fields(template: str) -> set[tuple[str, str | None]]:
    """The placeholders of a template, with their format specs."""
    return {
        (name, spec) for _, name, spec, _ in string.Formatter().parse(template) if name is not None
    }


# --- the catalog -----------------------------------------------------------------------


def test_every_key_is_in_both_languages() -> None:
    assert set(en.MESSAGES) == set(zh.MESSAGES)
    assert set(CATALOG) == set(LANGS)


# The Chinese says these without the word the English quotes: the error's own frame
# quotes it already.
_QUOTED_IN_THE_FRAME = {"grammar.why.twice", "grammar.why.nothing_after"}


@pytest.mark.parametrize("key", sorted(en.MESSAGES))
def test_both_languages_have_the_same_placeholders(key: str) -> None:
    if key in _QUOTED_IN_THE_FRAME:
        assert fields(zh.MESSAGES[key]) < fields(en.MESSAGES[key]), key
    else:
        assert fields(zh.MESSAGES[key]) == fields(en.MESSAGES[key]), key


def test_plural_keys_come_in_pairs() -> None:
    for key in en.MESSAGES:
        stem, _, form = key.rpartition(".")
        if form in ("one", "other"):
            assert f"{stem}.one" in en.MESSAGES
            assert f"{stem}.other" in en.MESSAGES


def test_every_chinese_text_is_translated() -> None:
    # These are only placeholders and markup (or "ID"), the same in both languages;
    # every other text must be Chinese, not a copy of the English.
    same = {"times", "sub.created", "subs.line", "reply.failed", "term.col.id", "as_is"}
    # The acronym reads the same in Chinese.
    same |= {"timeline.via.api", "timeline.alarm.value"}
    for key, text in zh.MESSAGES.items():
        if key in same:
            assert text == en.MESSAGES[key]
        else:
            assert text != en.MESSAGES[key], key


# These read so since before the catalog held them; spacing them is a change of its own.
_MARKUP_UNSPACED = {"unknown_instance.button", "unknown_task"}


def test_slack_markup_in_chinese_stands_apart_from_the_chinese() -> None:
    # Slack reads *bold* and `code` only at word boundaries, which CJK characters are
    # not: each mark needs a space, a line end or ASCII punctuation beside it.
    for key, text in zh.MESSAGES.items():
        if key in _MARKUP_UNSPACED:
            continue
        for match in re.finditer(r"\*[^*\n]+\*|`[^`\n]+`", text):
            before = text[match.start() - 1] if match.start() else " "
            after = text[match.end()] if match.end() < len(text) else " "
            for side in (before, after):
                assert not CJK.search(side), (key, text)
                assert side not in "，。：；（）、“”", (key, text)


def test_t_fills_placeholders_and_falls_back_to_english() -> None:
    assert t("en", "instances.none", place="cn-north-4") == "No Kafka instances in cn-north-4."
    assert t("zh", "instances.none", place="cn-north-4") == "cn-north-4 中没有 Kafka 实例。"
    # A language a stored row may name but this release does not speak.
    assert t("fr", "button.retry") == "Retry"  # type: ignore[arg-type]
    # Braces in a value are not read as placeholders.
    assert t("en", "looking_up", what="{what}") == ":hourglass_flowing_sand: Looking up {what}…"
    with pytest.raises(KeyError):
        t("en", "no.such.key")


def test_tn_picks_the_plural_form() -> None:
    assert tn("en", "subs.text", 1) == "1 subscription in this channel"
    assert tn("en", "subs.text", 2) == "2 subscriptions in this channel"
    assert tn("en", "subs.text", 0) == "0 subscriptions in this channel"
    assert tn("zh", "subs.text", 1) == "本频道有 1 个订阅"


def test_durations_in_chinese() -> None:
    from datetime import timedelta

    from bot.views.format import duration_text

    cases = {0: "0 秒", 42: "42 秒", 200: "3 分 20 秒", 3725: "1 小时 02 分", 90061: "1 天 1 小时"}
    for seconds, text in cases.items():
        assert duration_text(timedelta(seconds=seconds), "zh") == text
    assert duration_text(timedelta(seconds=200)) == "3m 20s"
    assert duration_text(None, "zh") == "-"


# --- locales ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "default", "lang"),
    [
        ("zh-CN", "en", "zh"),
        ("zh_CN", "en", "zh"),
        ("zh-Hans", "en", "zh"),
        ("zh-TW", "en", "zh"),
        ("ZH-cn", "en", "zh"),
        ("en-US", "zh", "en"),
        ("en-GB", "en", "en"),
        ("de-DE", "en", "en"),
        ("de-DE", "zh", "zh"),
        ("ja-JP", "zh", "zh"),
        ("", "zh", "zh"),
        (None, "en", "en"),
        ("zh", "en", "zh"),
    ],
)
def test_locales_pick_a_language(locale: str | None, default: Lang, lang: Lang) -> None:
    assert lang_from_locale(locale, default) == lang


# --- labels ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", DMS_TASK_NAMES)
def test_every_task_name_dms_sends_has_a_label_in_both(name: str) -> None:
    english, chinese = task_label(name, "en"), task_label(name, "zh")
    assert english != name
    assert english[0].isupper()
    assert CJK.search(chinese), chinese


def test_known_labels_read_as_people_say_them() -> None:
    assert task_label("restartInstance", "en") == "Restart instance"
    assert task_label("restartInstance", "zh") == "重启实例"
    assert task_label("reassignPartitions", "zh") == "分区重分配"
    assert task_label("createTopic", "zh") == "创建 Topic"
    assert task_label("extendInstance", "en") == "Scale instance"


def test_unknown_task_names_are_shown_as_dms_sent_them() -> None:
    assert task_label("rollingUpgradeBrokers", "en") == "Rolling upgrade brokers"
    assert task_label("enableSaslSsl", "en") == "Enable SASL SSL"
    assert task_label("rollingUpgradeBrokers", "zh") == "rollingUpgradeBrokers"
    # Not a camelCase identifier: left exactly as it came.
    for odd in ("restart", "a b", "x-y", "<@U1>", "", "卡夫卡", "Restart2"):
        assert task_label(odd, "en") == odd
        assert task_label(odd, "zh") == odd
    assert humanize("resetConsumerOffset") == "Reset consumer offset"
    assert humanize("modifyV2Config") == "Modify v2 config"
    assert humanize("enableSASLSsl") == "Enable SASL SSL"
    assert humanize("XMLParse") == "XML parse"


@pytest.mark.parametrize("status", STATUSES)
def test_every_task_status_has_a_label_in_both(status: str) -> None:
    assert status_label(status, "en") != status
    assert CJK.search(status_label(status, "zh"))


def test_status_labels() -> None:
    assert status_label("FAILED", "zh") == "失败"
    assert status_label("EXECUTING", "zh") == "执行中"
    assert status_label("SUCCESS", "en") == "Succeeded"
    assert status_label("ROLLING_BACK", "zh") == "ROLLING_BACK"
    assert instance_status_label("RUNNING", "zh") == "运行中"
    assert instance_status_label("ODD", "zh") == "ODD"


@pytest.mark.parametrize(
    ("label", "chinese"),
    [
        ("last 1h", "过去 1 小时"),
        ("last 30m", "过去 30 分钟"),
        ("last 2h30m", "过去 2 小时 30 分钟"),
        ("last 7d", "过去 7 天"),
        ("last 36h", "过去 36 小时"),
        ("today", "今天"),
        ("yesterday", "昨天"),
        ("since 09:00", "09:00 至今"),
        ("since 2026-11-27 08:00", "2026-11-27 08:00 至今"),
        ("2026-11-27 08:00 → 10:30", "2026-11-27 08:00 → 10:30"),
        ("最近1小时", "最近1小时"),
        ("anything else", "anything else"),
    ],
)
def test_window_labels_in_chinese(label: str, chinese: str) -> None:
    assert window_label(label, "zh") == chinese
    assert window_label(label, "en") == label
