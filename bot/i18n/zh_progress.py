"""Chinese words for the progress of a running task (a scale-out): the same keys as
``en_progress.py``."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "progress.step.pre_check": "预检查",
    "progress.step.disk_expansion": "磁盘扩容",
    "progress.step.post_check": "后检查",
    "progress.step.rolling_scaling": "滚动扩容",
    "progress.step_failed": "{step}失败",
    "progress.steps_more": "另有 {count} 步",
    "progress.left.soon": "剩余不到 1 分钟",
    "progress.left.minutes": "约剩 {minutes} 分钟",
    "progress.left.hours": "约剩 {hours} 小时 {minutes} 分钟",
    "details.progress": "进度",
    "details.steps": "步骤",
}
