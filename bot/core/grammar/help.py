"""The command grammar, as users read it. One text for Slack, the shell and the CLI.

Every example here works as written on any day (tests/scenarios/test_examples.py runs each):
a form that needs a date shows where the date goes (YYYY-MM-DD) rather than one that
would be too old to ask about some months later.
"""

from __future__ import annotations

from bot.i18n import Lang

USAGE = """\
<instance> [window] [failed|running] [status <s>[,<s>]] [name <glob>] [page <n>]
    background tasks of an instance (by name or id), newest first
<instance> task <task-id>            one task with its params
<instance> timeline [window]         what happened: tasks, operations, alarms (last 6h)
<instance> scheduled                 changes DMS will make later; Reschedule or Cancel them
instances                            the Kafka instances in the project
subscribe <instance> [failed|all] [name <glob>] [lang zh|en] [daily HH:MM [zone]]
          [quiet 22:00-08:00 [UTC] [all]]
    task-finished notifications here; daily: a summary of the day before, every day at
    that time; quiet: held until 08:00 (failures too with all)
unsubscribe <instance>
subscriptions                        this channel's task-finished notifications
help

windows:  last 30m | last 1h | last 2h30m | last 7d | since 09:00
          since YYYY-MM-DD 08:00 | from 08:00 to 10:30 | today | yesterday
          YYYYMMDDHHmmss (the API's own form, UTC); dates of the last 90 days
          default: last 24h; times without a zone are read in your time zone
          (add UTC, +08:00 or Asia/Shanghai to say otherwise)
statuses: CREATED EXECUTING SUCCESS FAILED DELETED CANCELLED

examples: prod-orders last 1h
          prod-orders failed since 09:00
          prod-orders yesterday name restart*
"""

# The same grammar explained in Chinese. The command words stay as typed above (the
# grammar reads them in both languages, and Chinese forms such as 最近1小时 as well); the
# placeholders for what the user fills in are said in Chinese.
USAGE_ZH = """\
<实例> [时间窗口] [failed|running] [status <状态>[,<状态>]] [name <通配符>] [page <页码>]
    实例（名称或 ID）的后台任务，最新的在前
<实例> task <任务ID>                 单个任务及其参数
<实例> timeline [时间窗口]           发生了什么：任务、操作与告警（默认最近 6 小时）
<实例> scheduled                     DMS 稍后将执行的变更（或写“计划”）；可改期或取消
instances                            本项目的 Kafka 实例
subscribe <实例> [failed|all] [name <通配符>] [lang zh|en] [daily HH:MM [时区]]
          [quiet 22:00-08:00 [UTC] [all]]
                                     任务结束时通知本频道（failed：仅失败；all：全部；
                                     lang：通知的语言；daily：每天该时间发送前一天的摘要；
                                     quiet：免打扰时段，期间的通知在结束时合为一条发出，
                                     加 all 则失败也不打扰）
unsubscribe <实例>                   取消订阅
subscriptions                        本频道的任务结束通知
help                                 显示本帮助

时间窗口: last 30m | last 1h | last 2h30m | last 7d | since 09:00
          since YYYY-MM-DD 08:00 | from 08:00 to 10:30 | today | yesterday
          YYYYMMDDHHmmss（API 自身的格式，UTC）
          中文写法也可以，例如 最近1小时；日期须在最近 90 天内
          默认 last 24h；不带时区的时间按你的时区解读
          （加上 UTC、+08:00 或 Asia/Shanghai 可指定时区）
状态:     CREATED（已创建） EXECUTING（执行中） SUCCESS（成功）
          FAILED（失败） DELETED（已删除） CANCELLED（已取消）

示例:     prod-orders last 1h
          prod-orders failed since 09:00
          prod-orders yesterday name restart*
"""


def usage(lang: Lang = "en") -> str:
    """The grammar as users read it, in ``lang``."""
    return USAGE_ZH if lang == "zh" else USAGE
