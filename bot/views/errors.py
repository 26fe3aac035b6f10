"""Errors said in the asker's language: ``describe_error(exc, lang)``.

English is each exception's own ``str()``, word for word, so logs, the CLI and the
audit log read as before. This module holds only the Chinese, built from what each
exception carries (status, error code, request id, names); the request id always stays,
so support can trace the answer whatever language it was given in. Text DMS itself
sent (its ``error_msg``) is quoted as it came: translating it could change its meaning.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.commands import CommandError, NotAnInstance
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
    ResolveError,
    UnknownInstance,
    UnknownPlace,
    UnknownTask,
)
from bot.core.dms.place import place_text
from bot.core.grammar_zh import to_zh
from bot.core.timewindow import WindowError
from bot.i18n import Lang, t

_QUOTE_LIMIT = 60

# The hint each DmsError class gives in English, in Chinese. DmsThrottled's depends on
# how long to wait and is made in _hint.
_HINTS_ZH: dict[type[DmsError], str] = {
    DmsError: "请重试；如果一直失败，请检查 DMS 控制台。",
    DmsAuthError: (
        "请检查 HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK（临时密钥还需 "
        "HUAWEICLOUD_SDK_SECURITY_TOKEN）、HUAWEICLOUD_SDK_PROJECT_ID、本机时钟，"
        "以及该密钥是否有 `dms:instance:getBackgroundTask` 权限。"
    ),
    DmsNotFound: "请检查 ID，或运行 `instances` 列出本项目的实例。",
    DmsUnavailable: "DMS 未及时响应，请稍后重试。",
    DmsProtocolError: "DMS 返回了意外的内容，详情见机器人日志。",
    DmsRequestError: "DMS 拒绝了该请求，请检查实例和时间窗口。",
}

# The messages bot.adapters.dms writes, in Chinese. Matched whole; a message none of them
# matches (a new one) is kept in English, with the hint around it still in Chinese.
_Rewrite = Callable[[re.Match[str]], str]
_MESSAGES_ZH: tuple[tuple[re.Pattern[str], _Rewrite], ...] = (
    (
        re.compile(r"DMS answered (\d+)((?: \S+)?): (.*)", re.DOTALL),
        lambda m: f"DMS 返回 {m[1]}{m[2]}：{m[3]}",
    ),
    (
        re.compile(r"DMS refused the credentials \(([^)]*)\): (.*)", re.DOTALL),
        lambda m: f"DMS 拒绝了凭据（{m[1]}）：{m[2]}",
    ),
    (
        re.compile(r"DMS did not answer within (\S+) s \((.*)\)", re.DOTALL),
        lambda m: f"DMS 在 {m[1]} 秒内没有响应（{m[2]}）",
    ),
    (
        re.compile(r"DMS did not answer within (\S+) s", re.DOTALL),
        lambda m: f"DMS 在 {m[1]} 秒内没有响应",
    ),
    (
        re.compile(r"the connection to DMS failed \((.*)\)", re.DOTALL),
        lambda m: f"与 DMS 的连接失败（{m[1]}）",
    ),
    (
        re.compile("the connection to DMS failed before it answered"),
        lambda _: "DMS 还没响应，连接就断开了",
    ),
    (
        re.compile(r"DMS has no task (.*) on instance (.*)", re.DOTALL),
        lambda m: f"DMS 在实例 {m[2]} 上没有任务 {m[1]}",
    ),
    (re.compile("DMS sent a body that is not JSON"), lambda _: "DMS 返回的内容不是 JSON"),
    (
        re.compile("DMS sent a task list that is not a JSON object"),
        lambda _: "DMS 返回的任务列表不是 JSON 对象",
    ),
    (re.compile("DMS reported tasks but sent none"), lambda _: "DMS 报告有任务，却没有返回任务"),
    (re.compile("DMS sent tasks in an unexpected shape"), lambda _: "DMS 返回的任务格式不符合预期"),
    (
        re.compile("DMS sent an instance list in an unexpected shape"),
        lambda _: "DMS 返回的实例列表格式不符合预期",
    ),
)

_KNOWN_PLACES = re.compile(r"\((accounts: .*)\)\. Write <instance>@<account>", re.DOTALL)


def describe_error(exc: BaseException, lang: Lang) -> str:
    """What went wrong and what to do, in ``lang``: one line for ``error_message``.

    Handles every error an answer can meet: DMS errors, instance and task lookups, and
    the grammar's errors (through their own ``text(lang)`` when they have one). Any
    other exception is its ``str()``.
    """
    if lang == "en":
        return str(exc)
    text = getattr(exc, "text", None)
    if callable(text):
        # The grammar's CommandError and WindowError say themselves in each language.
        said = text(lang)
        if isinstance(said, str):
            return said
    if isinstance(exc, DmsError):
        return _dms_error(exc)
    if isinstance(exc, ResolveError):
        return _resolve_error(exc)
    if isinstance(exc, CommandError | WindowError):
        return _grammar_error(exc)
    return str(exc)


_CONNECT_FAILURES_ZH = {
    "refused": "连接被拒绝",
    "unknown_host": "找不到该主机",
    "timed_out": "连接超时",
    "failed": "无法建立连接",
}


def _dms_error(exc: DmsError) -> str:
    if isinstance(exc, DmsUnreachable):
        # Said from its fields: the endpoint and the setting are names, kept as they are.
        what = exc.setting or "DMS 地址设置（DMS_ENDPOINT 或 HUAWEICLOUD_REGION）"
        return (
            f"无法连接 {exc.endpoint} 上的 DMS（{_CONNECT_FAILURES_ZH[exc.failure]}）。"
            f"请检查 {what}，以及本机能否访问该地址（网络、代理、防火墙），然后重试。"
        )
    message = exc.message.strip()
    for pattern, rewrite in _MESSAGES_ZH:
        match = pattern.fullmatch(message)
        if match:
            message = rewrite(match)
            break
    parts = [message.rstrip(".。") + "。"]
    hint = _hint(exc)
    if hint:
        parts.append(hint)
    if exc.request_id:
        parts.append(f"（请求 ID {exc.request_id}）")
    return "".join(parts)


def _hint(exc: DmsError) -> str:
    if isinstance(exc, DmsThrottled):
        wait = max(1, round(exc.retry_after)) if exc.retry_after else 10
        return f"DMS 正在限流，请 {wait} 秒后重试。"
    for cls in type(exc).__mro__:
        zh = _HINTS_ZH.get(cls)
        if zh is not None:
            # A subclass that says something else in English is not the hint translated.
            return zh if exc.hint == getattr(cls, "hint", None) else str(exc.hint or "")
    return str(exc.hint or "")


def _resolve_error(exc: ResolveError) -> str:
    if isinstance(exc, UnknownInstance):
        # No place for someone the access rules restrict (``where`` is "").
        text = f"{place_text(exc.where, 'zh')} 中" if exc.where else ""
        text += f"没有名为“{exc.name}”的 Kafka 实例。"
        if exc.close:
            text += f"相近的名称：{'、'.join(exc.close)}。"
        else:
            text += "运行 `instances` 可列出全部实例。"
        if isinstance(exc, NotAnInstance) and exc.button is not None:
            text += (
                f"你是想点“{t('zh', exc.button)}”按钮吗？"
                "按钮在回答上（先发送 `<实例> 最近1小时`）；"
                f"在命令行中输入按钮的名字即可点它：`{exc.meant}`。"
            )
        elif isinstance(exc, NotAnInstance):
            text += f"你是想输入 `{to_zh(exc.meant)}` 吗？"
        if exc.request_id:
            text += f"（请求 ID {exc.request_id}）"
        return text
    if isinstance(exc, UnknownTask):
        instance = exc.instance_name
        return (
            f"{instance} 上没有任务“{exc.task_id}”。要找任务 ID，请发送 `{instance} last 24h`，"
            "再点任务旁的“详情”（`python -m bot tasks` 的表格也有 ID 列）。"
        )
    if isinstance(exc, AmbiguousInstance):
        listed = "、".join(f"{name}（{iid}）" for name, iid in exc.candidates)
        return f"“{exc.name}”匹配到多个实例：{listed}。请使用完整名称或 ID。"
    if isinstance(exc, UnknownPlace):
        found = _KNOWN_PLACES.search(str(exc))
        if found is None:
            return str(exc)
        known = found[1].replace("accounts: ", "账号：").replace("; regions: ", "；区域：")
        return (
            f"“{exc.name}”中的“{exc.place}”不是机器人已知的账号或区域（{known}）。"
            "请写成 <实例>@<账号> 或 <实例>@<区域>。"
        )
    return str(exc)


def _grammar_error(exc: CommandError | WindowError) -> str:
    """A grammar error without ``text(lang)``: the frame in Chinese, the reason as the
    grammar gave it, the suggestion as it can be pasted back."""
    quoted = "".join(c if c.isprintable() else repr(c)[1:-1] for c in " ".join(exc.bad.split()))
    if len(quoted) > _QUOTE_LIMIT:
        quoted = quoted[: _QUOTE_LIMIT - 1] + "…"
    problem = f"无法识别“{quoted}”：{exc.why}" if exc.why else f"无法识别“{quoted}”"
    return f"{problem}；试试“{exc.suggestion}”"
