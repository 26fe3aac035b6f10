"""Simplified Chinese texts of scheduled tasks (``scheduled.*`` keys): the list, its
Reschedule modal and Cancel dialog, and what the channel is told of a change.

Kept beside ``zh.py``, which takes them into ``MESSAGES``; ``en_scheduled.py`` has the
same keys and fields.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "button.reschedule": "改期",
    "button.cancel_scheduled": "取消",
    "scheduled.title": "{instance} · 计划任务",
    "scheduled.text.one": "{instance} 上有 {count} 个计划中的变更",
    "scheduled.text.other": "{instance} 上有 {count} 个计划中的变更",
    "scheduled.none": "{instance} 上没有计划中的变更。",
    "scheduled.row": "*{task}* · {when}（{relative}） · 由 {user} 设定",
    "scheduled.in": "{duration} 后",
    "scheduled.due": "即将执行",
    "scheduled.no_time": "时间无法读取",
    "scheduled.outside": ":warning: 不在维护时间窗内（{begin}–{end} UTC）：执行时实例正在使用中。",
    "scheduled.window": "维护时间窗 {begin}–{end} UTC（DMS 未说明时区，按 UTC 解读）。",
    "scheduled.window_unknown": "维护时间窗未知：DMS 没有返回。",
    "scheduled.truncated": "仅显示前 {count} 个。",
    "scheduled.slack_only": "改期和取消是 Slack 中的按钮。",
    "scheduled.confirm_title": "取消这个变更？",
    "scheduled.confirm_text": (
        "`{instance}` 上的 *{task}* 将不会在 {when} 执行。"
        "这会修改 DMS 中该实例的计划，对所有人生效。"
    ),
    "scheduled.confirm_yes": "确认取消",
    "scheduled.confirm_no": "保留",
    "scheduled.modal_title": "改期",
    "scheduled.modal_intro": (
        "`{instance}` 上的 *{task}* 定于 {when} 执行。请选择新的日期和时间（按你的时区 {zone}）。"
    ),
    "scheduled.modal_date": "日期",
    "scheduled.modal_time": "时间",
    "scheduled.modal_submit": "改期",
    "scheduled.modal_close": "返回",
    "scheduled.past": "请选择一个将来的时间。",
    "scheduled.cancelled": (
        ":no_entry_sign: {user} 取消了 `{instance}` 上的 *{task}* （原定 {when} 执行）。"
    ),
    "scheduled.rescheduled": (
        ":calendar: {user} 把 `{instance}` 上的 *{task}* 从 {before} 改到了 {after}。"
    ),
    "scheduled.changed.text": "{user} 修改了 {instance} 上的 {task}",
    "scheduled.request_id": "DMS 请求 ID {id}",
    "scheduled.twice": "这个变更已经提交过（按钮被按了两次）：只执行一次。",
    "scheduled.gone": "`{instance}` 上的 *{task}* 已无法修改：它现在的状态是 {status}。",
    "scheduled.missing": "DMS 已不再列出 `{instance}` 上的这个计划任务。",
    "scheduled.moved": "`{instance}` 上的 *{task}* 在列表显示之后已被改期：请重新发送 {command} 。",
}
