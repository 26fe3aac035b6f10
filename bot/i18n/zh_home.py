"""Simplified Chinese texts of the App Home tab and its Details modal (``home.*`` keys).

Kept beside ``zh.py``, which takes them into ``MESSAGES``; ``en_home.py`` has the same
keys and fields. Values put into {placeholders} are already mrkdwn-safe (escaped, or
the views' own tokens).
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "home.title": "Kafka 任务",
    "home.intro": "你所在频道的订阅，以及这些实例最近 {hours} 小时的任务 · 更新于 {when}",
    "home.refresh": "刷新",
    "home.empty_title": "*你所在的频道还没有任务通知。*",
    "home.empty_body": (
        "在需要接收任务结束通知的频道里输入 {example}（把 `failed` 换成 `all` "
        "可接收所有结束的任务）。订阅随后会显示在这里，并列出每个实例进行中的任务和"
        "最近的失败。"
    ),
    "home.empty_more": "随时查询：{ask} · 全部用法：{help}",
    "home.footer": "订阅频道：{subscribe} · 查看某个频道的订阅：{list}",
    "home.counts": "{running} 个进行中 · 最近 {hours} 小时 {failed} 个失败",
    "home.quiet": "最近 {hours} 小时没有进行中的任务，也没有失败。",
    "home.hidden": ":lock: 未显示任务：机器人的访问规则不允许你在这些频道查看此实例的任务。",
    "home.problem_timeout": ":warning: 无法读取任务：DMS 未及时响应。请点击“刷新”重试。",
    "home.problem_dms": ":warning: 无法读取任务：{reason}",
    "home.problem_internal": ":warning: 无法读取任务（事件编号 {reason}），详情见机器人日志。",
    "home.sub_line": "{channel} · {scope} · 由 {user} 于 {when} 设置",
    "home.scope_failed": "失败的任务",
    "home.scope_all": "所有结束的任务",
    "home.scope_glob": "{scope}（名称 {glob}）",
    "home.unsubscribe": "取消订阅",
    "home.unsubscribe_named": "取消订阅 #{channel}",
    "home.confirm_title": "停止这些通知？",
    "home.confirm_text": "{channel} 将不再收到 *{name}* 上的任务消息。",
    "home.confirm_yes": "取消订阅",
    "home.confirm_no": "保留",
    "home.details": "详情",
    "home.details_named": "详情：{name}",
    "home.started": "开始于 {when}",
    "home.more_running": "… 另有 {count} 个进行中",
    "home.more_failures": "… 另有 {count} 个失败：{command}",
    "home.more_instances": "… 另有 {count} 个实例，此处放不下：{names}。频道自己的订阅列表：{list}",
    "home.notice_unsubscribed": ":no_bell: {channel} 将不再收到 *{name}* 上的任务消息。",
    "home.notice_not_subscribed": "{channel} 并未订阅 *{name}* 的任务通知，未做更改。",
    "home.notice_refused_unsubscribe": (
        ":no_entry: 你无权为 {channel} 取消订阅 *{name}* 的任务通知，未做更改。"
        "由机器人的负责人设定谁可以操作。"
    ),
    "home.notice_unreadable": "无法读取该按钮的数据（可能来自旧版本的机器人）。下方内容已是最新。",
    "home.channels_unreadable": (
        ":warning: 无法读取你所在的频道（{detail}），因此不显示订阅。"
        "应用需要 `channels:read` 和 `groups:read` 权限。"
    ),
    "home.channels_partial": "仅显示你前 {detail} 个频道中的订阅。",
    "home.this_dm": "你与机器人的私信",
    "home.a_channel": "某个频道",
    "home.loading_home": ":hourglass_flowing_sand: 正在加载你的订阅及其任务…",
    "home.details_title": "任务详情",
    "home.close": "关闭",
    "home.loading_task": ":hourglass_flowing_sand: 正在加载任务…",
    "home.details_refused": ":lock: 机器人的访问规则不允许你查看此实例的任务。",
    "home.details_failed": ":warning: 无法读取该任务：{reason}",
    "home.details_timeout": ":warning: 无法读取该任务：DMS 未及时响应。请关闭后再次点击“详情”。",
    "home.details_unreadable": (
        "无法读取该按钮的数据（可能来自旧版本的机器人）。请在主页点击“刷新”。"
    ),
    "home.details_broken": ":warning: 无法显示该任务（事件编号 {incident}），详情见机器人日志。",
    "home.broken": (
        ":warning: 无法生成你的主页（事件编号 {incident}），详情见机器人日志。请点击“刷新”重试。"
    ),
}
