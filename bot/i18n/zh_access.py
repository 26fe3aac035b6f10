"""Simplified Chinese texts of refusals by the access rules (``access.*`` keys): what the asker
may not do, never whether the instance exists.

Kept beside ``zh.py``, which takes them into ``MESSAGES``; ``en_access.py`` has the
same keys and fields.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "access.refused.query": "你无权在此频道查看 `{name}` 的任务。",
    "access.refused.share": "`{name}` 的结果不能在此频道分享。",
    "access.refused.subscribe": "你无权为此频道订阅 `{name}` 的任务通知。",
    "access.refused.unsubscribe": "你无权取消此频道对 `{name}` 的订阅。",
    "access.refused.change": (
        "你无权在此频道修改 `{name}` 的计划任务。对云上资源的修改默认一律拒绝，除非 "
        'kafka-tasks.toml 的 `[access]` 规则授予： `actions = ["change"]` ，并写明允许的'
        "用户（或用户组）、频道和实例。"
    ),
    "access.ask": "这由机器人的访问规则决定；如确有需要，请联系 kafka-tasks 的管理员。",
    "access.title": "kafka-tasks：无权操作",
    "access.only_you": ":lock: 仅你可见：此实例的结果不能在此频道分享。",
    "access.groups_down": "无法核对你的权限：Slack 没有返回访问规则所列用户组的成员。请稍后再试。",
}
