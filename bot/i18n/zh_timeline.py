"""CTS 记录的 Kafka 实例操作的中文说法（``timeline.op.*``，与 ``en_timeline.py`` 同键）。"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "timeline.op.create_instance": "创建实例",
    "timeline.op.delete_failed_instances": "删除创建失败的实例",
    "timeline.op.delete_instance": "删除实例",
    "timeline.op.change_order": "变更实例订单",
    "timeline.op.extend": "扩容",
    "timeline.op.reset_password": "重置密码",
    "timeline.op.restart": "重启",
    "timeline.op.modify_instance": "修改实例信息",
    "timeline.op.delete_task": "删除后台任务",
    "timeline.op.enable_connector": "开启 Smart Connect",
    "timeline.op.create_connector_task": "创建 Smart Connect 任务",
    "timeline.op.create_topic": "创建 Topic",
    "timeline.op.delete_topic": "删除 Topic",
    "timeline.op.alter_topic": "修改 Topic",
    "timeline.op.auto_topic": "开关自动创建 Topic",
    "timeline.op.reassign": "分区重平衡",
    "timeline.op.reset_offset": "重置消费进度",
    "timeline.op.delete_groups": "删除消费组",
    "timeline.op.create_user": "创建用户",
    "timeline.op.delete_user": "删除用户",
    "timeline.op.user_policies": "修改用户权限",
}
