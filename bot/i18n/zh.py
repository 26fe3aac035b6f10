"""简体中文: the same keys and placeholders as ``en.py``, written as an on-call engineer
would say it, not word for word. Chinese has no plural, so both forms of a plural pair
read the same. A space goes between Chinese and Latin letters or digits ("过去 1 小时"),
the usual style of Chinese technical writing; Slack markup (``*bold*``, backticks) keeps
spaces around it where Slack needs them to see the markup.
"""

from __future__ import annotations

from bot.i18n import (
    zh_access,
    zh_daily,
    zh_errors,
    zh_home,
    zh_progress,
    zh_quiet,
    zh_scheduled,
    zh_terminal,
    zh_timeline,
)

MESSAGES: dict[str, str] = {
    # --- shared pieces --------------------------------------------------------------------
    "unnamed_instance": "（未命名实例）",
    "button.fallback": "打开",
    "button.details": "详情",
    "button.refresh": "刷新",
    "button.previous": "‹ 上一页",
    "button.next": "下一页 ›",
    "button.share": "分享到频道",
    "button.subscribe_failures": "订阅失败通知",
    "button.retry": "重试",
    "sep.list": "，",
    "sep.colon": "：",
    "sep.statuses": "、",
    "times": "{name} ×{count}",
    "count_status": "{status} {count} 个",
    "started_at": "开始于 {date}",
    "took": "耗时 {duration}",
    # --- durations ------------------------------------------------------------------------
    "duration.seconds": "{s} 秒",
    "duration.minutes": "{m} 分 {s:02d} 秒",
    "duration.hours": "{h} 小时 {m:02d} 分",
    "duration.days": "{d} 天 {h} 小时",
    "duration.so_far": "已运行 {duration}",
    # --- the tasks summary ----------------------------------------------------------------
    "tasks.window.times_read_in": "时间按 {zone} 解读",
    "tasks.window.queried": "向 DMS 查询的是 `begin_time={begin}` `end_time={end}` (UTC)",
    "tasks.window.instance": "实例 `{id}`",
    "tasks.window.instance_where": "实例 `{id}` 位于 {where}",
    "tasks.filter.status": "状态 {statuses}",
    "tasks.filter.name": "名称 `{glob}`",
    "tasks.failed_named": ":red_circle: *{count} 个失败* · {named}",
    "tasks.failed_more": "{named}，另有 {more} 种",
    "tasks.no_failures": ":large_green_circle: 没有失败的任务",
    "tasks.summary.filtered.one": (
        "*{count} 个任务* 符合筛选条件 {filter} （窗口内共 {total} 个）"
    ),
    "tasks.summary.filtered.other": (
        "*{count} 个任务* 符合筛选条件 {filter} （窗口内共 {total} 个）"
    ),
    "tasks.summary.all.one": "*{count} 个任务* 在本窗口内启动",
    "tasks.summary.all.other": "*{count} 个任务* 在本窗口内启动",
    "tasks.truncated": (
        ":warning: DMS 报告了 {reported} 个任务，只取回了 {fetched} 个；请缩小时间窗口。"
    ),
    "tasks.cached": ":floppy_disk: 缓存结果",
    "tasks.cached_fetched": ":floppy_disk: 缓存结果，获取于 {ago}",
    "tasks.cached_hint": "{cached} · 点“刷新”获取最新结果",
    "tasks.paging": "第 {first}–{last} 个，共 {total} 个",
    "tasks.paging_pages": "第 {first}–{last} 个，共 {total} 个 · 第 {page}/{pages} 页",
    "tasks.strip": "`{bars}` 任务启动数，每格 {slot}（最高 {peak}）",
    "tasks.strip_failed": "`{marks}` 失败",
    "strip.minutes": "{n} 分钟",
    "strip.hours": "{n} 小时",
    "strip.days": "{n} 天",
    "strip.weeks": "{n} 周",
    "tasks.past_last_page.one": ":warning: 没有第 {asked} 页：只有 {count} 页。",
    "tasks.past_last_page.other": ":warning: 没有第 {asked} 页：共 {count} 页，这里是最后一页。",
    "tasks.empty.filtered.one": (
        "本窗口内 *{name}* 上没有符合筛选条件 {filter} 的任务（{others} 个任务均不符合）。\n"
        "去掉筛选条件，或放宽时间窗口，例如 `last 24h` 或 `last 7d`"
    ),
    "tasks.empty.filtered.other": (
        "本窗口内 *{name}* 上没有符合筛选条件 {filter} 的任务（{others} 个任务均不符合）。\n"
        "去掉筛选条件，或放宽时间窗口，例如 `last 24h` 或 `last 7d`"
    ),
    "tasks.empty": (
        "本窗口内 *{name}* 上没有启动任何任务。\n放宽时间窗口试试，例如 `last 24h` 或 `last 7d`"
    ),
    "tasks.text": "{instance} · {window}：{summary}",
    "tasks.text.filtered.one": "{total} 个任务中有 {shown} 个符合筛选条件",
    "tasks.text.filtered.other": "{total} 个任务中有 {shown} 个符合筛选条件",
    "tasks.text.all.one": "共 {count} 个任务",
    "tasks.text.all.other": "共 {count} 个任务",
    "tasks.text.failed": "，{count} 个失败",
    # --- one task -------------------------------------------------------------------------
    "details.status": "状态",
    "details.user": "用户",
    "details.started": "开始时间",
    "details.finished": "结束时间",
    "details.updated": "更新时间",
    "details.duration": "耗时",
    "details.task_id": "任务 ID",
    "details.instance": "实例",
    "details.task_name": "任务名称",
    "details.shown_raw": "{shown} `{raw}`",
    "details.no_params": "无参数。",
    "details.params_unreadable": "*参数* {marker}",
    "unreadable": "（无法读取：{why}）",
    "unreadable.too_deep": "嵌套过深",
    "unreadable.too_large": "过大",
    "unreadable.not_text": "不是文本",
    "unreadable.fields": "DMS 发来的这些字段无法读取：{fields}",
    "details.params": "*参数*",
    "details.params_masked": "*参数* · 敏感信息已隐藏",
    "details.truncated": "…（已截断：共 {total:,} 个字符，显示了 {shown:,} 个）",
    "details.text": "{instance} 上的 {task} · {status}",
    # --- instances, help, errors ----------------------------------------------------------
    "instances.this_project": "本项目",
    "place.demo": "内置的 DMS 模拟器",
    "place.project": "项目 {project}",
    "place.region_project": "{region} 的项目 {project}",
    "place.account": "账号 {name}（{place}）",
    "place.account_entry": "{name}（{place}）",
    "place.accounts": "账号 {accounts}",
    "instances.header": "{place} 的 Kafka 实例",
    "instances.none": "{place} 中没有 Kafka 实例。",
    "instances.ask": "发送 `{example}` 查看某个实例的任务。",
    "instances.more": "… 另有 {count} 个。{tail}",
    "instances.text.one": "{place} 共有 {count} 个 Kafka 实例",
    "instances.text.other": "{place} 共有 {count} 个 Kafka 实例",
    "help.intro": (
        "查询分布式消息服务 Kafka 版（DMS）实例上运行过哪些后台任务，以及结果如何。"
        "以下命令在 `/kafka-tasks` 斜杠命令、@ 机器人和本地命令行中通用："
    ),
    "help.text": "kafka-tasks：使用方法",
    "note.demo": (
        "未设置华为云凭据（HUAWEICLOUD_SDK_AK/SK）：以下回答来自内置 DMS 模拟器的演示数据。"
    ),
    "error.title": "kafka-tasks 无法回答",
    "error.text": "{title}：{said}",
    "error.fallback": "出错了。",
    "error.more_choices": "… 另有 {count} 个：输入实例 ID 来选择。",
    # What was typed is quoted: a command, not words of the sentence.
    "looking_up": ":hourglass_flowing_sand: 正在查询“{what}”…",
    "looking_up.your_tasks": "你的任务",
    # --- the local shell (python -m bot shell) ------------------------------------------
    "shell.greeting": (
        "像在 /kafka-tasks 后面那样输入命令（试试 `prod-orders 最近1小时` 或 `帮助` ）；"
        "输入按钮的名称即可按下它（例如 `下一页` 、 `详情 2` ）；Tab 键补全，上箭头调出之前的命令；"
        "输入 `quit` 或按 Ctrl-D 退出。"
    ),
    "shell.help": (
        "在本终端里：输入按钮的名称即可按下它（例如 `下一页` 、 `详情 2` ）；"
        "Tab 键补全命令和实例名；上箭头调出之前的命令。"
        "启动时加上 `--builder` ，每个回答都会附上 Block Kit Builder 链接，"
        "可以看到它在 Slack 中的样子。"
    ),
    "shell.builder": "Block Kit Builder 预览：{link}",
    "shell.delivery.thread": "（在 Slack 中：发在该回答的消息列里）",
    "shell.delivery.channel": "（在 Slack 中：发到频道，所有人可见）",
    "shell.delivery.ephemeral": "（在 Slack 中：仅你可见）",
    "shell.which_button": "有多个按钮对应“{typed}”：{choices}。请输入其中一个，例如 `{example}` 。",
    "shell.not_shown": "屏幕上现在没有“{typed}”按钮；现有的按钮：{choices}。",
    "shell.no_buttons": "屏幕上现在没有“{typed}”按钮：请先查询，例如 `prod-orders 最近1小时` 。",
    "shell.cancelled": "（已取消）",
    "shell.history_off": (
        "本次不会记住输入的命令：无法写入 {path}（{reason}）。请把 KAFKA_TASKS_HISTORY "
        "设为一个可写的文件，或启动时加上 --history FILE。"
    ),
    "error.subscriptions_from_slack": (
        "订阅会把通知发到 Slack 频道，所以请在 Slack 中设置：在需要接收通知的频道里发送 "
        "`/kafka-tasks subscribe prod-orders failed` 即可。"
    ),
    "error.subscribe_in_slack": "订阅会把通知发到 Slack 频道；请在 Slack 中点击“订阅”。",
    "error.unreadable_button": "无法读取这个按钮的数据（可能来自旧版本的机器人）。请重新执行命令。",
    "error.unknown_button": "未知的按钮 {action}；请重新执行命令。",
    "error.internal": (
        "我们这边出了问题（事件编号 {incident}），详情已记入机器人日志。"
        "请重试；如果一直出现，请告知机器人的维护者。"
    ),
    "error.pick_one": "“{name}”匹配到 {count} 个实例，请选择一个：",
    "mention.private_error": "无法回答；详情只发给了 <@{user}>。",
    "mention.private_answer": "已单独回复 <@{user}>。",
    "mention.private_unconfirmed": (
        "Slack 没有确认给 <@{user}> 的单独回复已显示；如果没有看到，请再问一次。"
    ),
    "button.unconfirmed": "未确认",
    "button.unconfirmed_share": (
        "Slack 没有确认回答已分享到频道，机器人也无法查看该频道。再次分享之前，请先到频道里看一下。"
    ),
    "button.unconfirmed_thread": (
        "Slack 没有确认详情已发到消息列中，机器人也无法查看该消息列。"
        "再次查看之前，请先到消息列里看一下。"
    ),
    # --- watching: shared -----------------------------------------------------------------
    "watch.this_channel_id": "本频道（<#{channel}>）",
    "watch.this_conversation": "本会话",
    "watch.this_channel_named": "本频道（{channel} ）",
    "watch.this_channel": "本频道",
    "watch.someone": "某人",
    "watch.scope.failed": "有任务失败",
    "watch.scope.all": "有任务结束（无论结果）",
    "watch.scope.failed.matches": "有名称匹配 {glob} 的任务失败",
    "watch.scope.failed.contains": "有名称包含 {glob} 的任务失败",
    "watch.scope.all.matches": "有名称匹配 {glob} 的任务结束（无论结果）",
    "watch.scope.all.contains": "有名称包含 {glob} 的任务结束（无论结果）",
    "watch.params": "参数 {summary}",
    "watch.params_hidden": "（已隐藏：可能含有敏感信息，请查看详情）",
    "watch.params_more": "{shown}，…（另有 {count} 项）",
    # --- subscriptions --------------------------------------------------------------------
    "sub.what": "每当 *{name}* 上{scope}时，{channel}都会收到一条消息。",
    "sub.created": ":bell: {what}",
    "sub.updated": ":bell: 已更新：{what}",
    "sub.not_replayed": "此前已结束的任务不会补发。",
    "sub.replaces": "这会替换本频道之前对该实例的订阅。",
    "sub.body": "{head}\n多个任务同时结束时会合并成一条摘要。{note}",
    "sub.set_up_by": "由 {user} 于 {date} 设置",
    "sub.instance": "实例 `{id}`",
    "sub.stop_and_list": "取消订阅用 {unsubscribe} · 查看订阅用 {subscriptions}",
    "sub.text.created.failed": "已订阅：{name} 上的任务失败时通知",
    "sub.text.created.all": "已订阅：{name} 上的任务结束时通知（无论结果）",
    "sub.text.updated.failed": "已更新：{name} 上的任务失败时通知",
    "sub.text.updated.all": "已更新：{name} 上的任务结束时通知（无论结果）",
    "sub.text.glob": "{text}，名称匹配 {glob}",
    "unsub.this_instance": "该实例",
    "unsub.not_subscribed": "{channel}没有订阅 *{name}* 的任务通知，未做任何更改。",
    "unsub.see_list": "用 {command} 查看本频道的订阅。",
    "unsub.not_subscribed_text": "本频道没有订阅 {name}",
    "unsub.done": (
        ":no_bell: {channel}将不再收到 *{name}* 上的任务消息（此前每当{scope}时都会收到）。"
    ),
    "unsub.again": "重新订阅请发送 {command}",
    "unsub.done_text": "已取消订阅 {name}",
    "subs.none": "{channel}没有任务通知。\n订阅请发送 {example} ，例如 {command}",
    "subs.none_text": "本频道没有任务通知",
    "subs.failed_only": "仅失败",
    "subs.any_outcome": "任何结果",
    "subs.line": "• *{name}* `{id}` · {scope}",
    "subs.line_glob": "{line} · 名称 {glob}",
    "subs.line_by": "{line} · {user} 设置于 {date}",
    "subs.line_paused": "{line} · :double_vertical_bar: _已暂停：访问规则不再允许_",
    "subs.header": "本频道的任务通知",
    "subs.count.one": "{channel} · {count} 个订阅",
    "subs.count.other": "{channel} · {count} 个订阅",
    "subs.stop_one": "取消其中一个请发送 {command}",
    "subs.more": "… 另有 {count} 个。{tail}",
    "subs.text.one": "本频道有 {count} 个订阅",
    "subs.text.other": "本频道有 {count} 个订阅",
    # --- notifications --------------------------------------------------------------------
    "finished.head": "{emoji} *{instance}* 上的 *{task}* {status}",
    "finished.text": "{emoji} {instance} 上的 {task} {status}",
    "finished.text_took": "{emoji} {instance} 上的 {task} {status}（耗时 {duration}）",
    "digest.header.one": "{instance} 上有 {count} 个任务结束",
    "digest.header.other": "{instance} 上有 {count} 个任务结束",
    "digest.more": "… 另有 {count} 个：{listed}",
    "digest.any_details": "查看任一任务的详情请发送 {command}",
    # --- status threads -------------------------------------------------------------------
    "reply.failed": "*{task}* {status}",
    "reply.finished": "*{task}* 已结束：{status}",
    "reply.now": "*{task}* 当前状态：{status}",
    "reply.after": "{line}，耗时 {duration}",
    "reply.so_far": "{line}（{duration}）",
    "reply.text": "{emoji} {instance} 上的 {task} {status}",
    "reply.text_after": "{emoji} {instance} 上的 {task} {status}，耗时 {duration}",
    "closed.a_while": "一段时间",
    "closed.hours": "{hours} 小时",
    "closed.names_more": "{named}，另有 {count} 种",
    "closed.still_running": "仍在运行：{named}",
    "closed.none_running": "没有仍在运行的任务",
    "closed.line": (
        ":zzz: 已跟踪 {after}，现在停止跟踪；{state}；请再次发送 {command} 查看最新状态。"
    ),
    "closed.text": "已停止跟踪 {instance}（跟踪了 {after}）",
    # --- DMS reachability -----------------------------------------------------------------
    "unreachable.the_instance": "该实例",
    "unreachable.no_answer": "无响应",
    "unreachable.line": (
        ":warning: *{instance}* 自 {date} 起无法连接：{why}。\n"
        "DMS 恢复响应后会继续发送通知，不会丢失任何通知。"
    ),
    "unreachable.text": "无法连接 {instance}：{why}",
    "reachable.the_instance": "该实例",
    "reachable.line": (
        ":white_check_mark: *{instance}* 已恢复连接（中断了 {after}）。期间结束的任务随后补发。"
    ),
    "reachable.text": "{instance} 已恢复连接（中断了 {after}）",
    "paused.line": (
        ":double_vertical_bar: 本频道的 *{instance}* 任务通知已暂停：访问规则不再允许本频道关注它。"
        "在规则重新允许之前不会再发送通知；如有疑问，请联系 kafka-tasks 的管理员。"
    ),
    "paused.text": "访问规则已暂停本频道的 {instance} 任务通知",
    "resumed.line": (
        ":arrow_forward: 本频道的 *{instance}* 任务通知已恢复：访问规则重新允许本频道关注它。"
        "暂停期间结束的任务不会补发。"
    ),
    "resumed.text": "{instance} 的任务通知已恢复",
    # --- task statuses: the words of the DMS console and API reference -----------------
    "status.CREATED": "已创建",
    "status.EXECUTING": "执行中",
    "status.SUCCESS": "成功",
    "status.FAILED": "失败",
    "status.DELETED": "已删除",
    "status.CANCELLED": "已取消",
    # --- instance statuses ----------------------------------------------------------------
    "instance_status.CREATING": "创建中",
    "instance_status.CREATEFAILED": "创建失败",
    "instance_status.RUNNING": "运行中",
    "instance_status.ERROR": "异常",
    "instance_status.RESTARTING": "重启中",
    "instance_status.STARTING": "启动中",
    "instance_status.EXTENDING": "规格变更中",
    "instance_status.EXTENDEDFAILED": "规格变更失败",
    "instance_status.FROZEN": "已冻结",
    "instance_status.FREEZING": "冻结中",
    "instance_status.UPGRADING": "升级中",
    "instance_status.ROLLINGBACK": "回滚中",
    "instance_status.DELETING": "删除中",
    # --- task names -----------------------------------------------------------------------
    "task.createInstance": "创建实例",
    "task.deleteInstance": "删除实例",
    "task.restartInstance": "重启实例",
    "task.extendInstance": "扩容实例",
    "task.upgradeInstance": "升级实例",
    "task.modifyInstanceName": "修改实例名称",
    "task.bindInstancePublicIp": "开启公网访问",
    "task.unbindInstancePublicIp": "关闭公网访问",
    "task.createTopic": "创建 Topic",
    "task.deleteTopic": "删除 Topic",
    "task.modifyTopic": "修改 Topic",
    "task.addPartitions": "增加分区",
    "task.reassignPartitions": "分区重分配",
    "task.modifyAutoTopic": "修改自动创建 Topic 开关",
    "task.changeRetentionPolicy": "修改容量阈值策略",
    "task.modifyConfigs": "修改配置参数",
    "task.createUser": "创建用户",
    "task.deleteUser": "删除用户",
    "task.resetPassword": "重置密码",
    "task.resetConsumerOffset": "重置消费进度",
    "task.deleteGroup": "删除消费组",
}
# The Home tab's, the refusals' and the errors' texts live beside this file, so that each
# stays readable.
MESSAGES |= {
    **zh_home.MESSAGES,
    **zh_access.MESSAGES,
    **zh_errors.MESSAGES,
    **zh_timeline.MESSAGES,
    **zh_quiet.MESSAGES,
    **zh_progress.MESSAGES,
    **zh_scheduled.MESSAGES,
    **zh_daily.MESSAGES,
    **zh_terminal.MESSAGES,
}
