"""The command grammar, as users read it. One text for Slack, the shell and the CLI."""

from __future__ import annotations

USAGE = """\
<instance> [window] [failed|running] [status <s>[,<s>]] [name <glob>] [page <n>]
    background tasks of an instance (by name or id), newest first
<instance> task <task-id>            one task with its params
instances                            the Kafka instances in the project
subscribe <instance> [failed|all] [name <glob>]
unsubscribe <instance>
subscriptions                        this channel's task-finished notifications
help

windows:  last 30m | last 1h | last 2h30m | last 7d | since 09:00
          since 2026-11-27 08:00 | from 08:00 to 10:30 | today | yesterday
          20261127080000 (the API's own form, UTC)
          default: last 24h; times without a zone are read in your time zone
          (add UTC, +08:00 or Asia/Shanghai to say otherwise)
statuses: CREATED EXECUTING SUCCESS FAILED DELETED CANCELLED

examples: prod-orders last 1h
          prod-orders failed since 09:00
          prod-orders yesterday name restart*
"""
