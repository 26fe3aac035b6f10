"""暂停通知与免打扰时段的中文 (``snooze.*`` 和 ``quiet.*``): the same keys and fields as
``en_quiet.py``."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "grammar.why.quiet_range": "免打扰时段要写成时间范围，例如 {example}",
    "snooze.placeholder": "暂停通知",
    "snooze.1h": "暂停 1 小时",
    "snooze.4h": "暂停 4 小时",
    "snooze.morning": "暂停到明天 09:00",
    "snooze.done": (
        ":zzz: {user} 暂停了本频道关于 *{name}* 的通知，直到 {until}。"
        "期间结束的任务届时合为一条消息发出。"
    ),
    "snooze.done_text": "{name} 的通知暂停到 {until}",
    "snooze.undo": "撤销",
    "snooze.lifted": ":bell: {user} 结束了 *{name}* 的通知暂停：通知恢复，暂停期间的任务现在发出。",
    "snooze.lifted_text": "{name} 的通知暂停已结束",
    "snooze.not_snoozed": "本频道没有暂停 *{name}* 的通知（已到期或已结束）。",
    "snooze.not_snoozed_text": "本频道没有暂停 {name} 的通知",
    "snooze.held": "通知暂停或免打扰期间保留的消息，直到 {until}",
    "subs.line_snoozed": "{line} · :zzz: _{user} 暂停到 {until}_",
    "subs.line_quiet": "{line} · :crescent_moon: 免打扰 {range}（{zone}）",
    "subs.line_quiet_all": "{line} · :crescent_moon: 免打扰 {range}（{zone}），失败也不打扰",
    "subs.line_daily": "{line} · :spiral_calendar_pad: 每日摘要 {time}（{zone}）",
    "quiet.note": (
        ":crescent_moon: 免打扰 {range}（{zone}）：期间结束的任务在时段结束时合为一条消息发出；"
        "失败的任务立即通知。"
    ),
    "quiet.note_all": (
        ":crescent_moon: 免打扰 {range}（{zone}）：期间结束的任务（包括失败的）在时段结束时"
        "合为一条消息发出。"
    ),
}
