"""Chinese words of the terminal views (``term.*`` keys): the tables and rows the CLI and
the local shell print. Kept beside ``zh.py``, which takes them into ``MESSAGES``;
``en_terminal.py`` has the same keys.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "term.summary.one": "{count} 个任务",
    "term.summary.other": "{count} 个任务",
    "term.summary.filtered": "{summary}符合筛选条件（窗口内共 {total} 个）",
    "term.truncated": (
        "DMS 报告了 {reported} 个任务，只取回了 {fetched} 个；缩小时间窗口可查看其余任务。"
    ),
    "term.col.status": "状态",
    "term.col.name": "名称",
    "term.col.user": "用户",
    "term.col.started": "开始时间",
    "term.col.duration": "耗时",
    "term.col.id": "ID",
    "term.col.version": "版本",
    "term.col.spec": "规格",
    "term.row.instance": "实例",
    "term.row.task": "任务",
    "term.row.name": "名称",
    "term.row.status": "状态",
    "term.row.user": "用户",
    "term.row.started": "开始时间",
    "term.row.updated": "更新时间",
    "term.row.duration": "耗时",
    "term.params": "参数",
    "term.no_params": "（无）",
    "term.no_instances": "{where} 中没有 Kafka 实例。",
    "term.instances.one": "{where} 共有 {count} 个 Kafka 实例",
    "term.instances.other": "{where} 共有 {count} 个 Kafka 实例",
}
