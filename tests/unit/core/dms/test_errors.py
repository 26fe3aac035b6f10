"""bot.core.dms.errors: what DMS failures and lookups say, in each language, from the
catalog; English word for word as ``str()`` has always read."""

from __future__ import annotations

import re

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
    from_response,
)
from bot.core.grammar.errors import CommandError, WindowError
from bot.core.grammar.misread import NotAnInstance
from bot.i18n import LANGS, Lang, Said
from bot.views.errors import describe_error

CJK = re.compile(r"[\u4e00-\u9fff]")


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


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("exc", dms_errors(), ids=lambda e: type(e).__name__)
def test_dms_errors_keep_the_request_id_and_say_what_to_do(exc: DmsError, lang: Lang) -> None:
    said = describe_error(exc, lang)
    assert said == exc.text(lang)
    assert "\n" not in said
    if lang == "en":
        # English is the error's own text, word for word: logs and the CLI quote it.
        assert said == str(exc)
        return
    assert CJK.search(said)
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


@pytest.mark.parametrize(
    ("operation", "action"),
    [
        ("list_tasks", "dms:instance:getBackgroundTask"),
        ("list_instances", "dms:instance:list"),
        ("show_instance", "dms:instance:getDetail"),
        ("list_scheduled", "dms:instance:listScheduledTasks"),
        ("update_scheduled", "dms:instance:modifyScheduledTask"),
    ],
)
@pytest.mark.parametrize("lang", LANGS)
def test_a_refusal_names_the_permission_of_the_call_refused(
    operation: str, action: str, lang: Lang
) -> None:
    body = {"error_code": "DMS.00403000", "error_msg": "Policy doesn't allow it."}
    error = from_response(403, {"X-Request-Id": "r-9"}, "Forbidden", body, operation=operation)
    assert isinstance(error, DmsAuthError)
    said = error.text(lang)
    assert f"`{action}`" in said
    others = {"dms:instance:getBackgroundTask", "dms:instance:modifyScheduledTask"} - {action}
    assert not any(f"`{other}`" in said for other in others)
