"""慢任务提示与每日摘要的中文文本（``slow.*``、``daily.*``），键与 ``en_daily.py`` 相同。"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "slow.note": "耗时 {took}，通常 {usual}",
    "daily.head": "{instance} 的每日摘要：{day}",
    "daily.late": "延迟发送：{time} 时机器人未在运行。",
    "daily.none": "当天没有结束的任务。",
    "daily.counts": "结束 {count} 个：{counts}",
    "daily.failures": "*失败*",
    "daily.failures_more": "另有 {count} 个",
    "daily.slowest": "*最慢*",
    "daily.slow_row": "{task} 耗时 {took}",
    "daily.slow_row_usual": "{task} 耗时 {took}，通常 {usual}",
    "daily.text": "{instance} 的每日摘要：{day}，结束 {count} 个任务，失败 {failed} 个",
    "daily.scheduled": "*未来 24 小时的计划任务*",
    "daily.scheduled_none": "未来 24 小时没有计划任务。",
    "daily.scheduled_unknown": "无法读取未来 24 小时的计划任务。",
    "daily.set": "每日摘要时间：{time}。",
}
