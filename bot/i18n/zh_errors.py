"""Chinese for what can go wrong: ``bot.i18n.en_errors`` said in Chinese, the same keys.

Names, ids, setting names and what DMS itself sent (its ``error_msg``) stay as they
came: translating DMS's words could change their meaning.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- pieces ---------------------------------------------------------------------------
    "as_is": "{text}",
    "sentence": "{text}。",
    "sentence.stops": " .。",
    "sep.sentences": "",
    "sep.names": "、",
    "error.request_id": "（请求 ID {id}）",
    # --- DMS: what went wrong -------------------------------------------------------------
    "dms.answered": "DMS 返回 {status}：{text}",
    "dms.answered_code": "DMS 返回 {status} {code}：{text}",
    "dms.refused_credentials": "DMS 拒绝了凭据（{code}）：{text}",
    "dms.timed_out": "DMS 在 {seconds} 秒内没有响应",
    "dms.connection_lost": "DMS 还没响应，连接就断开了",
    "dms.unreachable": "无法连接 {endpoint} 上的 DMS（{failure}）",
    "dms.connect.refused": "连接被拒绝",
    "dms.connect.unknown_host": "找不到该主机",
    "dms.connect.timed_out": "连接超时",
    "dms.connect.failed": "无法建立连接",
    "dms.no_task": "DMS 在实例 {instance} 上没有任务 {task}",
    "dms.not_json": "DMS 返回的内容不是 JSON",
    "dms.tasks_not_object": "DMS 返回的任务列表不是 JSON 对象",
    "dms.tasks_missing": "DMS 报告有任务，却没有返回任务",
    "dms.tasks_shape": "DMS 返回的任务格式不符合预期",
    "dms.instances_shape": "DMS 返回的实例列表格式不符合预期",
    # --- DMS: what to do ------------------------------------------------------------------
    "dms.hint.error": "请重试；如果一直失败，请检查 DMS 控制台。",
    "dms.hint.auth": (
        "请检查 HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK（临时密钥还需 "
        "HUAWEICLOUD_SDK_SECURITY_TOKEN）、HUAWEICLOUD_SDK_PROJECT_ID、本机时钟，"
        "以及该密钥是否有 `{action}` 权限。"
    ),
    "dms.hint.not_found": "请检查 ID，或运行 `instances` 列出本项目的实例。",
    "dms.hint.throttled": "DMS 正在限流，请 {wait} 秒后重试。",
    "dms.hint.unavailable": "DMS 未及时响应，请稍后重试。",
    "dms.hint.unreachable": (
        "请检查 {what}，以及本机能否访问该地址（网络、代理、防火墙），然后重试。"
    ),
    "dms.hint.endpoint_setting": "DMS 地址设置（DMS_ENDPOINT 或 HUAWEICLOUD_REGION）",
    "dms.hint.protocol": "DMS 返回了意外的内容，详情见机器人日志。",
    "dms.hint.request": "DMS 拒绝了该请求，请检查实例和时间窗口。",
    # --- lookups --------------------------------------------------------------------------
    "unknown_instance": "没有名为“{name}”的 Kafka 实例。",
    "unknown_instance.in": "{where} 中没有名为“{name}”的 Kafka 实例。",
    "unknown_instance.close": "相近的名称：{names}。",
    "unknown_instance.list": "运行 `instances` 可列出全部实例。",
    "unknown_instance.button": (
        "你是想点“{label}”按钮吗？按钮在回答上（先发送 `<实例> 最近1小时`）；"
        "在命令行中输入按钮的名字即可点它：`{meant}`。"
    ),
    "unknown_instance.command": "你是想输入 `{meant}` 吗？",
    "unknown_task": (
        "{instance} 上没有任务“{task}”。要找任务 ID，请发送 `{instance} last 24h`，"
        "再点任务旁的“详情”（`python -m bot tasks` 的表格也有 ID 列）。"
    ),
    "ambiguous": "“{name}”匹配到多个实例：{candidates}。请使用完整名称或 ID。",
    "ambiguous.candidate": "{name}（{id}）",
    "unknown_place": (
        "“{wanted}”中的“{place}”不是机器人已知的账号或区域（{known}）。"
        "请写成 <实例>@<账号> 或 <实例>@<区域>。"
    ),
    "unknown_place.accounts": "账号：{accounts}",
    "unknown_place.regions": "{known}；区域：{regions}",
    # --- the grammar's refusals -----------------------------------------------------------
    "grammar.error": "无法把“{quoted}”理解为{reading}；试试“{suggestion}”",
    "grammar.error.why": "无法理解“{quoted}”：{why}；试试“{suggestion}”",
    "grammar.reading.command": "命令",
    "grammar.reading.window": "时间范围",
    "grammar.reading.status": "任务状态",
    "grammar.reading.option": "订阅选项",
    "grammar.reading.language": "语言",
    "grammar.why.too_long": "命令最长 {most} 个字符",
    "grammar.why.task_after_instance": "任务 ID 要紧跟在实例后面",
    "grammar.why.status_alone": "只有“失败”和“运行中”可以单独写，其他状态要写在“状态”后面",
    "grammar.why.one_task_id": "“任务”后面只写一个任务 ID",
    "grammar.why.task_id_shape": "任务 ID 只含字母、数字、- 和 _，并以字母或数字开头",
    "grammar.why.which_status": "哪种状态？例如 失败、运行中、成功",
    "grammar.why.which_name": "哪个任务名？写一个通配模式，比如 modify*",
    "grammar.why.page": "页码是从 1 起的整数",
    # The option is quoted in the error's own frame already.
    "grammar.why.twice": "同一项写了两次",
    "grammar.why.which_instance": "订阅哪个实例？例如 {example}",
    "grammar.why.which_language": "哪种语言？中文 或 英文",
    "grammar.why.one_instance": "只写一个实例",
    "grammar.why.instance_first": "先写实例名或实例 ID",
    "grammar.why.instance_shape": "实例名只含字母、数字、-、_ 和 .，也可以写实例 ID（名称@账号）",
    "grammar.why.nothing_after": "这个命令后面不接别的内容",
    "grammar.why.out_of_range": "日期超出范围",
    "grammar.why.api_form": "API 的时间格式是 YYYYMMDDHHmmss",
    "grammar.why.no_such_moment": "没有这个日期或时间",
    "grammar.why.no_such_date": "没有这个日期",
    "grammar.why.needs_length": "缺少时长",
    "grammar.why.too_long_window": "时间范围最长 {days} 天",
    "grammar.why.zero": "时长必须大于零",
    "grammar.why.needs_time": "缺少时间",
    "grammar.why.future": "这个时间还没到",
    "grammar.why.needs_start": "缺少开始时间",
    "grammar.why.needs_end.to": "缺少结束时间（“到 ...”）",
    "grammar.why.needs_end.and": "缺少结束时间（“到 ...”）",
    "grammar.why.ends_first": "结束时间早于开始时间",
    "grammar.why.today_begun": "今天才刚开始",
    "grammar.why.empty": "这个时间范围是空的",
    "grammar.why.two_zones": "写了两个时区",
    "grammar.why.am_pm_hour": "带 am/pm 时小时须为 1–12",
    "grammar.why.minutes": "时间要写到分钟，比如 09:00 或 9点",
    "grammar.why.hour": "小时超出范围（00–23）",
    "grammar.why.minute": "分钟超出范围（00–59）",
    "grammar.why.second": "秒超出范围（00–59）",
    "grammar.why.offset": "时差超出范围（-14:00 到 +14:00）",
    "grammar.why.zone": "不认识这个时区",
}
