"""The catalog, the labels and the errors in both languages."""

from __future__ import annotations

import re
import string

import pytest

from bot.core.dms.errors import (
    AmbiguousInstance,
    DmsAuthError,
    DmsError,
    DmsNotFound,
    DmsProtocolError,
    DmsRequestError,
    DmsThrottled,
    DmsUnavailable,
    DmsUnreachable,
    UnknownInstance,
    UnknownPlace,
    UnknownTask,
)
from bot.core.grammar.errors import CommandError, WindowError
from bot.core.grammar.misread import NotAnInstance
from bot.i18n import CATALOG, LANGS, Lang, Said, en, lang_from_locale, t, tn, zh
from bot.i18n.labels import (
    humanize,
    instance_status_label,
    status_label,
    task_label,
    window_label,
)
from bot.views.errors import describe_error

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


# --- errors ----------------------------------------------------------------------------


def dms_errors() -> list[DmsError]:
    return [
        DmsError("boom", request_id="r-1"),
        DmsAuthError(
            Said.of(
                "dms.refused_credentials",
                code="APIGW.0301",
                text="Incorrect IAM authentication",
            ),
            status=401,
            request_id="r-2",
        ),
        DmsNotFound(
            Said.of(
                "dms.answered_code",
                status=404,
                code="DMS.00404022",
                text="This instance does not exist.",
            ),
            status=404,
            error_code="DMS.00404022",
            request_id="r-3",
        ),
        DmsThrottled(
            Said.of("dms.answered", status=429, text="Too Many Requests"),
            retry_after=3.4,
            request_id="r-4",
        ),
        DmsThrottled(Said.of("dms.answered", status=429, text="Too Many Requests")),
        DmsUnreachable("http://127.0.0.1:9", "refused", setting="DMS_ENDPOINT"),
        DmsUnavailable(Said.of("dms.timed_out", seconds="10")),
        DmsUnavailable(Said("dms.connection_lost")),
        DmsProtocolError(Said("dms.not_json"), snippet="<html>", request_id="r-5"),
        DmsProtocolError(Said("dms.tasks_shape")),
        DmsRequestError(
            Said.of(
                "dms.answered_code",
                status=400,
                code="DMS.00400002",
                text="The project ID format is invalid.",
            )
        ),
        DmsNotFound(
            Said.of("dms.no_task", task="t-1", instance="i-1"), status=404, request_id="r-6"
        ),
    ]


@pytest.mark.parametrize("exc", dms_errors(), ids=lambda e: type(e).__name__)
def test_dms_errors_in_english_are_their_own_text(exc: DmsError) -> None:
    assert describe_error(exc, "en") == str(exc)


@pytest.mark.parametrize("exc", dms_errors(), ids=lambda e: type(e).__name__)
def test_dms_errors_in_chinese_keep_the_request_id_and_say_what_to_do(exc: DmsError) -> None:
    said = describe_error(exc, "zh")
    assert CJK.search(said)
    assert "\n" not in said
    if exc.request_id:
        assert f"（请求 ID {exc.request_id}）" in said
    # The English frame is gone; DMS's own words (its error_msg) stay as DMS sent them.
    for english in ("Try again", "DMS answered", "did not answer", "refused the", "Check "):
        assert english not in said, said


def test_dms_error_details_in_chinese() -> None:
    not_found, throttled = dms_errors()[2], dms_errors()[3]
    assert describe_error(not_found, "zh") == (
        "DMS 返回 404 DMS.00404022：This instance does not exist。"
        "请检查 ID，或运行 `instances` 列出本项目的实例。（请求 ID r-3）"
    )
    assert "请 3 秒后重试" in describe_error(throttled, "zh")
    assert "请 10 秒后重试" in describe_error(dms_errors()[4], "zh")
    auth = describe_error(dms_errors()[1], "zh")
    assert auth.startswith("DMS 拒绝了凭据（APIGW.0301）：Incorrect IAM authentication。")
    assert "HUAWEICLOUD_SDK_AK" in auth
    assert describe_error(dms_errors()[6], "zh").startswith("DMS 在 10 秒内没有响应。")
    assert str(dms_errors()[6]).startswith("DMS did not answer within 10 s.")


def test_an_endpoint_that_cannot_be_reached_is_named_with_the_setting_to_check() -> None:
    refused = DmsUnreachable("http://127.0.0.1:9", "refused", setting="DMS_ENDPOINT")
    assert str(refused) == (
        "DMS at http://127.0.0.1:9 could not be reached (connection refused). Check "
        "DMS_ENDPOINT, and that this machine can reach that address (network, proxy, "
        "firewall); then try again."
    )
    assert describe_error(refused, "zh") == (
        "无法连接 http://127.0.0.1:9 上的 DMS（连接被拒绝）。请检查 DMS_ENDPOINT，"
        "以及本机能否访问该地址（网络、代理、防火墙），然后重试。"
    )
    nowhere = DmsUnreachable("https://dms.example.invalid", "unknown_host")
    assert "(no such host)" in str(nowhere)
    assert "DMS_ENDPOINT or HUAWEICLOUD_REGION" in str(nowhere)
    assert "找不到该主机" in describe_error(nowhere, "zh")
    # Not "did not answer in time": nothing answered at all.
    assert "in time" not in str(refused)


def test_a_dms_message_not_known_is_kept_with_the_hint_in_chinese() -> None:
    said = describe_error(DmsUnavailable("something new happened", request_id="r-9"), "zh")
    assert said == "something new happened。DMS 未及时响应，请稍后重试。（请求 ID r-9）"


def test_a_subclass_with_its_own_hint_keeps_it() -> None:
    class Special(DmsNotFound):
        hint = Said.as_is("Ask the platform team.")

    said = describe_error(Special(Said.of("dms.answered", status=404, text="gone")), "zh")
    assert said == "DMS 返回 404：gone。Ask the platform team."


def test_lookup_errors_in_chinese() -> None:
    unknown = UnknownInstance("prod", "cn-north-4", ["prod-a", "prod-b"])
    assert describe_error(unknown, "en") == str(unknown)
    assert describe_error(unknown, "zh") == (
        "cn-north-4 中没有名为“prod”的 Kafka 实例。相近的名称：prod-a、prod-b。"
    )
    traced = UnknownInstance("p", "cn-north-4", request_id="r-7")
    assert describe_error(traced, "zh") == (
        "cn-north-4 中没有名为“p”的 Kafka 实例。运行 `instances` 可列出全部实例。（请求 ID r-7）"
    )
    task = UnknownTask("t-1", "prod-orders")
    assert describe_error(task, "zh") == (
        "prod-orders 上没有任务“t-1”。要找任务 ID，请发送 `prod-orders last 24h`，"
        "再点任务旁的“详情”（`python -m bot tasks` 的表格也有 ID 列）。"
    )
    button = NotAnInstance(UnknownInstance("detials", "cn-north-4"), "details 2", "button.details")
    assert describe_error(button, "zh") == (
        "cn-north-4 中没有名为“detials”的 Kafka 实例。运行 `instances` 可列出全部实例。"
        "你是想点“详情”按钮吗？按钮在回答上（先发送 `<实例> 最近1小时`）；"
        "在命令行中输入按钮的名字即可点它：`details 2`。"
    )
    command = NotAnInstance(UnknownInstance("lst", "cn-north-4"), "<instance> last 1h", None)
    assert describe_error(command, "zh").endswith("你是想输入 `<实例> 最近1小时` 吗？")
    ambiguous = AmbiguousInstance("prod", [("prod-a", "i-1"), ("prod-b", "i-2")])
    assert describe_error(ambiguous, "zh") == (
        "“prod”匹配到多个实例：prod-a（i-1）、prod-b（i-2）。请使用完整名称或 ID。"
    )
    place = UnknownPlace("orders@mars", "mars", ["prod", "stage"], ["cn-north-4"])
    assert describe_error(place, "zh") == (
        "“orders@mars”中的“mars”不是机器人已知的账号或区域（账号：prod, stage；区域：cn-north-4）。"
        "请写成 <实例>@<账号> 或 <实例>@<区域>。"
    )


def test_grammar_errors_in_chinese() -> None:
    for exc in (
        WindowError("lst 2h", "last 2h"),
        CommandError("prod orders", "prod-orders last 1h", Said("grammar.why.instance_shape")),
    ):
        assert describe_error(exc, "en") == str(exc)
        said = describe_error(exc, "zh")
        assert CJK.search(said)
        assert said == exc.text("zh")  # the grammar says its own errors in Chinese


def test_an_error_that_says_itself_in_each_language_is_asked() -> None:
    class Polite(ValueError):
        def text(self, lang: Lang) -> str:
            return "礼貌" if lang == "zh" else "polite"

    assert describe_error(Polite("x"), "zh") == "礼貌"
    assert describe_error(Polite("x"), "en") == "x"


def test_any_other_exception_is_its_text() -> None:
    assert describe_error(RuntimeError("odd"), "zh") == "odd"
